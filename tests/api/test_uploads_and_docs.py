"""Evidence uploads (type and size checked) and the API documentation served with no outside request."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from agreements.models import ProgressUpdate
from tests.api.conftest import client_for
from tests.factories import DeliverableFactory

pytestmark = pytest.mark.django_db


def report(client, world, evidence):
    # world.deliverable already has a report waiting for review; one report waits per deliverable
    deliverable = DeliverableFactory(initiative=world.deliverable.initiative, responsible=world.deliverable.responsible)
    body = {
        "deliverable": deliverable.pk,
        "progress": 80,
        "status": "in_progress",
        "note": "写真添付",
        "evidence": evidence,
    }
    return client.post("/api/v1/progress-updates/", body, format="multipart")


def test_partner_uploads_evidence_with_a_report(world, partner):
    response = report(client_for(partner), world, SimpleUploadedFile("photo.png", b"\x89PNG\r\n", "image/png"))
    assert response.status_code == 201, response.json()
    update = ProgressUpdate.objects.get(pk=response.json()["id"])
    assert response.json()["evidence"].endswith(f"/workspace/evidence/{update.pk}/")  # a checked download, not /media/
    assert ProgressUpdate.objects.filter(note="写真添付").get().evidence.name.startswith("evidence/")


def test_executable_evidence_is_refused(world, partner):
    response = report(client_for(partner), world, SimpleUploadedFile("run.html", b"<script>", "text/html"))
    assert response.status_code == 400
    assert "evidence" in response.json()["error"]["fields"]


def test_oversized_evidence_is_refused(world, partner, settings):
    settings.KYOSO_MAX_UPLOAD_BYTES = 10
    response = report(
        client_for(partner), world, SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 100, "application/pdf")
    )
    assert response.status_code == 400
    assert "limit" in response.json()["error"]["fields"]["evidence"][0]


def test_schema_is_openapi_3(db):
    response = APIClient().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/agreements/{public_id}/publish/",
        "/api/v1/progress-updates/{id}/accept/",
        "/api/v1/auth/token/",
        "/api/v1/agreements/{public_id}/history/",
    ):
        assert path in schema["paths"], path


def test_documentation_page_loads_only_local_assets(db):
    client = APIClient()
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html[:500]
    assert not [a for a in assets if re.match(r"^(https?:)?//", a)], assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_the_documentation_page_leads_back_and_speaks_japanese(db):
    """Issue 14 (12): a way back to the site and a Japanese introduction above Swagger UI."""
    page = APIClient(HTTP_ACCEPT_LANGUAGE="ja").get("/api/v1/docs/").content.decode()
    assert 'href="/"' in page and "Kyoso のトップへ戻る" in page
    assert "アカウントなしで誰でも読めます" in page and 'href="/opendata/"' in page


def test_the_empty_open_data_page_does_not_ask_citizens_to_run_a_command(db, settings, tmp_path):
    from django.test import Client

    settings.KYOSO_OPENDATA_DIR = tmp_path
    page = Client(HTTP_ACCEPT_LANGUAGE="ja").get("/opendata/").content.decode()
    assert "manage.py" not in page and "毎晩" in page
