"""The server-side cache of anonymous answers (api/cache.py) is never stale: every write of public data
through a service bumps the publication version, and the next request reads the new state."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements import services
from agreements.publicity import publication_version
from tests.api.conftest import client_for
from tests.factories import AgreementFactory, ready_to_publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.KYOSO_PUBLIC_CACHE_SECONDS = 300


@pytest.fixture
def listed(city):
    return AgreementFactory(municipality=city, published=True, published_at=timezone.now())


def _get(client, url, **extra):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    return response, len(captured)


def test_a_repeated_anonymous_read_is_one_query(listed):
    client = client_for()
    for url in ("/api/v1/agreements/?ordering=public_id", f"/api/v1/agreements/{listed.public_id}/"):
        first, cold = _get(client, url)
        second, warm = _get(client, url)
        assert first.status_code == second.status_code == 200
        assert second.content == first.content and warm == 1 < cold  # the publication version only
        assert second.headers.get("ETag") and first.headers.get("ETag") == second.headers["ETag"]


def test_the_detail_answers_304_from_the_cache(listed):
    client = client_for()
    url = f"/api/v1/agreements/{listed.public_id}/"
    etag = client.get(url).headers["ETag"]
    response, count = _get(client, url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and count == 1


def test_a_publish_and_a_withdrawal_are_visible_at_once(listed, approver, city):
    client = client_for()
    draft = AgreementFactory(municipality=city, title="新しい協定")
    url = "/api/v1/agreements/"
    assert client.get(url).json()["count"] == 1
    version = publication_version()
    services.agreement_publish(agreement=ready_to_publish(draft), by=approver)
    assert publication_version() > version
    assert client.get(url).json()["count"] == 2
    services.agreement_unpublish(agreement=draft, by=approver)
    assert client.get(url).json()["count"] == 1
    assert client.get(f"/api/v1/agreements/{draft.public_id}/").status_code == 404


def test_members_and_errors_are_never_cached(listed, approver, city):
    AgreementFactory(municipality=city, title="下書き")
    anonymous, member = client_for(), client_for(approver)
    assert anonymous.get("/api/v1/agreements/").json()["count"] == 1
    assert member.get("/api/v1/agreements/").json()["count"] == 2  # the draft too
    assert anonymous.get("/api/v1/agreements/").json()["count"] == 1
    for _ in range(2):
        response, count = _get(anonymous, "/api/v1/agreements/?signed_after=nonsense")
        assert response.status_code == 400 and count >= 1


def test_the_query_is_normalised_and_the_language_kept_apart(listed):
    client = client_for()
    client.get("/api/v1/agreements/?status=draft&ordering=public_id", HTTP_ACCEPT_LANGUAGE="en")
    _response, count = _get(client, "/api/v1/agreements/?ordering=public_id&status=draft", HTTP_ACCEPT_LANGUAGE="en")
    assert count == 1
    _response, count = _get(client, "/api/v1/agreements/?ordering=public_id&status=draft", HTTP_ACCEPT_LANGUAGE="ja")
    assert count > 1  # another language: its own entry


def test_throttling_applies_to_cached_answers(listed, settings):
    settings.KYOSO_ANON_RATE = "3/minute"
    client = client_for()
    statuses = [client.get("/api/v1/agreements/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_renaming_a_partner_is_visible_at_once(listed, editor):
    """An organization's name is public data of the agreements it is a party to: its correction (a
    service in the lower partnerships app) records their public change (partnerships.signals)."""
    from agreements.models import PublicChange
    from partnerships.services import organization_save
    from tests.factories import PartyFactory

    party = PartyFactory(agreement=listed)
    client = client_for()
    url = f"/api/v1/agreements/{listed.public_id}/"
    assert client.get(url).json()["parties"][0]["organization_name"] == party.organization.name
    organization = party.organization
    organization.name = "株式会社あたらしい名前"
    organization_save(organization=organization, by=editor)
    assert client.get(url).json()["parties"][0]["organization_name"] == "株式会社あたらしい名前"
    assert PublicChange.objects.filter(agreement_id=listed.pk).count() == 1
