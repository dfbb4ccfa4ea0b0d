"""Who may import: editors (and approvers) of the municipality; not a viewer, not another city's officer,
not a partner. A refused import changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from outcomes.models import Case, CaseImport
from outcomes.services import cases_import

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def attempt(city, good_file, by):
    return cases_import(municipality=city, name="cases.csv", source=good_file, by=by, today=TODAY)


def test_an_editor_imports(city, editor, good_file):
    attempt(city, good_file, editor)
    assert Case.objects.count() == 3
    assert CaseImport.objects.get().imported_by == editor


@pytest.mark.parametrize("who", ["viewer", "other_editor", "partner"])
def test_others_are_refused_and_nothing_changes(request, city, good_file, who):
    attempt(city, good_file, None)  # cases already there, imported by the system
    keys = sorted(Case.objects.values_list("case_key", "decided_on"))
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        attempt(city, good_file, user)

    assert sorted(Case.objects.values_list("case_key", "decided_on")) == keys
    assert CaseImport.objects.count() == 1
