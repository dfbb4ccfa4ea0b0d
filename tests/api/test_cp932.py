"""`?format=csv&encoding=cp932` on every list: the same CSV in CP932 for Excel on Japanese Windows, with
the characters CP932 lacks replaced by the rule of core.cp932 and counted in a response header — never
silently. Written by PostgreSQL's COPY or by Python alike, in bounded memory whatever the size."""

import csv
import datetime
import io
import tracemalloc

import pytest
from django.utils import timezone

from agreements.tables import TABLES, published_querysets
from api.csv import CP932_TYPE, MISSING_HEADER, REPLACED_HEADER
from core.cp932 import GETA, spool_cp932
from core.tables import write_csv
from tests.api.conftest import client_for
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    InitiativeFactory,
    MeasurementFactory,
    OrganizationFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db
ENDPOINTS = ["agreements", "parties", "initiatives", "deliverables", "indicators", "measurements", "organizations"]


@pytest.fixture
def names(city):
    """Published records with the names that trouble CP932: 𠮷 (outside it), 髙 and 﨑 (IBM extensions,
    inside), ① and ㈱ (NEC specials, inside), 〜 (WAVE DASH, which Python's codec turns into ～ without a
    word) beside ～, and an emoji."""
    agreement = AgreementFactory(
        municipality=city,
        published=True,
        published_at=timezone.now(),
        title="𠮷野家との包括連携協定①",
        summary="4月〜5月と6月～7月に実施😀",
        title_en="Yoshinoya",
    )
    organization = OrganizationFactory(name="㈱髙島屋 山﨑支店", kana="たかしまや")
    PartyFactory(agreement=agreement, organization=organization, role="lead_partner")
    initiative = InitiativeFactory(agreement=agreement, title="𠮷田地区の事業")
    DeliverableFactory(initiative=initiative, title="成果物〜", responsible=organization)
    indicator = OutcomeIndicatorFactory(agreement=agreement, name="指標①", reporter=organization)
    MeasurementFactory(indicator=indicator, source="出典😀")
    return agreement


def cp932_body(response) -> bytes:
    assert response.status_code == 200, response
    assert response["Content-Type"] == CP932_TYPE
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    return body


def utf8_text(name: str) -> str:
    return b"".join(client_for().get(f"/api/v1/{name}/?format=csv").streaming_content).decode()


@pytest.mark.parametrize("name", ENDPOINTS)
def test_every_list_answers_cp932_with_the_count(names, name):
    """The CP932 file reads as the UTF-8 one with the rule applied, and the headers count what changed."""
    response = client_for().get(f"/api/v1/{name}/?format=csv&encoding=cp932")
    body = cp932_body(response)
    assert response["Content-Disposition"] == f'attachment; filename="{name}.csv"'
    text = utf8_text(name)
    expected = text.replace("𠮷", "吉").replace("〜", "～").replace("😀", GETA)
    assert body.decode("cp932") == expected
    replaced = text.count("𠮷") + text.count("〜") + text.count("😀")
    assert (int(response[REPLACED_HEADER]), int(response[MISSING_HEADER])) == (replaced, text.count("😀"))
    assert list(csv.reader(io.StringIO(body.decode("cp932"))))[0] == TABLES[name].headers


def test_the_real_names_as_excel_reads_them(names):
    body = cp932_body(client_for().get("/api/v1/agreements/?format=csv&encoding=cp932"))
    header, row = csv.reader(io.StringIO(body.decode("cp932")))
    cell = dict(zip(header, row, strict=True))
    assert cell["協定名"] == "吉野家との包括連携協定①"
    assert cell["概要"] == f"4月～5月と6月～7月に実施{GETA}"
    assert "𠮷野家".encode() not in body and "吉野家".encode("cp932") in body
    body = cp932_body(client_for().get("/api/v1/organizations/?format=csv&encoding=cp932"))
    header, row = csv.reader(io.StringIO(body.decode("cp932")))
    cell = dict(zip(header, row, strict=True))
    assert (cell["名称"], cell["名称_カナ"]) == ("㈱髙島屋 山﨑支店", "タカシマヤ")  # all in CP932: unchanged


def test_nothing_to_replace_is_zero(city):
    AgreementFactory(municipality=city, published=True, published_at=timezone.now(), title="普通の協定")
    response = client_for().get("/api/v1/agreements/?format=csv&encoding=cp932&bom=1")
    body = cp932_body(response)
    assert (response[REPLACED_HEADER], response[MISSING_HEADER]) == ("0", "0")
    assert not body.startswith(b"\xef\xbb\xbf")  # CP932 has no byte-order mark
    assert body.decode("cp932") == utf8_text("agreements")


@pytest.mark.parametrize("name", list(TABLES))
def test_copy_and_python_write_the_same_cp932(names, name, postgres_only):
    """Both forms of the one writer, re-encoded: the same bytes and counts."""
    queryset = published_querysets()[name]
    copied, by_copy = spool_cp932(write_csv(TABLES[name], queryset))
    written, by_python = spool_cp932(write_csv(TABLES[name], queryset, use_copy=False))
    assert copied.read() == written.read()
    assert (by_copy.replaced, by_copy.missing) == (by_python.replaced, by_python.missing)


@pytest.mark.parametrize("value", ["latin-1", "shift_jis", "utf-16", ""])
def test_another_encoding_is_a_400_naming_it(db, value):
    response = client_for().get(f"/api/v1/agreements/?format=csv&encoding={value}")
    assert response.status_code == 400
    assert response.content.decode().splitlines()[1].startswith("encoding,")
    assert value in response.content.decode()


def test_cp932_is_for_csv_only_and_utf8_may_be_named(db):
    response = client_for().get("/api/v1/agreements/?encoding=cp932")
    assert response.status_code == 400 and "encoding" in response.json()["error"]["fields"]
    assert client_for().get("/api/v1/organizations/?format=xlsx&encoding=cp932").status_code == 400
    response = client_for().get("/api/v1/agreements/?format=csv&encoding=UTF-8")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"


def _measurements(indicator, n, offset):
    from agreements.models import Measurement

    start = datetime.date(1900, 1, 1)
    Measurement.objects.bulk_create(
        Measurement(
            indicator=indicator,
            period_start=start + datetime.timedelta(days=offset + i),
            period_end=start + datetime.timedelta(days=offset + i),
            value=i,
            source="𠮷田町の統計〜速報値",
            method="聞き取り調査（髙橋・山﨑）",
            measured_by="city",
        )
        for i in range(n)
    )


def _peak_while_answering(url):
    """(peak bytes allocated while the response is made and read, body size, replaced count)."""
    tracemalloc.start()
    response = client_for().get(url)
    size = sum(len(chunk) for chunk in response.streaming_content)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, size, int(response[REPLACED_HEADER])


def test_memory_stays_bounded_past_a_megabyte(city):
    """Eight times the rows (~1.2 MB → ~10 MB of CP932), about the same peak memory: the file is
    written to a temporary file that spills to disk past 1 MB, then sent in blocks."""
    agreement = AgreementFactory(municipality=city, published=True, published_at=timezone.now())
    indicator = OutcomeIndicatorFactory(agreement=agreement)
    url = "/api/v1/measurements/?format=csv&encoding=cp932"
    _peak_while_answering(url)  # warm-up: what a first request allocates once (imports, translations)
    _measurements(indicator, 8_000, 0)
    small_peak, small_size, small_replaced = _peak_while_answering(url)
    _measurements(indicator, 56_000, 8_000)
    large_peak, large_size, large_replaced = _peak_while_answering(url)
    assert small_size > 1_000_000 and large_size > 7 * small_size
    assert (small_replaced, large_replaced) == (16_000, 128_000)  # 𠮷 and 〜 in each row
    assert large_peak < small_peak + 1_000_000, (small_peak, large_peak)
    assert large_peak < large_size / 2, (large_peak, large_size)
