"""What one row of a city's list becomes: the agreement's fields, its partners (existing organizations,
public bodies of the national list, or organizations to create), and what the officer should see about it.

Everything here only reads: ``services.import_run`` writes. Two kinds of finding:

* an **error** (something wrong: an impossible date, a bad check digit, a cost that is not a number, an
  ambiguity that cannot be decided) stops the whole import, with the row and the column;
* a **note** (something unusual, kept as written: a period text not understood, a date that cannot be
  read, a partner proposed as a near match) is reported and imported.
"""

import datetime
import decimal
import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.choices import AgreementKind, DatePrecision
from agreements.models import Agreement
from agreements.models.agreement import PUBLIC_ID_PATTERN, SIGNED_ON_FIRST_DAY
from agreements.services import (
    agreement_move_refusal,
    agreement_status_on,
    publication_checklist,
    publication_refusal,
)
from partnerships.codes import is_valid_corporate_number, resolve_lg_code
from partnerships.models import OrganizationKind
from partnerships.names import LEGAL_FORM_ABBREVIATIONS, parse_partner, split_partners

from .japanese_dates import DateError, ParsedDate, find_date, parse_date, parse_period
from .recognition import KEEP, Layout

YES = {"はい", "有", "あり", "○", "〇", "true", "yes", "1", "y"}
NO = {"いいえ", "無", "なし", "×", "false", "no", "0", "n", ""}

# Kyoso field → model field, for the column named in a model validation error
MODEL_FIELD_SOURCE = {
    "public_id": "public_id",
    "title": "title",
    "kind": "kind",
    "summary": "summary",
    "parent": "parent",
    "signed_on": "signed_on",
    "starts_on": "starts_on",
    "ends_on": "ends_on",
    "auto_renewal": "auto_renewal",
    "renewal_term_months": "renewal_term_months",
    "status": "status",
    "selection_method": "selection_method",
    "municipal_cost_jpy": "municipal_cost",
    "partner_contribution_jpy": "partner_contribution",
    "department": "department",
    "source_ref": "source_ref",
    "period_text": "period",
    "fields_text": "fields",
}

SHORT_LABELS = {
    "包括連携協定": "comprehensive",
    "包括協定": "comprehensive",
    "個別協定": "individual",
    "覚書": "memorandum",
    "その他": "other",
    "下書き": "draft",
    "協議中": "negotiating",
    "締結中": "active",
    "有効": "active",
    "期間満了": "expired",
    "満了": "expired",
    "解除": "terminated",
    "終了": "terminated",
    "公募": "open_call",
    "提案": "proposal",
    "協議": "consultation",
}

# Cooperation fields by keyword (the vocabulary of agreements.vocabulary): a written field is mapped
# only when exactly one vocabulary entry has a keyword in it.
FIELD_KEYWORDS = {
    "childcare": ("子育て", "子ども", "こども", "保育", "児童", "少子化"),
    "education": ("教育", "学校", "学習", "人材育成", "生涯学習", "学術"),
    "disaster_prevention": ("防災", "災害", "減災", "避難"),
    "health_welfare": ("健康", "福祉", "医療", "介護", "食育"),
    "elderly": ("高齢",),
    "regional_revitalization": ("地域活性", "地方創生", "まちづくり", "地域振興", "地域づくり"),
    "tourism": ("観光",),
    "environment": ("環境", "脱炭素", "ゼロカーボン", "温暖化", "省エネ", "再生可能エネルギー"),
    "dx_public_services": ("DX", "デジタル", "ICT", "情報通信", "行政サービス", "情報化"),
    "industry": ("産業", "商工", "創業", "起業", "地場産品", "経済"),
    "agriculture": ("農業", "農林", "林業", "水産", "漁業", "農産"),
    "culture_sports": ("文化", "スポーツ", "芸術"),
    "transport": ("交通", "モビリティ", "公共交通"),
    "safety": ("防犯", "安全", "見守り", "交通安全"),
    "employment": ("雇用", "就労", "就業", "就職"),
    "migration": ("移住", "定住", "関係人口"),
    "diversity": ("多様性", "共生", "男女共同参画", "人権"),
}

_CELL_SEPARATORS = re.compile(r"[;；、，,\n]")
_GROUP_NAME = re.compile(r"(?:\d+|[一二三四五六七八九十]+)(?:社|者|団体|機関|校|行|金庫|市町村?|大学)$|等$")
_TRAILING_MARKS = "※*＊†‡ 　"
_FOOTNOTE = re.compile(r"[※＊*]\d*(?=$|[、，,・\s)）]|及び|との)")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
_GROUP = re.compile(r"(.+?)\((.+)\)")


_HASHABLE = (str, int, float, bool, datetime.date, decimal.Decimal)


class RowError(Exception):
    def __init__(self, column, message):
        super().__init__(message)
        self.column = column


@dataclass
class PartnerRef:
    """One partner of a row: an existing organization (org_id), a public body (municipality), or one
    to create (new_key). ``text`` is the name as written."""

    text: str
    branch: str = ""
    org_id: int | None = None
    municipality: object = None
    new_key: str = ""


@dataclass
class Checked:
    number: int
    agreement: Agreement
    fields: list
    partners: list  # [PartnerRef]
    partners_given: bool  # the file says who the partners are (else a re-import keeps them)
    publish: bool
    parent_id_in_file: str = ""
    department_name: str = ""  # a department to create
    existing: Agreement | None = None  # a re-import updates this one


def choices_table(choices_class):
    """Accept the Japanese label, the English label or the code."""
    table = {}
    for value, label in choices_class.choices:
        table[value] = value
        with translation.override("ja"):
            table[str(label)] = value
        with translation.override("en"):
            table[str(label)] = value
    return table | {k: v for k, v in SHORT_LABELS.items() if v in choices_class.values}


def precision_code(text: str) -> str | None:
    """The precision of 締結日 from its code (day, month, year) or its Japanese label (日, 月, 年), as
    Kyoso's files write them in 締結日の精度コード and 締結日の精度; None when it is neither."""
    return _precisions().get(text.strip())


@functools.cache
def _precisions() -> dict[str, str]:
    with translation.override("ja"):
        labels = {str(label): value for value, label in DatePrecision.choices}
    return labels | {value: value for value in DatePrecision.values}


def parse_yen(text):
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace("円", "").replace("¥", "").strip()
    if not cleaned:
        return None
    if not re.fullmatch(r"-?\d+", cleaned):
        raise ValueError(_("%(value)s is not an amount: write whole yen as digits, e.g. 1200000.") % {"value": text})
    value = int(cleaned)
    if value < 0:
        raise ValueError(_("An amount in yen cannot be negative."))
    return value


def parse_bool(text):
    lowered = unicodedata.normalize("NFKC", text).strip().lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise ValueError(_("Write はい or いいえ."))


def infer_kind(texts, default):
    joined = " ".join(t for t in texts if t)
    if "包括" in joined:
        return AgreementKind.COMPREHENSIVE
    if "覚書" in joined:
        return AgreementKind.MEMORANDUM
    if "個別協定" in joined:
        return AgreementKind.INDIVIDUAL
    return default


def generated_title(names, kind):
    label = {AgreementKind.COMPREHENSIVE: "包括連携協定", AgreementKind.MEMORANDUM: "覚書"}.get(kind, "協定")
    title = f"{'、'.join(names)}との{label}"
    if len(title) > 300:
        title = f"{names[0]}ほか{len(names) - 1}者との{label}"
    return title[:300]


def map_fields(text, vocabulary):
    """(fields, [(piece, field name or "")]): exact names and codes first, then one keyword match."""
    found, mapped = [], []
    for piece in (p.strip() for p in _CELL_SEPARATORS.split(text or "")):
        piece = piece.lstrip("○・●■◆-")
        if not piece:
            continue
        exact = vocabulary.get(piece) or vocabulary.get(unicodedata.normalize("NFKC", piece))
        if exact is not None:
            found.append(exact)
            continue
        normal = unicodedata.normalize("NFKC", piece)
        hits = {code for code, words in FIELD_KEYWORDS.items() if any(w in normal for w in words)}
        if len(hits) == 1 and (target := vocabulary.get(hits.pop())) is not None:
            found.append(target)
            mapped.append((piece, target.name))
        else:
            mapped.append((piece, ""))
    return list(dict.fromkeys(found)), mapped


def partner_names(cell):
    """The partners of a cell, taken apart; a group written with its members in brackets
    (「金融機関4社((株)静岡銀行、(株)清水銀行、…)」) stands for its members."""
    out = []
    cell = _FOOTNOTE.sub("", cell)
    for piece in split_partners(cell):
        piece = piece.strip().rstrip(_TRAILING_MARKS).strip()
        if not piece:
            continue
        group = _GROUP.fullmatch(unicodedata.normalize("NFKC", piece))
        if group and _GROUP_NAME.search(group.group(1).strip()):
            inner = split_partners(group.group(2))
            if len(inner) >= 2:
                out.extend(parse_partner(p.strip().rstrip(_TRAILING_MARKS)) for p in inner)
                continue
        out.append(parse_partner(piece))
    return out


_WRITTEN_ABBREVIATION = re.compile(
    r"[(（]\s*(" + "|".join(sorted(LEGAL_FORM_ABBREVIATIONS, key=len, reverse=True)) + r")\s*[)）]|([㈱㍿㈲])"
)
_CIRCLED_FORMS = {"㈱": "株式会社", "㍿": "株式会社", "㈲": "有限会社"}


def organization_name(name):
    """The name an organization created on the way is stored under: the name as written, with its
    abbreviated legal form written out (「㈱とりせん」 → 「株式会社とりせん」, 「(一社)札幌市医師会」 →
    「一般社団法人札幌市医師会」), in the position it was written. ㈳ and ㈶ stay as written: they may
    stand for 一般 or 公益."""

    def expand(match):
        if match.group(2):
            return _CIRCLED_FORMS[match.group(2)]
        return LEGAL_FORM_ABBREVIATIONS.get(
            match.group(1), LEGAL_FORM_ABBREVIATIONS.get(match.group(1).casefold(), match.group(0))
        )

    return _WRITTEN_ABBREVIATION.sub(expand, name).strip()


def date_out_of(text):
    """(the text without its date, ParsedDate) for a cell that carries a date: 「㈱とりせん (平成7年6月16日)」."""
    try:
        found = find_date(text)
    except DateError:
        return text, None
    if found is None:
        return text, None
    start, end = found.span
    before, after = text[:start], text[end:]
    before = re.sub(r"[\s]*[(（]\s*$", "", before)
    after = re.sub(r"^\s*(?:締結|付け?)?\s*[)）]", "", after)
    return (before + after).strip(), found.parsed


class RowReader:
    """Reads the rows of one file with everything they may refer to (``services._Context``)."""

    def __init__(self, *, layout: Layout, municipality, context, report, can_publish, default_kind):
        self.layout = layout
        self.municipality = municipality
        self.context = context
        self.report = report
        self.can_publish = can_publish
        self.default_kind = default_kind or AgreementKind.OTHER
        self.index = {f: i for i, f in reversed(list(enumerate(layout.columns))) if f}
        self.kept = [i for i, f in enumerate(layout.columns) if f == KEEP]
        self.seen_ids: dict[str, int] = {}
        self.seen_refs: dict[str, int] = {}
        self.today = timezone.localdate()
        self._dates = {}
        self._numbers = {}  # corporate number → valid
        self._own_fields = [f for f in Agreement._meta.fields if not f.generated]  # as clean_fields
        self._valid = set()  # (field, value) already checked and found valid

    def has(self, name):
        return name in self.index

    def label(self, name):
        return self.layout.label(self.index[name]) if name in self.index else ""

    # --- dates --------------------------------------------------------------------------------

    def _date(self, number, name, text, source_columns):
        """A ParsedDate, or None; an impossible date is an error, an unreadable one a note (kept)."""
        if not text:
            return None
        if text in self._dates:  # lists repeat their dates; a ParsedDate is immutable
            return self._dates[text]
        try:
            if _SERIAL.fullmatch(text):  # an Excel serial number, as a CSV or a number cell gives it
                parsed = parse_date(float(text) if "." in text else int(text))
            else:
                parsed = parse_date(text)
            if len(self._dates) < 10_000:
                self._dates[text] = parsed
            return parsed
        except DateError as error:
            if error.code == "unreadable":
                try:
                    found = find_date(text)
                except DateError as inner:
                    raise RowError(self.label(name), self._date_message(inner, text)) from None
                if found is not None:
                    return found.parsed
                source_columns[self.label(name)] = text
                self.report.note("dates_kept", {"row": number, "column": self.label(name), "text": text})
                return None
            raise RowError(self.label(name), self._date_message(error, text)) from None

    @staticmethod
    def _date_message(error, text):
        if error.code == "impossible":
            return _("%(text)s is not a date in the calendar.") % {"text": text}
        if error.code == "implausible":
            return _("%(text)s is outside the years an agreement can have been signed (1873–2100).") % {"text": text}
        return _("%(text)s is not a date that can be read; write it as 2024/7/1 or 令和6年7月1日.") % {"text": text}

    # --- the row ------------------------------------------------------------------------------

    def read(self, number, cells):
        """A Checked, or None when the row has an error (every error of the row is reported)."""
        before = self.report.error_count
        try:
            item = self._read(number, cells, before)
        except RowError as error:
            self.report.error(number, error.column, error)
            return None
        return item if self.report.error_count == before else None

    def _read(self, number, cells, before):
        layout, context = self.layout, self.context

        def fail(column, message):
            self.report.error(number, column, message)

        def attempt(function, *args, default=None):
            try:
                return function(*args)
            except RowError as error:
                fail(error.column, error)
                return default

        # each mapped cell stripped once; a field with no column (or a short row) reads as ""
        value = defaultdict(str, {name: cells[i].strip() for name, i in self.index.items() if i < len(cells)})
        value = value.__getitem__

        def parse(name, parser):
            try:
                return parser(value(name))
            except ValueError as error:
                fail(self.label(name), error)
                return None

        def choice(name, table, default=""):
            text = value(name)
            if not text:
                return default
            if text not in table:
                # the values a person writes: the Japanese labels (the codes are accepted too)
                allowed = list(dict.fromkeys(k for k in table if not k.isascii())) or sorted(set(table.values()))
                fail(
                    self.label(name),
                    _("%(value)s is not one of the allowed values: %(allowed)s.")
                    % {"value": text, "allowed": "、".join(allowed)},
                )
                return default
            return table[text]

        source_columns = {}
        for i in self.kept:
            if i < len(cells) and cells[i].strip():
                source_columns[layout.label(i)] = cells[i]

        # the municipality named in the file (Kyoso's export) must be this one
        code_text = value("lg_code")
        if code_text:
            code = context.resolved_codes.get(code_text)
            if code is None:
                try:
                    code = resolve_lg_code(code_text, exists=context.code_exists)
                except ValidationError as error:
                    fail(self.label("lg_code"), " ".join(error.messages))
                else:
                    context.resolved_codes[code_text] = code
            if code is not None and code != self.municipality.code:
                fail(
                    self.label("lg_code"),
                    _("This row is for %(code)s, not for %(this)s: import each municipality's rows into it.")
                    % {"code": code, "this": self.municipality.code},
                )

        # identity: public id, else the city's own number
        public_id = value("public_id")
        existing = None
        if public_id:
            if not re.fullmatch(PUBLIC_ID_PATTERN, public_id):
                fail(self.label("public_id"), _("An id has the form 272299-2024-001."))
            elif not public_id.startswith(self.municipality.code + "-"):
                fail(
                    self.label("public_id"),
                    _("The id must start with this municipality's code %(code)s.") % {"code": self.municipality.code},
                )
            elif public_id in self.seen_ids:
                fail(
                    self.label("public_id"),
                    _("The id %(id)s appears twice in the file (first on row %(row)s).")
                    % {"id": public_id, "row": self.seen_ids[public_id]},
                )
            self.seen_ids[public_id] = number
            existing = context.existing.get(public_id)
        source_ref = value("source_ref")[:50]
        if source_ref:
            if source_ref in self.seen_refs:
                fail(
                    self.label("source_ref"),
                    _("The number %(ref)s appears twice in the file (first on row %(row)s).")
                    % {"ref": source_ref, "row": self.seen_refs[source_ref]},
                )
            self.seen_refs[source_ref] = number
            if existing is None:
                existing = context.by_source_ref.get(source_ref)

        # dates
        signed = attempt(self._date, number, "signed_on", value("signed_on"), source_columns)
        starts = attempt(self._date, number, "starts_on", value("starts_on"), source_columns)
        ends = attempt(self._date, number, "ends_on", value("ends_on"), source_columns)

        precision_text = value("signed_on_precision")
        if signed is not None and precision_text:
            precision = precision_code(precision_text)
            if precision is None:
                fail(self.label("signed_on_precision"), _("Write 日, 月 or 年 (or day, month, year)."))
            elif precision != signed.precision:
                try:
                    signed = ParsedDate(signed.value, precision, signed.text)
                except ValueError:
                    fail(self.label("signed_on_precision"), SIGNED_ON_FIRST_DAY)

        # partners (a date written in the partner cell is the date signed when no column gives one)
        partners_cell = value("partners")
        title = value("title")
        if partners_cell and signed is None:
            rest, found = date_out_of(partners_cell)
            if found is not None:
                signed, partners_cell = found, rest
        names = partner_names(partners_cell) if partners_cell else []
        if not names and not self.has("partners") and title:
            # a list with no partner column: 「豊橋技術科学大学との包括協定締結」
            head = re.match(r"^(.+?)との", title.replace("\n", ""))
            if head:
                names = partner_names(head.group(1))
        numbers = [n.strip() for n in re.split(r"[;；、,\s]+", value("partner_numbers")) if n.strip()]
        for corporate_number in numbers:
            if not self._valid_number(corporate_number):
                fail(
                    self.label("partner_numbers"),
                    _("%(number)s is not a valid 法人番号 (13 digits with a correct check digit).")
                    % {"number": corporate_number},
                )
        if any(p.role_note for p in names) and self.has("partners"):
            source_columns[self.label("partners")] = value("partners")
        partners = attempt(self._partners, number, names, numbers, signed, default=[])

        kind_text = value("kind")
        if kind_text:
            kind = choice("kind", context.kinds)
        else:
            kind = infer_kind([title, value("summary"), partners_cell], self.default_kind)

        title_generated = bool(parse("title_generated", parse_bool)) if value("title_generated") else False
        if not title:
            shown = [p.text for p in partners] or [_("(partner not named)")]
            title = generated_title(shown, kind)
            title_generated = True
            self.report.note("generated_titles", {"row": number, "title": title})
        title = re.sub(r"\s*\n\s*", "", title)[:300]

        # period
        period_text = value("period")
        auto_renewal = parse("auto_renewal", parse_bool) if value("auto_renewal") else False
        renewal = None
        term = value("renewal_term_months")
        if term:
            if term.isdigit() and int(term) > 0:
                renewal = int(term)
            else:
                fail(self.label("renewal_term_months"), _("Write a whole number of months, e.g. 12."))
        if period_text:
            period = parse_period(period_text, starts_on=(starts or signed).value if (starts or signed) else None)
            if period.understood:
                if period.starts_on and starts is None:
                    starts = period.starts_on
                if period.ends_on and ends is None:
                    ends = period.ends_on
                if period.auto_renewal:
                    auto_renewal = True
                    renewal = renewal or period.renewal_term_months or period.term_months
                    if not renewal:
                        auto_renewal = False
                        self.report.note("periods_kept", {"row": number, "text": period_text})
            else:
                self.report.note("periods_kept", {"row": number, "text": period_text})

        ends_on = ends.last_day if ends else None
        status_text = value("status")
        if status_text:
            status = choice("status", context.statuses)
        else:  # what the nightly expiry would make of these dates
            status = agreement_status_on(
                signed_on=signed.value if signed else None, ends_on=ends_on, auto_renewal=auto_renewal, today=self.today
            )
        if existing is not None and status and status != existing.status:
            # a re-import moves a stored agreement's status by the status actions' rule (draft → active, never back)
            refusal = agreement_move_refusal(agreement=existing, to=status)
            if refusal and status_text:
                fail(self.label("status"), refusal)
            elif refusal:  # only inferred from the dates, which the officer did not state as a status
                status = existing.status

        fields, mapped = map_fields(value("fields"), context.fields)
        for piece, target in mapped:
            self.report.note("fields_mapped", {"row": number, "text": piece, "field": target})

        department_name, department = value("department"), None
        if department_name:
            department = context.departments.get(department_name)
            if department is None:
                context.new_departments.setdefault(department_name, number)

        cost_given = self.has("municipal_cost")
        agreement = Agreement(
            municipality=self.municipality,
            public_id=existing.public_id if existing else public_id,
            source_ref=source_ref,
            title=title,
            title_generated=title_generated,
            title_en=value("title_en")[:300],
            summary=value("summary"),
            kind=kind,
            signed_on=signed.value if signed else None,
            signed_on_precision=signed.precision if signed else "day",
            starts_on=starts.value if starts else None,
            ends_on=ends_on,
            period_text=period_text[:300],
            fields_text=(value("fields_text") or (value("fields") if mapped else ""))[:500],
            auto_renewal=bool(auto_renewal),
            renewal_term_months=renewal,
            status=status,
            selection_method=choice("selection_method", context.methods),
            municipal_cost_jpy=parse("municipal_cost", parse_yen) if cost_given else None,
            partner_contribution_jpy=parse("partner_contribution", parse_yen),
            data_sharing_terms=value("data_sharing_terms"),
            source_columns=source_columns,
            department=department,
        )
        if existing is not None:
            agreement.pk = existing.pk

        parent_id, parent_in_file = value("parent"), ""
        if parent_id:
            parent = context.existing.get(parent_id)
            if parent is not None:
                agreement.parent = parent
            elif parent_id in self.seen_ids and parent_id != public_id:
                parent_in_file = parent_id
            else:
                fail(
                    self.label("parent"), _("No agreement %(id)s in Kyoso or earlier in the file.") % {"id": parent_id}
                )

        publish = bool(parse("publish", parse_bool)) if value("publish") else False
        if publish and not self.can_publish:
            fail(self.label("publish"), _("Only an approver can publish; leave it いいえ."))
        elif publish and not (existing is not None and existing.published):
            # the rule of agreement_publish, on the row's values (a re-import keeps what the file omits)
            keeps = existing is not None
            checklist = publication_checklist(
                status=status,
                signed_on=agreement.signed_on,
                parties=len(partners) or (existing.parties.count() if keeps else 0),
                summary=agreement.summary or (existing.summary if keeps else ""),
                fields=len(fields) or (existing.fields.count() if keeps else 0),
            )
            for messages in publication_refusal(checklist).values():
                fail(self.label("publish"), " ".join(messages))
        if self.report.error_count > before:
            return None

        try:
            self._full_clean(
                agreement,
                exclude={"parent", "municipality", "department"} | (set() if agreement.public_id else {"public_id"}),
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    fail(self.label(MODEL_FIELD_SOURCE[name]) if name in MODEL_FIELD_SOURCE else "", message)
            return None
        return Checked(
            number=number,
            agreement=agreement,
            fields=fields,
            partners=partners,
            partners_given=bool(partners) or self.has("partners") or self.has("partner_numbers"),
            publish=publish,
            parent_id_in_file=parent_in_file,
            department_name=department_name if department is None else "",
            existing=existing,
        )

    def _full_clean(self, agreement, *, exclude):
        """``agreement.full_clean(exclude=…, validate_unique=False, validate_constraints=False)``, with each
        field's own check done once per distinct value.

        Why: a field's own check (type, length, choices, validators) depends on its value alone, and a
        list repeats its kinds, statuses, dates and amounts on every row; checking each once halves the
        cost of validating 10,000 rows. The model's ``clean()`` (the rules between fields) runs for every
        row, and relations are checked every time, exactly as ``full_clean`` does."""
        errors = {}
        for f in self._own_fields:
            if f.name in exclude:
                continue
            raw = getattr(agreement, f.attname)
            if f.blank and raw in f.empty_values:
                continue  # as clean_fields: a blank value allowed to be blank is not checked
            key = (f.attname, raw) if f.is_relation is False and isinstance(raw, _HASHABLE) else None
            if key is not None and key in self._valid:
                continue
            try:
                setattr(agreement, f.attname, f.clean(raw, agreement))
            except ValidationError as error:
                errors[f.name] = error.error_list
            else:
                if key is not None and len(self._valid) < 100_000:
                    self._valid.add(key)
        try:
            agreement.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _valid_number(self, corporate_number):
        """is_valid_corporate_number, once per number (lists name the same partners again and again)."""
        valid = self._numbers.get(corporate_number)
        if valid is None:
            valid = self._numbers[corporate_number] = is_valid_corporate_number(
                unicodedata.normalize("NFKC", corporate_number)
            )
        return valid

    def _partners(self, number, names, numbers, signed):
        context = self.context
        refs, seen, by_key = [], set(), {}
        column = self.label("partners")
        paired = len(numbers) == len(names)
        for corporate_number in numbers:
            org_id = context.by_number.get(corporate_number)
            if org_id is not None:
                if ("o", org_id) not in seen:
                    seen.add(("o", org_id))
                    ref = PartnerRef(text=context.org_names.get(org_id, corporate_number), org_id=org_id)
                    by_key[("o", org_id)] = ref
                    refs.append(ref)
            elif not names:
                raise RowError(
                    self.label("partner_numbers"),
                    _("No organization with 法人番号 %(number)s is registered, and no name is given with it.")
                    % {"number": corporate_number},
                )
            elif not paired:
                # names and numbers that do not pair up: the partners are found by name, the number kept
                self.report.note("numbers_kept", {"row": number, "text": corporate_number})
        for position, parsed in enumerate(names):
            given_number = numbers[position] if paired else ""
            if given_number and context.by_number.get(given_number) is not None:
                continue  # named by its 法人番号 above
            shown = parsed.name + (parsed.branch or "")
            ref = PartnerRef(text=shown, branch=(parsed.branch or "")[:200])
            if parsed.public_body_kind in ("municipality", "prefecture"):
                body = context.public_body(parsed.name, signed.value if signed else None)
                if body is not None and not isinstance(body, list):
                    if body.pk == self.municipality.pk:
                        continue  # the city itself
                    ref.municipality = body
                    key = ("m", body.pk)
                    self.report.note(
                        "public_bodies", {"row": number, "text": parsed.name, "code": body.code, "name": body.name}
                    )
                elif isinstance(body, list):
                    raise RowError(
                        column,
                        _(
                            "%(name)s is the name of several local governments (%(choices)s): "
                            "write the prefecture in front of it, e.g. %(example)s."
                        )
                        % {
                            "name": parsed.name,
                            "choices": "、".join(f"{m.full_name}({m.code})" for m in body),
                            "example": body[0].full_name,
                        },
                    )
                else:
                    self.report.note("public_bodies_unmatched", {"row": number, "text": parsed.name})
            if ref.municipality is None:
                match = context.organizations_named(parsed.key)
                if len(match) == 1:
                    ref.org_id = match[0]
                    key = ("o", match[0])
                elif len(match) > 1:
                    raise RowError(
                        column,
                        _("Several organizations are named %(name)s in Kyoso (ids %(ids)s); give the 法人番号.")
                        % {"name": parsed.name, "ids": ", ".join(map(str, match))},
                    )
                else:
                    kind = parsed.kind_guess
                    if parsed.public_body_kind == "national":
                        kind = OrganizationKind.NATIONAL
                    elif parsed.public_body_kind == "council":
                        kind = OrganizationKind.COUNCIL
                    ref.new_key = context.new_organization(parsed, kind=kind, corporate_number=given_number, row=number)
                    key = ("n", ref.new_key)
            if key in seen:
                # another branch of the same organization: one party, both branches named
                first = by_key[key]
                if ref.branch and ref.branch not in first.branch.split("、"):
                    first.branch = "、".join(b for b in (first.branch, ref.branch) if b)[:200]
                continue
            seen.add(key)
            by_key[key] = ref
            refs.append(ref)
        return refs
