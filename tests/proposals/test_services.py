"""The proposal services: who may do what, refused calls change nothing, reviewers score blind."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from proposals.models import Decision, Proposal, ProposalRouting, ProposalStatus, Score, Theme
from proposals.selectors import criteria_for, proposals_visible_to, scores_visible_to
from proposals.services import (
    consultation_record,
    criterion_save,
    proposal_decide,
    proposal_route,
    proposal_submit,
    score_submit,
    score_summary,
    theme_save,
)
from tests.factories import DepartmentFactory

from .conftest import TODAY

pytestmark = pytest.mark.django_db

CONTENT = {"title": "新しい提案", "problem": "課題", "offer": "提供", "expected_outcome": "成果"}


def _state():
    """Every row the services write, to show a refused call changed nothing."""
    return (
        list(Theme.objects.values().order_by("pk")),
        list(Proposal.objects.values().order_by("pk")),
        list(Score.objects.values().order_by("pk")),
        list(Decision.objects.values().order_by("pk")),
        list(ProposalRouting.objects.values().order_by("pk")),
    )


def _scores(scheme, first=4, second=2):
    return {scheme.criteria[0]: first, scheme.criteria[1]: second}


# --- themes ---------------------------------------------------------------------------------------


def test_an_editor_publishes_a_theme_and_others_are_refused(city, editor, viewer, partner, other_editor):
    data = {"title": "空き家", "background": "b", "wanted": "w", "opens_on": TODAY, "published": True}
    saved = theme_save(municipality=city, by=editor, **data)
    assert saved.published and saved.municipality == city
    for user in (viewer, partner, other_editor):
        before = list(Theme.objects.values())
        with pytest.raises(PermissionDenied):
            theme_save(municipality=city, by=user, **data)
        assert list(Theme.objects.values()) == before


def test_a_theme_refuses_fields_it_does_not_have(city, editor):
    with pytest.raises(ValidationError) as error:
        theme_save(municipality=city, by=editor, title="t", status="x")
    assert "status" in error.value.message_dict


# --- submitting -----------------------------------------------------------------------------------


def test_a_partner_editor_proposes_against_an_open_theme(scheme, city, organization, partner):
    item = proposal_submit(municipality=city, organization=organization, by=partner, theme=scheme.open_theme, **CONTENT)
    assert item.status == ProposalStatus.SUBMITTED and item.submitted_by == partner
    assert item in proposals_visible_to(partner)


def test_a_free_proposal_needs_no_theme(scheme, city, organization, partner):
    item = proposal_submit(municipality=city, organization=organization, by=partner, no_new_cost=True, **CONTENT)
    assert item.theme is None and item.cost_to_city_jpy is None


def test_a_closed_or_unpublished_theme_takes_no_proposal(scheme, city, organization, partner):
    hidden = Theme.objects.create(
        municipality=city, title="非公開", background="b", wanted="w", opens_on=TODAY, published=False
    )
    for theme in (scheme.closed_theme, hidden):
        before = _state()
        with pytest.raises(ValidationError) as error:
            proposal_submit(municipality=city, organization=organization, by=partner, theme=theme, **CONTENT)
        assert "theme" in error.value.message_dict
        assert _state() == before


def test_only_an_editor_of_the_organization_proposes(scheme, city, organization, partner_viewer, editor):
    for user in (partner_viewer, editor, scheme.rival_user):
        before = _state()
        with pytest.raises(PermissionDenied):
            proposal_submit(municipality=city, organization=organization, by=user, **CONTENT)
        assert _state() == before


# --- who sees a proposal --------------------------------------------------------------------------


def test_a_proposer_sees_their_own_never_another_s(scheme, partner):
    assert set(proposals_visible_to(partner)) == {scheme.proposal}
    assert set(proposals_visible_to(scheme.rival_user)) == {scheme.rival}


def test_the_intake_sees_all_of_its_municipality_s_only(scheme, viewer, other_editor):
    assert set(proposals_visible_to(viewer)) == {scheme.proposal, scheme.rival}
    assert set(proposals_visible_to(other_editor)) == {scheme.other_city_proposal}


# --- routing and consultations --------------------------------------------------------------------


def test_routing_starts_the_review_once_per_department(scheme, editor):
    made = proposal_route(proposal=scheme.proposal, departments=[scheme.department], by=editor)
    again = proposal_route(proposal=scheme.proposal, departments=[scheme.department], by=editor)
    assert len(made) == 1 and again == []
    scheme.proposal.refresh_from_db()
    assert scheme.proposal.status == ProposalStatus.UNDER_REVIEW


def test_routing_refuses_viewers_and_another_city_s_department(scheme, city, other_city, editor, viewer):
    before = _state()
    with pytest.raises(PermissionDenied):
        proposal_route(proposal=scheme.proposal, departments=[scheme.department], by=viewer)
    with pytest.raises(ValidationError):
        proposal_route(proposal=scheme.proposal, departments=[DepartmentFactory(municipality=other_city)], by=editor)
    assert _state() == before


def test_consultation_notes_are_written_by_officers_only(scheme, editor, partner):
    note = consultation_record(proposal=scheme.proposal, met_on=TODAY, notes="事前相談", by=editor)
    assert note.by == editor
    with pytest.raises(PermissionDenied):
        consultation_record(proposal=scheme.proposal, met_on=TODAY, notes="x", by=partner)


# --- scoring --------------------------------------------------------------------------------------


def test_reviewers_are_blind_until_they_submit_their_own(scheme):
    first, second = scheme.reviewer, scheme.second_reviewer
    score_submit(proposal=scheme.proposal, by=first, scores=_scores(scheme))
    # The second reviewer, before scoring and with a draft: none of the first's scores.
    assert list(scores_visible_to(second, scheme.proposal)) == []
    score_submit(proposal=scheme.proposal, by=second, scores=_scores(scheme, 1, 1), submit=False)
    assert {s.reviewer for s in scores_visible_to(second, scheme.proposal)} == {second}
    # Once submitted: everyone's submitted scores.
    score_submit(proposal=scheme.proposal, by=second, scores=_scores(scheme, 2, 3))
    assert {s.reviewer for s in scores_visible_to(second, scheme.proposal)} == {first, second}


def test_a_first_reviewer_does_not_see_a_later_draft(scheme):
    score_submit(proposal=scheme.proposal, by=scheme.reviewer, scores=_scores(scheme))
    score_submit(proposal=scheme.proposal, by=scheme.second_reviewer, scores=_scores(scheme), submit=False)
    assert {s.reviewer for s in scores_visible_to(scheme.reviewer, scheme.proposal)} == {scheme.reviewer}


def test_the_approver_sees_submitted_scores_and_partners_none(scheme, approver, partner, other_editor):
    score_submit(proposal=scheme.proposal, by=scheme.reviewer, scores=_scores(scheme))
    assert len(scores_visible_to(approver, scheme.proposal)) == 2
    assert list(scores_visible_to(partner, scheme.proposal)) == []
    assert list(scores_visible_to(other_editor, scheme.proposal)) == []


def test_submitted_scores_are_final_and_every_criterion_is_scored(scheme):
    score_submit(proposal=scheme.proposal, by=scheme.reviewer, scores=_scores(scheme))
    before = _state()
    with pytest.raises(ValidationError):
        score_submit(proposal=scheme.proposal, by=scheme.reviewer, scores=_scores(scheme, 1, 1))
    with pytest.raises(ValidationError):
        score_submit(proposal=scheme.proposal, by=scheme.second_reviewer, scores={scheme.criteria[0]: 3})
    with pytest.raises(ValidationError):
        score_submit(proposal=scheme.proposal, by=scheme.second_reviewer, scores=_scores(scheme, 6, 3))
    assert _state() == before


def test_viewers_partners_and_other_cities_cannot_score(scheme, viewer, partner, other_editor):
    before = _state()
    for user in (viewer, partner, other_editor):
        with pytest.raises(PermissionDenied):
            score_submit(proposal=scheme.proposal, by=user, scores=_scores(scheme))
    assert _state() == before


def test_a_theme_s_own_criteria_replace_the_scheme_s(scheme, city):
    own = scheme.open_theme.criteria.create(municipality=city, name="公園の理解")
    assert list(criteria_for(scheme.proposal)) == [own]
    assert list(criteria_for(scheme.rival)) == scheme.criteria


def test_the_summary_gives_each_reviewer_s_weighted_mean_and_the_spread(scheme):
    score_submit(proposal=scheme.proposal, by=scheme.reviewer, scores=_scores(scheme, 5, 2))  # (10+2)/3 = 4
    score_submit(proposal=scheme.proposal, by=scheme.second_reviewer, scores=_scores(scheme, 2, 5))  # 9/3 = 3
    summary = score_summary(Score.objects.filter(proposal=scheme.proposal).select_related("criterion"))
    assert summary == {"reviewers": 2, "mean": pytest.approx(3.5), "spread": pytest.approx(1)}
    assert score_summary([]) == {"reviewers": 0, "mean": None, "spread": None}


# --- deciding -------------------------------------------------------------------------------------


def test_an_approver_decides_with_reasons(scheme, approver):
    decision = proposal_decide(proposal=scheme.proposal, outcome="adopted", reasons="効果が高い", by=approver)
    scheme.proposal.refresh_from_db()
    assert decision.decided_by == approver and scheme.proposal.status == ProposalStatus.DECIDED


def test_a_decision_needs_an_approver_and_reasons(scheme, editor, partner, other_editor, approver):
    before = _state()
    for user in (editor, partner, other_editor):
        with pytest.raises(PermissionDenied):
            proposal_decide(proposal=scheme.proposal, outcome="adopted", reasons="r", by=user)
    with pytest.raises(ValidationError):
        proposal_decide(proposal=scheme.proposal, outcome="adopted", reasons="  ", by=approver)
    with pytest.raises(ValidationError):
        proposal_decide(proposal=scheme.proposal, outcome="maybe", reasons="r", by=approver)
    assert _state() == before


def test_only_further_consultation_may_be_decided_again(scheme, approver):
    proposal_decide(proposal=scheme.proposal, outcome="continue", reasons="費用を再検討", by=approver)
    proposal_decide(proposal=scheme.proposal, outcome="rejected", reasons="費用が合わない", by=approver)
    before = _state()
    with pytest.raises(ValidationError):
        proposal_decide(proposal=scheme.proposal, outcome="adopted", reasons="r", by=approver)
    with pytest.raises(ValidationError):
        score_submit(proposal=scheme.proposal, by=scheme.reviewer, scores=_scores(scheme))
    assert _state() == before
    assert Decision.objects.get(proposal=scheme.proposal).outcome == "rejected"


def test_after_the_decision_every_officer_sees_the_submitted_scores(scheme, viewer, approver):
    score_submit(proposal=scheme.proposal, by=scheme.reviewer, scores=_scores(scheme))
    assert list(scores_visible_to(viewer, scheme.proposal)) == []
    proposal_decide(proposal=scheme.proposal, outcome="rejected", reasons="r", by=approver)
    scheme.proposal.refresh_from_db()
    assert len(scores_visible_to(viewer, scheme.proposal)) == 2


def test_dates_are_plausible(city, editor):
    with pytest.raises(ValidationError):
        theme_save(municipality=city, by=editor, title="t", background="b", wanted="w",
                   opens_on=datetime.date(1, 1, 1))  # fmt: skip


def test_an_editor_sets_criteria_and_a_used_weight_stays(scheme, city, editor, viewer):
    criterion = criterion_save(municipality=city, by=editor, theme=scheme.open_theme, name="公園の理解", weight=2)
    assert criterion.theme == scheme.open_theme
    with pytest.raises(PermissionDenied):
        criterion_save(municipality=city, by=viewer, name="新規性")
    score_submit(proposal=scheme.rival, by=editor, scores=_scores(scheme))
    with pytest.raises(ValidationError) as error:
        criterion_save(municipality=city, by=editor, criterion=scheme.criteria[0], name="課題の理解", weight=5)
    assert "weight" in error.value.message_dict
    assert criterion_save(municipality=city, by=editor, criterion=scheme.criteria[0], name="課題の理解（改）", weight=2)
