"""The public changes feed (`/api/v1/changes/`): a harvester keeps an exact mirror of the published
agreements by reading the feed from where it stopped and re-reading each agreement it names — publish,
edit, unpublish and republish included (issue 13, first slice)."""

import pytest
from django.utils import timezone

from agreements import services
from agreements.models import Agreement
from tests.api.conftest import client_for
from tests.factories import AgreementFactory, ready_to_publish

pytestmark = pytest.mark.django_db


class Mirror:
    """What a harvester keeps: {public id: JSON}, and where it stopped in the feed."""

    def __init__(self, client):
        self.client, self.agreements, self.next = client, {}, "/api/v1/changes/"

    def sync(self):
        url = self.next
        while url:
            page = self.client.get(url)
            assert page.status_code == 200, page.content
            body = page.json()
            for change in body["results"]:
                public_id = change["agreement"]
                response = self.client.get(f"/api/v1/agreements/{public_id}/")
                if response.status_code == 404:
                    self.agreements.pop(public_id, None)
                else:
                    self.agreements[public_id] = response.json()
            if body["next"] is None:
                break
            url = body["next"]
        # resume from the last page next time: entries after it are new
        self.next = url

    def equals_the_public_state(self) -> bool:
        public = {a["public_id"]: a for a in self.client.get("/api/v1/agreements/?page_size=200").json()["results"]}
        return public == self.agreements


def test_a_mirror_follows_publish_edit_unpublish_and_republish(city, approver):
    client = client_for()
    first, second = (AgreementFactory(municipality=city, title=t) for t in ("一つ目", "二つ目"))
    mirror = Mirror(client)
    mirror.sync()
    assert mirror.agreements == {} and mirror.equals_the_public_state()

    services.agreement_publish(agreement=ready_to_publish(first), by=approver)
    services.agreement_publish(agreement=ready_to_publish(second), by=approver)
    mirror.sync()
    assert set(mirror.agreements) == {first.public_id, second.public_id} and mirror.equals_the_public_state()

    services.agreement_update(agreement=Agreement.objects.get(pk=first.pk), by=approver, title="一つ目（改）")
    mirror.sync()
    assert mirror.agreements[first.public_id]["title"] == "一つ目（改）" and mirror.equals_the_public_state()

    services.agreement_unpublish(agreement=Agreement.objects.get(pk=second.pk), by=approver)
    mirror.sync()
    assert set(mirror.agreements) == {first.public_id} and mirror.equals_the_public_state()

    # a signed agreement is never deleted (only drafts are, and drafts are never public): it comes back
    services.agreement_publish(agreement=Agreement.objects.get(pk=second.pk), by=approver)
    mirror.sync()
    assert set(mirror.agreements) == {first.public_id, second.public_id} and mirror.equals_the_public_state()


def test_the_feed_names_withdrawals_and_never_drafts(city, approver):
    draft = AgreementFactory(municipality=city, title="下書きのまま")
    services.agreement_update(agreement=draft, by=approver, title="下書きのまま（改）")  # never public: no entry
    shown = AgreementFactory(municipality=city)
    services.agreement_publish(agreement=ready_to_publish(shown), by=approver)
    services.agreement_unpublish(agreement=Agreement.objects.get(pk=shown.pk), by=approver)
    body = client_for().get("/api/v1/changes/").json()
    assert [(c["agreement"], c["kind"]) for c in body["results"]] == [
        (shown.public_id, "changed"),
        (shown.public_id, "withdrawn"),
    ]
    assert set(body["results"][0]) == {"id", "agreement", "kind", "at"}


def test_since_and_the_keyset_pages(city, approver):
    for _ in range(3):
        services.agreement_publish(agreement=ready_to_publish(AgreementFactory(municipality=city)), by=approver)
    client = client_for()
    first = client.get("/api/v1/changes/?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"]
    rest = client.get(first["next"]).json()
    assert len(rest["results"]) == 1 and rest["next"] is None
    later = (timezone.now() + timezone.timedelta(minutes=1)).isoformat()
    assert client.get("/api/v1/changes/", {"since": later}).json()["results"] == []
    response = client.get("/api/v1/changes/?since=yesterday")
    assert response.status_code == 400 and "since" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "since", ["1948-08-25T16:39:18-16:35", "0001-01-01T00:00:00+10:00", "9999-12-31T23:59:59-10:00"]
)
def test_any_iso_offset_is_answered(city, approver, since):
    """Offsets PostgreSQL refuses (beyond ±15:59) and moments an offset moves past year 1 or 9999 are
    read in UTC: an answer, never a 500 (found by schemathesis)."""
    services.agreement_publish(agreement=ready_to_publish(AgreementFactory(municipality=city)), by=approver)
    response = client_for().get("/api/v1/changes/", {"since": since})
    assert response.status_code == 200
    assert len(response.json()["results"]) == (0 if since.startswith("9999") else 1)
