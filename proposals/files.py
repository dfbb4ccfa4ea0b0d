"""The proposal scheme as files of the nightly open-data set, registered with ``opendata.datasets`` in
``ProposalsConfig.ready`` (as outcomes/files.py does):

* ``themes.csv`` — every published theme (open and closed).
* ``proposal_decisions.csv`` — every decided proposal, rejections included: proposer, title, theme,
  decision, reasons and date. Its content columns are filled only where ``Proposal.content_public``
  allows (adopted, not confidential, the proposer agreed); for every other proposal they are empty and
  ``内容の公開`` is false. Proposals under review are not in the file. The agreement's public id only when
  that agreement is published.

Both are read with server-side cursors."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from core.tables import Label
from opendata.datasets import Dataset

from .models import DecisionOutcome, Theme
from .selectors import decided_public

LG_CODE = {"pattern": "[0-9]{6}"}


def _field(name: str, kind: str = "string", description: str = "", **constraints) -> dict:
    field = {"name": name, "type": kind}
    if description:
        field["description"] = description
    if kind == "boolean":
        field["trueValues"], field["falseValues"] = ["true"], ["false"]
    if constraints:
        field["constraints"] = constraints
    return field


def _municipality_fields() -> list[dict]:
    return [
        _field(
            "全国地方公共団体コード",
            description="全国地方公共団体コード（6桁、検査数字を含む）",
            required=True,
            **LG_CODE,
        ),
        _field("地方公共団体名", description="都道府県名と市区町村名", required=True),
    ]


def themes_schema() -> dict:
    return {
        "fields": [
            _field("ID", "integer", "テーマの ID", required=True),
            *_municipality_fields(),
            _field("担当課"),
            _field("テーマ名", required=True),
            _field("背景", required=True),
            _field("求める提案", required=True),
            _field("制約条件"),
            _field("問合せ先"),
            _field("受付開始日", "date", required=True),
            _field("受付終了日", "date", "空欄: 終了日の定めなし"),
            _field("テーマ一覧の見直し日", "date", "自治体がテーマの一覧を最後に見直した日"),
        ],
        "primaryKey": ["ID"],
    }


CONTENT_COLUMNS = (
    ("problem", "課題"),
    ("offer", "提供するもの"),
    ("city_must_provide", "市が用意するもの"),
    ("expected_outcome", "期待する成果"),
    ("measurement", "成果の測り方"),
)


def decisions_schema() -> dict:
    content = "採択され、機密でなく、提案者が公開に同意した提案のときだけ記載。それ以外は空欄"
    return {
        "fields": [
            _field("ID", "integer", "提案の ID", required=True),
            *_municipality_fields(),
            _field("テーマID", "integer", "themes.csv の ID。空欄: フリー型の提案"),
            _field("提案者", description="提案した団体の名称", required=True),
            _field("題名", required=True),
            _field("採否", enum=list(Label(DecisionOutcome).enum())),
            _field("採否コード", required=True, enum=list(DecisionOutcome.values)),
            _field("理由", description="採否の理由（不採択も公開）", required=True),
            _field("決定日", "date", required=True),
            _field("内容の公開", "boolean", "true: 以下の内容の欄を公開", required=True),
            *(_field(header, description=content) for _key, header in CONTENT_COLUMNS),
            _field("市の費用（円）", "integer", f"{content}。空欄: 不明", minimum=0),
            _field("市の新たな費用なし", "boolean", content),
            _field("期間", description=content),
            _field("協定の公開ID", description="採択後に結ばれ公開された協定の ID（agreements.csv）"),
        ],
        "primaryKey": ["ID"],
        "foreignKeys": [{"fields": ["テーマID"], "reference": {"resource": "themes", "fields": ["ID"]}}],
    }


def _full_name(municipality) -> str:
    prefecture = municipality.prefecture.name if municipality.prefecture_id else ""
    return prefecture + municipality.name


def _date(value) -> str:
    return value.isoformat() if value else ""


def theme_rows() -> Iterator[list[str]]:
    themes = (
        Theme.objects.published()
        .select_related("municipality__prefecture", "department")
        .order_by("municipality__code", "opens_on", "id")
    )
    for t in themes.iterator(chunk_size=2000):
        yield [
            str(t.pk),
            t.municipality.code,
            _full_name(t.municipality),
            t.department.name if t.department_id else "",
            t.title,
            t.background,
            t.wanted,
            t.constraints,
            t.contact,
            _date(t.opens_on),
            _date(t.closes_on),
            _date(t.reviewed_on),
        ]


def decision_rows() -> Iterator[list[str]]:
    outcome = Label(DecisionOutcome)
    proposals = (
        decided_public()
        .select_related("municipality__prefecture", "theme", "agreement")
        .order_by("municipality__code", "decision__decided_at", "id")
    )
    for p in proposals.iterator(chunk_size=2000):
        decision = p.decision
        public = p.content_public(decision)
        theme_id = str(p.theme_id) if p.theme_id and p.theme.published else ""
        agreement = p.agreement if p.agreement_id and p.agreement.published else None
        if public:
            content = [getattr(p, key) for key, _header in CONTENT_COLUMNS]
            cost = "" if p.cost_to_city_jpy is None else str(p.cost_to_city_jpy)
            content += [cost, "true" if p.no_new_cost else "false", p.period]
        else:
            content = [""] * (len(CONTENT_COLUMNS) + 3)
        yield [
            str(p.pk),
            p.municipality.code,
            _full_name(p.municipality),
            theme_id,
            p.organization.name,
            p.title,
            outcome.cell(decision.outcome),
            decision.outcome,
            decision.reasons,
            _date(timezone.localdate(decision.decided_at)),
            "true" if public else "false",
            *content,
            agreement.public_id if agreement is not None else "",
        ]


THEMES = Dataset(
    name="themes",
    title="民間提案のテーマ",
    title_en="Themes for private-sector proposals",
    description="自治体が公開した民間提案のテーマ（テーマ型）：背景、求める提案、制約条件、受付期間。受付を終えたものも含む。",
    description_en=(
        "The themes municipalities published for private-sector proposals: background, what is wanted, "
        "constraints and the period proposals are taken, closed themes included."
    ),
    schema=themes_schema(),
    rows=theme_rows,
    api_view="themes",
)
DECISIONS = Dataset(
    name="proposal_decisions",
    title="民間提案の採否",
    title_en="Decisions on private-sector proposals",
    description=(
        "採否が決まった民間提案（不採択を含む）の提案者、題名、テーマ、採否と理由、決定日。提案の内容は、採択され、"
        "機密でなく、提案者が公開に同意したものだけ記載。審査中の提案は含まない。"
    ),
    description_en=(
        "Every decided private-sector proposal, rejections included: proposer, title, theme, decision with its "
        "reasons, date. A proposal's content only when it was adopted, is not confidential and its proposer "
        "agreed; proposals under review are not included."
    ),
    schema=decisions_schema(),
    rows=decision_rows,
    api_view="proposals",
)
