"""CSV in the 自治体標準オープンデータセット layout, streamed, with the API's filters."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone

from tests.api.conftest import client_for
from tests.factories import AgreementFactory, ContactFactory, MeasurementFactory, OutcomeIndicatorFactory, PartyFactory

pytestmark = pytest.mark.django_db
LEADING = ["全国地方公共団体コード", "ID", "地方公共団体名"]
ENDPOINTS = ["agreements", "parties", "initiatives", "deliverables", "indicators", "measurements", "organizations"]


def read_csv(response):
    assert response.status_code == 200, response
    assert isinstance(response, StreamingHttpResponse)  # streamed, never built in memory
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("name", ENDPOINTS)
def test_every_list_has_the_standard_leading_columns(world, name):
    body, rows = read_csv(client_for().get(f"/api/v1/{name}/?format=csv"))
    assert rows[0][:3] == LEADING
    assert not body.startswith(b"\xef\xbb\xbf")


def test_bom_variant_for_excel(world):
    body, rows = read_csv(client_for().get("/api/v1/agreements/?format=csv&bom=1"))
    assert body.startswith(b"\xef\xbb\xbf")
    assert rows[0][:3] == LEADING


def test_agreement_rows_are_published_only_and_filtered(world, city):
    world.own_published.municipal_cost_jpy = 0
    world.own_published.save()
    _body, rows = read_csv(client_for().get("/api/v1/agreements/?format=csv&municipality=272299"))
    header, data = rows[0], rows[1:]
    assert [r[1] for r in data] == [world.own_published.public_id]
    row = dict(zip(header, data[0], strict=True))
    assert row["全国地方公共団体コード"] == "272299"
    assert row["地方公共団体名"] == "大阪府四條畷市"
    assert row["締結日"] == "2024-04-01"  # ISO 8601
    assert row["ゼロ予算"] == "true" and row["市の費用_円"] == "0"
    assert row["公開日時"].endswith("+09:00")


def test_parties_carry_the_corporate_number(world, organization):
    world.own_draft.published = True
    world.own_draft.published_at = timezone.now()
    world.own_draft.save()
    _body, rows = read_csv(client_for().get(f"/api/v1/parties/?format=csv&agreement={world.own_draft.public_id}"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["法人番号"] == organization.corporate_number and len(row["法人番号"]) == 13


def test_measurements_only_accepted_and_with_attainment(city):
    agreement = AgreementFactory(municipality=city, published=True, published_at=timezone.now())
    indicator = OutcomeIndicatorFactory(agreement=agreement, baseline_value=14, target_value=4, direction="lower")
    MeasurementFactory(indicator=indicator, value=9)
    MeasurementFactory(
        indicator=indicator, value=1, review_status="pending", period_start="2025-04-01", period_end="2026-03-31"
    )
    _body, rows = read_csv(client_for().get("/api/v1/measurements/?format=csv"))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["値"], row["達成度"]) == ("9", "0.5000")


def test_no_personal_data_in_csv(world, organization):
    contact = ContactFactory(organization=organization, name="秘密 花子", email="hanako.secret@example.jp")
    world.own_published.contacts.add(contact)
    PartyFactory(agreement=world.own_published, organization=organization)
    for name in ENDPOINTS:
        body, _rows = read_csv(client_for().get(f"/api/v1/{name}/?format=csv"))
        text = body.decode()
        assert "秘密" not in text and "hanako.secret" not in text and "072-000" not in text


def test_bad_filter_with_csv_is_a_400_naming_the_parameter(db):
    response = client_for().get("/api/v1/agreements/?format=csv&municipality=27")
    assert response.status_code == 400
    assert response.content.decode().splitlines()[1].startswith("municipality,")


def test_csv_query_count_does_not_grow_with_rows(city, organization, django_assert_max_num_queries):
    for _ in range(30):
        agreement = AgreementFactory(municipality=city, published=True, published_at=timezone.now())
        PartyFactory(agreement=agreement, organization=organization)
    client = client_for()
    with django_assert_max_num_queries(2):
        read_csv(client.get("/api/v1/agreements/?format=csv"))


def _peak_bytes_while_streaming(client, url):
    import tracemalloc

    response = client.get(url)
    tracemalloc.start()
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, size


def test_csv_export_memory_does_not_grow_with_rows(city):
    """Ten times the rows, about the same peak memory: rows are streamed, never collected in a list."""
    import datetime

    agreement = AgreementFactory(municipality=city, published=True, published_at=timezone.now())
    indicator = OutcomeIndicatorFactory(agreement=agreement)
    start = datetime.date(2000, 1, 1)

    def add(n, offset):
        from agreements.models import Measurement

        Measurement.objects.bulk_create(
            Measurement(
                indicator=indicator,
                period_start=start + datetime.timedelta(days=offset + i),
                period_end=start + datetime.timedelta(days=offset + i),
                value=i,
                measured_by="city",
            )
            for i in range(n)
        )

    client = client_for()
    add(500, 0)
    small_peak, small_size = _peak_bytes_while_streaming(client, "/api/v1/measurements/?format=csv")
    add(4500, 500)
    large_peak, large_size = _peak_bytes_while_streaming(client, "/api/v1/measurements/?format=csv")
    assert large_size > 8 * small_size
    assert large_peak < small_peak + 2_000_000, (small_peak, large_peak)
