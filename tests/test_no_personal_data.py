"""A scan of every public output — API JSON (lists, details, history), CSV, OCDS, statistics, bulk
files, public pages and error pages — over the full demo data set, for any contact's name, e-mail or
phone, or any user's name or e-mail. None may appear; nor may any unpublished agreement."""

import gzip
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from agreements.models import Agreement
from opendata.bulk import current_dir, opendata_export
from partnerships.models import Contact
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.KYOSO_OPENDATA_DIR = tmp_path / "opendata"
    call_command("load_municipalities", verbosity=0)
    call_command("load_demo", verbosity=0)
    from opendata.services import releases_record_all

    releases_record_all()
    opendata_export()


def secrets() -> set[str]:
    found = set()
    for contact in Contact.objects.all():
        found |= {contact.name, contact.email, contact.phone}
        found |= {part for part in contact.name.split() if len(part) >= 2 and part != "デモ"}
    for user in get_user_model().objects.all():
        found |= {user.email, f"{user.last_name} {user.first_name}".strip(), f"{user.last_name}{user.first_name}"}
    return {s for s in found if s and len(s) >= 3}


def public_urls():
    published = list(Agreement.objects.published().values_list("public_id", flat=True)[:5])
    urls = [
        "/",
        "/agreements/",
        "/opendata/",
        "/opendata/index.json",
        "/api/v1/stats/",
        "/api/v1/ocds/releases/",
        "/api/v1/agreements/999999-2099-999/",
        "/no-such-page/",
        "/api/v1/nothing/",
    ]
    for resource in (
        "agreements",
        "parties",
        "initiatives",
        "deliverables",
        "indicators",
        "measurements",
        "organizations",
        "municipalities",
        "documents",
        "progress-updates",
    ):
        urls += [f"/api/v1/{resource}/", f"/api/v1/{resource}/?format=csv", f"/api/v1/{resource}/?page_size=200"]
    for public_id in published:
        urls += [
            f"/agreements/{public_id}/",
            f"/api/v1/agreements/{public_id}/",
            f"/api/v1/agreements/{public_id}/history/",
            f"/api/v1/agreements/{public_id}/parties/",
        ]
    return urls


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"\x1f\x8b":
        content = gzip.decompress(content)
    return content.decode("utf-8", errors="replace")


def test_no_personal_data_and_no_unpublished_record_in_any_public_output(demo):
    hidden = secrets()
    assert len(hidden) > 20  # the demo really has personal data to leak
    drafts = set(Agreement.objects.filter(published=False).values_list("title", flat=True))
    assert drafts
    client = client_for(language="ja")
    texts = {}
    for url in public_urls():
        response = client.get(url)
        assert response.status_code < 500, url
        texts[url] = body_of(response)
    for path in current_dir().iterdir():
        data = path.read_bytes()
        texts[path.name] = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")
    json.loads(texts["ocds-releases.json.gz"])
    for where, text in texts.items():
        for secret in hidden:
            assert secret not in text, f"{secret!r} in {where}"
        for title in drafts:
            assert title not in text, f"unpublished {title!r} in {where}"
