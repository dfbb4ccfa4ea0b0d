"""The public read schema of agreements and the records under them (core.tables): one declaration per
column, from which the API's JSON, the CSV and XLSX files, datapackage.json and the import template are
all generated.

The files follow the Digital Agency's 自治体標準オープンデータセット: every table starts with
全国地方公共団体コード, ID, 地方公共団体名; dates are ISO 8601, times to the second, money is whole yen,
organizations are identified by 法人番号; English names end in ``_英字``, readings (``_カナ``) are
katakana, and every code has its Japanese label beside it (``Choice``). Columns added later go at
the end, so that readers by position keep working — except a label, which stands beside its code.
Nothing here touches contacts or users: no personal data can reach a file.
"""

from django.db import connection
from django.db.models import DecimalField, F, JSONField, OuterRef, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Cast, JSONArray, Round
from django.utils.translation import gettext_lazy as _

from core.db import JSONArrayAgg, Ratio
from core.tables import (
    BOOLEAN,
    DATE,
    DATETIME,
    INTEGER,
    NUMBER,
    Choice,
    Column,
    Importing,
    Json,
    Number,
    Table,
)
from partnerships.models import Municipality
from partnerships.tables import JCN_PATTERN, LG_CODE_PATTERN, ORGANIZATIONS, full_name

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
from .querysets import NOTHING, agreement_member_q

COST_DESCRIPTION = "市の費用（円）。空欄: 不明（市が示していない）。0: ゼロ予算"
ZERO_BUDGET_DESCRIPTION = "true: 費用0円と示されたもの。false: 0円でない費用が示されたもの。空欄: 費用が不明"
SIGNED_ON_DESCRIPTION = "締結日。精度が 月・年（month・year）のときはその月・年の初日（日は不明）"
PRECISION_DESCRIPTION = "締結日の精度: 日（日まで）、月（月まで）、年（年まで）"
PRECISION_CODE_DESCRIPTION = "締結日の精度のコード: day（日まで）、month（月まで）、year（年まで）"
PUBLIC_ID_PATTERN = r"^[0-9]{6}-[0-9]{4}-[0-9]{3,}$"


def leading(municipality_path: str, *, id_kind=INTEGER, id_pattern="", id_importing=None) -> tuple[Column, ...]:
    """全国地方公共団体コード, ID, 地方公共団体名 of a record under an agreement."""
    return (
        Column(
            f"{municipality_path}code",
            header="全国地方公共団体コード",
            pattern=LG_CODE_PATTERN,
            required=True,
            description="全国地方公共団体コード (6 digits with check digit)",
        ),
        Column("id", id_kind, header="ID", key="id", pattern=id_pattern, required=True, description="ID"),
        Column(
            full_name(municipality_path),
            header="地方公共団体名",
            name="lg_name",
            required=True,
            description="都道府県名と市区町村名",
        ),
    )


def joined(model, link: str, field: str, order: str):
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


def json_rows(model, link: str, *columns) -> Subquery:
    """The rows of ``model`` whose ``link`` is the outer row, as a JSON array of arrays of ``columns``
    (NULL when there is none), as a correlated subquery: a page's COUNT(*) leaves it out, where it
    would keep a join."""
    rows = model.objects.filter(**{link: OuterRef("pk")}).order_by().values(link)
    rows = rows.annotate(rows=JSONArrayAgg(JSONArray(*columns))).values("rows")
    return Subquery(rows, output_field=JSONField())


# --- parties (declared first: an agreement's JSON nests its parties) -----------------------------------

PARTIES = Table(
    name="parties",
    title="協定の連携先",
    columns=(
        *leading("agreement__municipality__"),
        Column("agreement__public_id", header="協定ID", key="agreement", pattern=PUBLIC_ID_PATTERN, required=True),
        Column(
            "organization__corporate_number",
            header="法人番号",
            key="organization_corporate_number",
            pattern=JCN_PATTERN,
        ),
        Column("organization_id", INTEGER, header="連携先ID", key="organization", required=True),
        Column("organization__name", header="連携先名称", key="organization_name", required=True),
        *Choice("役割", "role", PartyRole, key="role").columns(),
        Column("signatory_title", header="署名者役職", key="signatory_title"),
        Column("signed_on", DATE, header="署名日", key="signed_on"),
        Column("branch", header="支社等", key="branch", description="協定を結んだ支社・支店など（例: 京阪支社）"),
        Column(
            "organization__municipality__code",
            header="連携先の全国地方公共団体コード",
            key="organization_municipality",
            pattern=LG_CODE_PATTERN,
            description="連携先が地方公共団体（市区町村・都道府県）そのものであるときのコード",
        ),
    ),
    foreign_keys=(
        ("協定ID", "agreements", "ID"),
        ("連携先ID", "organizations", "ID"),
        ("法人番号", "organizations", "法人番号"),
    ),
)


def _nested_parties():
    """The parties of an agreement in its JSON: the party table's JSON columns, in Party's order (role,
    then id). Their values come as JSON already (dates as ISO text)."""
    columns = PARTIES.json_columns
    keys = [c.key for c in columns]

    def source(reader):
        return json_rows(Party, "agreement", "role", "id", *(c.source for c in columns))

    def convert(rows):
        return [dict(zip(keys, row[2:], strict=True)) for row in sorted(rows or (), key=lambda r: (r[0], r[1]))]

    return Column(source, Json(convert), key="parties", name="party_rows")


def _parent(reader):
    """A parent agreement's public id, for ``reader`` (None: the public) by the rule of
    agreements.history.parent_shown_q: named while published, to its city's officers always."""
    parents = Agreement.objects.filter(parent_shown_q(reader, prefix=""), pk=OuterRef("parent_id"))
    return Subquery(parents.values("public_id"))


def _members_source_columns(reader):
    """The city's raw columns for members of the agreement, NULL for every other reader (in SQL)."""
    from django.db.models import Case, When

    member = agreement_member_q(reader)
    if member == NOTHING:
        return Value(None, output_field=JSONField())
    return Case(When(member, then=F("source_columns")), default=Value(None), output_field=JSONField())


def _field_codes(rows):
    return [code for _order, code in sorted(rows or ())]


def _municipality_code(reader=None):
    # a subquery, not a join: the page's COUNT(*) reads the agreements alone
    return Subquery(Municipality.objects.filter(pk=OuterRef("municipality_id")).values("code"))


AGREEMENTS = Table(
    name="agreements",
    title="協定",
    columns=(
        Column(
            _municipality_code,
            header="全国地方公共団体コード",
            import_as="lg_code",
            key="municipality",
            name="municipality_code",
            pattern=LG_CODE_PATTERN,
            required=True,
            description="全国地方公共団体コード (6 digits with check digit)",
        ),
        Column(
            "public_id",
            header="ID",
            import_as="public_id",
            key="public_id",
            pattern=PUBLIC_ID_PATTERN,
            required=True,
            description="ID",
            importing=Importing(header="協定ID", help=_("Leave empty to have one assigned, or e.g. 272299-2024-001")),
        ),
        Column(
            full_name("municipality__"),
            header="地方公共団体名",
            import_as="lg_name",
            name="lg_name",
            required=True,
            description="都道府県名と市区町村名",
        ),
        Column(
            "title",
            header="協定名",
            import_as="title",
            key="title",
            required=True,
            importing=Importing(
                required=True, help=_("Title of the agreement"), example="株式会社サンプルとの包括連携協定"
            ),
        ),
        Column("title_en", header="協定名_英字", import_as="title_en", key="title_en"),
        Column(
            "summary",
            header="概要",
            import_as="summary",
            key="summary",
            importing=Importing(help=_("Summary"), example="子育て支援と行政手続のデジタル化で連携する"),
        ),
        Column("summary_en", key="summary_en"),
        *Choice(
            "協定種別",
            "kind",
            AgreementKind,
            key="kind",
            import_as="kind",
            importing=Importing(
                required=True,
                help=_("包括連携協定, 個別協定, 覚書 or その他 (or comprehensive, individual, memorandum, other)"),
                example="包括連携協定",
            ),
        ).columns(),
        Column(
            _parent,
            header="親協定ID",
            import_as="parent",
            key="parent",
            name="parent_public_id",
            pattern=PUBLIC_ID_PATTERN,
            description="包括連携協定のID（公開中のもの）",
            importing=Importing(
                help=_(
                    "For an individual agreement: the comprehensive agreement's id (in the file or already in Kyoso)"
                )
            ),
        ),
        Column(
            joined(
                CooperationField.agreements.through,
                "agreement",
                "cooperationfield__name",
                "cooperationfield__sort_order",
            ),
            header="連携分野",
            import_as="fields",
            name="field_names",
            description="連携分野の名称（;区切り）",
            importing=Importing(
                help=_("Cooperation fields separated by ;, e.g. 子育て;DX・行政サービス"),
                example="子育て;DX・行政サービス",
            ),
        ),
        Column(
            joined(
                CooperationField.agreements.through,
                "agreement",
                "cooperationfield__code",
                "cooperationfield__sort_order",
            ),
            header="連携分野コード",
            import_as="ignore",
            name="field_codes",
            description="連携分野のコード（;区切り、連携分野と同じ順）",
        ),
        Column(
            lambda reader: json_rows(
                Agreement.fields.through, "agreement", "cooperationfield__sort_order", "cooperationfield__code"
            ),
            Json(_field_codes),
            key="fields",
            name="field_rows",
        ),
        Column(
            "signed_on",
            DATE,
            header="締結日",
            import_as="signed_on",
            key="signed_on",
            description=SIGNED_ON_DESCRIPTION,
            importing=Importing(help=_("Date signed, e.g. 2024-07-01 or 2024/7/1"), example="2024-07-01"),
        ),
        *Choice(
            "締結日の精度",
            "signed_on_precision",
            DatePrecision,
            key="signed_on_precision",
            import_as="signed_on_precision",
            description=PRECISION_DESCRIPTION,
            code_description=PRECISION_CODE_DESCRIPTION,
        ).columns(),
        Column(
            "starts_on",
            DATE,
            header="開始日",
            import_as="starts_on",
            key="starts_on",
            importing=Importing(help=_("Start date"), example="2024-07-01"),
        ),
        Column(
            "ends_on",
            DATE,
            header="終了日",
            import_as="ends_on",
            key="ends_on",
            importing=Importing(help=_("End date"), example="2027-03-31"),
        ),
        Column(
            "auto_renewal",
            BOOLEAN,
            header="自動更新",
            import_as="auto_renewal",
            key="auto_renewal",
            importing=Importing(help=_("はい or いいえ"), example="はい"),
        ),
        Column(
            "renewal_term_months",
            INTEGER,
            header="更新期間_月",
            import_as="renewal_term_months",
            key="renewal_term_months",
            importing=Importing(help=_("Months of each automatic renewal"), example="12"),
        ),
        *Choice(
            "状態",
            "status",
            AgreementStatus,
            key="status",
            import_as="status",
            importing=Importing(help=_("下書き, 協議中, 有効, 期間満了 or 解除 (default 下書き)"), example="有効"),
        ).columns(),
        *Choice(
            "選定方法",
            "selection_method",
            SelectionMethod,
            key="selection_method",
            import_as="selection_method",
            importing=Importing(help=_("公募, 提案 or 協議"), example="提案"),
        ).columns(),
        Column(
            "municipal_cost_jpy",
            INTEGER,
            header="市の費用_円",
            import_as="municipal_cost",
            key="municipal_cost_jpy",
            description=COST_DESCRIPTION,
            importing=Importing(help=_("Whole yen; 0 or empty for a zero-budget project"), example="0"),
        ),
        Column(
            "zero_budget",
            BOOLEAN,
            header="ゼロ予算",
            import_as="zero_budget",
            key="zero_budget",
            description=ZERO_BUDGET_DESCRIPTION,
        ),
        Column(
            "partner_contribution_jpy",
            INTEGER,
            header="連携先の貢献見込額_円",
            import_as="partner_contribution",
            key="partner_contribution_jpy",
            importing=Importing(help=_("Whole yen"), example="3000000"),
        ),
        Column("data_sharing_terms", header="データ共有条件", import_as="data_sharing_terms", key="data_sharing_terms"),
        Column(
            "department__name",
            header="担当課",
            import_as="department",
            importing=Importing(help=_("A department already registered in Kyoso")),
        ),
        Column("department_id", INTEGER, key="department"),
        Column(
            joined(Party, "agreement", "organization__corporate_number", "id"),
            header="連携先法人番号",
            import_as="partner_numbers",
            name="partner_numbers",
            description="連携先の法人番号（;区切り）",
            importing=Importing(
                help=_("13-digit corporate numbers of the partners, separated by ;"), example="4000020270008"
            ),
        ),
        Column(
            joined(Party, "agreement", "organization__name", "id"),
            header="連携先名称",
            import_as="partners",
            name="partner_names",
            description="連携先の名称（;区切り）",
            importing=Importing(
                help=_("Partner names (registered in Kyoso), separated by ;, when there is no 法人番号")
            ),
        ),
        Column("published_at", DATETIME, header="公開日時", import_as="ignore", key="published_at"),
        # Added with issue 11, at the end so that readers of the earlier columns by position keep working.
        Column(
            "source_ref",
            header="市の一覧の番号",
            import_as="source_ref",
            key="source_ref",
            description="市が公表した一覧での協定の番号",
        ),
        Column(
            "period_text",
            header="期間_原文",
            import_as="period",
            key="period_text",
            description="市の一覧に書かれたままの期間",
        ),
        Column(
            "fields_text",
            header="連携分野_原文",
            import_as="fields_text",
            key="fields_text",
            description="市の一覧に書かれたままの連携分野",
        ),
        Column(
            "title_generated",
            BOOLEAN,
            header="協定名_自動生成",
            import_as="title_generated",
            key="title_generated",
            required=True,
            description="true: 市の一覧に協定名がなく、Kyosoが連携先と分野から作った名称",
        ),
        # API only
        Column(_members_source_columns, Json(), key="source_columns", name="source_columns_shown"),
        Column(
            "published",
            BOOLEAN,
            header="公開",  # the last column of the file: always true in the open data, false for an officer's drafts
            key="published",
            description="true: 公開中。オープンデータでは常に true（職員が出力した自分の一覧では、下書きは false）",
            import_as="publish",
            importing=Importing(
                header="公開", help=_("はい to publish at once (approvers only); default いいえ"), example="いいえ"
            ),
        ),
        _nested_parties(),
        Column("updated_at", DATETIME, key="updated_at"),
    ),
    # 親協定ID is named only while the parent is published, so the parent is always in the file
    foreign_keys=(("親協定ID", "agreements", "ID"),),
)


INITIATIVES = Table(
    name="initiatives",
    title="連携事業",
    columns=(
        *leading("agreement__municipality__"),
        Column("agreement__public_id", header="協定ID", key="agreement", pattern=PUBLIC_ID_PATTERN, required=True),
        Column("title", header="事業名", key="title", required=True),
        Column("title_en", header="事業名_英字", key="title_en"),
        Column("summary", header="概要", key="summary"),
        Column("field__name", header="連携分野"),
        Column("field__code", header="連携分野コード", key="field"),
        *Choice("状態", "status", InitiativeStatus, key="status").columns(),
        Column("starts_on", DATE, header="開始日", key="starts_on"),
        Column("ends_on", DATE, header="終了日", key="ends_on"),
        Column(
            "municipal_cost_jpy", INTEGER, header="市の費用_円", key="municipal_cost_jpy", description=COST_DESCRIPTION
        ),
        Column("zero_budget", BOOLEAN, header="ゼロ予算", key="zero_budget", description=ZERO_BUDGET_DESCRIPTION),
        Column("in_kind_value_jpy", INTEGER, header="現物貢献額_円", key="in_kind_value_jpy"),
        # rounded by the database, for the Python and the SQL form alike
        Column(
            Round(Cast(F("progress_weighted"), DecimalField(max_digits=9, decimal_places=4)), 1),
            Number(1),
            header="進捗率",
            name="progress_percent",
            description="成果物の加重平均（%）",
        ),
        Column("journey_before", header="改善前の手続", key="journey_before"),
        Column("journey_after", header="改善後の手続", key="journey_after"),
        Column("progress_weighted", NUMBER, key="progress"),
        Column("updated_at", DATETIME, key="updated_at"),
    ),
    foreign_keys=(("協定ID", "agreements", "ID"),),
    prepare=lambda qs: qs if "progress_weighted" in qs.query.annotations else qs.with_progress(),
)

DELIVERABLES = Table(
    name="deliverables",
    title="成果物",
    columns=(
        *leading("initiative__agreement__municipality__"),
        Column(
            "initiative__agreement__public_id",
            header="協定ID",
            key="agreement",
            pattern=PUBLIC_ID_PATTERN,
            required=True,
        ),
        Column("initiative_id", INTEGER, header="事業ID", key="initiative", required=True),
        Column("title", header="成果物名", key="title", required=True),
        Column("description", key="description"),
        Column("responsible__corporate_number", header="責任団体法人番号", pattern=JCN_PATTERN),
        Column("responsible_id", INTEGER, key="responsible"),
        Column("responsible__name", header="責任団体名", key="responsible_name"),
        Column("due_on", DATE, header="期限", key="due_on"),
        *Choice("状態", "status", DeliverableStatus, key="status").columns(),
        Column("progress", INTEGER, header="進捗率", key="progress", required=True),
        Column("met_on", DATE, header="達成日", key="met_on"),
        Column("weight", INTEGER, header="重み", key="weight", required=True),
        Column("updated_at", DATETIME, key="updated_at"),
    ),
    # the responsible organization is a party of the agreement (Deliverable.clean, party_remove)
    foreign_keys=(
        ("協定ID", "agreements", "ID"),
        ("事業ID", "initiatives", "ID"),
        ("責任団体法人番号", "organizations", "法人番号"),
    ),
)

INDICATORS = Table(
    name="indicators",
    title="成果指標",
    columns=(
        *leading("agreement__municipality__"),
        Column("agreement__public_id", header="協定ID", key="agreement", pattern=PUBLIC_ID_PATTERN, required=True),
        Column("initiative_id", INTEGER, header="事業ID", key="initiative"),
        Column("code", header="指標コード", key="code", required=True),
        Column("name", header="指標名", key="name", required=True),
        Column("name_en", key="name_en"),
        Column("unit", header="単位", key="unit", required=True),
        *Choice("方向", "direction", Direction, key="direction").columns(),
        Column("baseline_value", NUMBER, header="基準値", key="baseline_value", required=True),
        Column("baseline_period_start", DATE, header="基準期間開始", required=True),
        Column("baseline_period_end", DATE, header="基準期間終了", required=True),
        Column(
            JSONArray("baseline_period_start", "baseline_period_end"),
            Json(lambda pair: {"start": pair[0], "end": pair[1]}),
            key="baseline_period",
            name="baseline_period",
        ),
        Column("target_value", NUMBER, header="目標値", key="target_value", required=True),
        Column("target_on", DATE, header="目標期日", key="target_on", required=True),
        Column("data_source", header="データ出典", key="data_source"),
        Column("method", header="測定方法", key="method"),
        *Choice("報告頻度", "frequency", Frequency, key="frequency").columns(),
        Column("reporter__corporate_number", header="報告団体法人番号", pattern=JCN_PATTERN),
        Column("reporter__name", header="報告団体名"),
        Column("reporter_id", INTEGER, key="reporter"),
    ),
    # the reporter is a party of the agreement (OutcomeIndicator.clean, party_remove)
    foreign_keys=(
        ("協定ID", "agreements", "ID"),
        ("事業ID", "initiatives", "ID"),
        ("報告団体法人番号", "organizations", "法人番号"),
    ),
)

# (値 − 基準値) / (目標値 − 基準値), rounded to 4 decimals by the database (for both forms of the cell).
ATTAINMENT = Round(
    Ratio(F("value") - F("indicator__baseline_value"), F("indicator__target_value") - F("indicator__baseline_value")),
    4,
    output_field=DecimalField(max_digits=30, decimal_places=4),
)

MEASUREMENTS = Table(
    name="measurements",
    title="成果指標の測定値",
    columns=(
        *leading("indicator__agreement__municipality__"),
        Column(
            "indicator__agreement__public_id",
            header="協定ID",
            key="agreement",
            pattern=PUBLIC_ID_PATTERN,
            required=True,
        ),
        Column("indicator_id", INTEGER, header="指標ID", key="indicator", required=True),
        Column("indicator__code", header="指標コード", required=True),
        Column("period_start", DATE, header="期間開始", key="period_start", required=True),
        Column("period_end", DATE, header="期間終了", key="period_end", required=True),
        Column("value", NUMBER, header="値", key="value", required=True),
        Column("sample_size", INTEGER, header="標本数", key="sample_size"),
        Column("source", header="出典", key="source"),
        Column("method", header="測定方法", key="method"),
        *Choice("測定者", "measured_by", MeasuredBy, key="measured_by").columns(),
        Column("verified", BOOLEAN, header="検証済み", key="verified", required=True),
        Column("note", key="note"),
        Column("review_status", key="review_status"),
        Column("review_comment", key="review_comment"),
        Column(
            ATTAINMENT,
            Number(4),
            header="達成度",
            key="attainment",
            name="attainment",
            description="(値 − 基準値) / (目標値 − 基準値)",
        ),
    ),
    foreign_keys=(("協定ID", "agreements", "ID"), ("指標ID", "indicators", "ID")),
)

TABLES = {t.name: t for t in (AGREEMENTS, PARTIES, INITIATIVES, DELIVERABLES, INDICATORS, MEASUREMENTS, ORGANIZATIONS)}


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
