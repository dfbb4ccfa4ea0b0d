"""Registering organizations: organization_save and organizations_register share one rule (issue 12)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partnerships.models import Organization
from partnerships.services import organization_save, organizations_register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "allowed"), [("viewer", False), ("editor", True), ("other_editor", True)])
def test_one_and_many_are_registered_under_the_same_rule(request, who, allowed):
    by = request.getfixturevalue(who)
    answers = []
    for register in (
        lambda: organization_save(organization=Organization(name="株式会社単", kind="company"), by=by),
        lambda: organizations_register(organizations=[Organization(name="株式会社複", kind="company")], by=by),
    ):
        try:
            register()
            answers.append(True)
        except PermissionDenied:
            answers.append(False)
    assert answers == [allowed, allowed]


def test_an_organization_full_clean_refuses_is_refused_by_both():
    """A corporate number already registered: the same message from full_clean and from the bulk check."""
    Organization.objects.create(name="株式会社既存", kind="company", corporate_number="4000020270008")
    with pytest.raises(ValidationError) as one:
        organization_save(
            organization=Organization(name="株式会社重複", kind="company", corporate_number="4000020270008"), by=None
        )
    with pytest.raises(ValidationError) as many:
        organizations_register(
            organizations=[Organization(name="株式会社重複", kind="company", corporate_number="4000020270008")], by=None
        )

    assert many.value.messages == [f"株式会社重複: {one.value.message_dict['corporate_number'][0]}"]
    assert Organization.objects.count() == 1
