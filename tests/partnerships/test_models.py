"""Rules of the partnerships models, each enforced by the model (full_clean) and by the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnerships.models import Contact, Membership, Municipality, Organization, Role
from tests.factories import MunicipalityFactory, OrganizationFactory, PrefectureFactory, UserFactory

pytestmark = pytest.mark.django_db


def assert_db_rejects(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_municipality_code_with_wrong_check_digit_is_rejected_by_model_and_database():
    osaka = PrefectureFactory()
    bad = Municipality(code="272290", name="四條畷市", kind="city", prefecture=osaka)
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "code" in error.value.message_dict
    assert "272299" not in str(error.value) and "9" in error.value.message_dict["code"][0]
    assert_db_rejects(bad.save)


def test_municipality_derives_corporate_number_and_prefecture_code(city):
    assert city.corporate_number == "6000020272299"
    city.refresh_from_db()
    assert city.prefecture_code == "27"
    assert city.full_name == "大阪府四條畷市"


def test_municipality_code_is_unique(city):
    assert_db_rejects(
        lambda: Municipality.objects.create(code="272299", name="x", kind="city", prefecture=city.prefecture)
    )


def test_municipality_outside_its_prefecture_is_rejected():
    osaka = PrefectureFactory()
    tokyo_ward = Municipality(code="131016", name="千代田区", kind="special_ward", prefecture=osaka)
    with pytest.raises(ValidationError) as error:
        tokyo_ward.full_clean()
    assert "prefecture" in error.value.message_dict


def test_non_prefecture_needs_a_prefecture_in_the_database():
    assert_db_rejects(lambda: Municipality.objects.create(code="272299", name="四條畷市", kind="city"))


def test_population_needs_its_date():
    city = MunicipalityFactory.build(prefecture=PrefectureFactory(), population=55000)
    with pytest.raises(ValidationError) as error:
        city.full_clean()
    assert "population_counted_on" in error.value.message_dict
    city.population_counted_on = datetime.date(2024, 1, 1)
    city.full_clean()


def test_organization_corporate_number_check_digit_model_and_database():
    org = Organization(corporate_number="5000020270008", name="x", kind="company")
    with pytest.raises(ValidationError) as error:
        org.full_clean()
    assert "should start with 4" in error.value.message_dict["corporate_number"][0]
    assert_db_rejects(org.save)


def test_organization_corporate_number_unique_where_present():
    OrganizationFactory(corporate_number="4000020270008")
    assert_db_rejects(lambda: Organization.objects.create(corporate_number="4000020270008", name="y", kind="npo"))
    # Organizations without a number (e.g. a voluntary group) may be many.
    Organization.objects.create(corporate_number="", name="任意団体A", kind="other")
    Organization.objects.create(corporate_number=None, name="任意団体B", kind="other")
    assert Organization.objects.filter(corporate_number__isnull=True).count() == 2


def test_membership_is_on_exactly_one_side(city, organization):
    user = UserFactory()
    both = Membership(user=user, municipality=city, organization=organization, role=Role.EDITOR)
    with pytest.raises(ValidationError):
        both.full_clean()
    assert_db_rejects(both.save)
    assert_db_rejects(lambda: Membership.objects.create(user=user, role=Role.EDITOR))


def test_partner_cannot_be_an_approver(organization):
    membership = Membership(user=UserFactory(), organization=organization, role=Role.APPROVER)
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "role" in error.value.message_dict
    assert_db_rejects(membership.save)


def test_one_membership_per_user_and_municipality(city):
    user = UserFactory()
    Membership.objects.create(user=user, municipality=city, role=Role.VIEWER)
    assert_db_rejects(lambda: Membership.objects.create(user=user, municipality=city, role=Role.EDITOR))


def test_contact_belongs_to_one_side(city, organization):
    contact = Contact(name="山田 花子", municipality=city, organization=organization)
    with pytest.raises(ValidationError):
        contact.full_clean()
    assert_db_rejects(contact.save)


def test_changes_are_kept_in_history(city):
    city.population = 54000
    city.population_counted_on = datetime.date(2025, 10, 1)
    city.save()
    assert [h.population for h in city.history.all()] == [54000, None]
