"""Open-data tables (CSV) in the layout of the Digital Agency's 自治体標準オープンデータセット.

Each dataset is a list of columns over one ``.values()`` query, so an export of millions of rows is
read with a server-side cursor and written row by row, in constant memory. Every table starts with
全国地方公共団体コード, ID, 地方公共団体名. Dates are ISO 8601, money is whole yen, organizations are
identified by 法人番号. Nothing here touches contacts or users: no personal data can reach a file.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Case, F, OuterRef, QuerySet, StringAgg, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone, translation

from .choices import (
    AgreementKind,
    AgreementStatus,
    DatePrecision,
    DeliverableStatus,
    Direction,
    Frequency,
    InitiativeStatus,
    MeasuredBy,
    PartyRole,
    SelectionMethod,
)
from .history import parent_shown_q
from .models import Agreement, CooperationField, Deliverable, Initiative, Measurement, OutcomeIndicator, Party


@dataclass(frozen=True)
class Column:
    header: str  # Japanese column name
    key: str  # key in the .values() row
    convert: Callable | None = None  # value → cell
    type: str = "string"  # Table Schema type, for datapackage.json
    description: str = ""
    enum: tuple = ()  # allowed cell values, for datapackage.json
    pattern: str = ""
    required: bool = False


# A cell beginning with one of these runs as a formula in Excel and LibreOffice (OWASP, "CSV
# Injection"): = + - @, a tab, a carriage return.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGER_SET = frozenset(FORMULA_TRIGGERS)


def csv_safe(text: str) -> str:
    """A text cell no spreadsheet runs as a formula: one that begins with a formula trigger gets a
    leading apostrophe, which spreadsheets read as "this is text" (docs/open-data.md says how to strip
    it). The SQL form is agreements.csv_copy.sql_csv_safe, for the COPY path's same bytes."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _label(choices):
    labels = {value: str(label) for value, label in choices.choices}

    def label(value):
        return labels.get(value, value or "")

    label.labels = labels  # the same mapping, for the SQL form of the column (copy_csv)
    return label


def _yes_no(value):
    return "" if value is None else ("true" if value else "false")


def _iso(value):
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)  # Japan time, with its +09:00 offset
    return value.isoformat()


def _decimal(value):
    if value is None:
        return ""
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


def _full_name(prefix: str):
    """都道府県名 + 市区町村名 (大阪府四條畷市); a prefecture is just its name."""
    return Concat(Coalesce(F(f"{prefix}prefecture__name"), Value("")), F(f"{prefix}name"))


LEADING = "全国地方公共団体コード", "ID", "地方公共団体名"
COST_DESCRIPTION = "市の費用（円）。空欄: 不明（市が示していない）。0: ゼロ予算"
ZERO_BUDGET_DESCRIPTION = "true: 費用0円と示されたもの。false: 0円でない費用が示されたもの。空欄: 費用が不明"
SIGNED_ON_DESCRIPTION = "締結日。精度が month・year のときはその月・年の初日（日は不明）"
PRECISION_DESCRIPTION = "締結日の精度: day（日まで）、month（月まで）、year（年まで）"
LG_CODE_PATTERN = r"^[0-9]{6}$"
JCN_PATTERN = r"^[0-9]{13}$"
PUBLIC_ID_PATTERN = r"^[0-9]{6}-[0-9]{4}-[0-9]{3,}$"


def _leading(municipality_path: str, id_key: str, id_type="string", id_pattern=""):
    return [
        Column(
            LEADING[0],
            f"{municipality_path}code",
            type="string",
            pattern=LG_CODE_PATTERN,
            required=True,
            description="全国地方公共団体コード (6 digits with check digit)",
        ),
        Column(LEADING[1], id_key, type=id_type, pattern=id_pattern, required=True, description="ID"),
        Column(LEADING[2], "lg_name", required=True, description="都道府県名と市区町村名"),
    ]


def _choice(header, key, choices, description=""):
    with translation.override("ja"):
        labels = tuple(str(label) for label in choices.labels)
    return Column(header, key, _label(choices), enum=labels, description=description)


def _code(header, key, choices, description=""):
    return Column(header, key, enum=tuple(choices.values), description=description)


@dataclass(frozen=True)
class Dataset:
    name: str  # file stem: agreements → agreements.csv
    title: str
    columns: list[Column]
    queryset: Callable[[QuerySet], QuerySet]  # adds the values() of the columns to a filtered queryset
    primary_key: str = "ID"
    foreign_keys: tuple = ()  # (column, dataset, column)
    derive: Callable[[dict], None] | None = None  # adds computed keys to a row (e.g. attainment)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def rows(self, queryset: QuerySet, chunk_size: int = 2000) -> Iterator[list]:
        """Cells of each row, read with a server-side cursor (constant memory). Text cells pass through
        ``csv_safe``: numbers, dates and booleans are never text."""
        texts = [index for index, c in enumerate(self.columns) if c.type == "string"]
        with translation.override("ja"):
            for row in self.queryset(queryset).iterator(chunk_size=chunk_size):
                if self.derive is not None:
                    self.derive(row)
                cells = [
                    c.convert(row[c.key]) if c.convert else ("" if row[c.key] is None else row[c.key])
                    for c in self.columns
                ]
                for index in texts:  # csv_safe, inlined: this loop writes millions of cells
                    cell = cells[index]
                    if type(cell) is str and cell and cell[0] in _TRIGGER_SET:
                        cells[index] = "'" + cell
                yield cells


def _agg(model, link, field, order):
    """A ';'-joined list of a related model's values, as a correlated subquery (no N+1, no GROUP BY).
    Ordered where the database can (PostgreSQL; SQLite from 3.44)."""
    ordered = connection.features.supports_aggregate_order_by_clause
    return Subquery(
        model.objects.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(joined=StringAgg(field, Value(";"), order_by=order if ordered else None))
        .values("joined")
    )


AGREEMENTS = Dataset(
    name="agreements",
    title="協定",
    columns=[
        *_leading("municipality__", "public_id", id_pattern=PUBLIC_ID_PATTERN),
        Column("協定名", "title", required=True),
        Column("協定名_英語", "title_en"),
        Column("概要", "summary"),
        _choice("協定種別", "kind", AgreementKind),
        _code("協定種別コード", "kind", AgreementKind),
        Column(
            "親協定ID", "parent_public_id", pattern=PUBLIC_ID_PATTERN, description="包括連携協定のID（公開中のもの）"
        ),
        Column("連携分野", "field_names", description="連携分野の名称（;区切り）"),
        Column("締結日", "signed_on", _iso, type="date", description=SIGNED_ON_DESCRIPTION),
        _code("締結日の精度", "signed_on_precision", DatePrecision, description=PRECISION_DESCRIPTION),
        Column("開始日", "starts_on", _iso, type="date"),
        Column("終了日", "ends_on", _iso, type="date"),
        Column("自動更新", "auto_renewal", _yes_no, type="boolean"),
        Column("更新期間_月", "renewal_term_months", type="integer"),
        _choice("状態", "status", AgreementStatus),
        _code("状態コード", "status", AgreementStatus),
        _choice("選定方法", "selection_method", SelectionMethod),
        Column("市の費用_円", "municipal_cost_jpy", type="integer", description=COST_DESCRIPTION),
        Column("ゼロ予算", "zero_budget", _yes_no, type="boolean", description=ZERO_BUDGET_DESCRIPTION),
        Column("連携先の貢献見込額_円", "partner_contribution_jpy", type="integer"),
        Column("データ共有条件", "data_sharing_terms"),
        Column("担当課", "department__name"),
        Column("連携先法人番号", "partner_numbers", description="連携先の法人番号（;区切り）"),
        Column("連携先名称", "partner_names", description="連携先の名称（;区切り）"),
        Column("公開日時", "published_at", _iso, type="datetime"),
        # Added with issue 11, at the end so that readers of the earlier columns by position keep working.
        Column("市の一覧の番号", "source_ref", description="市が公表した一覧での協定の番号"),
        Column("期間_原文", "period_text", description="市の一覧に書かれたままの期間"),
        Column("連携分野_原文", "fields_text", description="市の一覧に書かれたままの連携分野"),
        Column(
            "協定名_自動生成",
            "title_generated",
            _yes_no,
            type="boolean",
            required=True,
            description="true: 市の一覧に協定名がなく、Kyosoが連携先と分野から作った名称",
        ),
    ],
    queryset=lambda qs: qs.values(
        "municipality__code",
        "public_id",
        "title",
        "title_en",
        "summary",
        "kind",
        "signed_on",
        "signed_on_precision",
        "starts_on",
        "ends_on",
        "auto_renewal",
        "renewal_term_months",
        "status",
        "selection_method",
        "municipal_cost_jpy",
        "zero_budget",
        "partner_contribution_jpy",
        "data_sharing_terms",
        "department__name",
        "published_at",
        "source_ref",
        "period_text",
        "fields_text",
        "title_generated",
        lg_name=_full_name("municipality__"),
        # a parent is named while it is published (agreements.history.parent_shown_q, for the public)
        parent_public_id=Case(When(parent_shown_q(), then=F("parent__public_id"))),
        field_names=_agg(
            CooperationField.agreements.through, "agreement", "cooperationfield__name", "cooperationfield__sort_order"
        ),
        partner_numbers=_agg(Party, "agreement", "organization__corporate_number", "id"),
        partner_names=_agg(Party, "agreement", "organization__name", "id"),
    ),
)

PARTIES = Dataset(
    name="parties",
    title="協定の連携先",
    columns=[
        *_leading("agreement__municipality__", "id", id_type="integer"),
        Column("協定ID", "agreement__public_id", pattern=PUBLIC_ID_PATTERN, required=True),
        Column("法人番号", "organization__corporate_number", pattern=JCN_PATTERN),
        Column("連携先ID", "organization_id", type="integer", required=True),
        Column("連携先名称", "organization__name", required=True),
        _choice("役割", "role", PartyRole),
        _code("役割コード", "role", PartyRole),
        Column("署名者役職", "signatory_title"),
        Column("署名日", "signed_on", _iso, type="date"),
        Column("支社等", "branch", description="協定を結んだ支社・支店など（例: 京阪支社）"),
        Column(
            "連携先の全国地方公共団体コード",
            "organization__municipality__code",
            pattern=LG_CODE_PATTERN,
            description="連携先が地方公共団体（市区町村・都道府県）そのものであるときのコード",
        ),
    ],
    queryset=lambda qs: qs.values(
        "agreement__municipality__code",
        "id",
        "agreement__public_id",
        "organization__corporate_number",
        "organization_id",
        "organization__name",
        "role",
        "signatory_title",
        "signed_on",
        "branch",
        "organization__municipality__code",
        lg_name=_full_name("agreement__municipality__"),
    ),
    foreign_keys=(("協定ID", "agreements", "ID"), ("連携先ID", "organizations", "ID")),
)


def _percent(value):
    return "" if value is None else f"{value:.1f}"


INITIATIVES = Dataset(
    name="initiatives",
    title="連携事業",
    columns=[
        *_leading("agreement__municipality__", "id", id_type="integer"),
        Column("協定ID", "agreement__public_id", pattern=PUBLIC_ID_PATTERN, required=True),
        Column("事業名", "title", required=True),
        Column("事業名_英語", "title_en"),
        Column("概要", "summary"),
        Column("連携分野", "field__name"),
        _choice("状態", "status", InitiativeStatus),
        _code("状態コード", "status", InitiativeStatus),
        Column("開始日", "starts_on", _iso, type="date"),
        Column("終了日", "ends_on", _iso, type="date"),
        Column("市の費用_円", "municipal_cost_jpy", type="integer", description=COST_DESCRIPTION),
        Column("ゼロ予算", "zero_budget", _yes_no, type="boolean", description=ZERO_BUDGET_DESCRIPTION),
        Column("現物貢献額_円", "in_kind_value_jpy", type="integer"),
        Column("進捗率", "progress_weighted", _percent, type="number", description="成果物の加重平均（%）"),
        Column("改善前の手続", "journey_before"),
        Column("改善後の手続", "journey_after"),
    ],
    queryset=lambda qs: (qs if "progress_weighted" in qs.query.annotations else qs.with_progress()).values(
        "agreement__municipality__code",
        "id",
        "agreement__public_id",
        "title",
        "title_en",
        "summary",
        "field__name",
        "status",
        "starts_on",
        "ends_on",
        "municipal_cost_jpy",
        "zero_budget",
        "in_kind_value_jpy",
        "progress_weighted",
        "journey_before",
        "journey_after",
        lg_name=_full_name("agreement__municipality__"),
    ),
    foreign_keys=(("協定ID", "agreements", "ID"),),
)

DELIVERABLES = Dataset(
    name="deliverables",
    title="成果物",
    columns=[
        *_leading("initiative__agreement__municipality__", "id", id_type="integer"),
        Column("協定ID", "initiative__agreement__public_id", pattern=PUBLIC_ID_PATTERN, required=True),
        Column("事業ID", "initiative_id", type="integer", required=True),
        Column("成果物名", "title", required=True),
        Column("責任団体法人番号", "responsible__corporate_number", pattern=JCN_PATTERN),
        Column("責任団体名", "responsible__name"),
        Column("期限", "due_on", _iso, type="date"),
        _choice("状態", "status", DeliverableStatus),
        _code("状態コード", "status", DeliverableStatus),
        Column("進捗率", "progress", type="integer", required=True),
        Column("達成日", "met_on", _iso, type="date"),
        Column("重み", "weight", type="integer", required=True),
    ],
    queryset=lambda qs: qs.values(
        "initiative__agreement__municipality__code",
        "id",
        "initiative__agreement__public_id",
        "initiative_id",
        "title",
        "responsible__corporate_number",
        "responsible__name",
        "due_on",
        "status",
        "progress",
        "met_on",
        "weight",
        lg_name=_full_name("initiative__agreement__municipality__"),
    ),
    foreign_keys=(("協定ID", "agreements", "ID"), ("事業ID", "initiatives", "ID")),
)

INDICATORS = Dataset(
    name="indicators",
    title="成果指標",
    columns=[
        *_leading("agreement__municipality__", "id", id_type="integer"),
        Column("協定ID", "agreement__public_id", pattern=PUBLIC_ID_PATTERN, required=True),
        Column("事業ID", "initiative_id", type="integer"),
        Column("指標コード", "code", required=True),
        Column("指標名", "name", required=True),
        Column("単位", "unit", required=True),
        _choice("方向", "direction", Direction),
        _code("方向コード", "direction", Direction),
        Column("基準値", "baseline_value", _decimal, type="number", required=True),
        Column("基準期間開始", "baseline_period_start", _iso, type="date", required=True),
        Column("基準期間終了", "baseline_period_end", _iso, type="date", required=True),
        Column("目標値", "target_value", _decimal, type="number", required=True),
        Column("目標期日", "target_on", _iso, type="date", required=True),
        Column("データ出典", "data_source"),
        Column("測定方法", "method"),
        _choice("報告頻度", "frequency", Frequency),
        Column("報告団体法人番号", "reporter__corporate_number", pattern=JCN_PATTERN),
        Column("報告団体名", "reporter__name"),
    ],
    queryset=lambda qs: qs.values(
        "agreement__municipality__code",
        "id",
        "agreement__public_id",
        "initiative_id",
        "code",
        "name",
        "unit",
        "direction",
        "baseline_value",
        "baseline_period_start",
        "baseline_period_end",
        "target_value",
        "target_on",
        "data_source",
        "method",
        "frequency",
        "reporter__corporate_number",
        "reporter__name",
        lg_name=_full_name("agreement__municipality__"),
    ),
    foreign_keys=(("協定ID", "agreements", "ID"),),
)


def _add_attainment(row) -> None:
    baseline, target, value = row["indicator__baseline_value"], row["indicator__target_value"], row["value"]
    row["attainment"] = f"{(value - baseline) / (target - baseline):.4f}"


MEASUREMENTS = Dataset(
    name="measurements",
    title="成果指標の測定値",
    columns=[
        *_leading("indicator__agreement__municipality__", "id", id_type="integer"),
        Column("協定ID", "indicator__agreement__public_id", pattern=PUBLIC_ID_PATTERN, required=True),
        Column("指標ID", "indicator_id", type="integer", required=True),
        Column("指標コード", "indicator__code", required=True),
        Column("期間開始", "period_start", _iso, type="date", required=True),
        Column("期間終了", "period_end", _iso, type="date", required=True),
        Column("値", "value", _decimal, type="number", required=True),
        Column("標本数", "sample_size", type="integer"),
        Column("出典", "source"),
        Column("測定方法", "method"),
        _choice("測定者", "measured_by", MeasuredBy),
        Column("検証済み", "verified", _yes_no, type="boolean", required=True),
        Column("達成度", "attainment", type="number", description="(値 − 基準値) / (目標値 − 基準値)"),
    ],
    queryset=lambda qs: qs.values(
        "indicator__agreement__municipality__code",
        "id",
        "indicator__agreement__public_id",
        "indicator_id",
        "indicator__code",
        "period_start",
        "period_end",
        "value",
        "sample_size",
        "source",
        "method",
        "measured_by",
        "verified",
        "indicator__baseline_value",
        "indicator__target_value",
        lg_name=_full_name("indicator__agreement__municipality__"),
    ),
    foreign_keys=(("指標ID", "indicators", "ID"),),
    derive=_add_attainment,
)

ORGANIZATIONS = Dataset(
    name="organizations",
    title="連携先",
    columns=[
        Column(
            LEADING[0], "prefecture__code", pattern=LG_CODE_PATTERN, description="所在都道府県の全国地方公共団体コード"
        ),
        Column(LEADING[1], "id", type="integer", required=True),
        Column(LEADING[2], "prefecture__name", description="所在都道府県名"),
        Column("法人番号", "corporate_number", pattern=JCN_PATTERN),
        Column("名称", "name", required=True),
        Column("名称_カナ", "kana"),
        Column("名称_英語", "name_en"),
        Column("種別", "kind"),
        Column("業種", "industry"),
        Column("ウェブサイト", "website"),
        Column(
            "地方公共団体コード",
            "municipality__code",
            pattern=LG_CODE_PATTERN,
            description="連携先が地方公共団体（市区町村・都道府県）そのものであるときの全国地方公共団体コード",
        ),
    ],
    queryset=lambda qs: qs.values(
        "prefecture__code",
        "id",
        "prefecture__name",
        "corporate_number",
        "name",
        "kana",
        "name_en",
        "kind",
        "industry",
        "website",
        "municipality__code",
    ),
)


DATASETS = {
    d.name: d for d in (AGREEMENTS, PARTIES, INITIATIVES, DELIVERABLES, INDICATORS, MEASUREMENTS, ORGANIZATIONS)
}


def published_querysets() -> dict[str, QuerySet]:
    """What the public may download: published agreements and their records, accepted measurements,
    organizations that are a party to a published agreement."""
    from partnerships.models import Organization

    return {
        "agreements": Agreement.objects.published().order_by("id"),
        "parties": Party.objects.filter(agreement__published=True).order_by("id"),
        "initiatives": Initiative.objects.filter(agreement__published=True).order_by("id"),
        "deliverables": Deliverable.objects.filter(initiative__agreement__published=True).order_by("id"),
        "indicators": OutcomeIndicator.objects.filter(agreement__published=True).order_by("id"),
        "measurements": Measurement.objects.accepted().filter(indicator__agreement__published=True).order_by("id"),
        "organizations": Organization.objects.filter(
            pk__in=Party.objects.filter(agreement__published=True).values("organization_id")
        ).order_by("id"),
    }
