import pytest

from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def test_anonymous_lists_published_agreements(world):
    response = client_for().get("/api/v1/agreements/")
    assert response.status_code == 200, response.content
    ids = {a["public_id"] for a in response.json()["results"]}
    assert ids == {world.own_published.public_id, world.other_published.public_id}


def test_officer_creates_and_publishes(world, approver):
    client = client_for(approver)
    response = client.post(
        "/api/v1/agreements/",
        {"title": "新協定", "kind": "comprehensive", "municipality": "272299", "fields": ["childcare"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    public_id = response.json()["public_id"]
    response = client.post(f"/api/v1/agreements/{public_id}/publish/")
    assert response.status_code == 200, response.json()
    assert response.json()["published"] is True
