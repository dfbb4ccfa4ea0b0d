"""The yearly review pages (issue 16 §3): the officers' page per fiscal year (both sides' grades with the
differences marked, the municipality's form, the notice period, the renewal decision for approvers)
and the partner's own evaluation, reached from the partner's home. Query counts are pinned exactly and
stay flat as evaluations and decisions grow; the agreement page's pinned count is unchanged (its link
reads the agreement already loaded)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements import review_services as reviews
from agreements.choices import EvaluationAspect
from agreements.models import Agreement, AnnualEvaluation, EvaluationGrade, RenewalDecision
from partnerships.models import Role
from tests.factories import MembershipFactory, OrganizationFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db

YEAR = reviews.fiscal_year_of(timezone.localdate())
ASPECTS = EvaluationAspect.values
ALL_A = dict.fromkeys(ASPECTS, ("A", ""))


@pytest.fixture
def active(world):
    """The world's agreement, signed and in force, renewing automatically with 30 days' notice."""
    Agreement.objects.filter(pk=world.agreement.pk).update(
        status="active",
        auto_renewal=True,
        renewal_term_months=12,
        renewal_notice_days=30,
        ends_on=timezone.localdate() + datetime.timedelta(days=50),
    )
    world.agreement.refresh_from_db()
    return world.agreement


def officer_url(agreement, year=YEAR):
    return reverse("workspace:agreement-reviews-year", args=[agreement.public_id, year])


def partner_url(agreement, year=YEAR):
    return reverse("workspace:partner-review-year", args=[agreement.public_id, year])


def form_data(*letters, **extra):
    data = {f"grade_{aspect}": letter for aspect, letter in zip(EvaluationAspect.values, letters, strict=True)}
    data |= {f"comment_{aspect}": "" for aspect in EvaluationAspect.values}
    return data | {"comment": ""} | extra


def stored():
    return (
        list(AnnualEvaluation.objects.values_list("side", "fiscal_year", "comment", "submitted_at")),
        list(EvaluationGrade.objects.values_list("aspect", "grade")),
        list(RenewalDecision.objects.values_list("outcome")),
        list(Agreement.objects.values_list("renewal_notice_days", "auto_renewal")),
    )


class TestOfficerPage:
    def test_the_agreement_page_links_to_the_review(self, login, viewer, active):
        response = login(viewer).get(reverse("workspace:agreement", args=[active.public_id]))
        assert reverse("workspace:agreement-reviews", args=[active.public_id]).encode() in response.content
        assert b"Notice period: 30 days before the end." in response.content

    def test_the_current_year_by_default(self, login, viewer, active):
        response = login(viewer).get(reverse("workspace:agreement-reviews", args=[active.public_id]))
        assert response.status_code == 200
        assert response.context["fiscal_year"] == YEAR
        assert b"Evaluating needs the editor role." in response.content
        assert b'value="decide"' not in response.content

    def test_an_editor_saves_the_city_side(self, login, editor, active):
        response = login(editor).post(officer_url(active), form_data("A", "B", "C", "D", "A", action="evaluate"))
        assert response.status_code == 302
        assert [g for _a, g in stored()[1]] == ["A", "B", "C", "D", "A"]

    def test_both_sides_side_by_side_with_the_differences_marked(self, login, editor, partner, active, organization):
        reviews.evaluation_submit(
            agreement=active,
            fiscal_year=YEAR,
            side="city",
            by=editor,
            grades=ALL_A,
        )
        letters = dict.fromkeys(EvaluationAspect.values, ("B", "")) | {"roles": ("D", "役割が曖昧")}
        reviews.evaluation_submit(
            agreement=active, fiscal_year=YEAR, side="partner", organization=organization, by=partner, grades=letters
        )
        response = login(editor).get(officer_url(active))
        content = response.content.decode()
        assert content.count("Differs by two grades or more: discuss") == 1
        assert "役割が曖昧" in content and organization.name in content

    def test_a_missing_grade_shows_the_error_summary_and_saves_nothing(self, login, editor, active):
        data = form_data("A", "B", "C", "D", "A", action="evaluate")
        del data["grade_roles"]
        response = login(editor).post(officer_url(active), data)
        assert response.status_code == 200
        assert b"error-summary" in response.content
        assert stored()[0] == []

    def test_an_approver_decides_and_the_deadline_is_shown(self, login, approver, active):
        client = login(approver)
        page = client.get(officer_url(active))
        deadline = active.ends_on - datetime.timedelta(days=30)
        assert page.context["deadline"] == deadline and page.context["days_left"] == 20
        response = client.post(
            officer_url(active),
            {"action": "decide", "outcome": "end", "reasons": "目的を達成した", "decided_on": timezone.localdate()},
        )
        # check your answers first: nothing is recorded yet
        assert response.templates[0].name == "workspace/reviews/decision_check.html"
        assert "目的を達成した" in response.content.decode() and b"turns off the automatic renewal" in response.content
        assert stored()[2] == []
        back = client.post(
            officer_url(active),
            {
                "action": "decide",
                "edit": "1",
                "outcome": "end",
                "reasons": "目的を達成した",
                "decided_on": "2026-12-01",
            },
        )
        assert back.status_code == 200 and back.context["decision_form"]["reasons"].value() == "目的を達成した"
        assert stored()[2] == []
        response = client.post(
            officer_url(active),
            {
                "action": "decide",
                "confirmed": "1",
                "outcome": "end",
                "reasons": "目的を達成した",
                "decided_on": timezone.localdate(),
            },
        )
        assert response.status_code == 302
        active.refresh_from_db()
        assert (stored()[2], active.auto_renewal) == ([("end",)], False)
        assert b"Decided for this term" in client.get(officer_url(active)).content

    def test_an_editor_sets_the_notice_period(self, login, editor, active):
        response = login(editor).post(officer_url(active), {"action": "notice", "renewal_notice_days": "90"})
        assert response.status_code == 302
        active.refresh_from_db()
        assert active.renewal_notice_days == 90

    @pytest.mark.parametrize(
        ("who", "data"),
        [
            (
                "editor",
                {"action": "decide", "confirmed": "1", "outcome": "end", "reasons": "x", "decided_on": "2026-12-01"},
            ),
            ("viewer", {"action": "notice", "renewal_notice_days": "10"}),
            ("viewer", form_data("A", "A", "A", "A", "A", action="evaluate")),
        ],
    )
    def test_a_refused_write_is_a_403_and_changes_nothing(self, login, active, who, data, request):
        before = stored()
        response = login(request.getfixturevalue(who)).post(officer_url(active), data)
        assert response.status_code == 403
        assert stored() == before

    @pytest.mark.parametrize(
        "data",
        [
            {"action": "nonsense"},
            {"action": "notice", "renewal_notice_days": "400"},
            {"action": "decide", "outcome": "maybe", "reasons": "", "decided_on": "yesterday"},
        ],
    )
    def test_bad_input_is_a_400_or_form_errors_never_a_500(self, login, approver, active, data):
        before = stored()
        response = login(approver).post(officer_url(active), data)
        assert response.status_code in (400, 200)
        assert stored() == before

    def test_another_municipality_is_a_404_and_a_silly_year_too(self, login, other_editor, approver, world, active):
        assert login(other_editor).get(officer_url(world.agreement)).status_code == 404
        assert login(approver).get(officer_url(active, year=9999)).status_code == 404

    def test_only_the_years_of_the_agreement_are_offered(self, login, viewer, active):
        client = login(viewer)
        first = reviews.fiscal_year_of(active.starts_on)
        assert client.get(officer_url(active, year=first - 1)).status_code == 404
        assert client.get(officer_url(active, year=YEAR + 1)).status_code == 404
        page = client.get(officer_url(active, year=first))
        assert (page.context["previous_year"], page.context["next_year"]) == (None, first + 1)

    def test_the_dormant_agreement_is_flagged(self, login, viewer, active):
        Agreement.objects.filter(pk=active.pk).update(dormant_since=datetime.date(2026, 1, 10))
        assert b"Dormant" in login(viewer).get(officer_url(active)).content


class TestPartnerPage:
    def test_the_partner_home_links_to_the_evaluation(self, login, partner, active):
        response = login(partner).get(reverse("workspace:partner"))
        assert reverse("workspace:partner-review", args=[active.public_id]).encode() in response.content

    def test_a_draft_has_no_link(self, login, partner, world):
        response = login(partner).get(reverse("workspace:partner"))
        assert reverse("workspace:partner-review", args=[world.agreement.public_id]).encode() not in response.content

    def test_the_partner_sends_its_side_then_sees_the_city_grades(self, login, partner, editor, active, organization):
        reviews.evaluation_submit(
            agreement=active,
            fiscal_year=YEAR,
            side="city",
            by=editor,
            grades=dict.fromkeys(ASPECTS, ("A", "市の根拠")),
        )
        client = login(partner)
        before = client.get(partner_url(active))
        assert "市の根拠" not in before.content.decode()  # not led by the city's grades
        response = client.post(partner_url(active), form_data("C", "C", "C", "C", "C"))
        assert response.status_code == 302
        evaluation = AnnualEvaluation.objects.get(side="partner")
        assert evaluation.organization == organization
        after = client.get(partner_url(active)).content.decode()
        assert "市の根拠" in after and after.count("Differs by two grades or more: discuss") == 5

    def test_a_partner_viewer_reads_but_cannot_send(self, login, active, organization):
        viewer = UserFactory(username="partner-viewer")
        MembershipFactory(user=viewer, municipality=None, organization=organization, role=Role.VIEWER)
        client = login(viewer)
        assert b"Evaluating needs the editor role" in client.get(partner_url(active)).content
        assert client.post(partner_url(active), form_data("A", "A", "A", "A", "A")).status_code == 403
        assert stored()[0] == []

    def test_another_partners_agreement_is_a_404(self, login, stranger_partner, active):
        assert login(stranger_partner).get(partner_url(active)).status_code == 404

    def test_another_partner_of_the_same_agreement_sees_only_its_own_column(self, login, partner, active):
        second = OrganizationFactory(name="株式会社ふたつめ")
        PartyFactory(agreement=active, organization=second)
        other = UserFactory(username="second")
        MembershipFactory(user=other, municipality=None, organization=second, role=Role.EDITOR)
        login(partner).post(partner_url(active), form_data("A", "A", "A", "A", "A"))
        login(other).post(partner_url(active), form_data("B", "B", "B", "B", "B"))
        content = login(other).get(partner_url(active)).content.decode()
        assert "株式会社ふたつめ" in content and "株式会社パートナー" not in content


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured), response


def add_rows(agreement, editor, partner, organization, count):
    """``count`` more partner organizations evaluating, and ``count`` earlier decisions."""
    for _n in range(count):
        org = OrganizationFactory()
        PartyFactory(agreement=agreement, organization=org)
        MembershipFactory(user=partner, municipality=None, organization=org, role=Role.EDITOR)
        reviews.evaluation_submit(
            agreement=agreement,
            fiscal_year=YEAR,
            side="partner",
            organization=org,
            by=UserFactory(is_superuser=True),
            grades=dict.fromkeys(EvaluationAspect.values, ("B", "")),
        )
        RenewalDecision.objects.create(
            agreement=agreement,
            term_ends_on=datetime.date(2000 + RenewalDecision.objects.count(), 3, 31),
            decided_on=datetime.date(2020, 1, 1),
            outcome="renew",
            reasons="継続",
            decided_by=editor,
        )


class TestQueryCounts:
    # 4 (session, user, memberships, the header's unread notices) + agreement, evaluations, their grades,
    # the renewal decisions
    OFFICER = 8
    # 4 + agreement, the user's parties to it, evaluations, their grades
    PARTNER = 8

    def test_the_officer_page_is_pinned_and_flat(self, login, approver, editor, partner, organization, active):
        reviews.evaluation_submit(
            agreement=active,
            fiscal_year=YEAR,
            side="city",
            by=editor,
            grades=ALL_A,
        )
        client = login(approver)
        add_rows(active, editor, partner, organization, 2)
        few, response = queries(client, officer_url(active))
        add_rows(active, editor, partner, organization, 5)
        many, more = queries(client, officer_url(active))
        assert len(more.content) > len(response.content)
        assert (few, many) == (self.OFFICER, self.OFFICER)

    def test_the_partner_page_is_pinned_and_flat(self, login, editor, partner, organization, active):
        client = login(partner)
        client.post(partner_url(active), form_data("A", "A", "A", "A", "A"))
        add_rows(active, editor, partner, organization, 2)
        few, _response = queries(client, partner_url(active))
        add_rows(active, editor, partner, organization, 5)
        many, _more = queries(client, partner_url(active))
        assert (few, many) == (self.PARTNER, self.PARTNER)
