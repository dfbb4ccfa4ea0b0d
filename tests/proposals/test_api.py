"""/api/v1/themes/ and /api/v1/proposals/: what the public reads, what a proposer submits and reads,
the publication rule of a proposal's content, and the answers to bad requests."""

import json

import pytest

from proposals.models import Proposal, ProposalStatus
from tests.api.conftest import client_for

from .conftest import SECRET, decided, proposal, theme

pytestmark = pytest.mark.django_db

THEMES, PROPOSALS, MINE = "/api/v1/themes/", "/api/v1/proposals/", "/api/v1/proposals/mine/"
BODY = {
    "municipality": "272299",
    "title": "AIによる窓口案内",
    "problem": "窓口の待ち時間が長い",
    "offer": "案内システムを試験提供する",
    "expected_outcome": "待ち時間の短縮",
    "no_new_cost": True,
}


# --- themes ---------------------------------------------------------------------------------------


def test_themes_lists_published_themes_open_and_closed(scheme, city):
    theme(city, title="下書きのテーマ", published=False)
    rows = client_for().get(THEMES).json()["results"]
    assert {r["title"]: r["open"] for r in rows} == {"公園の利活用": True, "図書館の夜間開館": False}
    park = next(r for r in rows if r["open"])
    assert park["municipality"] == "272299" and park["department"] == "公園課"


def test_themes_filter_by_municipality_and_open(scheme, other_city):
    theme(other_city, title="大東市のテーマ")
    assert [r["title"] for r in client_for().get(THEMES, {"municipality": "272183"}).json()["results"]] == [
        "大東市のテーマ"
    ]
    open_titles = {r["title"] for r in client_for().get(THEMES, {"open": "true"}).json()["results"]}
    closed_titles = {r["title"] for r in client_for().get(THEMES, {"open": "false"}).json()["results"]}
    assert open_titles == {"公園の利活用", "大東市のテーマ"} and closed_titles == {"図書館の夜間開館"}


@pytest.mark.parametrize(
    "params, field",
    [({"colour": "red"}, "colour"), ({"open": "perhaps"}, "open"), ({"municipality": "27"}, "municipality")],
)
def test_themes_refuse_bad_parameters_with_400(scheme, params, field):
    response = client_for().get(THEMES, params)
    assert response.status_code == 400 and field in response.json()["error"]["fields"]


def test_themes_cost_two_queries_however_many(scheme, city, django_assert_num_queries):
    for n in range(5):
        theme(city, title=f"テーマ{n}", department=scheme.department)
    with django_assert_num_queries(2):  # count, rows (with municipality and department)
        response = client_for().get(THEMES)
    assert response.json()["count"] == 7


# --- the public list of decisions -----------------------------------------------------------------


def _public_world(scheme, city, organization):
    rejected_secret = decided(
        proposal(city, organization, title="秘密の提案", problem=SECRET, offer=SECRET, confidential=True),
        "rejected",
        reasons="費用対効果が不明",
    )
    adopted_open = decided(
        proposal(city, organization, title="公開に同意した提案", problem="公開してよい課題", publish_consent=True),
        "adopted",
    )
    adopted_closed = decided(
        proposal(city, organization, title="同意のない提案", problem=SECRET + "2", publish_consent=False), "adopted"
    )
    adopted_confidential = decided(
        proposal(city, organization, title="秘密の採択", problem=SECRET + "3", confidential=True, publish_consent=True),
        "adopted",
    )
    decided(  # not confidential and with consent, but not adopted: its content stays private too
        proposal(city, organization, title="同意した不採択", problem=SECRET + "4", publish_consent=True), "rejected"
    )
    return rejected_secret, adopted_open, adopted_closed, adopted_confidential


def test_a_rejected_confidential_proposal_s_decision_is_public_and_its_content_is_not(scheme, city, organization):
    rejected, adopted_open, *_ = _public_world(scheme, city, organization)
    response = client_for().get(PROPOSALS)
    rows = {r["title"]: r for r in response.json()["results"]}
    assert set(rows) == {"秘密の提案", "公開に同意した提案", "同意のない提案", "秘密の採択", "同意した不採択"}
    assert rows["秘密の提案"]["decision"]["outcome"] == "rejected"
    assert rows["秘密の提案"]["decision"]["reasons"] == "費用対効果が不明"
    assert rows["秘密の提案"]["proposer"] == "株式会社パートナー" and rows["秘密の提案"]["content"] is None
    assert rows["公開に同意した提案"]["content"]["problem"] == "公開してよい課題"
    assert SECRET not in response.content.decode()
    for title in ("同意のない提案", "秘密の採択", "同意した不採択"):
        assert rows[title]["content"] is None
    # The same on the detail read, by anyone who is not a member, and as CSV-free JSON text.
    for user in (None, "rival"):
        client = client_for(scheme.rival_user if user else None)
        detail = client.get(f"{PROPOSALS}{rejected.pk}/")
        assert detail.status_code == 200 and SECRET not in detail.content.decode()
        assert detail.json()["decision"]["reasons"] == "費用対効果が不明"


def test_undecided_proposals_are_not_public(scheme):
    assert client_for().get(PROPOSALS).json()["count"] == 0
    for user in (None, scheme.rival_user):
        assert client_for(user).get(f"{PROPOSALS}{scheme.proposal.pk}/").status_code == 404


def test_the_public_list_filters_and_refuses_bad_parameters(scheme, city, organization):
    _public_world(scheme, city, organization)
    assert client_for().get(PROPOSALS, {"outcome": "rejected"}).json()["count"] == 2
    assert client_for().get(PROPOSALS, {"municipality": "272183"}).json()["count"] == 0
    for params, field in (({"outcome": "maybe"}, "outcome"), ({"status": "submitted"}, "status")):
        response = client_for().get(PROPOSALS, params)
        assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert client_for().get(f"{PROPOSALS}999999/").status_code == 404


def test_the_public_list_costs_two_queries_however_many(scheme, city, organization, django_assert_num_queries):
    _public_world(scheme, city, organization)
    for n in range(4):
        decided(proposal(city, organization, title=f"追加{n}", theme=scheme.open_theme), "continue")
    with django_assert_num_queries(2):  # count, rows (with municipality, proposer, theme and decision)
        response = client_for().get(PROPOSALS)
    assert response.json()["count"] == 9


# --- submitting -----------------------------------------------------------------------------------


def test_a_partner_editor_submits_a_proposal(scheme, partner):
    response = client_for(partner).post(PROPOSALS, {**BODY, "theme": scheme.open_theme.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["proposer"] == "株式会社パートナー"
    assert body["cost_to_city_jpy"] is None and body["theme"] == scheme.open_theme.pk
    assert Proposal.objects.get(pk=body["id"]).submitted_by == partner


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": ""}, "title"),
        ({"cost_to_city_jpy": 5000}, "cost_to_city_jpy"),  # with no_new_cost
        ({"municipality": "999999"}, "municipality"),
        ({"colour": "red"}, "colour"),
        ({"status": "decided"}, "status"),
        ({"theme": 999999}, "theme"),
    ],
)
def test_a_bad_submission_answers_400_and_stores_nothing(scheme, partner, change, field):
    before = Proposal.objects.count()
    response = client_for(partner).post(PROPOSALS, {**BODY, **change}, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"], response.json()
    assert Proposal.objects.count() == before


def test_a_closed_or_another_city_s_theme_is_refused(scheme, partner, other_city):
    for item in (scheme.closed_theme, theme(other_city)):
        response = client_for(partner).post(PROPOSALS, {**BODY, "theme": item.pk}, format="json")
        assert response.status_code == 400 and "theme" in response.json()["error"]["fields"]


def test_officers_viewers_and_anonymous_cannot_submit(scheme, editor, partner_viewer, organization):
    before = Proposal.objects.count()
    assert client_for().post(PROPOSALS, BODY, format="json").status_code == 401
    assert client_for(partner_viewer).post(PROPOSALS, BODY, format="json").status_code == 403
    assert client_for(editor).post(PROPOSALS, BODY, format="json").status_code == 403
    other = {**BODY, "organization": organization.pk}
    assert client_for(scheme.rival_user).post(PROPOSALS, other, format="json").status_code == 403
    assert Proposal.objects.count() == before


# --- members' reads -------------------------------------------------------------------------------


def test_a_proposer_reads_their_own_in_full_and_never_another_s(scheme, partner, partner_viewer):
    for user in (partner, partner_viewer):
        rows = client_for(user).get(MINE).json()["results"]
        assert [r["title"] for r in rows] == ["公園カフェ"] and rows[0]["problem"] == "課題の説明"
    assert client_for(partner).get(f"{PROPOSALS}{scheme.proposal.pk}/").json()["status"] == "submitted"
    assert client_for(partner).get(f"{PROPOSALS}{scheme.rival.pk}/").status_code == 404
    assert "ライバル" not in client_for(partner).get(MINE).content.decode()


def test_the_intake_reads_its_municipality_s_proposals(scheme, viewer, other_editor):
    assert {r["title"] for r in client_for(viewer).get(MINE).json()["results"]} == {"公園カフェ", "ライバル案"}
    assert [r["title"] for r in client_for(other_editor).get(MINE).json()["results"]] == ["大東市への提案"]
    assert client_for(other_editor).get(f"{PROPOSALS}{scheme.rival.pk}/").status_code == 404


def test_mine_needs_an_account_and_knows_its_parameters(scheme, partner):
    assert client_for().get(MINE).status_code == 401
    assert client_for(partner).get(MINE, {"status": "x"}).status_code == 400


def test_a_decided_proposal_s_members_still_read_its_content(scheme, city, organization, partner):
    rejected, *_ = _public_world(scheme, city, organization)
    body = client_for(partner).get(f"{PROPOSALS}{rejected.pk}/").json()
    assert body["problem"] == SECRET and body["decision"]["outcome"] == "rejected"
    assert Proposal.objects.get(pk=rejected.pk).status == ProposalStatus.DECIDED


def test_mine_costs_a_fixed_number_of_queries(scheme, city, organization, partner, django_assert_num_queries):
    _public_world(scheme, city, organization)
    client = client_for(partner)
    for n in range(3):
        decided(proposal(city, organization, title=f"追加{n}", theme=scheme.open_theme), "adopted")
    client.get(MINE)  # the token's first use is recorded once (an UPDATE), not on every request
    with django_assert_num_queries(4):  # the token, the memberships, count, rows
        response = client.get(MINE)
    assert response.json()["count"] == 9


def test_the_public_json_never_holds_confidential_content(scheme, city, organization):
    _public_world(scheme, city, organization)
    texts = [client_for().get(url).content.decode() for url in (PROPOSALS, THEMES)]
    assert not any(SECRET in text for text in texts)
    assert all(json.loads(text) for text in texts)
