"""`updated_since` on every public list and 400 for unknown query parameters (issue 13): a harvester
that re-reads only what changed — lists for the records, /api/v1/changes/ for withdrawals — keeps an
exact mirror through publish, edit, child edits, unpublish and delete."""

import datetime

import pytest
from django.utils import timezone

from agreements import services
from agreements.models import Agreement, Initiative
from tests.api.conftest import client_for
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    InitiativeFactory,
    MeasurementFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    ready_to_publish,
)

pytestmark = pytest.mark.django_db

LISTS = [
    "agreements",
    "parties",
    "initiatives",
    "deliverables",
    "indicators",
    "measurements",
    "documents",
    "organizations",
    "municipalities",
]


def _later(minutes=1) -> str:
    return (timezone.now() + datetime.timedelta(minutes=minutes)).isoformat()


def _earlier(minutes=1) -> str:
    return (timezone.now() - datetime.timedelta(minutes=minutes)).isoformat()


@pytest.fixture
def published_world(city, approver, organization):
    agreement = AgreementFactory(municipality=city)
    PartyFactory(agreement=agreement, organization=organization)
    initiative = InitiativeFactory(agreement=agreement)
    DeliverableFactory(initiative=initiative, responsible=organization)
    indicator = OutcomeIndicatorFactory(agreement=agreement)
    MeasurementFactory(indicator=indicator, review_status="accepted")
    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    return Agreement.objects.get(pk=agreement.pk)


@pytest.mark.parametrize("name", LISTS)
def test_every_public_list_takes_updated_since_in_keyset_pages(published_world, name):
    client = client_for()
    recent = client.get(f"/api/v1/{name}/", {"updated_since": _earlier(5)})
    assert recent.status_code == 200, recent.content
    body = recent.json()
    assert set(body) == {"next", "previous", "results"}  # keyset pages: no page numbers, no count
    if name != "documents":  # the world has no public document
        assert body["results"], name
    assert client.get(f"/api/v1/{name}/", {"updated_since": _later()}).json()["results"] == []


@pytest.mark.parametrize("name", LISTS)
def test_updated_since_is_checked(published_world, name):
    client = client_for()
    bad = client.get(f"/api/v1/{name}/", {"updated_since": "yesterday"})
    assert bad.status_code == 400 and "updated_since" in bad.json()["error"]["fields"]
    # numbered pages and a caller's ordering do not mix with keyset pages: refused, naming them
    mixed = client.get(f"/api/v1/{name}/", {"updated_since": _earlier(), "page": "2"})
    assert mixed.status_code == 400 and list(mixed.json()["error"]["fields"]) == ["page"]


def test_ordering_is_refused_with_updated_since(published_world):
    response = client_for().get("/api/v1/agreements/", {"updated_since": _earlier(), "ordering": "title"})
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["ordering"]


def test_a_child_edit_lists_its_record_and_its_agreement(published_world, approver):
    client = client_for()
    moment = timezone.now().isoformat()
    initiative = Initiative.objects.get(agreement=published_world)
    initiative.title = "見直した事業名"
    services.agreement_record_save(instance=initiative, by=approver)
    initiatives = client.get("/api/v1/initiatives/", {"updated_since": moment}).json()["results"]
    assert [i["title"] for i in initiatives] == ["見直した事業名"]
    agreements = client.get("/api/v1/agreements/", {"updated_since": moment}).json()["results"]
    assert [a["public_id"] for a in agreements] == [published_world.public_id]


def test_a_naive_moment_is_japan_time(published_world):
    """Without an offset the moment is read in Japan time (the site's zone): 9 hours before UTC."""
    now_utc_as_naive = timezone.now().astimezone(datetime.UTC).replace(tzinfo=None)
    # read as Japan time, "now in UTC" is nine hours ago: everything changed since then is listed
    body = client_for().get("/api/v1/agreements/", {"updated_since": now_utc_as_naive.isoformat()}).json()
    assert len(body["results"]) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/agreements/",
        "/api/v1/agreements/?format=csv",
        "/api/v1/initiatives/",
        "/api/v1/organizations/",
        "/api/v1/municipalities/",
        "/api/v1/changes/",
        "/api/v1/documents/",
    ],
)
def test_unknown_query_parameters_are_named_in_a_400(published_world, url):
    joiner = "&" if "?" in url else "?"
    response = client_for().get(f"{url}{joiner}updatedsince=2026-01-01&colour=red")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"] if "csv" not in url else None
    if fields is not None:
        assert sorted(fields) == ["colour", "updatedsince"]
        assert "Allowed:" in fields["colour"][0]
    else:
        assert b"colour" in response.content and b"updatedsince" in response.content


def test_unknown_query_parameters_on_a_detail_and_in_japanese(published_world):
    response = client_for(language="ja").get(f"/api/v1/agreements/{published_world.public_id}/?lang=en")
    assert response.status_code == 400
    assert "lang" in response.json()["error"]["fields"]
    assert "使えない" in response.json()["error"]["fields"]["lang"][0]


class ListMirror:
    """A harvester keeping every public agreement and its records: each sync reads the lists with
    `updated_since` (its previous start, minus a margin) and the changes feed for withdrawals; for an
    agreement named `withdrawn` it re-reads the agreement (404: drop it and its records) and replaces
    the agreement's records by a fresh read of each list filtered by `agreement`."""

    CHILDREN = ["parties", "initiatives", "deliverables", "indicators", "measurements", "documents"]

    def __init__(self, client):
        self.client = client
        self.data = {name: {} for name in ["agreements", *self.CHILDREN]}
        self.since, self.feed = None, "/api/v1/changes/"

    @staticmethod
    def key(name, row):
        return row["public_id"] if name == "agreements" else row["id"]

    @staticmethod
    def agreement_of(name, row):
        """Every public row names its agreement (`agreement`, the agreement's public id)."""
        return row["public_id"] if name == "agreements" else row["agreement"]

    def read_all(self, url, params):
        rows = []
        page = self.client.get(url, params)
        while True:
            assert page.status_code == 200, page.content
            body = page.json()
            rows += body["results"]
            if not body.get("next"):
                return rows
            page = self.client.get(body["next"])

    def sync(self):
        started = timezone.now() - datetime.timedelta(minutes=15)  # the margin: longer than any write
        params = {"updated_since": self.since.isoformat()} if self.since else {}
        for name in self.data:
            for row in self.read_all(f"/api/v1/{name}/", params):
                self.data[name][self.key(name, row)] = row
        url, withdrawn = self.feed, set()
        while url:
            body = self.client.get(url).json()
            withdrawn |= {c["agreement"] for c in body["results"] if c["kind"] == "withdrawn"}
            if body["next"] is None:
                break
            url = body["next"]
        self.feed = url
        for public_id in withdrawn:
            gone = self.client.get(f"/api/v1/agreements/{public_id}/").status_code == 404
            for name in self.data:
                self.data[name] = {k: r for k, r in self.data[name].items() if self.agreement_of(name, r) != public_id}
                if not gone:
                    for row in self.read_all(
                        f"/api/v1/{name}/", {"agreement": public_id} if name != "agreements" else {}
                    ):
                        if self.agreement_of(name, row) == public_id:
                            self.data[name][self.key(name, row)] = row
        self.since = started

    def equals_the_public_state(self) -> bool:
        return all(
            {self.key(name, r): r for r in self.read_all(f"/api/v1/{name}/", {})} == self.data[name]
            for name in self.data
        )


def test_a_list_mirror_follows_every_kind_of_change(city, approver, organization):
    client = client_for()
    mirror = ListMirror(client)
    first = AgreementFactory(municipality=city, title="一つ目")
    PartyFactory(agreement=first, organization=organization)
    initiative = InitiativeFactory(agreement=first)
    deliverable = DeliverableFactory(initiative=initiative, responsible=organization)
    second = AgreementFactory(municipality=city, title="二つ目")
    InitiativeFactory(agreement=second)
    mirror.sync()
    assert mirror.equals_the_public_state() and mirror.data["agreements"] == {}

    for agreement in (first, second):
        services.agreement_publish(agreement=ready_to_publish(Agreement.objects.get(pk=agreement.pk)), by=approver)
    mirror.sync()
    assert len(mirror.data["agreements"]) == 2 and len(mirror.data["initiatives"]) == 2
    assert mirror.equals_the_public_state()

    services.agreement_update(agreement=Agreement.objects.get(pk=first.pk), by=approver, title="一つ目（改）")
    deliverable.title = "改めた成果物"
    services.agreement_record_save(instance=deliverable, by=approver)
    mirror.sync()
    assert mirror.data["deliverables"][deliverable.pk]["title"] == "改めた成果物"
    assert mirror.equals_the_public_state()

    services.agreement_record_delete(instance=deliverable, by=approver)  # a record leaves the public
    mirror.sync()
    assert mirror.data["deliverables"] == {} and mirror.equals_the_public_state()

    services.agreement_unpublish(agreement=Agreement.objects.get(pk=second.pk), by=approver)
    mirror.sync()
    assert set(mirror.data["agreements"]) == {first.public_id} and mirror.equals_the_public_state()

    # a signed agreement is never deleted (only drafts are, and drafts are never public): it comes back
    services.agreement_publish(agreement=Agreement.objects.get(pk=second.pk), by=approver)
    mirror.sync()
    assert len(mirror.data["agreements"]) == 2 and mirror.equals_the_public_state()
