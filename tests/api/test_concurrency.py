"""Two officers change the same agreement from the same ETag: one wins, the other gets 412."""

import pytest

from agreements.models import Agreement
from tests.api.conftest import client_for, patch_at_once
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db


def test_second_writer_with_a_stale_etag_gets_412_and_changes_nothing(city, editor, approver):
    agreement = AgreementFactory(municipality=city, title="元の題名", summary="元の概要")
    url = f"/api/v1/agreements/{agreement.public_id}/"
    first, second = client_for(editor), client_for(approver)
    etag = first.get(url).headers["ETag"]
    assert second.get(url).headers["ETag"] == etag  # both read the same version

    response = first.patch(url, {"title": "一人目の変更"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response.headers["ETag"] != etag

    response = second.patch(url, {"summary": "二人目の変更"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "precondition_failed"

    stored = Agreement.objects.get(pk=agreement.pk)
    assert (stored.title, stored.summary) == ("一人目の変更", "元の概要")


def test_change_without_if_match_is_refused_with_428(city, editor):
    agreement = AgreementFactory(municipality=city)
    response = client_for(editor).patch(f"/api/v1/agreements/{agreement.public_id}/", {"title": "x"}, format="json")
    assert response.status_code == 428
    assert Agreement.objects.get(pk=agreement.pk).title == agreement.title


def test_if_none_match_gives_304(city, editor):
    agreement = AgreementFactory(municipality=city)
    client = client_for(editor)
    url = f"/api/v1/agreements/{agreement.public_id}/"
    etag = client.get(url).headers["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.django_db(transaction=True)
def test_simultaneous_writers_on_postgresql_one_wins(postgres_only, city, editor, approver):
    """Two threads PATCH at the same instant from the same ETag: exactly one 200 and one 412."""
    agreement = AgreementFactory(municipality=city, title="元の題名")
    url = f"/api/v1/agreements/{agreement.public_id}/"
    clients = [client_for(editor), client_for(approver)]
    etag = clients[0].get(url).headers["ETag"]
    results = patch_at_once(url, clients, etag)
    assert sorted(results.values()) == [200, 412], results
    winner = next(i for i, status in results.items() if status == 200)
    assert Agreement.objects.get(pk=agreement.pk).title == f"変更{winner}"
