"""The If-Match round trip on every resource that accepts PATCH: 200 with the current ETag, 412 with a
stale one, 428 without one or with "*" — nothing stored on a refusal.

Run on PostgreSQL too (CI): there the update locks the row, and an initiative's queryset carries its
progress aggregate, which PostgreSQL refuses to lock (FOR UPDATE with GROUP BY answered 500).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from agreements.models import Agreement, Deliverable, Document, Initiative, Measurement, OutcomeIndicator, Party
from partnerships.models import Organization
from tests.api.conftest import client_for, patch_at_once
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    DocumentFactory,
    InitiativeFactory,
    MeasurementFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Resource:
    model: type
    make: Callable  # (agreement) -> record
    url: Callable  # (record) -> detail URL
    field: str  # a text field the test changes


RESOURCES = {
    "agreements": Resource(Agreement, lambda a: a, lambda r: f"/api/v1/agreements/{r.public_id}/", "title"),
    "parties": Resource(
        Party,
        lambda a: PartyFactory(agreement=a),
        lambda r: f"/api/v1/agreements/{r.agreement.public_id}/parties/{r.pk}/",
        "signatory_title",
    ),
    "organizations": Resource(
        Organization,
        lambda a: PartyFactory(agreement=a).organization,
        lambda r: f"/api/v1/organizations/{r.pk}/",
        "name",
    ),
    "initiatives": Resource(
        Initiative, lambda a: InitiativeFactory(agreement=a), lambda r: f"/api/v1/initiatives/{r.pk}/", "title"
    ),
    "deliverables": Resource(
        Deliverable,
        lambda a: DeliverableFactory(initiative=InitiativeFactory(agreement=a)),
        lambda r: f"/api/v1/deliverables/{r.pk}/",
        "title",
    ),
    "indicators": Resource(
        OutcomeIndicator,
        lambda a: OutcomeIndicatorFactory(agreement=a),
        lambda r: f"/api/v1/indicators/{r.pk}/",
        "name",
    ),
    "measurements": Resource(
        Measurement,
        lambda a: MeasurementFactory(indicator=OutcomeIndicatorFactory(agreement=a)),
        lambda r: f"/api/v1/measurements/{r.pk}/",
        "note",
    ),
    "documents": Resource(
        Document, lambda a: DocumentFactory(agreement=a), lambda r: f"/api/v1/documents/{r.pk}/", "title"
    ),
}


@pytest.fixture(params=list(RESOURCES))
def resource(request, city):
    """(resource, record, url) for each resource, the record under a draft agreement of 四條畷市."""
    resource = RESOURCES[request.param]
    record = resource.make(AgreementFactory(municipality=city))
    return resource, record, resource.url(record)


def stored(resource, record):
    return getattr(resource.model.objects.get(pk=record.pk), resource.field)


def test_patch_with_the_current_etag_is_200_with_the_new_etag(resource, editor):
    resource, record, url = resource
    client = client_for(editor)
    etag = client.get(url).headers["ETag"]

    response = client.patch(url, {resource.field: "新しい値"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.content[:300]
    assert stored(resource, record) == "新しい値"
    assert response.headers["ETag"] == client.get(url).headers["ETag"] != etag


def test_patch_with_a_stale_etag_is_412_and_changes_nothing(resource, editor):
    resource, record, url = resource
    client = client_for(editor)
    etag = client.get(url).headers["ETag"]
    resource.model.objects.filter(pk=record.pk).update(**{resource.field: "他の職員の変更"})

    response = client.patch(url, {resource.field: "上書き"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 412, response.content[:300]
    assert response.json()["error"]["code"] == "precondition_failed"
    assert stored(resource, record) == "他の職員の変更"


def test_patch_without_if_match_is_428_and_changes_nothing(resource, editor):
    resource, record, url = resource
    before = stored(resource, record)

    response = client_for(editor).patch(url, {resource.field: "上書き"}, format="json")

    assert response.status_code == 428
    assert stored(resource, record) == before


@pytest.mark.parametrize("if_match", ["*", 'W/"x", *'])
def test_if_match_star_is_428_and_changes_nothing(resource, editor, if_match):
    """A "*" matches whatever is stored, so it would skip the lost-update check: a real tag is required."""
    resource, record, url = resource
    before = stored(resource, record)

    response = client_for(editor).patch(url, {resource.field: "上書き"}, format="json", HTTP_IF_MATCH=if_match)

    assert response.status_code == 428
    assert "If-Match: *" in response.json()["error"]["message"]
    assert stored(resource, record) == before


def test_put_of_an_initiative_round_trips(city, editor):
    """PUT with the record as read (title changed) and its ETag: 200 (it was a 500 on PostgreSQL)."""
    initiative = InitiativeFactory(agreement=AgreementFactory(municipality=city))
    client = client_for(editor)
    url = f"/api/v1/initiatives/{initiative.pk}/"
    read = client.get(url)
    body = read.json() | {"title": "全部置き換え"}

    response = client.put(url, body, format="json", HTTP_IF_MATCH=read.headers["ETag"])

    assert response.status_code == 200, response.content[:300]
    assert Initiative.objects.get(pk=initiative.pk).title == "全部置き換え"
    stale = client.put(url, body | {"title": "古い版から"}, format="json", HTTP_IF_MATCH=read.headers["ETag"])
    assert stale.status_code == 412
    assert Initiative.objects.get(pk=initiative.pk).title == "全部置き換え"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_initiative_writers_on_postgresql_one_wins(postgres_only, city, editor, approver):
    """Two threads PATCH an initiative (a queryset with an aggregate) from one ETag: one 200, one 412."""
    initiative = InitiativeFactory(agreement=AgreementFactory(municipality=city), title="元の題名")
    url = f"/api/v1/initiatives/{initiative.pk}/"
    clients = [client_for(editor), client_for(approver)]
    etag = clients[0].get(url).headers["ETag"]
    results = patch_at_once(url, clients, etag)
    assert sorted(results.values()) == [200, 412], results
    winner = next(i for i, status in results.items() if status == 200)
    assert Initiative.objects.get(pk=initiative.pk).title == f"変更{winner}"
