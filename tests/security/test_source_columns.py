"""Issue 11: the columns of a city's list that have no Kyoso field (source_columns) are for members of
the agreement only — the officers of its city and the users of its parties. They are null in the API
for everyone else and appear in no CSV (Python stream or PostgreSQL COPY), no open-data file, no OCDS
release and no public page; the workspace shows them to members."""

import gzip
import json

import pytest
from django.utils import timezone

from agreements.tables import TABLES, published_querysets
from opendata.bulk import current_dir, opendata_export
from opendata.ocds import release_content
from opendata.selectors import agreements_for_ocds
from tests.api.conftest import client_for
from tests.csv_forms import copy_csv, python_csv
from tests.factories import AgreementFactory, PartyFactory
from tests.portal.conftest import client_in

pytestmark = pytest.mark.django_db

SECRET_HEADER = "内部メモ列"
SECRET_TEXT = "担当者の携帯 090-0000-0000"


@pytest.fixture
def listed(city, organization):
    """A published agreement imported from a city's list, with a column Kyoso has no field for."""
    agreement = AgreementFactory(
        municipality=city,
        published=True,
        published_at=timezone.now(),
        source_columns={SECRET_HEADER: SECRET_TEXT},
        source_ref="3",
    )
    PartyFactory(agreement=agreement, organization=organization)
    return agreement


def test_the_api_gives_source_columns_to_members_only(listed, viewer, partner, stranger_partner, other_editor):
    """Given the agreement, then its city's officer and its partner read the columns in the detail and
    the list; the public, another city's officer and another partner read null."""
    for user in (viewer, partner):
        client = client_for(user)
        assert client.get(f"/api/v1/agreements/{listed.public_id}/").json()["source_columns"] == {
            SECRET_HEADER: SECRET_TEXT
        }
        (item,) = client.get("/api/v1/agreements/").json()["results"]
        assert item["source_columns"] == {SECRET_HEADER: SECRET_TEXT}
    for user in (None, other_editor, stranger_partner):
        client = client_for(user)
        detail = client.get(f"/api/v1/agreements/{listed.public_id}/")
        assert detail.json()["source_columns"] is None
        listing = client.get("/api/v1/agreements/")
        assert listing.json()["results"][0]["source_columns"] is None
        for body in (detail.content.decode(), listing.content.decode()):
            assert SECRET_TEXT not in body and SECRET_HEADER not in body


def test_no_csv_carries_source_columns(listed):
    """Given the agreement, then no dataset of the Python stream (nor ?format=csv) holds the columns."""
    everything = "".join(
        python_csv(dataset, published_querysets()[name], bom=False) for name, dataset in TABLES.items()
    )
    everything += b"".join(client_for().get("/api/v1/agreements/?format=csv").streaming_content).decode()
    assert SECRET_TEXT not in everything and SECRET_HEADER not in everything


def test_no_copy_csv_carries_source_columns(listed, postgres_only):
    copied = copy_csv(TABLES["agreements"], published_querysets()["agreements"], bom=False)
    assert SECRET_TEXT.encode() not in copied and SECRET_HEADER.encode() not in copied


def test_no_ocds_release_or_open_data_file_carries_source_columns(listed, settings, tmp_path):
    """Given the agreement, then its OCDS release and the nightly files do not hold the columns."""
    settings.KYOSO_OPENDATA_DIR = tmp_path / "opendata"
    content = release_content(
        agreements_for_ocds().get(pk=listed.pk), ocid_prefix="ocds-test", base_url="https://example.jp"
    )
    assert SECRET_TEXT not in json.dumps(content, ensure_ascii=False)
    opendata_export()
    folder = current_dir()
    files = "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.csv"))
    files += (folder / "datapackage.json").read_text(encoding="utf-8") if (folder / "datapackage.json").exists() else ""
    if (folder / "ocds-releases.json.gz").exists():
        files += gzip.decompress((folder / "ocds-releases.json.gz").read_bytes()).decode()
    assert SECRET_TEXT not in files and SECRET_HEADER not in files


def test_public_pages_never_show_source_columns_and_the_workspace_shows_them_to_members(listed, viewer):
    """Given the agreement, then the portal page (even for a member) leaves the columns out, and the
    workspace page of the city's officer shows them."""
    for client in (client_in("ja"), client_in("ja", viewer)):
        page = client.get(listed.get_absolute_url()).content.decode()
        assert SECRET_TEXT not in page and SECRET_HEADER not in page
    workspace = client_in("ja", viewer).get(f"/workspace/agreements/{listed.public_id}/")
    assert workspace.status_code == 200
    assert SECRET_TEXT in workspace.content.decode() and SECRET_HEADER in workspace.content.decode()
