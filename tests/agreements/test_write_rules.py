"""Rules of issue 10 kept in the services and models, so every path gives the same answer: the public
id allocation, one pending report per deliverable, partners' measurements, who verifies, which
agreements may be deleted, plausible dates and neutral messages about other municipalities."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agreements import services
from agreements.models import Agreement, Measurement, ProgressUpdate
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    DepartmentFactory,
    InitiativeFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


# --- public ids: never fail on our own allocation ---------------------------------------------------


def test_create_takes_the_next_number_when_the_one_it_read_was_just_taken(city, editor, monkeypatch):
    """The race, replayed: the number read is taken by someone else before the insert. It used to be a
    400 "already exists" from full_clean's uniqueness check, before the retry could take the next."""
    AgreementFactory(municipality=city, public_id="272299-2024-001")
    stale = iter(["272299-2024-001"])  # what a creator read just before the other one committed
    real = services.agreement_next_public_id
    monkeypatch.setattr(
        services, "agreement_next_public_id", lambda **kw: next(stale, None) or real(**kw), raising=True
    )

    created = services.agreement_create(
        municipality=city, by=editor, kind="other", title="同時に作成", signed_on=D(2024, 5, 1)
    )

    assert created.public_id == "272299-2024-002"
    assert Agreement.objects.filter(municipality=city).count() == 2


def test_a_given_public_id_that_exists_is_still_a_validation_error(city, editor):
    """Imports give their own ids: a taken one is the caller's mistake, said as such (not retried)."""
    AgreementFactory(municipality=city, public_id="272299-2024-001")
    with pytest.raises(ValidationError) as error:
        services.agreement_create(municipality=city, by=editor, public_id="272299-2024-001", kind="other", title="重複")
    assert "public_id" in error.value.message_dict
    assert Agreement.objects.count() == 1


def test_create_always_starts_a_draft_even_from_a_filled_in_instance(city, editor):
    """An instance a form filled in (the admin) cannot bring its own status or publication."""
    agreement = Agreement(kind="other", title="管理画面から", status="active", published=True)

    created = services.agreement_create(municipality=city, by=editor, agreement=agreement, fields=None)

    assert created is agreement and created.pk
    assert (created.status, created.published, created.created_by) == ("draft", False, editor)
    assert created.public_id.startswith("272299-")


# --- one pending progress report per deliverable --------------------------------------------------


@pytest.fixture
def deliverable(city, organization):
    agreement = AgreementFactory(municipality=city)
    PartyFactory(agreement=agreement, organization=organization)
    return DeliverableFactory(initiative=InitiativeFactory(agreement=agreement), responsible=organization)


def test_a_second_report_while_one_waits_is_refused_and_nothing_is_stored(deliverable, partner):
    first = services.progress_update_submit(deliverable=deliverable, by=partner, progress=40, status="in_progress")

    for progress in (40, 60):  # the same report again (a double submit), or a different one
        with pytest.raises(ValidationError, match="already waiting for review"):
            services.progress_update_submit(
                deliverable=deliverable, by=partner, progress=progress, status="in_progress"
            )

    assert list(ProgressUpdate.objects.values_list("pk", flat=True)) == [first.pk]


def test_once_reviewed_the_partner_reports_again(deliverable, partner, approver):
    first = services.progress_update_submit(deliverable=deliverable, by=partner, progress=40, status="in_progress")
    services.progress_update_return(update=first, by=approver, comment="写真を添付してください")

    second = services.progress_update_submit(deliverable=deliverable, by=partner, progress=45, status="in_progress")
    services.progress_update_accept(update=second, by=approver)
    third = services.progress_update_submit(deliverable=deliverable, by=partner, progress=70, status="in_progress")

    assert third.review_status == "pending"
    assert ProgressUpdate.objects.filter(deliverable=deliverable).count() == 3


def test_the_database_refuses_a_second_pending_report(deliverable):
    """The named partial constraint holds when a path skips full_clean (a bulk insert, a raw write)."""
    ProgressUpdateFactory(deliverable=deliverable)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdateFactory(deliverable=deliverable)
    ProgressUpdateFactory(deliverable=deliverable, review_status="returned", review_comment="差し戻し")
    assert ProgressUpdate.objects.filter(deliverable=deliverable).count() == 2


def test_full_clean_says_a_report_is_waiting(deliverable):
    ProgressUpdateFactory(deliverable=deliverable)
    second = ProgressUpdateFactory.build(deliverable=deliverable)
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "already waiting for review" in " ".join(error.value.messages)


# --- partners' measurements and who verifies --------------------------------------------------------


@pytest.fixture
def partner_kpi(city, organization):
    agreement = AgreementFactory(municipality=city)
    PartyFactory(agreement=agreement, organization=organization)
    return OutcomeIndicatorFactory(agreement=agreement, reporter=organization)


def record(indicator, by, **changes):
    data = {"period_start": D(2024, 4, 1), "period_end": D(2025, 3, 31), "value": Decimal(9)}
    data["measured_by"] = "partner"
    return services.measurement_record(indicator=indicator, by=by, **(data | changes))


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"measured_by": "city"}, "measured_by"), ({"verified": True}, "verified")],
)
def test_a_partner_cannot_report_a_city_measured_or_verified_value(partner_kpi, partner, changes, field):
    with pytest.raises(ValidationError) as error:
        record(partner_kpi, partner, **changes)
    assert list(error.value.message_dict) == [field]
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("measured_by", ["partner", "independent"])
def test_a_partner_reports_its_own_or_an_independent_value(partner_kpi, partner, measured_by):
    measurement = record(partner_kpi, partner, measured_by=measured_by)
    assert (measurement.review_status, measurement.verified, measurement.reported_by) == ("pending", False, partner)


def test_an_officer_records_the_city_s_value(partner_kpi, editor):
    measurement = record(partner_kpi, editor, measured_by="city", verified=True)
    assert (measurement.review_status, measurement.verified) == ("accepted", True)


def test_an_editor_cannot_verify_a_partner_s_pending_value(partner_kpi, partner, editor, approver):
    measurement = record(partner_kpi, partner)

    measurement.verified = True
    with pytest.raises(ValidationError) as error:
        services.agreement_record_save(instance=measurement, by=editor)
    assert list(error.value.message_dict) == ["verified"]
    assert Measurement.objects.get(pk=measurement.pk).verified is False

    services.agreement_record_save(instance=measurement, by=approver)
    assert Measurement.objects.get(pk=measurement.pk).verified is True


def test_an_editor_still_corrects_a_value_without_touching_verified(partner_kpi, partner, editor):
    measurement = record(partner_kpi, partner)
    measurement.note = "単位を修正"
    services.agreement_record_save(instance=measurement, by=editor)
    assert Measurement.objects.get(pk=measurement.pk).note == "単位を修正"


def test_a_new_measurement_saved_as_a_record_follows_measurement_record(partner_kpi, partner):
    """agreement_record_save of a new value is measurement_record: a partner's waits, never the city's."""
    measurement = Measurement(
        indicator=partner_kpi, period_start=D(2024, 4, 1), period_end=D(2025, 3, 31), value=1, measured_by="city"
    )
    with pytest.raises(ValidationError):
        services.agreement_record_save(instance=measurement, by=partner)
    measurement.measured_by = "partner"
    services.agreement_record_save(instance=measurement, by=partner)
    assert Measurement.objects.get().review_status == "pending"


# --- deleting agreements ------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["active", "negotiating", "published draft"])
def test_only_an_unpublished_draft_is_deleted(city, editor, approver, state):
    agreement = AgreementFactory(municipality=city)
    if state == "published draft":
        Agreement.objects.filter(pk=agreement.pk).update(published=True, published_at=timezone.now())
    else:
        Agreement.objects.filter(pk=agreement.pk).update(status=state)
    agreement.refresh_from_db()

    assert services.agreement_delete_refusal(agreement=agreement)
    for user in (editor, approver):
        with pytest.raises(ValidationError, match="Only an unpublished draft can be deleted"):
            services.agreement_delete(agreement=agreement, by=user)
    assert Agreement.objects.filter(pk=agreement.pk).exists()


def test_a_draft_with_individual_agreements_under_it_stays(city, editor):
    parent = AgreementFactory(municipality=city)
    AgreementFactory(municipality=city, kind="individual", parent=parent)
    assert "Individual agreements" in services.agreement_delete_refusal(agreement=parent)
    with pytest.raises(ValidationError):
        services.agreement_delete(agreement=parent, by=editor)


def test_a_viewer_is_refused_before_the_rule(city, viewer):
    agreement = AgreementFactory(municipality=city)
    assert services.agreement_delete_refusal(agreement=agreement) is None
    with pytest.raises(PermissionDenied):
        services.agreement_delete(agreement=agreement, by=viewer)
    assert Agreement.objects.filter(pk=agreement.pk).exists()


# --- plausible dates and neutral messages --------------------------------------------------------------


@pytest.mark.parametrize("year", [1, 1949, 2101, 9999])
def test_dates_outside_1950_2100_are_refused(city, year):
    agreement = AgreementFactory.build(
        municipality=city, public_id="272299-2024-001", signed_on=D(year, 4, 1), starts_on=None, ends_on=None
    )
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert error.value.message_dict["signed_on"] == ["Enter a date between the years 1950 and 2100."]


def test_every_date_of_the_agreement_models_has_the_year_rule():
    from django.apps import apps

    dates = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config("agreements").get_models()
        if not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if field.get_internal_type() == "DateField" and field.editable
    ]
    without = [name for name in dates if "validate_plausible_date" not in str(_validators(name))]
    assert len(dates) >= 16 and not without, without


def _validators(name):
    from django.apps import apps

    model_name, field_name = name.split(".")
    return [v.__name__ for v in apps.get_model("agreements", model_name)._meta.get_field(field_name).validators]


def test_another_city_s_department_and_parent_get_neutral_messages(city, other_city):
    other_parent = AgreementFactory(municipality=other_city, kind="comprehensive")
    agreement = AgreementFactory.build(
        municipality=city,
        public_id="272299-2024-001",
        kind="individual",
        department=DepartmentFactory(municipality=other_city),
        parent=other_parent,
    )
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert error.value.message_dict["department"] == ["Choose a department of this municipality."]
    assert error.value.message_dict["parent"] == ["Choose a comprehensive agreement of this municipality."]


def test_a_parent_of_another_kind_gets_the_same_message_once(city):
    individual = AgreementFactory(municipality=city, kind="individual")
    agreement = AgreementFactory.build(
        municipality=city, public_id="272299-2024-009", kind="individual", parent=individual
    )
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert error.value.message_dict["parent"] == ["Choose a comprehensive agreement of this municipality."]


def test_a_contact_of_another_city_s_department_gets_the_neutral_message(city, other_city):
    from tests.factories import ContactFactory

    contact = ContactFactory.build(
        organization=None, municipality=city, department=DepartmentFactory(municipality=other_city)
    )
    with pytest.raises(ValidationError) as error:
        contact.full_clean()
    assert error.value.message_dict["department"] == ["Choose a department of this municipality."]


def test_the_migration_returns_all_but_the_latest_pending_report(postgres_only, deliverable):
    """Existing data before the constraint: a deliverable's older pending reports are returned with a
    comment, the newest one waits for review (PostgreSQL: the constraint is dropped and restored inside
    the test's transaction)."""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("agreements.migrations.0005_plausible_dates_one_pending_report")
    constraint = next(c for c in ProgressUpdate._meta.constraints if c.name == "progress_update_one_pending")
    with connection.schema_editor() as editor:
        editor.remove_constraint(ProgressUpdate, constraint)
    older, newer = ProgressUpdateFactory(deliverable=deliverable), ProgressUpdateFactory(deliverable=deliverable)
    alone = ProgressUpdateFactory(deliverable=DeliverableFactory(initiative=deliverable.initiative))

    migration.return_all_but_the_latest_pending_report(apps, None)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks before an index
    with connection.schema_editor() as editor:
        editor.add_constraint(ProgressUpdate, constraint)

    states = dict(ProgressUpdate.objects.values_list("pk", "review_status"))
    assert states == {older.pk: "returned", newer.pk: "pending", alone.pk: "pending"}
    assert ProgressUpdate.objects.get(pk=older.pk).review_comment
