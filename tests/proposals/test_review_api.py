"""The review actions of the API: routing, blind scoring and the decision, for members with the role."""

import pytest

from proposals.models import Decision, ProposalRouting, Score
from tests.api.conftest import client_for
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _url(item, action):
    return f"/api/v1/proposals/{item.pk}/{action}/"


def _body(scheme, first=4, second=3, submit=True):
    return {
        "scores": [
            {"criterion": scheme.criteria[0].pk, "score": first, "comment": "よく理解している"},
            {"criterion": scheme.criteria[1].pk, "score": second},
        ],
        "submit": submit,
    }


def test_two_reviewers_score_blind_then_the_approver_decides(scheme, approver):
    first, second = client_for(scheme.reviewer), client_for(scheme.second_reviewer)
    assert first.post(_url(scheme.proposal, "scores"), _body(scheme, 5, 2), format="json").status_code == 200
    # The second reviewer sees nothing of the first's before submitting, and only their draft after saving one.
    assert second.get(_url(scheme.proposal, "scores")).json()["scores"] == []
    draft = second.post(_url(scheme.proposal, "scores"), _body(scheme, 1, 1, submit=False), format="json").json()
    assert {s["reviewer"] for s in draft["scores"]} == {"second-reviewer"} and draft["summary"]["reviewers"] == 0
    done = second.post(_url(scheme.proposal, "scores"), _body(scheme, 2, 5), format="json").json()
    assert {s["reviewer"] for s in done["scores"]} == {"editor", "second-reviewer"}
    assert done["summary"] == {"reviewers": 2, "mean": "3.50", "spread": "1.00"}
    response = client_for(approver).post(
        _url(scheme.proposal, "decision"), {"outcome": "adopted", "reasons": "効果が高い"}, format="json"
    )
    assert response.status_code == 201 and response.json()["outcome"] == "adopted"


def test_scores_are_for_officers_and_refusals_change_nothing(scheme, partner, viewer, other_editor):
    before = Score.objects.count()
    assert client_for(partner).get(_url(scheme.proposal, "scores")).status_code == 403
    assert client_for(partner).post(_url(scheme.proposal, "scores"), _body(scheme), format="json").status_code == 403
    assert client_for(viewer).post(_url(scheme.proposal, "scores"), _body(scheme), format="json").status_code == 403
    assert client_for(other_editor).get(_url(scheme.proposal, "scores")).status_code == 404
    assert client_for().post(_url(scheme.proposal, "scores"), _body(scheme), format="json").status_code == 401
    assert Score.objects.count() == before


@pytest.mark.parametrize(
    "change, field",
    [
        ({"scores": []}, "scores"),  # every criterion is scored
        ({"colour": "red"}, "colour"),
        ({"scores": [{"criterion": 1, "score": 9}]}, "scores"),
    ],
)
def test_bad_scores_answer_400(scheme, change, field):
    response = client_for(scheme.reviewer).post(
        _url(scheme.proposal, "scores"), {**_body(scheme), **change}, format="json"
    )
    assert response.status_code == 400 and field in response.json()["error"]["fields"], response.json()
    assert Score.objects.count() == 0


def test_submitted_scores_cannot_be_changed(scheme):
    client = client_for(scheme.reviewer)
    client.post(_url(scheme.proposal, "scores"), _body(scheme), format="json")
    response = client.post(_url(scheme.proposal, "scores"), _body(scheme, 1, 1), format="json")
    assert response.status_code == 400
    assert set(Score.objects.values_list("score", flat=True)) == {4, 3}


def test_the_scores_read_costs_a_fixed_number_of_queries(scheme, approver, django_assert_num_queries):
    for reviewer in (scheme.reviewer, scheme.second_reviewer):
        client_for(reviewer).post(_url(scheme.proposal, "scores"), _body(scheme), format="json")
    client = client_for(approver)
    client.get(_url(scheme.proposal, "scores"))  # the token's first use is recorded once
    # token, memberships, the proposal, whether the approver scored, the scores (with criteria and reviewers)
    with django_assert_num_queries(5):
        response = client.get(_url(scheme.proposal, "scores"))
    assert len(response.json()["scores"]) == 4


def test_the_intake_routes_to_its_own_departments(scheme, editor, other_city, partner):
    client = client_for(editor)
    other = DepartmentFactory(municipality=other_city)
    refused = client.post(_url(scheme.proposal, "routing"), {"departments": [other.pk]}, format="json")
    assert refused.status_code == 400 and "departments" in refused.json()["error"]["fields"]
    partner_try = client_for(partner).post(
        _url(scheme.proposal, "routing"), {"departments": [scheme.department.pk]}, format="json"
    )
    assert partner_try.status_code == 403 and ProposalRouting.objects.count() == 0
    response = client.post(_url(scheme.proposal, "routing"), {"departments": [scheme.department.pk]}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "under_review"
    assert ProposalRouting.objects.count() == 1


def test_only_an_approver_decides_with_reasons(scheme, editor, approver, partner):
    body = {"outcome": "rejected", "reasons": "費用が合わない"}
    assert client_for(editor).post(_url(scheme.proposal, "decision"), body, format="json").status_code == 403
    assert client_for(partner).post(_url(scheme.proposal, "decision"), body, format="json").status_code == 403
    empty = client_for(approver).post(_url(scheme.proposal, "decision"), {**body, "reasons": ""}, format="json")
    assert empty.status_code == 400 and "reasons" in empty.json()["error"]["fields"]
    bad = client_for(approver).post(_url(scheme.proposal, "decision"), {**body, "outcome": "x"}, format="json")
    assert bad.status_code == 400 and "outcome" in bad.json()["error"]["fields"]
    assert not Decision.objects.exists()
    assert client_for(approver).post(_url(scheme.proposal, "decision"), body, format="json").status_code == 201
    again = client_for(approver).post(_url(scheme.proposal, "decision"), body, format="json")
    assert again.status_code == 400
    public = client_for().get("/api/v1/proposals/").json()["results"]
    assert [(r["title"], r["decision"]["reasons"], r["content"]) for r in public] == [
        ("公園カフェ", "費用が合わない", None)
    ]
