"""What a signed-in member reads is never stored by a browser or a proxy (Cache-Control: private,
no-store); what anonymous callers read keeps its public caching."""

import pytest
from django.test import Client

from tests.api.conftest import client_for
from tests.portal.seed import seed_agreement

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_workspace_pages_are_not_stored(editor):
    """A member's workspace page says private, no-store."""
    client = Client()
    client.force_login(editor)
    response = client.get("/workspace/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_portal_pages_read_by_a_member_are_not_stored(editor):
    """A public page read while signed in names the member in its header: not stored either."""
    client = Client()
    client.force_login(editor)
    response = client.get("/")
    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response)


def test_api_responses_to_a_token_are_not_stored(editor):
    """The API's answer to a token holder says private, no-store."""
    response = client_for(editor).get("/api/v1/agreements/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_anonymous_api_responses_keep_public_caching(db):
    """Anonymous API reads are still cacheable for a minute by anyone."""
    response = client_for().get("/api/v1/agreements/")
    assert response.headers["Cache-Control"] == "public, max-age=60"


def test_anonymous_pages_are_not_marked_no_store(db):
    """Anonymous portal pages are left to their own caching headers."""
    response = Client().get("/")
    assert response.status_code == 200
    assert "no-store" not in directives(response)


def test_a_public_file_read_by_a_member_keeps_its_public_caching(city, organization, editor, settings, tmp_path):
    """A public document's file is the same for everyone: its response never asks who reads it, and keeps
    its own public caching (and costs no session or user query)."""
    settings.MEDIA_ROOT = tmp_path
    seeded = seed_agreement(city, organization=organization)
    client = Client()
    client.force_login(editor)

    response = client.get(f"/documents/{seeded.public_file.pk}/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
