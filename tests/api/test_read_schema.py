"""The read schema (core.tables, agreements.tables, partnerships.tables) is the one declaration of each
public entity's columns: the API's keys, the OpenAPI document, the files, the data package and the
import template all come from it. Adding a column is one edit, and it appears everywhere."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from agreements.models import Agreement
from agreements.tables import AGREEMENTS, TABLES, published_querysets
from api.serializers.agreements import (
    AgreementSerializer,
    DeliverableSerializer,
    IndicatorSerializer,
    InitiativeSerializer,
    MeasurementSerializer,
    PartySerializer,
)
from api.serializers.partnerships import MunicipalitySerializer, OrganizationSerializer
from core.tables import DATETIME, Column, write_xlsx
from imports.columns import HEADERS
from opendata.datapackage import datapackage
from partnerships.tables import MUNICIPALITIES, ORGANIZATIONS
from tests.api.conftest import client_for
from tests.csv_forms import copy_csv, python_csv
from tests.factories import AgreementFactory, PartyFactory, cooperation_field

pytestmark = pytest.mark.django_db
WHEN = datetime.datetime(2024, 4, 1, 1, 2, 3, tzinfo=datetime.UTC)

SERIALIZERS = {
    "Agreement": (AgreementSerializer, AGREEMENTS),
    "Party": (PartySerializer, TABLES["parties"]),
    "Initiative": (InitiativeSerializer, TABLES["initiatives"]),
    "Deliverable": (DeliverableSerializer, TABLES["deliverables"]),
    "Indicator": (IndicatorSerializer, TABLES["indicators"]),
    "Measurement": (MeasurementSerializer, TABLES["measurements"]),
    "Organization": (OrganizationSerializer, ORGANIZATIONS),
    "Municipality": (MunicipalitySerializer, MUNICIPALITIES),
}


@pytest.mark.parametrize("component", list(SERIALIZERS))
def test_the_openapi_document_and_the_schema_agree(component):
    """Every entity's OpenAPI component has exactly the read schema's JSON keys, in its order."""
    schema = client_for().get("/api/v1/schema/?format=json").json()
    serializer, table = SERIALIZERS[component]
    assert list(serializer().fields) == table.json_keys
    properties = schema["components"]["schemas"][component]["properties"]
    assert list(properties) == table.json_keys, component


def test_every_column_is_somewhere_and_unique():
    """A column is in the API, the files or both; no JSON key and no header is declared twice."""
    for table in [*TABLES.values(), MUNICIPALITIES]:
        for column in table.columns:
            assert column.key or column.header, (table.name, column)
        assert len(set(table.json_keys)) == len(table.json_keys), table.name
        assert len(set(table.headers)) == len(table.headers), table.name


def test_the_import_template_is_the_schema_s():
    assert [header for header, _column in AGREEMENTS.import_columns] == HEADERS
    assert HEADERS[:2] == ["協定ID", "協定名"] and HEADERS[-1] == "公開"
    # a downloaded file imports back: every file header of the agreements is one the import knows
    assert set(AGREEMENTS.headers) <= set(AGREEMENTS.import_headers())


@pytest.fixture
def added_column():
    """A new public column, added the way docs/architecture.md says: one edit of the table."""
    column = Column("created_at", DATETIME, header="登録日時", key="created_at", import_as="ignore")
    before = AGREEMENTS.columns
    object.__setattr__(AGREEMENTS, "columns", (*before, column))
    try:
        yield column
    finally:
        object.__setattr__(AGREEMENTS, "columns", before)


@pytest.fixture
def listed(city):
    agreement = AgreementFactory(municipality=city, published=True, published_at=WHEN)
    agreement.fields.add(cooperation_field("childcare"))
    PartyFactory(agreement=agreement)
    return agreement


def test_an_added_column_appears_everywhere(listed, added_column):
    agreement = Agreement.objects.get(pk=listed.pk)
    expected = AGREEMENTS.columns[-1].kind.json(agreement.created_at)
    client = client_for()
    # JSON: the list (fast path), the detail, the serializer, the OpenAPI document
    assert client.get("/api/v1/agreements/").json()["results"][0]["created_at"] == expected
    assert client.get(f"/api/v1/agreements/{agreement.public_id}/").json()["created_at"] == expected
    assert AgreementSerializer(agreement).data["created_at"] == expected
    schema = client.get("/api/v1/schema/?format=json").json()
    assert "created_at" in schema["components"]["schemas"]["Agreement"]["properties"]
    # CSV (both forms of the one writer) and XLSX, through the API too
    cell = added_column.kind.cell(agreement.created_at)
    for body in (
        python_csv(AGREEMENTS, published_querysets()["agreements"]),
        copy_csv(AGREEMENTS, published_querysets()["agreements"]).decode(),
        b"".join(client.get("/api/v1/agreements/?format=csv").streaming_content).decode(),
    ):
        header, row = body.splitlines()[:2]
        assert header.endswith(",登録日時") and row.endswith("," + cell)
    sheet = load_workbook(write_xlsx(AGREEMENTS, published_querysets()["agreements"])).active
    assert [c.value for c in sheet[1]][-1] == "登録日時"
    # the data package and the import
    fields = next(r for r in datapackage(created="x", base_url="/")["resources"] if r["name"] == "agreements")
    assert fields["schema"]["fields"][-1] == {"name": "登録日時", "type": "datetime"}
    assert AGREEMENTS.import_headers()["登録日時"] == "ignore"


def test_xlsx_lists_through_the_api(listed):
    """`?format=xlsx` of a list: the file's headers, typed cells (numbers as numbers), labels in Japanese."""
    response = client_for().get("/api/v1/agreements/?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="agreements.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == AGREEMENTS.headers
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["ID"] == listed.public_id
    assert row["協定種別"] == "包括連携協定" if listed.kind == "comprehensive" else row["協定種別コード"] == listed.kind
    assert row["連携分野"] == "子育て" or row["連携分野"]


def test_xlsx_error_is_answered_as_csv(db):
    response = client_for().get("/api/v1/agreements/?format=xlsx&signed_after=nonsense")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/csv")


def test_xlsx_text_is_formula_safe(city):
    AgreementFactory(municipality=city, published=True, published_at=WHEN, title="=HYPERLINK(1)")
    sheet = load_workbook(write_xlsx(AGREEMENTS, published_querysets()["agreements"])).active
    titles = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["'=HYPERLINK(1)"]


def test_the_portal_links_the_excel_file_beside_the_csv(listed):
    """The pages offer what the one writer writes: the search page's Excel link downloads the same rows."""
    from django.test import Client

    page = Client().get("/agreements/?q=").content.decode()
    link = next(part for part in page.split('"') if "format=xlsx" in part).replace("&amp;", "&")
    response = client_for().get(link)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [listed.public_id]


# --- Japanese conventions of the files (issue 13) -----------------------------------------------------


def test_english_names_end_in_eiji_and_readings_are_kana_columns():
    """自治体標準: 名称_英字, 名称_カナ. Every English name of the files ends in _英字 (the API's *_en),
    every reading is a Kana column (written in katakana)."""
    from core.tables import Kana

    for table in TABLES.values():
        for column in table.file_columns:
            assert not column.header.endswith("_英語"), (table.name, column.header)
            if isinstance(column.source, str) and column.source.endswith("_en"):
                assert column.header.endswith("_英字"), (table.name, column.header)
            if column.header.endswith("_カナ"):
                assert isinstance(column.kind, Kana), (table.name, column.header)
    assert {"協定名_英字", "事業名_英字"} <= set(AGREEMENTS.headers) | set(TABLES["initiatives"].headers)
    assert {"名称_英字", "名称_カナ"} <= set(ORGANIZATIONS.headers)


def test_every_code_has_its_japanese_label_beside_it():
    """A column of choice codes (種別コード, 状態コード, 締結日の精度コード …) comes right after the column of
    their Japanese labels, read from the same field; no label or code stands alone."""
    from core.tables import Code, Label

    for table in TABLES.values():
        columns = table.file_columns
        for index, column in enumerate(columns):
            if isinstance(column.kind, Code):
                label = columns[index - 1]
                assert isinstance(label.kind, Label) and label.source == column.source, (table.name, column.header)
                assert column.header == label.header + "コード"
            if isinstance(column.kind, Label):
                assert isinstance(columns[index + 1].kind, Code), (table.name, column.header)
    pairs = {(t.name, c.header) for t in TABLES.values() for c in t.file_columns if isinstance(c.kind, Code)}
    assert {
        ("agreements", "締結日の精度コード"),
        ("agreements", "選定方法コード"),
        ("indicators", "報告頻度コード"),
        ("measurements", "測定者コード"),
        ("organizations", "種別コード"),
    } <= pairs


@pytest.fixture
def katakana_world(city):
    from tests.factories import OrganizationFactory

    agreement = AgreementFactory(
        municipality=city, published=True, published_at=WHEN.replace(microsecond=654321), signed_on_precision="month"
    )
    PartyFactory(
        agreement=agreement, organization=OrganizationFactory(name="でも工科大学", kana="でもこうか・ゔぃーゝ")
    )
    PartyFactory(agreement=agreement, organization=OrganizationFactory(name="カタカナ商事", kana="カタカナショウジ"))
    return agreement


def _rows(body: str) -> list[dict]:
    import csv

    header, *rows = csv.reader(io.StringIO(body))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_files_write_katakana_labels_and_whole_seconds(katakana_world, postgres_only):
    """Both forms of the one writer and the workbook: readings in katakana whatever was stored, the label
    of a code beside it, and date-times to the second (the record keeps its microseconds)."""
    organizations, agreements = ORGANIZATIONS, AGREEMENTS
    for form in (python_csv, lambda t, q: copy_csv(t, q).decode()):
        kana = {
            row["名称"]: row["名称_カナ"] for row in _rows(form(organizations, published_querysets()["organizations"]))
        }
        assert kana == {"でも工科大学": "デモコウカ・ヴィーヽ", "カタカナ商事": "カタカナショウジ"}
        (row,) = _rows(form(agreements, published_querysets()["agreements"]))
        assert row["公開日時"] == "2024-04-01T10:02:03+09:00"
        assert (row["締結日の精度"], row["締結日の精度コード"]) == ("月", "month")
    sheet = load_workbook(write_xlsx(AGREEMENTS, published_querysets()["agreements"])).active
    cells = dict(zip(*sheet.iter_rows(values_only=True), strict=True))
    assert cells["公開日時"] == datetime.datetime(2024, 4, 1, 10, 2, 3)
    sheet = load_workbook(write_xlsx(ORGANIZATIONS, published_querysets()["organizations"])).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert sorted(dict(zip(header, r, strict=True))["名称_カナ"] for r in rows) == [
        "カタカナショウジ",
        "デモコウカ・ヴィーヽ",
    ]
    # the API writes the record as stored (it is writable) and the time as DRF does
    assert Agreement.objects.get(pk=katakana_world.pk).published_at.microsecond == 654321


def test_the_import_recognises_the_new_headers_and_the_former_ones():
    """A file downloaded from an earlier Kyoso imports unchanged: its headers are still recognised."""
    from imports.recognition import FORMER_HEADERS, field_for_header

    for header in AGREEMENTS.headers:
        assert field_for_header(header), header
    assert FORMER_HEADERS == {"協定名_英語": "title_en"}
    assert field_for_header("協定名_英語") == field_for_header("協定名_英字") == "title_en"
    assert field_for_header("締結日の精度") == field_for_header("締結日の精度コード") == "signed_on_precision"
    assert field_for_header("選定方法") == field_for_header("選定方法コード") == "selection_method"
    assert "協定名_英語" not in HEADERS and "選定方法" in HEADERS  # the template follows the new headers
