"""The public history shows only states that were themselves public (issue 10, items 3 and 15).

An agreement that is withdrawn, edited and published again must not reveal what was drafted while it
was withdrawn: the public reads one change from the last public state to the next. The records under
an agreement follow the agreement's publication intervals, and the review fields (the reviewer's
comment, who reviewed, who reported) are never in a public entry. Members still read everything."""

import json

import pytest

from agreements import services
from agreements.models import Document, Initiative, Measurement
from tests.api.conftest import client_for
from tests.factories import OrganizationFactory, OutcomeIndicatorFactory, PartyFactory, UserFactory, ready_to_publish

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    return json.dumps(response.json(), ensure_ascii=False)


def changes_of(entries) -> list[tuple]:
    return [(c["field"], c["old"], c["new"]) for e in entries for c in e["changes"]]


@pytest.fixture
def withdrawn_and_republished(city, editor, approver):
    """Published with a summary, withdrawn, the summary drafted twice, then published again."""
    agreement = services.agreement_create(
        municipality=city, by=editor, kind="other", title="題名", summary="公開時の概要"
    )
    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    services.agreement_unpublish(agreement=agreement, by=approver)
    services.agreement_update(agreement=agreement, by=editor, summary="撤回中の下書き一")
    services.agreement_update(agreement=agreement, by=editor, summary="撤回中の下書き二")
    services.agreement_update(agreement=agreement, by=editor, summary="再公開の概要")
    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    return agreement


def test_text_drafted_while_withdrawn_never_reaches_the_public_history(withdrawn_and_republished, editor):
    """Anonymous readers see the summary go from its last public text to its next public text in one
    change, dated at the republication; the interim drafts are not there. Members see them all."""
    url = f"/api/v1/agreements/{withdrawn_and_republished.public_id}/history/"
    public = client_for().get(url).json()
    body = json.dumps(public, ensure_ascii=False)
    assert "撤回中の下書き" not in body
    changes = changes_of(public)
    assert ("summary", "公開時の概要", "再公開の概要") in changes
    assert {c["field"] for c in public[0]["changes"]} >= {"summary", "published"}  # one entry: the republication
    # the publications and the withdrawal themselves are changes of `published`
    published = [(old, new) for field, old, new in changes if field == "published"]
    assert published == [(False, True), (True, False), (False, True)]  # newest first
    assert {e["user"] for e in public} == {None}
    member = text(client_for(editor).get(url))
    assert "撤回中の下書き一" in member and "撤回中の下書き二" in member


def test_the_first_publication_shows_no_draft_text(city, editor, approver):
    """The entry of the first publication lists the publication only, never what the draft held."""
    agreement = services.agreement_create(municipality=city, by=editor, kind="other", title="下書きの題名")
    agreement.title = "公開と同時に変えた題名"  # a save that publishes and changes a text at once
    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    public = client_for().get(f"/api/v1/agreements/{agreement.public_id}/history/").json()
    assert "下書きの題名" not in json.dumps(public, ensure_ascii=False)
    assert {c[0] for c in changes_of(public)} == {"published", "published_at"}


def test_records_under_an_agreement_show_only_states_while_it_was_public(
    withdrawn_and_republished, city, editor, approver
):
    """An initiative edited while its agreement was withdrawn: the public reads one change from the
    title it last saw to the title at the republication; one created while withdrawn starts its
    public history at the republication."""
    agreement = withdrawn_and_republished
    services.agreement_unpublish(agreement=agreement, by=approver)
    services.agreement_publish(
        agreement=ready_to_publish(agreement), by=approver
    )  # a window to create the initiative in
    initiative = services.agreement_record_save(
        instance=Initiative(agreement=agreement, title="公開中の事業名"), by=editor
    )
    services.agreement_unpublish(agreement=agreement, by=approver)
    for title in ("撤回中の事業名一", "撤回中の事業名二", "再公開の事業名"):
        initiative.title = title
        services.agreement_record_save(instance=initiative, by=editor)
    hidden = services.agreement_record_save(
        instance=Initiative(agreement=agreement, title="撤回中に作った事業"), by=editor
    )
    hidden.title = "撤回中に作った事業（再公開時）"
    services.agreement_record_save(instance=hidden, by=editor)
    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    initiative.title = "公開後の事業名"
    services.agreement_record_save(instance=initiative, by=editor)

    public = client_for().get(f"/api/v1/initiatives/{initiative.pk}/history/").json()
    assert "撤回中の事業名" not in json.dumps(public, ensure_ascii=False)
    assert changes_of(public) == [
        ("title", "再公開の事業名", "公開後の事業名"),
        ("title", "公開中の事業名", "再公開の事業名"),
    ]
    assert public[-1]["type"] == "created"
    later = client_for().get(f"/api/v1/initiatives/{hidden.pk}/history/").json()
    assert later == []  # its history starts when it became public: nothing has changed since
    member = text(client_for(editor).get(f"/api/v1/initiatives/{initiative.pk}/history/"))
    assert "撤回中の事業名一" in member


def test_a_record_changed_only_while_withdrawn_shows_one_change_at_the_republication(city, editor, approver):
    """A party's signatory title changed twice while the agreement was withdrawn."""
    agreement = services.agreement_create(municipality=city, by=editor, kind="other", title="協定")
    party = PartyFactory(agreement=agreement, organization=OrganizationFactory(), signatory_title="社長")
    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    services.agreement_unpublish(agreement=agreement, by=approver)
    for title in ("仮の役職", "代表取締役"):
        party.signatory_title = title
        services.agreement_record_save(instance=party, by=editor)
    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    url = f"/api/v1/agreements/{agreement.public_id}/parties/{party.pk}/history/"
    public = client_for().get(url).json()
    assert changes_of(public) == [("signatory_title", "社長", "代表取締役")]


def test_a_document_shows_only_the_states_it_was_public_in(city, editor, approver):
    """A document's title changed while it was not public is not in the public history."""
    agreement = services.agreement_create(municipality=city, by=editor, kind="other", title="協定")
    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    document = services.agreement_record_save(
        instance=Document(
            agreement=agreement, kind="report", title="内部の題名", url="https://example.jp/a", public=False
        ),
        by=editor,
    )
    document.title = "公開する題名"
    document.public = True
    services.agreement_record_save(instance=document, by=editor)
    public = client_for().get(f"/api/v1/documents/{document.pk}/history/").json()
    assert "内部の題名" not in json.dumps(public, ensure_ascii=False)
    assert changes_of(public) == [("public", False, True)]


@pytest.fixture
def reviewed_measurement(city, editor, approver, organization, partner):
    """A partner's value, returned with a comment, corrected, then accepted with a comment."""
    agreement = services.agreement_create(municipality=city, by=editor, kind="other", title="協定")
    PartyFactory(agreement=agreement, organization=organization)
    indicator = OutcomeIndicatorFactory(agreement=agreement, reporter=organization)
    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    measurement = services.measurement_record(
        indicator=indicator,
        by=partner,
        period_start="2024-04-01",
        period_end="2025-03-31",
        value="99",
        measured_by="partner",
    )
    services.measurement_return(measurement=measurement, by=approver, comment="数値の根拠を添付してください（内部）")
    measurement.refresh_from_db()
    measurement.value, measurement.review_status = "8", "pending"
    services.agreement_record_save(instance=measurement, by=editor)
    services.measurement_accept(measurement=measurement, by=approver, comment="確認済み（内部の講評）")
    return Measurement.objects.get(pk=measurement.pk)


def test_review_fields_and_unaccepted_values_are_not_in_the_public_history(reviewed_measurement, editor, approver):
    """The public history of an accepted measurement starts at its acceptance and names no reviewer,
    no reporter and no reviewer's comment; members read the whole review."""
    url = f"/api/v1/measurements/{reviewed_measurement.pk}/history/"
    public = client_for().get(url).json()
    body = json.dumps(public, ensure_ascii=False)
    assert "内部" not in body and '"99' not in body
    fields = {c[0] for c in changes_of(public)}
    assert not fields & {"review_comment", "reviewed_by", "reported_by", "submitted_by"}
    assert changes_of(public) == [("review_status", "pending", "accepted")]
    # a later public change lists the visible fields only
    reviewed_measurement.note = "注記"
    reviewed_measurement.review_comment = "内部のメモを追記"
    services.agreement_record_save(instance=reviewed_measurement, by=editor)
    public = client_for().get(url).json()
    assert changes_of(public)[0] == ("note", "", "注記")
    assert "内部" not in json.dumps(public, ensure_ascii=False)
    member = text(client_for(editor).get(url))
    assert "確認済み（内部の講評）" in member and "数値の根拠を添付してください（内部）" in member
    assert '"reviewed_by"' in member


def test_a_signed_in_non_member_reads_the_public_history(withdrawn_and_republished, stranger_partner, other_editor):
    """Being signed in is not being a member: another city's officer and another company's user read
    what the public reads."""
    url = f"/api/v1/agreements/{withdrawn_and_republished.public_id}/history/"
    for user in (stranger_partner, other_editor):
        assert "撤回中の下書き" not in text(client_for(user).get(url))


def test_the_review_comment_is_for_members_only_in_the_measurement_json(
    reviewed_measurement, editor, partner, stranger_partner, other_editor
):
    """GET /measurements/ and /measurements/{id}/: `review_comment` is null for anonymous and
    non-member readers (another company's user, another city's officer); the municipality's officers
    and the reporting partner still read it."""
    stranger = UserFactory(username="stranger")
    url = f"/api/v1/measurements/{reviewed_measurement.pk}/"
    for client in (client_for(), client_for(stranger), client_for(stranger_partner), client_for(other_editor)):
        for body in (client.get(url).json(), client.get("/api/v1/measurements/").json()["results"][0]):
            assert body["review_comment"] is None and "reviewed_by" not in body
            assert body["review_status"] == "accepted"
            assert "内部" not in json.dumps(body, ensure_ascii=False)
    for user in (editor, partner):
        assert client_for(user).get(url).json()["review_comment"] == "確認済み（内部の講評）"
        listed = client_for(user).get("/api/v1/measurements/").json()["results"]
        assert [m["review_comment"] for m in listed] == ["確認済み（内部の講評）"]
