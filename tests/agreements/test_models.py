"""Rules of the agreements models: each rejected by full_clean with a message and by the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agreements.models import Agreement, Deliverable, Document, Initiative, Measurement
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    InitiativeFactory,
    MeasurementFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def assert_db_rejects(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def assert_invalid(instance, field):
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    assert field in error.value.message_dict, error.value.message_dict
    return error.value.message_dict[field][0]


def test_agreement_end_before_start_is_rejected(city):
    agreement = AgreementFactory.build(
        municipality=city, public_id="272299-2024-001", starts_on=D(2024, 4, 1), ends_on=D(2024, 3, 31)
    )
    assert "end date" in assert_invalid(agreement, "ends_on")
    assert_db_rejects(agreement.save)


def test_agreement_cannot_start_before_it_is_signed(city):
    agreement = AgreementFactory.build(
        municipality=city, public_id="272299-2024-001", signed_on=D(2024, 5, 1), starts_on=D(2024, 4, 1)
    )
    assert "signed" in assert_invalid(agreement, "starts_on")
    assert_db_rejects(agreement.save)


def test_agreement_dates_may_be_open(city):
    AgreementFactory.build(municipality=city, public_id="272299-2024-001", signed_on=None, ends_on=None).full_clean()


def test_agreement_costs_cannot_be_negative(city):
    agreement = AgreementFactory.build(municipality=city, public_id="272299-2024-001", municipal_cost_jpy=-1)
    assert_invalid(agreement, "municipal_cost_jpy")
    assert_db_rejects(agreement.save)
    agreement = AgreementFactory.build(municipality=city, public_id="272299-2024-002", partner_contribution_jpy=-5)
    assert_invalid(agreement, "partner_contribution_jpy")
    assert_db_rejects(agreement.save)


def test_zero_budget_is_derived_from_the_municipal_cost(city):
    free = AgreementFactory(municipality=city, municipal_cost_jpy=0)
    paid = AgreementFactory(municipality=city, municipal_cost_jpy=1_200_000)
    free.refresh_from_db()
    paid.refresh_from_db()
    assert free.zero_budget is True and paid.zero_budget is False
    assert list(Agreement.objects.filter(zero_budget=True)) == [free]


def test_public_id_unique_and_well_formed(city):
    AgreementFactory(municipality=city, public_id="272299-2024-001")
    assert_db_rejects(lambda: AgreementFactory(municipality=city, public_id="272299-2024-001"))
    bad = AgreementFactory.build(municipality=city, public_id="2024-1")
    assert "272299-2024-001" in assert_invalid(bad, "public_id")
    assert_db_rejects(bad.save)


def test_status_cannot_jump_outside_the_lifecycle(city):
    agreement = AgreementFactory(municipality=city)
    agreement = Agreement.objects.get(pk=agreement.pk)
    agreement.status = "expired"  # draft → expired skips active
    assert "cannot move" in assert_invalid(agreement, "status")


def test_active_agreement_needs_a_signature_date(city):
    agreement = AgreementFactory(municipality=city, signed_on=None)
    assert_db_rejects(lambda: Agreement.objects.filter(pk=agreement.pk).update(status="active"))


def test_parent_must_be_a_comprehensive_agreement_of_the_same_city(city, other_city):
    memo = AgreementFactory(municipality=city, kind="memorandum")
    child = AgreementFactory.build(municipality=city, public_id="272299-2024-099", kind="individual", parent=memo)
    assert_invalid(child, "parent")  # only comprehensive agreements may be parents
    foreign = AgreementFactory(municipality=other_city, kind="comprehensive")
    child.parent = foreign
    # the message of an id that does not exist: nothing said about another city's agreement
    assert assert_invalid(child, "parent") == "Choose a comprehensive agreement of this municipality."


def test_auto_renewal_needs_a_term(city):
    agreement = AgreementFactory.build(municipality=city, public_id="272299-2024-001", auto_renewal=True)
    assert_invalid(agreement, "renewal_term_months")


def test_one_lead_partner_per_agreement(city):
    agreement = AgreementFactory(municipality=city)
    PartyFactory(agreement=agreement, role="lead_partner")
    assert_db_rejects(lambda: PartyFactory(agreement=agreement, role="lead_partner"))


def test_same_organization_is_a_party_once(city, organization):
    agreement = AgreementFactory(municipality=city)
    PartyFactory(agreement=agreement, organization=organization)
    assert_db_rejects(lambda: PartyFactory(agreement=agreement, organization=organization, role="supporter"))


def test_document_is_a_file_or_a_url(city):
    agreement = AgreementFactory(municipality=city)
    neither = Document(agreement=agreement, kind="report", title="報告書")
    with pytest.raises(ValidationError):
        neither.full_clean()
    assert_db_rejects(neither.save)


@pytest.mark.parametrize("progress", [-1, 101])
def test_deliverable_progress_is_a_percentage(progress):
    deliverable = DeliverableFactory.build(initiative=InitiativeFactory(), progress=progress)
    assert_invalid(deliverable, "progress")
    assert_db_rejects(deliverable.save)


def test_met_deliverable_needs_the_date_met():
    deliverable = DeliverableFactory.build(initiative=InitiativeFactory(), status="met", progress=100)
    assert_invalid(deliverable, "met_on")
    assert_db_rejects(deliverable.save)


def test_deliverable_weight_at_least_one():
    deliverable = DeliverableFactory.build(initiative=InitiativeFactory(), weight=0)
    assert_invalid(deliverable, "weight")
    assert_db_rejects(deliverable.save)


def test_responsible_organization_must_be_a_party(organization):
    deliverable = DeliverableFactory.build(initiative=InitiativeFactory(), responsible=organization)
    assert "party" in assert_invalid(deliverable, "responsible")
    PartyFactory(agreement=deliverable.initiative.agreement, organization=organization)
    deliverable.full_clean()


def test_initiative_costs_and_dates(city):
    initiative = InitiativeFactory.build(agreement=AgreementFactory(municipality=city), in_kind_value_jpy=-1)
    assert_invalid(initiative, "in_kind_value_jpy")
    assert_db_rejects(initiative.save)
    initiative = InitiativeFactory.build(agreement=initiative.agreement, starts_on=D(2025, 1, 1), ends_on=D(2024, 1, 1))
    assert_invalid(initiative, "ends_on")
    assert_db_rejects(initiative.save)


def test_initiative_progress_is_the_weighted_mean_of_its_deliverables():
    initiative = InitiativeFactory()
    DeliverableFactory(initiative=initiative, progress=100, weight=3, status="met", met_on=D(2025, 1, 1))
    DeliverableFactory(initiative=initiative, progress=0, weight=1)
    DeliverableFactory(initiative=initiative, progress=10, weight=50, status="cancelled")  # not counted
    annotated = Initiative.objects.with_progress().get(pk=initiative.pk)
    assert annotated.progress_weighted == pytest.approx(75.0)
    assert Initiative.objects.get(pk=initiative.pk).progress == pytest.approx(75.0)


def test_initiative_without_deliverables_has_no_progress():
    assert Initiative.objects.with_progress().get(pk=InitiativeFactory().pk).progress_weighted is None


def test_returned_progress_update_needs_a_comment():
    update = ProgressUpdateFactory.build(deliverable=DeliverableFactory(), review_status="returned")
    assert_invalid(update, "review_comment")
    assert_db_rejects(update.save)


def test_indicator_target_must_improve_in_its_direction():
    indicator = OutcomeIndicatorFactory.build(
        agreement=AgreementFactory(), direction="lower", baseline_value=Decimal(14), target_value=Decimal(20)
    )
    assert "below the baseline" in assert_invalid(indicator, "target_value")
    assert_db_rejects(indicator.save)


def test_one_measurement_per_indicator_and_period():
    measurement = MeasurementFactory()
    duplicate = Measurement(
        indicator=measurement.indicator,
        period_start=measurement.period_start,
        period_end=measurement.period_end,
        value=Decimal(5),
        measured_by="city",
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already has a value" in str(error.value)
    assert_db_rejects(duplicate.save)


def test_measurement_period_in_order():
    measurement = MeasurementFactory.build(
        indicator=OutcomeIndicatorFactory(), period_start=D(2025, 1, 1), period_end=D(2024, 1, 1)
    )
    assert_invalid(measurement, "period_end")
    assert_db_rejects(measurement.save)


def test_attainment_runs_from_baseline_to_target():
    indicator = OutcomeIndicatorFactory(direction="lower", baseline_value=Decimal(14), target_value=Decimal(4))
    measurement = MeasurementFactory(indicator=indicator, value=Decimal(9))
    assert measurement.attainment == Decimal("0.5")
    assert indicator.attainment(Decimal(4)) == 1
    assert indicator.attainment(Decimal(14)) == 0


def test_every_model_keeps_its_history():
    deliverable = DeliverableFactory()
    deliverable.progress = 40
    deliverable.save()
    assert deliverable.history.count() == 2
    assert deliverable.history.first().progress == 40
    for model in (Agreement, Initiative, Deliverable, Document, Measurement):
        assert hasattr(model, "history"), model
