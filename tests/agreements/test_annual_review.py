"""The yearly review (issue 16 §3): who may grade which side, the differences the review meeting
discusses, the renewal decision and the automatic renewals waiting for one, and the reminder to the
approvers. A refused write changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from agreements import jobs
from agreements import review_services as reviews
from agreements.choices import EvaluationAspect, RenewalOutcome
from agreements.models import Agreement, AnnualEvaluation, EvaluationGrade, RenewalDecision
from notifications.models import Notice
from partnerships.models import Role
from tests.factories import AgreementFactory, MembershipFactory, OrganizationFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 2)  # FY2026


def grades(*letters, comment=""):
    """{aspect: (grade, comment)} for the five aspects, in their order."""
    return {aspect: (letter, comment) for aspect, letter in zip(EvaluationAspect.values, letters, strict=True)}


ALL_B = grades("B", "B", "B", "B", "B")


@pytest.fixture
def agreement(city, organization):
    agreement = AgreementFactory(
        municipality=city,
        status="active",
        signed_on=datetime.date(2024, 4, 1),
        starts_on=datetime.date(2024, 4, 1),
        ends_on=datetime.date(2027, 3, 31),
        auto_renewal=True,
        renewal_term_months=12,
        renewal_notice_days=30,
    )
    PartyFactory(agreement=agreement, organization=organization)
    return agreement


def city_side(agreement, by, letters=ALL_B, **kwargs):
    kwargs.setdefault("fiscal_year", 2025)
    return reviews.evaluation_submit(agreement=agreement, side="city", by=by, grades=letters, today=TODAY, **kwargs)


def partner_side(agreement, by, organization, letters=ALL_B, **kwargs):
    kwargs.setdefault("fiscal_year", 2025)
    return reviews.evaluation_submit(
        agreement=agreement,
        side="partner",
        organization=organization,
        by=by,
        grades=letters,
        today=TODAY,
        **kwargs,
    )


def stored():
    return (
        list(AnnualEvaluation.objects.values_list("side", "fiscal_year", "comment")),
        list(EvaluationGrade.objects.values_list("aspect", "grade", "comment")),
        list(RenewalDecision.objects.values_list("outcome", "term_ends_on")),
    )


class TestWhoGradesWhichSide:
    def test_an_editor_of_the_municipality_grades_its_side(self, agreement, editor):
        evaluation = city_side(agreement, editor, grades("A", "B", "C", "D", "A", comment=" 根拠 "), comment="総評")
        assert (evaluation.side, evaluation.organization, evaluation.submitted_by) == ("city", None, editor)
        assert [g.grade for g in evaluation.grades.order_by("id")] == ["A", "B", "C", "D", "A"]
        assert set(evaluation.grades.values_list("comment", flat=True)) == {"根拠"}

    def test_an_editor_of_a_party_grades_the_partner_side(self, agreement, partner, organization):
        evaluation = partner_side(agreement, partner, organization)
        assert (evaluation.side, evaluation.organization) == ("partner", organization)

    def test_submitting_again_replaces_the_grades(self, agreement, editor):
        city_side(agreement, editor)
        city_side(agreement, editor, grades("D", "D", "D", "D", "D"))
        assert AnnualEvaluation.objects.count() == 1
        assert sorted(EvaluationGrade.objects.values_list("grade", flat=True)) == ["D"] * 5

    @pytest.mark.parametrize("who", ["viewer", "partner", "other_editor"])
    def test_others_cannot_grade_the_city_side_and_nothing_changes(self, agreement, who, request):
        user = request.getfixturevalue(who)
        before = stored()
        with pytest.raises(PermissionDenied):
            city_side(agreement, user)
        assert stored() == before

    def test_an_officer_cannot_grade_the_partner_side(self, agreement, editor, organization):
        with pytest.raises(PermissionDenied):
            partner_side(agreement, editor, organization)
        assert stored() == ([], [], [])

    def test_a_partner_viewer_cannot_grade(self, agreement, organization):
        partner_viewer = UserFactory(username="partner-viewer")
        MembershipFactory(user=partner_viewer, municipality=None, organization=organization, role=Role.VIEWER)
        with pytest.raises(PermissionDenied):
            partner_side(agreement, partner_viewer, organization)
        assert stored() == ([], [], [])

    def test_an_organization_that_is_no_party_cannot_grade(self, agreement, partner, organization):
        stranger = OrganizationFactory()
        with pytest.raises(PermissionDenied):
            partner_side(agreement, partner, stranger)
        assert stored() == ([], [], [])

    def test_a_missing_grade_is_refused_and_nothing_changes(self, agreement, editor):
        city_side(agreement, editor)
        before = stored()
        letters = dict(ALL_B)
        letters["roles"] = ("E", "")
        del letters["residents"]
        with pytest.raises(ValidationError) as refused:
            city_side(agreement, editor, letters)
        assert set(refused.value.message_dict) == {"grade_roles", "grade_residents"}
        assert stored() == before

    @pytest.mark.parametrize("year", [2023, 2027])
    def test_a_year_outside_the_agreement_or_in_the_future_is_refused(self, agreement, editor, year):
        with pytest.raises(ValidationError) as refused:
            city_side(agreement, editor, fiscal_year=year)
        assert "fiscal_year" in refused.value.message_dict
        assert stored() == ([], [], [])

    def test_a_draft_is_not_evaluated(self, agreement, editor):
        Agreement.objects.filter(pk=agreement.pk).update(status="draft")
        agreement.refresh_from_db()
        with pytest.raises(ValidationError):
            city_side(agreement, editor)
        assert stored() == ([], [], [])

    def test_the_database_keeps_one_city_side_per_year(self, agreement, editor):
        city_side(agreement, editor)
        with pytest.raises(IntegrityError), transaction.atomic():
            AnnualEvaluation.objects.create(
                agreement=agreement, fiscal_year=2025, side="city", submitted_at=datetime.datetime.now(datetime.UTC)
            )


class TestDifferences:
    def test_two_steps_or_more_apart_are_the_differences(self, agreement, editor, partner, organization):
        city_side(agreement, editor, grades("A", "B", "A", "D", "C"))
        partner_side(agreement, partner, organization, grades("B", "D", "C", "B", "C"))
        differences = reviews.evaluation_differences(agreement=agreement, fiscal_year=2025)
        assert [row.aspect for row in differences] == ["roles", "information", "residents"]

    def test_one_side_alone_has_no_differences(self, agreement, editor):
        city_side(agreement, editor, grades("A", "A", "A", "A", "A"))
        assert reviews.evaluation_differences(agreement=agreement, fiscal_year=2025) == []

    def test_any_partner_far_from_the_city_marks_the_aspect(self, agreement, editor, partner, organization):
        second = OrganizationFactory()
        PartyFactory(agreement=agreement, organization=second)
        MembershipFactory(user=partner, municipality=None, organization=second, role=Role.EDITOR)
        city_side(agreement, editor, grades("A", "A", "A", "A", "A"))
        partner_side(agreement, partner, organization, grades("A", "A", "A", "A", "A"))
        partner_side(agreement, partner, second, grades("A", "A", "A", "A", "C"))
        comparison = reviews.evaluation_comparison(agreement=agreement, fiscal_year=2025)
        assert [row.aspect for row in comparison.differences] == ["continuation"]
        assert comparison.of_partner(organization.pk).differences == []

    def test_another_year_is_not_compared(self, agreement, editor, partner, organization):
        city_side(agreement, editor, grades("A", "A", "A", "A", "A"), fiscal_year=2024)
        partner_side(agreement, partner, organization, grades("D", "D", "D", "D", "D"))
        assert reviews.evaluation_differences(agreement=agreement, fiscal_year=2025) == []


class TestRenewalDecision:
    def test_an_approver_decides_once_per_term(self, agreement, approver):
        decision = reviews.renewal_decide(agreement=agreement, by=approver, outcome="renew", reasons="成果が出ている")
        assert (decision.term_ends_on, decision.outcome, decision.decided_by) == (
            datetime.date(2027, 3, 31),
            "renew",
            approver,
        )
        before = stored()
        with pytest.raises(ValidationError):
            reviews.renewal_decide(agreement=agreement, by=approver, outcome="end", reasons="やはり終了")
        assert stored() == before
        agreement.refresh_from_db()
        assert agreement.auto_renewal is True

    def test_ending_turns_off_the_automatic_renewal(self, agreement, approver):
        reviews.renewal_decide(agreement=agreement, by=approver, outcome=RenewalOutcome.END, reasons="目的を達成")
        agreement.refresh_from_db()
        assert agreement.auto_renewal is False
        assert agreement.history.first().history_user == approver

    @pytest.mark.parametrize("who", ["editor", "viewer", "partner", "other_editor"])
    def test_only_approvers_decide(self, agreement, who, request):
        with pytest.raises(PermissionDenied):
            reviews.renewal_decide(agreement=agreement, by=request.getfixturevalue(who), outcome="end", reasons="x")
        agreement.refresh_from_db()
        assert (stored(), agreement.auto_renewal) == (([], [], []), True)

    @pytest.mark.parametrize(("outcome", "reasons"), [("renew", "  "), ("stop", "理由")])
    def test_reasons_and_a_known_outcome_are_required(self, agreement, approver, outcome, reasons):
        with pytest.raises(ValidationError):
            reviews.renewal_decide(agreement=agreement, by=approver, outcome=outcome, reasons=reasons)
        assert stored() == ([], [], [])

    def test_an_agreement_not_in_force_is_not_decided(self, agreement, approver):
        Agreement.objects.filter(pk=agreement.pk).update(status="expired")
        agreement.refresh_from_db()
        with pytest.raises(ValidationError):
            reviews.renewal_decide(agreement=agreement, by=approver, outcome="renew", reasons="理由")
        assert stored() == ([], [], [])


class TestRenewalsDue:
    """ends_on 2027-03-31 with 30 days' notice: the objection deadline is 2027-03-01."""

    def due(self, today, **kwargs):
        return [(a.public_id, a.objection_deadline, a.days_left) for a in reviews.renewals_due(today=today, **kwargs)]

    def test_listed_once_the_deadline_is_within_the_window(self, agreement):
        deadline = datetime.date(2027, 3, 1)
        assert self.due(deadline - datetime.timedelta(days=61)) == []
        assert self.due(deadline - datetime.timedelta(days=60)) == [(agreement.public_id, deadline, 60)]
        assert self.due(deadline - datetime.timedelta(days=10), within_days=10) == [(agreement.public_id, deadline, 10)]

    def test_the_notice_days_move_the_deadline(self, agreement):
        Agreement.objects.filter(pk=agreement.pk).update(renewal_notice_days=90)  # deadline 2026-12-31
        assert self.due(datetime.date(2026, 11, 1)) == [(agreement.public_id, datetime.date(2026, 12, 31), 60)]
        Agreement.objects.filter(pk=agreement.pk).update(renewal_notice_days=None)  # the end date itself
        assert self.due(datetime.date(2027, 1, 30)) == [(agreement.public_id, datetime.date(2027, 3, 31), 60)]
        assert self.due(datetime.date(2027, 1, 29)) == []

    def test_a_passed_deadline_stays_listed_until_the_end(self, agreement):
        assert self.due(datetime.date(2027, 3, 31)) == [(agreement.public_id, datetime.date(2027, 3, 1), -30)]
        assert self.due(datetime.date(2027, 4, 1)) == []

    def test_a_decision_for_the_term_takes_it_off(self, agreement, approver):
        reviews.renewal_decide(agreement=agreement, by=approver, outcome="renew", reasons="継続")
        assert self.due(datetime.date(2027, 2, 1)) == []
        # the next term waits for its own decision
        Agreement.objects.filter(pk=agreement.pk).update(ends_on=datetime.date(2028, 3, 31))
        assert self.due(datetime.date(2028, 2, 1)) == [(agreement.public_id, datetime.date(2028, 3, 1), 29)]

    def test_only_automatic_renewals_in_force(self, agreement, city):
        Agreement.objects.filter(pk=agreement.pk).update(auto_renewal=False)
        AgreementFactory(municipality=city, status="draft", auto_renewal=True, renewal_term_months=12)
        assert self.due(datetime.date(2027, 2, 1)) == []

    def test_filtered_by_municipality(self, agreement, other_city):
        assert self.due(datetime.date(2027, 2, 1), municipality_ids=[other_city.pk]) == []


class TestReminder:
    def test_the_approvers_are_told_once_per_term(self, agreement, approver, editor, viewer, other_editor):
        today = datetime.date(2027, 2, 1)
        assert jobs.renewal_decisions_remind(today=today) == 1
        assert jobs.renewal_decisions_remind(today=today + datetime.timedelta(days=1)) == 0
        notice = Notice.objects.get()
        assert (notice.recipient, notice.kind) == (approver, "agreement_ending")
        assert notice.key == f"renewal-decision:{agreement.pk}:2027-03-31"
        assert notice.url == f"/workspace/agreements/{agreement.public_id}/reviews/"
        assert notice.params["days"] == 58

    def test_no_reminder_once_decided(self, agreement, approver):
        reviews.renewal_decide(agreement=agreement, by=approver, outcome="renew", reasons="継続")
        assert jobs.renewal_decisions_remind(today=datetime.date(2027, 2, 1)) == 0


def test_fiscal_year_of():
    assert [reviews.fiscal_year_of(datetime.date(2026, m, 1)) for m in (3, 4)] == [2025, 2026]


def test_objection_deadline_needs_an_automatic_renewal(agreement):
    assert reviews.objection_deadline(agreement) == datetime.date(2027, 3, 1)
    agreement.auto_renewal = False
    assert reviews.objection_deadline(agreement) is None
