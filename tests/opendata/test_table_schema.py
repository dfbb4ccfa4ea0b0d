"""The Table Schema of every file (core.tables.Table.table_schema) declares its links: a foreign key for
each linking column and ``format: uri`` on URLs. frictionless, as a data user would run it, validates
the files written by the one writer and catches a broken reference in every linked column."""

import csv
import datetime

import pytest
from django.utils import timezone
from frictionless import Package

from agreements.tables import TABLES, published_querysets
from core.tables import write_csv
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

# every (table, column) of the files that names a row of another file (or of its own)
LINKS = [(table.name, column, target) for table in TABLES.values() for column, target, _field in table.foreign_keys]


@pytest.fixture
def files(city, tmp_path):
    """Every file of a published world where each linking column is filled: an individual agreement
    under a published comprehensive one, partners with 法人番号 and websites, an initiative with a
    deliverable and a KPI (both named to a partner), an accepted measurement."""
    now = timezone.now()
    parent = AgreementFactory(municipality=city, kind="comprehensive", published=True, published_at=now)
    child = AgreementFactory(
        municipality=city, kind="individual", parent=parent, published=True, published_at=now, title_en="Child"
    )
    lead = OrganizationFactory(name="株式会社リンク", kana="りんく", website="https://example.jp/link")
    PartyFactory(agreement=parent, organization=lead, role="lead_partner")
    PartyFactory(agreement=child, organization=lead, role="lead_partner")
    PartyFactory(agreement=child, organization=OrganizationFactory(corporate_number=None), role="supporter")
    initiative = InitiativeFactory(agreement=child)
    DeliverableFactory(initiative=initiative, responsible=lead, due_on=datetime.date(2025, 3, 31))
    indicator = OutcomeIndicatorFactory(agreement=child, initiative=initiative, reporter=lead)
    MeasurementFactory(indicator=indicator)
    querysets = published_querysets()
    for table in TABLES.values():
        with (tmp_path / f"{table.name}.csv").open("wb") as out:
            for chunk in write_csv(table, querysets[table.name]):
                out.write(chunk)
    return tmp_path


def package(folder) -> Package:
    descriptor = {
        "name": "kyoso-test",
        "resources": [
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "format": "csv",
                "encoding": "utf-8",
                "schema": table.table_schema(),
            }
            for table in TABLES.values()
        ],
    }
    return Package(descriptor, basepath=str(folder))


def errors_of(report) -> list:
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_schemas_declare_the_links():
    """The links issue 13 asked for, and every column holding an id or a 法人番号 of another file."""
    keys = {name: {column: target for column, target, _f in table.foreign_keys} for name, table in TABLES.items()}
    assert keys["agreements"] == {"親協定ID": "agreements"}
    assert keys["indicators"]["事業ID"] == "initiatives" and keys["measurements"]["協定ID"] == "agreements"
    # a column naming another record: its id, or its 法人番号 (not organizations' own, nor 連携先法人番号, a list)
    not_links = {("organizations", "法人番号"), ("agreements", "連携先法人番号")}
    for name, table in TABLES.items():
        for header in table.headers:
            linking = header in ("協定ID", "事業ID", "指標ID", "連携先ID", "親協定ID") or header.endswith("法人番号")
            if linking and (name, header) not in not_links:
                assert header in keys[name], (name, header)
    self_link = TABLES["agreements"].table_schema()["foreignKeys"]
    assert self_link == [{"fields": ["親協定ID"], "reference": {"resource": "", "fields": ["ID"]}}]


def test_urls_have_the_uri_format():
    fields = {f["name"]: f for f in TABLES["organizations"].table_schema()["fields"]}
    assert fields["ウェブサイト"]["format"] == "uri"
    assert all("format" not in f for name, f in fields.items() if name != "ウェブサイト")


def test_the_files_validate_with_every_link_checked(files):
    """A valid set: no error, and each linked column is filled in some row (so the check means something)."""
    report = package(files).validate()
    assert report.valid, errors_of(report)
    for name, column, _target in LINKS:
        with (files / f"{name}.csv").open(encoding="utf-8", newline="") as source:
            assert any(row[column] for row in csv.DictReader(source)), (name, column)


@pytest.mark.parametrize(("name", "column", "target"), LINKS, ids=[f"{n}.{c}" for n, c, _t in LINKS])
def test_a_broken_reference_is_caught(files, name, column, target):
    """One row of the file points at a record the target file does not hold: frictionless says so."""
    path = files / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    index = rows[0].index(column)
    row = next(r for r in rows[1:] if r[index])
    row[index] = _missing(row[index])
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows(rows)
    report = package(files).validate()
    assert not report.valid
    errors = errors_of(report)
    assert errors, errors
    assert {error[2] for error in errors} == {"foreign-key"}, errors
    assert column in str(errors) or any(error[1] == column for error in errors), errors


def _missing(value: str) -> str:
    """A value of the column's kind that no target row holds: an id no row has, a 法人番号 no one has."""
    if len(value) == 13:
        return "1234567890123"
    if "-" in value:
        return "999999-2099-999"  # the pattern of a public id, so only the link is wrong
    return "999999999"
