"""A CSV downloaded from an earlier Kyoso imports unchanged (issue 13 renamed and added columns): its
協定名_英語 is still the English title, its 締結日の精度 (which held the code: month) still the precision,
its 選定方法 without a code column still the selection method. A current file, with a label and a code for
each choice, reads the first of the two and imports the same."""

import csv
import datetime
import io

import pytest

from agreements.models import Agreement, Party
from agreements.tables import AGREEMENTS
from partnerships.models import Organization
from tests.factories import AgreementFactory, OrganizationFactory, PartyFactory, cooperation_field

from .test_city_lists import snapshot
from .test_imports import run

pytestmark = pytest.mark.django_db

# The agreements file as Kyoso wrote it before issue 13 (its header, in its order).
FORMER_HEADERS = [
    "全国地方公共団体コード", "ID", "地方公共団体名", "協定名", "協定名_英語", "概要", "協定種別", "協定種別コード",
    "親協定ID", "連携分野", "締結日", "締結日の精度", "開始日", "終了日", "自動更新", "更新期間_月", "状態",
    "状態コード", "選定方法", "市の費用_円", "ゼロ予算", "連携先の貢献見込額_円", "データ共有条件", "担当課",
    "連携先法人番号", "連携先名称", "公開日時", "市の一覧の番号", "期間_原文", "連携分野_原文", "協定名_自動生成",
]  # fmt: skip
RENAMED = {"協定名_英語": "協定名_英字"}


def _agreements(city):
    partner = OrganizationFactory(name="株式会社往復", corporate_number="4000020270008")
    a = AgreementFactory(
        municipality=city, public_id="272299-2023-004", title="往復の包括連携協定", title_en="Round trip",
        kind="comprehensive", signed_on=datetime.date(2023, 5, 1), starts_on=datetime.date(2023, 5, 1),
        ends_on=datetime.date(2026, 3, 31), status="active", municipal_cost_jpy=0, selection_method="proposal",
    )  # fmt: skip
    a.fields.set([cooperation_field("childcare"), cooperation_field("dx_public_services")])
    PartyFactory(agreement=a, organization=partner, role="partner")
    b = AgreementFactory(
        municipality=city, public_id="272299-2022-001", title="月だけの協定", title_en="", kind="memorandum",
        signed_on=datetime.date(2022, 3, 1), signed_on_precision="month", status="active", municipal_cost_jpy=None,
        selection_method="",
    )  # fmt: skip
    PartyFactory(agreement=b, organization=partner, role="partner")


def state():
    rows = Agreement.objects.values_list("public_id", "title_en", "selection_method", "signed_on_precision")
    return snapshot(), sorted(rows)


def current_export(city) -> list[dict]:
    rows = AGREEMENTS.rows(Agreement.objects.filter(municipality=city).order_by("id"))
    return [dict(zip(AGREEMENTS.headers, row, strict=True)) for row in rows]


def former_file(rows: list[dict]) -> bytes:
    """The rows as the earlier Kyoso wrote them: 協定名_英語, 締結日の精度 holding the code, no code columns
    for 締結日の精度, 選定方法 and 連携分野."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FORMER_HEADERS)
    for row in rows:
        former = {header: row.get(RENAMED.get(header, header), "") for header in FORMER_HEADERS}
        former["締結日の精度"] = row["締結日の精度コード"]
        writer.writerow([former[header] for header in FORMER_HEADERS])
    return out.getvalue().encode()


def current_file(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(AGREEMENTS.headers)
    writer.writerows([row[header] for header in AGREEMENTS.headers] for row in rows)
    return out.getvalue().encode()


def empty_kyoso():
    Party.objects.all().delete()
    Agreement.objects.all().delete()
    Organization.objects.all().delete()


@pytest.mark.parametrize("layout", ["former", "current"])
def test_a_downloaded_file_imports_back_unchanged(city, layout):
    _agreements(city)
    before = state()
    rows = current_export(city)
    assert rows[1]["締結日の精度"] == "月" and rows[1]["締結日の精度コード"] == "month"
    content = former_file(rows) if layout == "former" else current_file(rows)
    empty_kyoso()
    job = run(city, "export.csv", content)
    assert job.status == "succeeded", job.errors
    assert job.result["created"] == 2
    assert state() == before  # English titles, precisions and selection methods included


def test_a_precision_label_or_code_and_nothing_else(city):
    """締結日の精度 takes 日・月・年 (the label Kyoso writes now) or day・month・year (its code, and the
    former files'); anything else is refused with the column named."""
    from imports.rows import precision_code

    assert [precision_code(t) for t in ("日", "月", "年", "day", "month", "year", " 月 ")] == [
        "day", "month", "year", "day", "month", "year", "month",
    ]  # fmt: skip
    assert precision_code("週") is None and precision_code("Month") is None
    _agreements(city)
    rows = current_export(city)
    rows[1]["締結日の精度"] = "週"
    job = run(city, "export.csv", current_file(rows), dry_run=True)
    assert {(e["row"], e["column"]) for e in job.errors} == {(3, "締結日の精度")}
