"""outcome_figures.csv and procedures.csv in the nightly set (registered by the outcomes app through
opendata.datasets): written with their gzip variants, described in datapackage.json (Table Schema,
foreign key to procedures.csv, 秘匿 a missing value) and valid for Frictionless; the public values only
— a withheld value is 「秘匿」 and cannot be recovered from the file; the same columns and cells as the
API's CSV; read in a number of queries that does not grow with the municipalities."""

import csv
import datetime
import gzip
import io
import itertools
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from frictionless import Package
from rest_framework.test import APIClient

from opendata.bulk import current_dir, listing, opendata_export
from opendata.catalogue import catalogue
from opendata.datasets import datasets
from outcomes.files import CSV_COLUMNS, figure_rows
from outcomes.models import MunicipalProcedure, Procedure
from outcomes.services import figures_recompute
from tests.factories import MunicipalityFactory
from tests.outcomes.helpers import add_month

from .test_bulk import opendata_dir, published  # noqa: F401 — the fixtures of the bulk tests

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 3, 31)
LEAD = ["全国地方公共団体コード", "地方公共団体名", "手続コード", "手続名", "期間の種類", "期間の種類コード"]


@pytest.fixture
def l01(db):
    return Procedure.objects.get(code="L01", municipality__isnull=True)


def publish_months(city, procedure, months: dict, *, publish=True, population=60_000):
    city.population, city.population_counted_on = population, D(2025, 1, 1)
    city.save()
    MunicipalProcedure.objects.create(municipality=city, procedure=procedure, standard_days=10, publish_figures=publish)
    for month, n in months.items():
        add_month(city, procedure, month, n)
    figures_recompute(municipality=city, today=TODAY)


@pytest.fixture
def figures(published, city, other_city, l01):  # noqa: F811
    """四條畷市 (60,000 people, threshold 10) publishes L01: April 12 cases, May 15, June 3 — June is small,
    and April (the smallest other month) is withheld with it. 大東市 has figures but publishes none."""
    publish_months(city, l01, {D(2025, 4, 1): 12, D(2025, 5, 1): 15, D(2025, 6, 1): 3})
    publish_months(other_city, l01, {D(2025, 4, 1): 40}, publish=False)
    return city


def read(name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((current_dir() / name).read_text(encoding="utf-8"))))


def by_period(rows):
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_both_files_are_written_with_gzip_variants_and_listed(figures):
    opendata_export()
    files = {entry["name"]: entry for entry in listing()}

    for name in ("outcome_figures.csv", "procedures.csv"):
        plain = (current_dir() / name).read_bytes()
        assert gzip.decompress((current_dir() / f"{name}.gz").read_bytes()) == plain
        assert files[name]["rows"] == files[f"{name}.gz"]["rows"] == plain.count(b"\r\n") - 1
    assert files["outcome_figures.csv"]["rows"] == 4  # three months and the fiscal year, of one city
    assert files["procedures.csv"]["rows"] == Procedure.objects.count()


def test_the_columns_are_the_apis_after_the_leading_ones(figures):
    opendata_export()
    header = read("outcome_figures.csv")[0]
    assert header == [*LEAD, *(h for _key, h in CSV_COLUMNS)]
    assert read("procedures.csv")[0][:3] == ["ID", "手続コード", "手続名"]


def test_the_cells_are_those_of_the_apis_csv(figures):
    """One declaration of the columns, one writer of the cells: the bulk rows of a (municipality,
    procedure, period kind) are the API's CSV rows, after the leading columns."""
    opendata_export()
    bulk = [row for row in read("outcome_figures.csv")[1:] if row[5] == "month"]
    api = APIClient().get("/api/v1/outcomes/", {"municipality": "272299", "procedure": "L01", "format": "csv"})
    api_rows = list(csv.reader(io.StringIO(api.content.decode("utf-8"))))
    assert [row[6:] for row in bulk] == api_rows[1:]
    assert bulk[0][:6] == ["272299", "大阪府四條畷市", "L01", bulk[0][3], "月", "month"]


def test_withheld_values_are_秘匿_and_unpublished_procedures_absent(figures):
    opendata_export()
    rows = {(r["期間の種類コード"], r["期間開始"]): r for r in by_period(read("outcome_figures.csv"))}

    assert set(rows) == {
        ("fiscal_year", "2025-04-01"),
        ("month", "2025-04-01"),
        ("month", "2025-05-01"),
        ("month", "2025-06-01"),
    }  # 大東市 publishes nothing
    for month in ("2025-04-01", "2025-06-01"):
        row = rows[("month", month)]
        assert row["件数"] == row["処理日数の中央値（営業日）"] == row["暦日数の平均"] == "秘匿"
        assert row["秘匿あり"] == "true"
        assert row["標準処理期間（営業日）"] == "10"  # not case-based
    assert rows[("month", "2025-05-01")]["件数"] == "15"
    assert rows[("fiscal_year", "2025-04-01")]["件数"] == "30"
    text = (current_dir() / "outcome_figures.csv").read_text(encoding="utf-8")
    assert "272183" not in text and "大東市" not in text


def test_a_withheld_month_cannot_be_recovered_from_the_file(figures):
    """The attacker: every month of the fiscal year is either published or 秘匿; the year minus the
    published months leaves the withheld months' total. Every split of that total among them (each
    at least one case) is consistent with the file — more than one, so no withheld n follows."""
    opendata_export()
    rows = by_period(read("outcome_figures.csv"))
    year = next(r for r in rows if r["期間の種類コード"] == "fiscal_year")
    months = [r for r in rows if r["期間の種類コード"] == "month"]
    withheld = [r for r in months if r["件数"] == "秘匿"]
    rest = int(year["件数"]) - sum(int(r["件数"]) for r in months if r["件数"] != "秘匿")

    splits = [s for s in itertools.product(range(1, rest + 1), repeat=len(withheld)) if sum(s) == rest]
    for index in range(len(withheld)):
        assert len({split[index] for split in splits}) > 1
    # and nothing else in the file says it: the true small count (3) is nowhere in June's row
    june = next(r for r in months if r["期間開始"] == "2025-06-01")
    assert "3" not in {june[h] for _k, h in CSV_COLUMNS if h != "期間開始"}


def test_the_data_package_describes_and_frictionless_validates_them(figures):
    opendata_export()
    package = json.loads((current_dir() / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}

    schema = resources["outcome_figures"]["schema"]
    assert schema["missingValues"] == ["", "秘匿"]
    assert schema["foreignKeys"] == [
        {"fields": ["手続コード"], "reference": {"resource": "procedures", "fields": ["手続コード"]}}
    ]
    assert [f["name"] for f in schema["fields"]][:6] == LEAD
    assert all("description" in f for f in schema["fields"] if f["name"] not in ("手続名",))
    assert resources["procedures"]["schema"]["primaryKey"] == ["ID"]
    assert resources["outcome_figures"]["description"].startswith("自治体が公開を選んだ")
    report = Package(str(current_dir() / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_catches_a_broken_foreign_key(figures):
    """The foreign key is checked: a figure of a procedure procedures.csv lacks is reported."""
    opendata_export()
    folder = current_dir()
    rows = read("outcome_figures.csv")
    rows[1][2] = "NOPE"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    (folder / "broken.csv").write_text(out.getvalue(), encoding="utf-8")
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        resource.pop("hash", None), resource.pop("bytes", None)
        if resource["name"] == "outcome_figures":
            resource["path"] = "broken.csv"
    (folder / "broken.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")

    report = Package(str(folder / "broken.json")).validate()

    assert "foreign-key" in {error[0] for error in report.flatten(["type"])}


def test_the_catalogue_lists_them(figures):
    opendata_export()
    from opendata.bulk import manifest

    document = catalogue(base_url="https://kyoso.example.jp", current=manifest())
    ids = [d["@id"] for d in document["dcat:dataset"]]
    for name in ("procedures", "outcome_figures"):
        assert any(i.endswith(f"#dataset-{name}") for i in ids)
    assert [d.name for d in datasets()] == ["procedures", "outcome_figures", "themes", "proposal_decisions"]


def test_the_figures_are_read_in_a_fixed_number_of_queries(figures, l01):
    """One streamed query for every municipality's figures, whatever their number: the file is written
    in constant memory (one procedure of one municipality held at a time)."""
    with CaptureQueriesContext(connection) as one:
        first = list(figure_rows())
    for _ in range(3):
        publish_months(MunicipalityFactory(), l01, {D(2025, 4, 1): 25})
    with CaptureQueriesContext(connection) as four:
        more = list(figure_rows())

    assert len(more) == len(first) + 3 * 2  # a month and its fiscal year each
    assert len(four.captured_queries) == len(one.captured_queries)
