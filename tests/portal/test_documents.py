"""Uploaded documents are served by a view that checks who may see them, and always as a download
that cannot run in the browser (never from /media/)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import _officer
from tests.factories import DocumentFactory, MunicipalityFactory
from tests.portal.conftest import client_in
from tests.portal.seed import seed_agreement

pytestmark = pytest.mark.django_db


def download(client, document):
    return client.get(f"/documents/{document.pk}/")


def assert_served_as_download(response, content: bytes):
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert "sandbox" in response["Content-Security-Policy"]


def test_public_document_of_a_published_agreement_is_a_download_for_everyone(seeded, anonymous):
    """Even an HTML file is served as an attachment of type octet-stream: it can never run."""
    response = download(anonymous, seeded.public_file)
    assert_served_as_download(response, b"<script>alert(1)</script>")
    assert 'filename="kyotei' in response["Content-Disposition"]


def test_non_public_document_is_404_for_the_public_and_served_to_members(seeded, anonymous, partner, viewer):
    assert download(anonymous, seeded.private_file).status_code == 404
    for member in (partner, viewer):
        response = download(client_in(user=member), seeded.private_file)
        assert_served_as_download(response, b"%PDF-1.4 internal")
        assert response["Cache-Control"] == "private, no-store"


def test_documents_of_unpublished_agreements_are_for_members_only(city, organization, partner, anonymous):
    draft = seed_agreement(city, organization=organization, published=False)
    assert download(anonymous, draft.public_file).status_code == 404
    assert download(client_in(user=partner), draft.public_file).status_code == 200
    stranger = _officer(MunicipalityFactory(), "approver", "stranger")
    assert download(client_in(user=stranger), draft.public_file).status_code == 404


def test_link_documents_and_missing_files_are_404(seeded, anonymous):
    assert download(anonymous, seeded.link).status_code == 404  # a URL, not a file
    gone = DocumentFactory(agreement=seeded.agreement, url="", file=SimpleUploadedFile("gone.pdf", b"x"), public=True)
    gone.file.storage.delete(gone.file.name)
    assert download(anonymous, gone).status_code == 404
    assert anonymous.get("/documents/999999/").status_code == 404


def test_download_accepts_only_reads(seeded, anonymous):
    assert anonymous.post(f"/documents/{seeded.public_file.pk}/").status_code == 405
