"""Issue 11: a municipality's life (valid from, until, successor) and a public body as a party."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnerships.models import Municipality, Organization, OrganizationKind
from partnerships.services import organization_for_public_body
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_a_municipality_cannot_end_before_it_began(city):
    """Given valid_until before valid_from, then clean() and the database refuse it."""
    city.valid_from = datetime.date(2006, 1, 1)
    city.valid_until = datetime.date(2005, 12, 31)
    with pytest.raises(ValidationError) as error:
        city.full_clean()
    assert "valid_until" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        city.save()


def test_current_leaves_out_merged_municipalities(city, other_city):
    """Given a municipality merged into another yesterday, then current() lists only the living ones,
    and the merged one names its successor."""
    merged = MunicipalityFactory(
        valid_from=datetime.date(1956, 1, 1),
        valid_until=datetime.date.today() - datetime.timedelta(days=1),
        successor=city,
    )
    later = MunicipalityFactory(valid_until=datetime.date.today() + datetime.timedelta(days=30))
    current = set(Municipality.objects.current())
    assert city in current and other_city in current and later in current and merged not in current
    assert list(city.predecessors.all()) == [merged]


def test_an_organization_that_is_a_city_is_a_public_body_with_its_name_and_number(city):
    """Given an organization linked to a city, then clean() wants kind public and the city's name, and
    fills in the city's corporate number."""
    wrong = Organization(name="別の名前", kind=OrganizationKind.COMPANY, municipality=city)
    with pytest.raises(ValidationError) as error:
        wrong.full_clean()
    assert {"kind", "name"} <= set(error.value.message_dict)
    right = Organization(name=city.name, kind=OrganizationKind.PUBLIC, municipality=city)
    right.full_clean()
    assert right.corporate_number == city.corporate_number


def test_the_public_body_of_a_city_is_made_once(city):
    """Given a city, when its organization is asked for twice, then one organization is made: the city's
    name, kind public, its prefecture, its corporate number, made by the system (no history user)."""
    first = organization_for_public_body(municipality=city)
    second = organization_for_public_body(municipality=city)
    assert first.pk == second.pk and Organization.objects.filter(municipality=city).count() == 1
    assert (first.name, first.kind, first.prefecture_id) == (city.name, "public", city.prefecture_id)
    assert first.corporate_number == city.corporate_number
    assert first.history.first().history_user is None
    assert city.as_organization == first


def test_an_existing_organization_with_the_citys_number_is_linked_not_duplicated(city):
    """Given an organization registered earlier with the city's corporate number, then it is linked."""
    earlier = Organization.objects.create(
        name=city.name, kind=OrganizationKind.PUBLIC, corporate_number=city.corporate_number
    )
    assert organization_for_public_body(municipality=city).pk == earlier.pk


def test_new_kinds_of_organization():
    """National government agencies and assemblies are kinds of their own."""
    assert {"national", "council", "public"} <= set(OrganizationKind.values)
