import pytest

from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def test_anonymous_lists_published_agreements(world):
    response = client_for().get("/api/v1/agreements/")
    assert response.status_code == 200, response.content
    ids = {a["public_id"] for a in response.json()["results"]}
    assert ids == {world.own_published.public_id, world.other_published.public_id}


def test_officer_creates_and_publishes(world, approver, organization):
    """A draft with only a title cannot be published: 400 naming each missing item, nothing changes.
    With a summary, a partner and the date signed it can (the publication checklist, issue 14)."""
    client = client_for(approver)
    response = client.post(
        "/api/v1/agreements/",
        {"title": "新協定", "kind": "comprehensive", "municipality": "272299", "fields": ["childcare"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    public_id = response.json()["public_id"]
    refused = client.post(f"/api/v1/agreements/{public_id}/publish/")
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"status", "signed_on", "parties", "summary"}
    assert client.get(f"/api/v1/agreements/{public_id}/").json()["published"] is False

    etag = client.get(f"/api/v1/agreements/{public_id}/").headers["ETag"]
    client.patch(f"/api/v1/agreements/{public_id}/", {"summary": "子育て支援の連携"}, format="json", HTTP_IF_MATCH=etag)
    party = client.post(
        f"/api/v1/agreements/{public_id}/parties/", {"organization": organization.pk, "role": "partner"}, format="json"
    )
    assert party.status_code == 201, party.json()
    signed = client.post(f"/api/v1/agreements/{public_id}/activate/", {"signed_on": "2026-04-01"}, format="json")
    assert signed.status_code == 200, signed.json()
    response = client.post(f"/api/v1/agreements/{public_id}/publish/")
    assert response.status_code == 200, response.json()
    assert response.json()["published"] is True
