"""Who sees which agreements: the visibility rule shared by admin, API and pages."""

import pytest
from django.contrib.auth.models import AnonymousUser

from agreements.models import Agreement
from tests.factories import AgreementFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreements(city, other_city, organization):
    return {
        "own_draft": AgreementFactory(municipality=city),
        "own_published": AgreementFactory(municipality=city, published=True, published_at="2024-05-01T00:00+09:00"),
        "other_draft": AgreementFactory(municipality=other_city),
        "partner_draft": PartyFactory(
            agreement=AgreementFactory(municipality=other_city), organization=organization
        ).agreement,
    }


def visible(user):
    return set(Agreement.objects.visible_to(user).values_list("pk", flat=True))


def test_public_sees_only_published(agreements):
    assert visible(AnonymousUser()) == {agreements["own_published"].pk}


def test_officer_sees_own_city_and_published(agreements, viewer):
    assert visible(viewer) == {agreements["own_draft"].pk, agreements["own_published"].pk}


def test_partner_sees_its_agreements_and_published(agreements, partner):
    assert visible(partner) == {agreements["partner_draft"].pk, agreements["own_published"].pk}


def test_superuser_sees_everything(agreements):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert visible(admin) == {a.pk for a in agreements.values()}


def test_inactive_user_is_treated_as_public(agreements, viewer):
    viewer.is_active = False
    assert visible(viewer) == {agreements["own_published"].pk}
