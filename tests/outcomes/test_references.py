"""Reference figures (outcomes.references): the MHLW's published 要介護認定 figures loaded from the real data
file, idempotently, all rows or none; insurers matched to municipalities by name within the prefecture
(the 保険者番号 is not the 全国地方公共団体コード), 広域連合 and totals left unmatched; the command on CSV
and XLSX."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from outcomes.models import Procedure, ReferenceFigure
from outcomes.references import read_reference_file, reference_figures_load
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
REAL_FILE = Path(__file__).resolve().parents[2] / "outcomes" / "data" / "reference_L01_mhlw.csv"
MHLW = "https://www.mhlw.go.jp/stf/newpage_50085.html"
SOURCE = {"source_title": "テスト出典", "source_url": "https://example.jp/source"}


@pytest.fixture
def l01(db):
    return Procedure.objects.get(code="L01", municipality__isnull=True)


def row(name, code="", start="2023-04-01", end="2024-03-31", **extra):
    return {"保険者番号": code, "保険者名": name, "期間開始": start, "期間終了": end, **extra}


def test_the_real_file_loads_the_published_national_figures(l01):
    result = reference_figures_load(procedure=l01, path=REAL_FILE)

    assert (result.created, result.updated, result.matched, result.unmatched) == (3, 0, 0, [])
    everyone = ReferenceFigure.objects.get(insurer_name="全国(全保険者1559)")
    assert (everyone.period_start, everyone.period_end) == (datetime.date(2023, 4, 1), datetime.date(2024, 3, 31))
    assert everyone.mean_calendar_days == Decimal("39.80")
    assert everyone.within_statutory_share == Decimal("0.2510")
    assert everyone.n is None and everyone.municipality is None
    assert {f.source_url for f in ReferenceFigure.objects.all()} == {MHLW}
    assert all("第117回" in f.source_title for f in ReferenceFigure.objects.all())


def test_loading_again_changes_nothing(l01):
    reference_figures_load(procedure=l01, path=REAL_FILE)
    before = list(ReferenceFigure.objects.order_by("id").values_list("id", "mean_calendar_days"))

    result = reference_figures_load(procedure=l01, path=REAL_FILE)

    assert (result.created, result.updated) == (0, 3)
    assert list(ReferenceFigure.objects.order_by("id").values_list("id", "mean_calendar_days")) == before


def test_insurers_are_matched_by_name_within_the_prefecture(l01, city, other_city):
    MunicipalityFactory(
        code="131016", name="千代田区", kind="special_ward", prefecture__code="130001", prefecture__name="東京都"
    )
    rows = [
        # a 保険者番号 (27 = 大阪府) that is no 全国地方公共団体コード: matched by the name
        row("四條畷市", code="270991", **{"件数": "1,234", "平均日数": "41.2", "30日以内の割合": "0.18"}),
        row("大阪府大東市", **{"平均日数": "35"}),  # no number: the prefecture from the name
        row("くすのき広域連合", code="270992", **{"平均日数": "38.0"}),  # several municipalities as one insurer
        row("四條畷市", code="130993", **{"平均日数": "30"}),  # 東京都 has no 四條畷市
        row("大阪府", **{"平均日数": "40.1"}),  # a prefecture's total
        row("全国", **{"平均日数": "39.8"}),
    ]
    result = reference_figures_load(procedure=l01, rows=rows, **SOURCE)

    found = {(f.insurer_code, f.insurer_name): f.municipality for f in ReferenceFigure.objects.all()}
    assert found[("270991", "四條畷市")] == city
    assert found[("", "大阪府大東市")] == other_city
    assert found[("270992", "くすのき広域連合")] is None
    assert found[("130993", "四條畷市")] is None
    assert found[("", "大阪府")] is None and found[("", "全国")] is None
    assert result.matched == 2
    assert result.unmatched == ["くすのき広域連合", "四條畷市"]  # totals are not "unmatched"
    figure = ReferenceFigure.objects.get(insurer_code="270991")
    assert (figure.n, figure.within_statutory_share, figure.source_url) == (
        1234,
        Decimal("0.1800"),
        SOURCE["source_url"],
    )


def test_a_percentage_or_a_share(l01):
    rows = [
        row("全国", **{"30日以内の割合": "25.1%"}),
        row("全国", start="2022-04-01", end="2023-03-31", **{"30日以内の割合": "0.3"}),
    ]
    reference_figures_load(procedure=l01, rows=rows, **SOURCE)
    assert sorted(ReferenceFigure.objects.values_list("within_statutory_share", flat=True)) == [
        Decimal("0.2510"),
        Decimal("0.3000"),
    ]


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ({"保険者名": ""}, "保険者名"),
        ({"期間開始": "someday"}, "期間開始"),
        ({"期間開始": "2024-04-01", "期間終了": "2023-04-01"}, "ends before"),
        ({"30日以内の割合": "125%"}, "30日以内の割合"),
        ({"平均日数": "abc"}, "平均日数"),
        ({"保険者番号": "12345"}, "保険者番号"),
        ({"件数": "1.5"}, "件数"),
    ],
)
def test_any_wrong_row_stores_nothing(l01, bad, words, settings):
    settings.LANGUAGE_CODE = "en"
    rows = [row("全国", **{"平均日数": "39.8"}), {**row("大阪府"), **bad}]

    with pytest.raises(ValidationError) as error:
        reference_figures_load(procedure=l01, rows=rows, **SOURCE)

    assert any(words in message and "Row 3" in message for message in error.value.messages), error.value.messages
    assert not ReferenceFigure.objects.exists()


def test_a_row_without_a_source_is_refused(l01):
    with pytest.raises(ValidationError):
        reference_figures_load(procedure=l01, rows=[row("全国", **{"平均日数": "39.8"})])
    assert not ReferenceFigure.objects.exists()


def test_the_command_reads_csv_and_xlsx(l01, city, tmp_path, capsys):
    call_command("load_reference_figures", str(REAL_FILE), "--procedure", "l01")
    assert ReferenceFigure.objects.count() == 3

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["保険者番号", "保険者名", "期間開始", "期間終了", "件数", "平均日数", "30日以内の割合"])
    sheet.append(["270991", "四條畷市", datetime.date(2023, 4, 1), datetime.date(2024, 3, 31), 500, 42.5, 0.2])
    path = tmp_path / "insurers.xlsx"
    workbook.save(path)
    call_command(
        "load_reference_figures", str(path), "--procedure", "L01", "--source-url", MHLW, "--source-title", "厚労省"
    )

    figure = ReferenceFigure.objects.get(insurer_code="270991")
    assert figure.municipality == city and figure.mean_calendar_days == Decimal("42.50")
    assert figure.source_title == "厚労省" and figure.n == 500
    assert "1 matched" in capsys.readouterr().out


def test_the_command_names_what_is_wrong(l01, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("保険者名,期間開始\n全国,2023-04-01\n", encoding="utf-8")
    with pytest.raises(CommandError, match="期間終了"):
        call_command("load_reference_figures", str(path), "--procedure", "L01", "--source-url", MHLW)
    with pytest.raises(CommandError, match="NOPE"):
        call_command("load_reference_figures", str(REAL_FILE), "--procedure", "NOPE")
    assert not ReferenceFigure.objects.exists()


def test_the_reader_keeps_the_known_columns_only(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_bytes("\ufeff保険者名,期間開始,期間終了,備考\r\n全国,2023-04-01,2024-03-31,メモ\r\n".encode())
    (only,) = read_reference_file(path)
    assert only == {"row": 2, "insurer_name": "全国", "period_start": "2023-04-01", "period_end": "2024-03-31"}
