"""Service functions: the lifecycle, publication, reports and their review, with roles enforced."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import services
from agreements.models import Agreement
from partnerships.access import officer_has_role
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    InitiativeFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    ready_to_publish,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_create_assigns_the_next_public_id_of_the_city_and_year(city, editor):
    first = services.agreement_create(
        municipality=city, by=editor, kind="comprehensive", title="包括連携協定", signed_on=D(2024, 7, 1)
    )
    second = services.agreement_create(
        municipality=city, by=editor, kind="individual", title="個別協定", signed_on=D(2024, 9, 1), parent=first
    )
    assert (first.public_id, second.public_id) == ("272299-2024-001", "272299-2024-002")
    assert first.status == "draft" and not first.published
    assert first.history.first().history_user == editor


def test_create_sets_cooperation_fields(city, editor):
    from agreements.models import CooperationField

    fields = CooperationField.objects.filter(code__in=["childcare", "education"])
    agreement = services.agreement_create(municipality=city, by=editor, kind="other", title="t", fields=fields)
    assert set(agreement.fields.values_list("code", flat=True)) == {"childcare", "education"}


def test_create_validates_with_the_model_rules(city, editor):
    with pytest.raises(ValidationError) as error:
        services.agreement_create(
            municipality=city, by=editor, kind="other", title="t", starts_on=D(2025, 1, 1), ends_on=D(2024, 1, 1)
        )
    assert "ends_on" in error.value.message_dict
    assert not Agreement.objects.exists()  # nothing half-written


@pytest.mark.parametrize("who", ["viewer", "other_editor", "partner"])
def test_only_editors_of_the_city_create_agreements(city, who, request):
    with pytest.raises(PermissionDenied):
        services.agreement_create(municipality=city, by=request.getfixturevalue(who), kind="other", title="t")


def test_lifecycle_moves_along_the_allowed_path(city, editor):
    agreement = AgreementFactory(municipality=city)
    services.agreement_start_negotiation(agreement=agreement, by=editor)
    services.agreement_activate(agreement=agreement, by=editor)
    services.agreement_expire(agreement=agreement)
    assert agreement.status == "expired"
    assert [h.status for h in agreement.history.all()][:3] == ["expired", "active", "negotiating"]


def test_lifecycle_refuses_a_move_outside_it(city, editor):
    agreement = AgreementFactory(municipality=city)
    with pytest.raises(ValidationError) as error:
        services.agreement_expire(agreement=agreement, by=editor)
    assert "cannot move from Draft to Expired" in str(error.value)
    agreement.refresh_from_db()
    assert agreement.status == "draft"


def test_activation_needs_a_signature_date(city, editor):
    agreement = AgreementFactory(municipality=city, signed_on=None, starts_on=None)
    with pytest.raises(ValidationError) as error:
        services.agreement_activate(agreement=agreement, by=editor)
    assert "signed_on" in error.value.message_dict
    services.agreement_activate(agreement=Agreement.objects.get(pk=agreement.pk), by=editor, signed_on=D(2024, 1, 5))


def test_terminated_is_final(city, editor):
    agreement = AgreementFactory(municipality=city)
    services.agreement_activate(agreement=agreement, by=editor)
    services.agreement_terminate(agreement=agreement, by=editor)
    with pytest.raises(ValidationError):
        services.agreement_activate(agreement=agreement, by=editor)


def test_update_cannot_touch_status_or_publication(city, editor):
    agreement = AgreementFactory(municipality=city)
    with pytest.raises(ValidationError):
        services.agreement_update(agreement=agreement, by=editor, status="active")
    with pytest.raises(ValidationError):
        services.agreement_update(agreement=agreement, by=editor, published=True)
    services.agreement_update(agreement=agreement, by=editor, title="新しい題名")
    assert Agreement.objects.get(pk=agreement.pk).title == "新しい題名"


def test_only_approvers_publish(city, editor, approver, other_editor):
    agreement = AgreementFactory(municipality=city)
    for user in (editor, other_editor):
        with pytest.raises(PermissionDenied):
            services.agreement_publish(agreement=ready_to_publish(agreement), by=user)
    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    agreement.refresh_from_db()
    assert agreement.published and agreement.published_at
    services.agreement_unpublish(agreement=agreement, by=approver)
    assert not Agreement.objects.get(pk=agreement.pk).published


@pytest.fixture
def deliverable(city, organization):
    agreement = AgreementFactory(municipality=city)
    PartyFactory(agreement=agreement, organization=organization)
    return DeliverableFactory(initiative=InitiativeFactory(agreement=agreement), responsible=organization)


def test_partner_reports_progress_and_approver_accepts_it(deliverable, partner, approver):
    update = services.progress_update_submit(deliverable=deliverable, by=partner, progress=100, status="met")
    assert update.review_status == "pending"
    deliverable.refresh_from_db()
    assert deliverable.progress == 0  # a report changes nothing until it is accepted
    services.progress_update_accept(update=update, by=approver)
    deliverable.refresh_from_db()
    assert (deliverable.progress, deliverable.status) == (100, "met")
    assert deliverable.met_on is not None
    with pytest.raises(ValidationError):
        services.progress_update_accept(update=update, by=approver)  # reviewed once only


def test_return_needs_a_comment_and_leaves_the_deliverable(deliverable, partner, approver):
    update = services.progress_update_submit(deliverable=deliverable, by=partner, progress=30, status="in_progress")
    with pytest.raises(ValidationError):
        services.progress_update_return(update=update, by=approver, comment="  ")
    services.progress_update_return(update=update, by=approver, comment="証拠資料を添付してください")
    update.refresh_from_db()
    deliverable.refresh_from_db()
    assert update.review_status == "returned" and deliverable.progress == 0


def test_partner_cannot_report_on_another_organizations_deliverable(deliverable, partner):
    other = DeliverableFactory(initiative=deliverable.initiative, responsible=None)
    with pytest.raises(PermissionDenied):
        services.progress_update_submit(deliverable=other, by=partner, progress=10, status="in_progress")


def test_editors_cannot_review_reports(deliverable, partner, editor, other_editor):
    update = services.progress_update_submit(deliverable=deliverable, by=partner, progress=10, status="in_progress")
    for user in (editor, other_editor, partner):
        with pytest.raises(PermissionDenied):
            services.progress_update_accept(update=update, by=user)


def test_partner_measurement_waits_for_review_and_cannot_self_verify(city, organization, partner, approver):
    agreement = AgreementFactory(municipality=city)
    PartyFactory(agreement=agreement, organization=organization)
    indicator = OutcomeIndicatorFactory(agreement=agreement, reporter=organization)
    value = {"period_start": D(2024, 4, 1), "period_end": D(2025, 3, 31), "value": Decimal(9), "measured_by": "partner"}
    with pytest.raises(ValidationError) as error:  # refused, not silently dropped (as the API answers)
        services.measurement_record(indicator=indicator, by=partner, verified=True, **value)
    assert list(error.value.message_dict) == ["verified"]
    measurement = services.measurement_record(indicator=indicator, by=partner, **value)
    assert measurement.review_status == "pending" and measurement.verified is False
    services.measurement_accept(measurement=measurement, by=approver)
    measurement.refresh_from_db()
    assert (measurement.review_status, measurement.verified) == ("accepted", True)


def test_partner_cannot_report_a_kpi_it_does_not_report(city, partner):
    indicator = OutcomeIndicatorFactory(agreement=AgreementFactory(municipality=city), reporter=None)
    with pytest.raises(PermissionDenied):
        services.measurement_record(
            indicator=indicator,
            by=partner,
            period_start=D(2024, 4, 1),
            period_end=D(2025, 3, 31),
            value=Decimal(1),
            measured_by="partner",
        )


def test_officer_measurement_is_accepted_at_once(city, editor):
    indicator = OutcomeIndicatorFactory(agreement=AgreementFactory(municipality=city))
    measurement = services.measurement_record(
        indicator=indicator,
        by=editor,
        period_start=D(2024, 4, 1),
        period_end=D(2025, 3, 31),
        value=Decimal(5),
        measured_by="city",
        verified=True,
    )
    assert measurement.review_status == "accepted" and measurement.verified


def test_a_party_still_responsible_for_deliverables_cannot_be_removed(deliverable, organization, editor):
    party = deliverable.initiative.agreement.parties.get(organization=organization)
    with pytest.raises(ValidationError, match="responsible for deliverables"):
        services.agreement_record_delete(instance=party, by=editor)
    deliverable.responsible = None
    deliverable.save()
    services.agreement_record_delete(instance=party, by=editor)


# --- the rules the import shares (issue 12) ------------------------------------------------------


@pytest.mark.parametrize("who", ["viewer", "editor", "approver", "system"])
def test_officer_has_role_answers_what_require_officer_enforces(city, request, who):
    user = None if who == "system" else request.getfixturevalue(who)
    for role in ("viewer", "editor", "approver"):
        try:
            services.require_officer(user, city.pk, role)
            allowed = True
        except PermissionDenied:
            allowed = False
        assert officer_has_role(user, city.pk, role) is allowed, (who, role)


def test_next_public_ids_continue_after_the_highest_number_stored_or_taken(city, other_city):
    AgreementFactory(municipality=city, public_id="272299-2024-009")
    AgreementFactory(municipality=city, public_id="272299-2024-010")
    AgreementFactory(municipality=city, public_id="272299-2023-050")  # another year
    AgreementFactory(municipality=other_city, public_id="272183-2024-099")  # another city

    assert services.agreement_next_public_ids(municipality=city, year=2024, count=3) == [
        "272299-2024-011",
        "272299-2024-012",
        "272299-2024-013",
    ]
    assert services.agreement_next_public_ids(
        municipality=city, year=2024, count=1, taken=["272299-2024-1000", "272183-2024-2000"]
    ) == ["272299-2024-1001"]
    assert services.agreement_next_public_id(municipality=city, year=2024) == "272299-2024-011"


def test_create_numbers_by_next_public_ids(city, editor):
    AgreementFactory(municipality=city, public_id="272299-2024-041")
    (expected,) = services.agreement_next_public_ids(municipality=city, year=2024, count=1)

    created = services.agreement_create(
        municipality=city, by=editor, title="新しい協定", kind="comprehensive", signed_on=D(2024, 5, 1)
    )

    assert created.public_id == expected == "272299-2024-042"


@pytest.mark.parametrize(
    ("signed_on", "ends_on", "auto_renewal", "status"),
    [
        (None, D(2020, 1, 1), False, "draft"),
        (D(2024, 4, 1), D(2025, 3, 31), False, "active"),  # on its end date
        (D(2024, 4, 1), D(2025, 3, 30), False, "expired"),
        (D(2024, 4, 1), D(2025, 3, 30), True, "active"),  # renews
        (D(2024, 4, 1), None, False, "active"),
    ],
)
def test_status_on_is_the_nightly_expiry_rule(city, signed_on, ends_on, auto_renewal, status):
    from agreements.jobs import agreements_expire_due

    today = D(2025, 3, 31)
    assert (
        services.agreement_status_on(signed_on=signed_on, ends_on=ends_on, auto_renewal=auto_renewal, today=today)
        == status
    )
    if signed_on is not None:
        agreement = AgreementFactory(
            municipality=city,
            status="active",
            signed_on=signed_on,
            starts_on=None,
            ends_on=ends_on,
            auto_renewal=auto_renewal,
            renewal_term_months=12 if auto_renewal else None,
        )
        agreements_expire_due(today=today)
        agreement.refresh_from_db()
        assert agreement.status == status


def test_publish_sets_the_publication_fields(city, approver):
    agreement = AgreementFactory(municipality=city)

    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)

    expected = services.agreement_publication_fields(at=agreement.published_at)
    assert {name: getattr(agreement, name) for name in expected} == expected
