"""Service outcomes as files: the columns of a procedure's figures in CSV (declared once, here: the API's
CSV of GET /api/v1/outcomes/ and the nightly ``outcome_figures.csv`` both read them), and the two files
this app adds to the nightly open-data set through ``opendata.datasets`` (registered in
``OutcomesConfig.ready``):

* ``outcome_figures.csv`` — every municipality × procedure whose figures it publishes × period kind ×
  period, the public values only: a value withheld by the small-number rule (``disclosure.shown``, the
  same rule as the API and the pages) is 「秘匿」 and ``秘匿あり`` is true. Never a member's view.
* ``procedures.csv`` — the procedure catalogue (national procedures and the municipalities' own).

Both are read with server-side cursors, one procedure of one municipality held at a time (the small-number
rule compares the months of a fiscal year with the year), so the files are written in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import groupby

from django.db.models import Exists, OuterRef

from core.tables import Label
from opendata.datasets import Dataset

from .choices import LimitKind, PeriodKind, ProcedureGroup
from .disclosure import shown, threshold_for
from .models import MunicipalProcedure, OutcomeFigure, Procedure

# The CSV's columns of one period's figures: (JSON key of GET /api/v1/outcomes/, Japanese header).
CSV_COLUMNS = (
    ("period_start", "期間開始"),
    ("period_end", "期間終了"),
    ("n", "件数"),
    ("median_days", "処理日数の中央値（営業日）"),
    ("p90_days", "処理日数の90パーセンタイル（営業日）"),
    ("median_calendar_days", "暦日数の中央値"),
    ("mean_calendar_days", "暦日数の平均"),
    ("within_standard_share", "標準処理期間内の割合"),
    ("within_statutory_share", "法定期限内の割合"),
    ("online_share", "オンライン申請の割合"),
    ("correction_share", "補正の割合"),
    ("satisfaction_mean", "満足度の平均"),
    ("standard_days", "標準処理期間（営業日）"),
    ("suppressed", "秘匿あり"),
)
WITHHELD = "秘匿"  # the cell of a withheld value, in every CSV


def figure_cells(data: Mapping, withheld) -> list[str]:
    """The CSV cells of one period: ``data`` by JSON key (dates, numbers or None), ``withheld`` the keys
    the small-number rule withheld (PublicFigure.withheld)."""
    cells = []
    for key, _header in CSV_COLUMNS:
        value = data[key]
        if key == "suppressed":
            cells.append("true" if value else "false")
        elif key in withheld:
            cells.append(WITHHELD)
        else:
            cells.append("" if value is None else str(value))
    return cells


# --- Table Schemas --------------------------------------------------------------------------------------

LG_CODE = {"pattern": "[0-9]{6}"}
SHARE = "割合（0〜1）"
FIGURE_FIELDS = {  # JSON key → (Table Schema type, description)
    "period_start": ("date", "期間の初日（月: その月の1日、年度: 4月1日）"),
    "period_end": ("date", "期間の末日"),
    "n": ("integer", "期間内に処分した案件の数"),
    "median_days": ("number", "処理日数（営業日、補正待ちを除く）の中央値"),
    "p90_days": ("number", "処理日数（営業日）の90パーセンタイル（順位間の線形補間）"),
    "median_calendar_days": ("number", "暦日数（処分日 − 受付日）の中央値"),
    "mean_calendar_days": ("number", "暦日数（処分日 − 受付日）の平均"),
    "within_standard_share": ("number", f"処理日数が標準処理期間以内の{SHARE}。空欄: 標準処理期間の定めなし"),
    "within_statutory_share": ("number", f"暦日数が法定期限以内の{SHARE}。空欄: 法定期限のない手続"),
    "online_share": ("number", f"申請方法の記載がある案件のうちオンライン申請の{SHARE}"),
    "correction_share": ("number", f"補正を要した案件の{SHARE}"),
    "satisfaction_mean": ("number", "満足度（1〜5）の平均。空欄: 回答なし"),
    "standard_days": ("integer", "計算に用いた標準処理期間（営業日）"),
    "suppressed": ("boolean", "true: この期間の値の一部または全部を秘匿（少数のため、または差し引きで分かるため）"),
}
SHARE_KEYS = {"within_standard_share", "within_statutory_share", "online_share", "correction_share"}


def _field(name: str, kind: str = "string", description: str = "", **constraints) -> dict:
    field = {"name": name, "type": kind}
    if description:
        field["description"] = description
    if kind == "boolean":
        field["trueValues"], field["falseValues"] = ["true"], ["false"]
    if constraints:
        field["constraints"] = constraints
    return field


def _labels(choices) -> Label:
    return Label(choices)


def figures_schema() -> dict:
    fields = [
        _field(
            "全国地方公共団体コード",
            description="全国地方公共団体コード（6桁、検査数字を含む）",
            required=True,
            **LG_CODE,
        ),
        _field("地方公共団体名", description="都道府県名と市区町村名", required=True),
        _field("手続コード", description="手続のコード（procedures.csv）", required=True),
        _field("手続名", required=True),
        _field(
            "期間の種類",
            description="月（処分日の月）または年度（4月〜翌年3月）",
            enum=list(_labels(PeriodKind).enum()),
        ),
        _field("期間の種類コード", description="month または fiscal_year", required=True, enum=list(PeriodKind.values)),
    ]
    for key, header in CSV_COLUMNS:
        kind, description = FIGURE_FIELDS[key]
        constraints = {"required": True} if key in ("period_start", "period_end", "suppressed") else {}
        if key in SHARE_KEYS:
            constraints.update(minimum=0, maximum=1)
        fields.append(_field(header, kind, description, **constraints))
    return {
        "fields": fields,
        "missingValues": ["", WITHHELD],
        "primaryKey": ["全国地方公共団体コード", "手続コード", "期間の種類コード", "期間開始"],
        "foreignKeys": [{"fields": ["手続コード"], "reference": {"resource": "procedures", "fields": ["手続コード"]}}],
    }


def procedures_schema() -> dict:
    return {
        "fields": [
            _field("ID", "integer", "ID", required=True),
            _field("手続コード", description="手続のコード（全国共通の手続は一意）", required=True),
            _field("手続名", required=True),
            _field("手続名_英字"),
            _field("区分", enum=list(_labels(ProcedureGroup).enum())),
            _field("区分コード", required=True, enum=list(ProcedureGroup.values)),
            _field("根拠法令"),
            _field("法定期限（日）", "integer", "法定の処理期限の日数。空欄: 定めなし", minimum=1),
            _field("法定期限の数え方", enum=list(_labels(LimitKind).enum())),
            _field("法定期限の数え方コード", enum=list(LimitKind.values)),
            _field("法定期限の根拠"),
            _field("出典", description="確認に用いた資料の URL（; 区切り）"),
            _field(
                "独自手続の全国地方公共団体コード",
                description="自治体が独自に設けた手続のときその自治体のコード。空欄: 全国共通の手続",
                **LG_CODE,
            ),
            _field("有効", "boolean", "false: 一覧から外した手続"),
        ],
        "primaryKey": ["ID"],
    }


# --- rows ---------------------------------------------------------------------------------------------


def _full_name(municipality) -> str:
    prefecture = municipality.prefecture.name if municipality.prefecture_id else ""
    return prefecture + municipality.name


def figure_rows() -> Iterator[list[str]]:
    """The public rows of every published (municipality, procedure): its figures read in one streamed
    query, grouped by (municipality, procedure), each group passed through the small-number rule."""
    published = MunicipalProcedure.objects.filter(
        municipality=OuterRef("municipality"), procedure=OuterRef("procedure"), publish_figures=True
    )
    figures = (
        OutcomeFigure.objects.filter(Exists(published))
        .select_related("municipality__prefecture", "procedure")
        .order_by("municipality__code", "procedure__code", "procedure_id", "period", "period_start")
    )
    period_label = _labels(PeriodKind)
    for _pair, group in groupby(figures.iterator(chunk_size=2000), key=lambda f: (f.municipality_id, f.procedure_id)):
        group = list(group)  # one procedure of one municipality: a few dozen periods
        municipality, procedure = group[0].municipality, group[0].procedure
        lead = [municipality.code, _full_name(municipality), procedure.code, procedure.name]
        for row in shown(group, threshold=threshold_for(municipality), public=True):
            data = {"period_start": row.period_start, "period_end": row.period_end, **row.values}
            data.update(standard_days=row.standard_days, suppressed=row.suppressed)
            yield [*lead, period_label.cell(row.period), row.period, *figure_cells(data, row.withheld)]


def procedure_rows() -> Iterator[list[str]]:
    group, limit = _labels(ProcedureGroup), _labels(LimitKind)
    procedures = Procedure.objects.select_related("municipality").order_by("municipality__code", "code", "id")
    for p in procedures.iterator(chunk_size=2000):
        limited = p.statutory_limit_days is not None
        yield [
            str(p.pk),
            p.code,
            p.name,
            p.name_en,
            group.cell(p.group),
            p.group,
            p.legal_basis,
            str(p.statutory_limit_days) if limited else "",
            limit.cell(p.statutory_limit_kind) if limited else "",
            p.statutory_limit_kind if limited else "",
            p.statutory_limit_basis,
            ";".join(p.sources or ()),
            p.municipality.code if p.municipality_id else "",
            "true" if p.active else "false",
        ]


FIGURES = Dataset(
    name="outcome_figures",
    title="手続の処理日数等の集計",
    title_en="Service outcome figures of procedures",
    description=(
        "自治体が公開を選んだ手続ごとの、処分日の月・年度ごとの件数、処理日数（営業日）の中央値と90パーセンタイル、"
        "暦日数、標準処理期間内・法定期限内の割合、オンライン申請・補正の割合、満足度の平均。"
        "案件記録から Kyoso が計算。"
        "少ない件数から計算した値と、差し引きで分かってしまう値は「秘匿」（秘匿あり = true）。"
    ),
    description_en=(
        "Per procedure a municipality publishes, per month of decision and per fiscal year: cases, processing "
        "days (business days: median, 90th percentile), calendar days, shares within the standard period and the "
        "statutory limit, online and corrected shares, mean satisfaction — computed by Kyoso from de-identified "
        "case records. Values from few cases, and values that would reveal them, are withheld (「秘匿」)."
    ),
    schema=figures_schema(),
    rows=figure_rows,
)
PROCEDURES = Dataset(
    name="procedures",
    title="手続の一覧",
    title_en="Procedures",
    description="全国共通の手続（根拠法令、法定の処理期限とその根拠、出典）と、自治体が独自に設けた手続。",
    description_en=(
        "The national procedures (legal basis, statutory limit and its basis, sources) and the municipalities' "
        "own procedures."
    ),
    schema=procedures_schema(),
    rows=procedure_rows,
    api_view="procedures",
)
