"""The proposal ps's workspace pages (issue 16): the partner proposes with a check of its answers and
follows its proposals; the officers list, route, note consultations, score blind and decide. Refused
actions are 403/404 and change nothing. Pages are read in English (the source strings)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from proposals.models import Consultation, Decision, Proposal, ProposalRouting, ProposalStatus, Score
from tests.factories import DepartmentFactory
from tests.proposals.conftest import decided
from tests.proposals.conftest import scheme as proposal_world  # noqa: F401 — tests/proposals' fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def ps(proposal_world):  # noqa: F811 — the imported fixture
    """The proposal scheme of tests/proposals/conftest.py."""
    return proposal_world


CREATE = reverse("workspace:proposal-create")
MINE = reverse("workspace:partner-proposals")
LIST = reverse("workspace:proposals")


def detail(proposal):
    return reverse("workspace:proposal", args=[proposal.pk])


def answers(city, theme=None, **extra):
    return {
        "municipality": city.pk,
        "theme": theme.pk if theme else "",
        "title": "駅前の見守りサービス",
        "problem": "夜間の見守りが足りない",
        "offer": "見守りアプリの提供",
        "city_must_provide": "",
        "expected_outcome": "通報件数の減少",
        "measurement": "",
        "cost_to_city_jpy": "",
        "period": "1年",
        **extra,
    }


def counts():
    return (
        Proposal.objects.count(),
        ProposalRouting.objects.count(),
        Score.objects.count(),
        Decision.objects.count(),
        Consultation.objects.count(),
    )


# -- the partner ----------------------------------------------------------------------------------------


def test_partner_checks_then_submits_a_proposal(login, ps, city, partner, organization):
    client = login(partner)
    page = client.get(CREATE)
    assert page.status_code == 200
    assert ps.open_theme.title in page.content.decode()
    assert ps.closed_theme.title not in page.content.decode()  # closed: not taking proposals
    before = Proposal.objects.count()
    data = answers(city, ps.open_theme, no_new_cost="on", confidential="on")
    check = client.post(CREATE, data)
    assert check.status_code == 200
    assert "Check your proposal" in check.content.decode()
    assert Proposal.objects.count() == before  # nothing is sent before the check
    back = client.post(CREATE, {**data, "edit": "1"})
    assert back.status_code == 200 and "Make a proposal" in back.content.decode()
    assert Proposal.objects.count() == before
    sent = client.post(CREATE, {**data, "confirmed": "1"})
    assert sent.status_code == 302 and sent.url.startswith(MINE)
    made = Proposal.objects.get(title="駅前の見守りサービス")
    assert (made.municipality, made.organization, made.theme, made.submitted_by) == (
        city,
        organization,
        ps.open_theme,
        partner,
    )
    assert made.no_new_cost and made.confidential and not made.publish_consent
    assert made.cost_to_city_jpy is None  # empty is unknown
    assert made.status == ProposalStatus.SUBMITTED
    assert "駅前の見守りサービス" in client.get(MINE).content.decode()


def test_free_proposal_with_a_stated_cost(login, ps, city, partner):
    sent = login(partner).post(CREATE, {**answers(city, cost_to_city_jpy="120000"), "confirmed": "1"})
    assert sent.status_code == 302
    made = Proposal.objects.get(title="駅前の見守りサービス")
    assert made.theme is None and made.cost_to_city_jpy == 120000


@pytest.mark.parametrize(
    "extra",
    [
        {"no_new_cost": "on", "cost_to_city_jpy": "5000"},  # no new cost but a cost: the model's rule
        {"cost_to_city_jpy": "-1"},
        {"title": ""},
        {"municipality": "999999"},
    ],
)
def test_a_bad_proposal_is_shown_with_errors_and_not_sent(login, ps, city, partner, extra):
    before = counts()
    page = login(partner).post(CREATE, {**answers(city), **extra, "confirmed": "1"})
    assert page.status_code == 200
    assert "Error: " in page.content.decode().split("</title>")[0]
    assert counts() == before


def test_a_theme_of_another_city_is_refused(login, ps, other_city, partner):
    before = counts()
    page = login(partner).post(CREATE, {**answers(other_city, ps.open_theme), "confirmed": "1"})
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    assert counts() == before


def test_a_partner_viewer_cannot_propose(login, ps, city, organization):
    from partnerships.models import Role
    from tests.factories import MembershipFactory, UserFactory

    reader = UserFactory(username="reader")
    MembershipFactory(user=reader, municipality=None, organization=organization, role=Role.VIEWER)
    before = counts()
    client = login(reader)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {**answers(city), "confirmed": "1"}).status_code == 403
    assert counts() == before
    assert client.get(MINE).status_code == 200  # a viewer reads the organization's proposals


def test_officers_do_not_open_the_partner_pages(login, ps, editor):
    assert login(editor).get(CREATE).status_code == 403
    assert login(editor).get(MINE).status_code == 403


def test_my_proposals_lists_only_mine_with_the_decision(login, ps, partner):
    decided(ps.proposal, "rejected", reasons="予算の見込みが立たない")
    page = login(partner).get(MINE).content.decode()
    assert ps.proposal.title in page
    assert "Not adopted" in page and "予算の見込みが立たない" in page
    assert ps.rival.title not in page and ps.other_city_proposal.title not in page


def test_my_proposals_query_count(login, ps, partner, django_assert_num_queries):
    client = login(partner)
    client.get(MINE)
    # session, user, memberships, proposals (one join), unread notices (base.html); no query per row
    with django_assert_num_queries(5):
        assert client.get(MINE).status_code == 200


# -- the officers -------------------------------------------------------------------------------------------


def test_officer_list_shows_the_citys_proposals(login, ps, editor):
    ProposalRouting.objects.create(proposal=ps.proposal, department=ps.department)
    page = login(editor).get(LIST).content.decode()
    assert ps.proposal.title in page and ps.rival.title in page
    assert ps.other_city_proposal.title not in page
    assert ps.department.name in page and "Free proposal" in page


def test_officer_list_query_count(login, ps, editor, django_assert_num_queries):
    for item in (ps.proposal, ps.rival):
        ProposalRouting.objects.create(proposal=item, department=ps.department)
    client = login(editor)
    client.get(LIST)
    # session, user, memberships, proposals (one join), routings with departments (one prefetch), notices
    with django_assert_num_queries(6):
        assert client.get(LIST).status_code == 200


def test_partners_and_other_cities_cannot_open_a_proposal(login, ps, partner, other_editor, editor):
    assert login(partner).get(detail(ps.proposal)).status_code == 403
    assert login(partner).get(LIST).status_code == 403
    assert login(other_editor).get(detail(ps.proposal)).status_code == 404
    assert login(editor).get(detail(ps.other_city_proposal)).status_code == 404


def test_the_intake_routes_a_proposal(login, ps, editor, city):
    second = DepartmentFactory(municipality=city, name="市民活動推進課")
    response = login(editor).post(detail(ps.rival), {"action": "route", "departments": [ps.department.pk, second.pk]})
    assert response.status_code == 302
    assert set(ps.rival.routings.values_list("department__name", flat=True)) == {"公園課", "市民活動推進課"}
    ps.rival.refresh_from_db()
    assert ps.rival.status == ProposalStatus.UNDER_REVIEW


def test_routing_to_another_citys_department_is_a_form_error(login, ps, editor, other_city):
    foreign = DepartmentFactory(municipality=other_city, name="大東市の課")
    before = counts()
    page = login(editor).post(detail(ps.rival), {"action": "route", "departments": [foreign.pk]})
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    assert counts() == before


def test_a_viewer_is_refused_every_write(login, ps, viewer, city):
    client = login(viewer)
    page = client.get(detail(ps.proposal))
    assert page.status_code == 200 and 'value="route"' not in page.content.decode()
    before = counts()
    posts = [
        {"action": "route", "departments": [ps.department.pk]},
        {"action": "consult", "met_on": "2026-11-20", "notes": "面談"},
        {"action": "score", **{f"score_{c.pk}": "3" for c in ps.criteria}, "submit_scores": "1"},
        {"action": "decide", "outcome": "adopted", "reasons": "良い", "confirmed": "1"},
    ]
    for data in posts:
        assert client.post(detail(ps.proposal), data).status_code == 403
    assert counts() == before
    ps.proposal.refresh_from_db()
    assert ps.proposal.status == ProposalStatus.SUBMITTED


def test_an_unknown_action_is_a_400(login, ps, editor):
    assert login(editor).post(detail(ps.proposal), {"action": "nope"}).status_code == 400


def test_consultation_notes(login, ps, editor):
    client = login(editor)
    assert (
        client.post(
            detail(ps.proposal), {"action": "consult", "met_on": "2026-11-20", "notes": "事前相談の記録"}
        ).status_code
        == 302
    )
    assert "事前相談の記録" in client.get(detail(ps.proposal)).content.decode()
    page = client.post(detail(ps.proposal), {"action": "consult", "met_on": "", "notes": ""})
    assert page.status_code == 200 and Consultation.objects.count() == 1


def score_data(world, values, comment, submit=True):
    data = {"action": "score"}
    for criterion, value in zip(world.criteria, values, strict=True):
        data[f"score_{criterion.pk}"] = str(value)
        data[f"comment_{criterion.pk}"] = comment
    if submit:
        data["submit_scores"] = "1"
    return data


def test_blind_scoring(login, ps, editor, approver):
    first, second = login(editor), login(ps.second_reviewer)
    url = detail(ps.proposal)
    assert first.post(url, score_data(ps, [5, 4], "EDITOR-NOTE")).status_code == 302
    assert Score.objects.filter(reviewer=editor, submitted=True).count() == 2
    # the second reviewer has not scored: the first's scores are hidden
    page = second.get(url).content.decode()
    assert "EDITOR-NOTE" not in page and "Average" not in page
    assert "hidden until you submit your own" in page
    # a draft keeps them hidden
    assert second.post(url, score_data(ps, [1, 2], "SECOND-NOTE", submit=False)).status_code == 302
    assert Score.objects.filter(reviewer=ps.second_reviewer, submitted=False).count() == 2
    page = second.get(url).content.decode()
    assert "EDITOR-NOTE" not in page and "Draft saved" in page
    # once submitted, the others' scores and the summary show
    assert second.post(url, score_data(ps, [1, 2], "SECOND-NOTE")).status_code == 302
    page = second.get(url).content.decode()
    assert "EDITOR-NOTE" in page and "Average" in page
    # weighted means: (2×5 + 4)/3 = 4.67 and (2×1 + 2)/3 = 1.33 → mean 3.00, spread 3.33
    assert "3.00" in page or "3" in page
    assert "3.33" in page
    # submitted scores are final: a second submission is a form error and changes nothing
    before = list(Score.objects.order_by("pk").values_list("score", flat=True))
    again = second.post(url, score_data(ps, [5, 5], "CHANGED"))
    assert again.status_code == 200
    assert list(Score.objects.order_by("pk").values_list("score", flat=True)) == before
    # the approver, who decides, sees the submitted scores
    assert "SECOND-NOTE" in login(approver).get(url).content.decode()


def test_scoring_every_criterion_is_required(login, ps, editor):
    data = score_data(ps, [5, 4], "x")
    del data[f"score_{ps.criteria[1].pk}"]
    page = login(editor).post(detail(ps.proposal), data)
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    assert Score.objects.count() == 0


def test_the_approver_checks_then_decides(login, ps, approver, partner):
    client = login(approver)
    url = detail(ps.proposal)
    data = {"action": "decide", "outcome": "adopted", "reasons": "効果が見込める"}
    check = client.post(url, data)
    assert check.status_code == 200 and "Check the decision" in check.content.decode()
    assert not Decision.objects.exists()
    back = client.post(url, {**data, "edit": "1"})
    assert back.status_code == 200 and not Decision.objects.exists()
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    decision = Decision.objects.get(proposal=ps.proposal)
    assert (decision.outcome, decision.reasons, decision.decided_by) == ("adopted", "効果が見込める", approver)
    assert "Adopted" in login(partner).get(MINE).content.decode()
    # an adopted proposal is not decided again
    again = client.post(url, {**data, "outcome": "rejected", "confirmed": "1"})
    assert again.status_code == 200
    decision.refresh_from_db()
    assert decision.outcome == "adopted"


def test_an_editor_cannot_decide(login, ps, editor):
    before = counts()
    response = login(editor).post(
        detail(ps.proposal), {"action": "decide", "outcome": "adopted", "reasons": "x", "confirmed": "1"}
    )
    assert response.status_code == 403 and counts() == before


def test_the_decision_needs_reasons(login, ps, approver):
    page = login(approver).post(detail(ps.proposal), {"action": "decide", "outcome": "adopted", "reasons": ""})
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    assert not Decision.objects.exists()


def test_proposal_page_query_count(login, ps, editor, second_scores, django_assert_num_queries):
    client = login(editor)
    url = detail(ps.proposal)
    client.get(url)
    # session, user, memberships, proposal (one join), criteria (theme's own? then the scheme's), own scores
    # (any? any draft?), visible scores with criteria and reviewers, routings, consultations, notices,
    # departments of the routing form: the same with two reviewers' scores as with none
    with django_assert_num_queries(13):
        assert client.get(url).status_code == 200


@pytest.fixture
def second_scores(ps):
    for criterion, value in zip(ps.criteria, [4, 3], strict=True):
        for reviewer in (ps.reviewer, ps.second_reviewer):
            Score.objects.create(
                proposal=ps.proposal,
                reviewer=reviewer,
                criterion=criterion,
                score=value,
                submitted=True,
                submitted_at=timezone.now(),
            )
    ProposalRouting.objects.create(proposal=ps.proposal, department=ps.department)
    Consultation.objects.create(proposal=ps.proposal, met_on="2026-11-20", notes="面談")


def test_navigation(login, ps, editor, partner):
    assert f'href="{LIST}"' in login(editor).get(LIST).content.decode()
    assert f'href="{MINE}"' in login(partner).get(MINE).content.decode()
    assert f'href="{CREATE}"' in login(partner).get(reverse("workspace:partner")).content.decode()


def test_an_adopted_proposal_becomes_an_agreement(login, ps, approver, editor):
    decided(ps.proposal, "adopted")
    before = (counts(), Agreement.objects.count())
    assert login(editor).post(detail(ps.proposal), {"action": "adopt"}).status_code == 403
    assert (counts(), Agreement.objects.count()) == before
    client = login(approver)
    assert "Make an agreement from this proposal" in client.get(detail(ps.proposal)).content.decode()
    response = client.post(detail(ps.proposal), {"action": "adopt"})
    ps.proposal.refresh_from_db()
    agreement = ps.proposal.agreement
    assert agreement is not None and agreement.status == "negotiating"
    assert response.status_code == 302 and response.url == reverse("workspace:agreement", args=[agreement.public_id])
    page = client.get(detail(ps.proposal)).content.decode()
    assert agreement.public_id in page and "Make an agreement from this proposal" not in page


def test_a_rejected_proposal_does_not_become_an_agreement(login, ps, approver):
    decided(ps.proposal, "rejected")
    page = login(approver).post(detail(ps.proposal), {"action": "adopt"})
    assert page.status_code == 200
    assert "Only an adopted proposal becomes an agreement." in page.content.decode()  # the error summary
    assert "Error: " in page.content.decode().split("</title>")[0]
    ps.proposal.refresh_from_db()
    assert ps.proposal.agreement is None
