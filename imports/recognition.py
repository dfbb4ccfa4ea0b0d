"""Which row of a city's list is its header, and which of its columns is which of Kyoso's fields.

A published list is read as it is: caption rows above the header are skipped, a header on two rows
(a merged group cell above its sub-headers) is combined into 「group/sub」, a list with no header at all
has its columns inferred from their content (a column of dates → 締結日, a column of text → 協定名), and
section heading rows (「令和6年度」, 「1.情報通信関係」: one cell filled, the others empty) and repeated
header rows are skipped and reported.

Headers are compared after NFKC, without spaces or line breaks. ``OWN_HEADERS`` (Kyoso's own template
and file headers, from agreements.tables) and ``SYNONYMS`` list the exact names; ``KEYWORDS`` then
recognises the cities' variants by a word they contain (「長井市と連携協定を締結した機関」 → partners).
A column matched by neither is **kept**: each of its cells is stored with the agreement in
``source_columns``. docs/imports.md has the table.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from agreements.tables import AGREEMENTS

from .japanese_dates import DateError, find_date, parse_date

KEEP = ""  # the "field" of a column kept as a source column

# field → label shown in the mapping (the Kyoso field, in the officer's words)
FIELDS = {
    "public_id": _("Agreement ID"),
    "source_ref": _("The city's own number"),
    "lg_code": _("Local government code (checked)"),
    "lg_name": _("Local government name (ignored)"),
    "title": _("Title"),
    "title_en": _("English title"),
    "title_generated": _("Title made by Kyoso (true/false)"),
    "summary": _("Summary"),
    "kind": _("Kind"),
    "parent": _("Parent agreement ID"),
    "fields": _("Cooperation fields"),
    "fields_text": _("Cooperation fields as written"),
    "signed_on": _("Date signed"),
    "signed_on_precision": _("Precision of the date signed (day, month, year)"),
    "starts_on": _("Start date"),
    "ends_on": _("End date"),
    "period": _("Period (as written)"),
    "auto_renewal": _("Renews automatically"),
    "renewal_term_months": _("Renewal term (months)"),
    "status": _("Status"),
    "selection_method": _("Selection method"),
    "municipal_cost": _("Municipal cost (yen)"),
    "zero_budget": _("Zero budget (derived, ignored)"),
    "partner_contribution": _("Partner's contribution (yen)"),
    "data_sharing_terms": _("Data-sharing terms"),
    "department": _("Department"),
    "partner_numbers": _("Partners' 法人番号"),
    "partners": _("Partners"),
    "publish": _("Publish"),
    "ignore": _("Ignored (derived by Kyoso)"),
}

# Exact header names (after ``header_key``) → field: the cities' names. Kyoso's own headers — the files'
# and the template's — come from the read schema (``OWN_HEADERS``), so a downloaded file imports back;
# ``FORMER_HEADERS`` are the ones earlier Kyoso files had, so an old download imports back too.
FORMER_HEADERS = {
    "協定名_英語": "title_en",  # 協定名_英字 since issue 13 (自治体標準: 名称_英字)
}
SYNONYMS = {
    "public_id": ["公開ID"],
    "source_ref": [
        "番号",
        "No",
        "No.",
        "NO",
        "№",
        "通し番号",
        "整理番号",
        "項番",
        "連番",
        "管理番号",
    ],
    "lg_code": ["地方公共団体コード", "団体コード", "市区町村コード"],
    "title": ["協定", "名称", "協定の名称", "協定名称", "件名", "協定等の名称", "協定等名"],
    "summary": ["内容", "協定内容", "目的", "本文", "協定の概要", "協定の内容", "協定の目的", "事業内容"],
    "kind": ["種別"],
    "fields": ["連携事項", "協定分野の概要", "主な連携事項", "連携内容", "分野", "連携項目", "協力事項"],
    "signed_on": [
        "締結年月日",
        "協定締結日",
        "協定日",
        "契約締結日",
        "締結年月",
        "締結時期",
        "協定締結年月日",
    ],
    "starts_on": ["協定開始日", "効力発生日", "発効日"],
    "ends_on": ["協定終了日", "満了日", "有効期限"],
    "period": ["期間", "締結期間", "協定期間", "有効期間", "契約期間"],
    "status": ["ステータス"],
    "municipal_cost": ["費用", "市の費用", "経費", "事業費"],
    "department": ["担当", "担当部署", "所管課", "問い合わせ", "お問い合わせ先", "問い合わせ先", "担当部局"],
    "partner_numbers": ["法人番号"],
    "partners": [
        "相手方",
        "締結先",
        "協定先",
        "連携先",
        "包括連携協定の相手先",
        "協定相手方",
        "協定相手",
        "相手先",
        "協定締結先",
        "協定市町",
        "自治体名",
        "連携先企業",
        "連携機関",
    ],  # fmt: skip
}

# Words a header may contain, tried in order when no synonym is equal: the first match decides.
KEYWORDS = [
    ("法人番号", "partner_numbers"),
    ("団体コード", "lg_code"),
    ("相手", "partners"),
    ("締結先", "partners"),
    ("協定先", "partners"),
    ("連携先", "partners"),
    ("締結した機関", "partners"),
    ("締結した団体", "partners"),
    ("締結日", "signed_on"),
    ("締結年月", "signed_on"),
    ("協定日", "signed_on"),
    ("連携分野", "fields"),
    ("連携事項", "fields"),
    ("分野", "fields"),
    ("期間", "period"),
    ("担当", "department"),
    ("問い合わせ", "department"),
    ("問合せ", "department"),
    ("協定名", "title"),
    ("名称", "title"),
    ("概要", "summary"),
    ("内容", "summary"),
    ("目的", "summary"),
]

# Fields a file gives twice in Kyoso's own export: a label and its code (協定種別, 協定種別コード).
LABEL_AND_CODE = ("kind", "status", "selection_method", "signed_on_precision")

# Fields a file may give at most once (two columns both read as 締結日 are an ambiguity).
_SPACE = re.compile(r"\s+")


def header_key(text: str) -> str:
    """A header as compared: NFKC, no spaces or line breaks (「協 定 区 分」 = 「協定区分」)."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


OWN_HEADERS = AGREEMENTS.import_headers()
_SYNONYM_INDEX = (
    {header_key(name): f for f, names in SYNONYMS.items() for name in names}
    | {header_key(name): f for name, f in FORMER_HEADERS.items()}
    | {header_key(name): f for name, f in OWN_HEADERS.items()}
)


def field_for_header(header: str) -> str | None:
    """The field a header names, or None (a column kept as it is)."""
    key = header_key(header)
    if not key:
        return None
    if key in _SYNONYM_INDEX:
        return _SYNONYM_INDEX[key]
    bare = re.sub(r"\(.*?\)$", "", key)  # 「相手方(締結日)」, 「協定相手方(都道府県名)」
    if bare in _SYNONYM_INDEX:
        return _SYNONYM_INDEX[bare]
    if "/" in key:  # a combined two-row header: the sub-header decides alone only if it is a field
        return None
    for word, name in KEYWORDS:
        if word in key:
            return name
    return None


@dataclass
class Layout:
    """How a file was read: its header, each column's field, and the rows that are agreements."""

    headers: list[str]  # one per column; "" for an unlabelled column ("列3" is shown)
    columns: list[str]  # field per column, KEEP for a kept column
    header_rows: list[int] = field(default_factory=list)  # spreadsheet row numbers of the header
    caption_rows: list[dict] = field(default_factory=list)  # [{row, text}] above the header
    inferred: bool = False  # no header row: columns inferred from their content
    notes: list[str] = field(default_factory=list)

    def header_keys(self) -> list[str]:
        if getattr(self, "_header_keys", None) is None:
            self._header_keys = [header_key(h) for h in self.headers]
        return self._header_keys

    def label(self, index: int) -> str:
        return self.headers[index] or f"列{index + 1}"

    def column_of(self, name: str) -> int | None:
        return next((i for i, f in enumerate(self.columns) if f == name), None)

    def mapping(self) -> list[dict]:
        """[{column, header, field, label}] for the dry run and the workspace page."""
        return [
            {
                "column": i + 1,
                "header": self.label(i),
                "field": f,
                "label": str(FIELDS[f]) if f else str(_("kept as a source column")),
            }
            for i, f in enumerate(self.columns)
        ]


def _recognised(cells: list[str]) -> int:
    return sum(1 for c in cells if field_for_header(c))


def _looks_like_sub_header(cells: list[str], header: list[str]) -> bool:
    """A second header row (札幌市: 「協定区分」 merged over 職員派遣, 物資供給, …): short labels with no
    digits, at least one under an empty header cell (the rest of a merged group cell), and nothing
    under a header that names a field (those cells are merged down over both rows)."""
    filled = [c for c in cells if c]
    if len(filled) < 2 or any(len(c) > 20 or re.search(r"\d", c) for c in filled):
        return False
    under_field = any(c and i < len(header) and header[i] and field_for_header(header[i]) for i, c in enumerate(cells))
    under_empty = any(c and (i >= len(header) or not header[i]) for i, c in enumerate(cells))
    return under_empty and not under_field


def _header_like(cells: list[str]) -> bool:
    """A row with one recognised header is the header if it reads like one: short labels, no dates."""
    filled = [c for c in cells if c]
    return bool(filled) and all(len(c) <= 30 and not _is_date(c) for c in filled)


def _is_date(text: str) -> bool:
    if not text:
        return False
    try:
        return parse_date(text) is not None
    except DateError:
        return False


def detect(table: list[tuple[int, list[str]]], *, overrides: dict | None = None, scan: int = 10) -> tuple[Layout, list]:
    """(layout, data rows) of a raw table as ``read_table`` returns it."""
    width = max((len(cells) for _n, cells in table), default=0)
    best, best_score = None, 0
    for index, (_number, cells) in enumerate(table[:scan]):
        score = _recognised(cells)
        if score > best_score:
            best, best_score = index, score
    if best is None or best_score < 2 and not _header_like(table[best][1]):
        layout = _infer(table, width)
        data = table
    else:
        number, header = table[best]
        header = list(header) + [""] * (width - len(header))
        layout_rows = [number]
        data_start = best + 1
        if data_start < len(table) and _looks_like_sub_header(table[data_start][1], header):
            sub = list(table[data_start][1]) + [""] * (width - len(table[data_start][1]))
            group = ""
            combined = []
            for top, below in zip(header, sub, strict=True):
                if top and field_for_header(top) is None:
                    group = top
                elif top:
                    group = ""
                if below and (group or not top):
                    combined.append(f"{top or group}/{below}" if (top or group) else below)
                else:
                    combined.append(top)
            header = combined
            layout_rows.append(table[data_start][0])
            data_start += 1
        columns = [field_for_header(h) or KEEP for h in header]
        layout = Layout(
            headers=[h.replace("\n", " ").strip() for h in header],
            columns=columns,
            header_rows=layout_rows,
            caption_rows=[{"row": n, "text": " ".join(c for c in cells if c)} for n, cells in table[:best]],
        )
        data = table[data_start:]
        # An unlabelled column of numbers (1, 2, 3 …) is the city's own number.
        for i, (h, f) in enumerate(zip(layout.headers, columns, strict=True)):
            if not h and f == KEEP and "source_ref" not in columns:
                values = [cells[i] for _n, cells in data if i < len(cells) and cells[i]]
                if values and all(re.fullmatch(r"\d+(?:-\d+)*", v) for v in values):
                    layout.columns[i] = "source_ref"
    _dedupe(layout)
    if overrides:
        apply_overrides(layout, overrides)
    return layout, data


def _dedupe(layout: Layout) -> None:
    """A field read from two columns: the first keeps it, the others are kept as source columns
    (two 締結日-like columns happen; refusing the file would help no one)."""
    seen = set()
    for i, f in enumerate(layout.columns):
        if f and f in seen and f not in ("ignore", "lg_name", *LABEL_AND_CODE):
            layout.columns[i] = KEEP
        seen.add(f)
    # 協定種別 and 協定種別コード (Kyoso's export) both give the kind: read the first.
    for name in LABEL_AND_CODE:
        indexes = [i for i, f in enumerate(layout.columns) if f == name]
        for i in indexes[1:]:
            layout.columns[i] = "ignore"


def _infer(table, width) -> Layout:
    """No header row: a column whose cells are mostly dates is 締結日, the longest text column 協定名."""
    columns = [KEEP] * width
    sample = [cells for _n, cells in table[:50]]
    date_share = []
    text_length = []
    for i in range(width):
        values = [c[i] for c in sample if i < len(c) and c[i]]
        dates = sum(1 for v in values if _is_date(v))
        date_share.append(dates / len(values) if values else 0)
        text_length.append(sum(len(v) for v in values) / len(values) if values else 0)
    date_col = max(range(width), key=lambda i: date_share[i]) if width else None
    if date_col is not None and date_share[date_col] >= 0.5:
        columns[date_col] = "signed_on"
    texts = [i for i in range(width) if columns[i] == KEEP and text_length[i] > 0]
    if texts:
        columns[max(texts, key=lambda i: text_length[i])] = "title"
    return Layout(headers=[""] * width, columns=columns, inferred=True)


def apply_overrides(layout: Layout, overrides: dict) -> list[str]:
    """Apply the officer's {header or column number: field or ""}; returns the keys that matched no column."""
    unknown = []
    for key, name in overrides.items():
        name = name or KEEP
        if name not in FIELDS and name != KEEP:
            raise ValueError(_("%(field)s is not a field that can be imported.") % {"field": name})
        index = None
        if str(key).isdigit() and 1 <= int(key) <= len(layout.columns):
            index = int(key) - 1
        else:
            wanted = header_key(str(key))
            index = next((i for i, h in enumerate(layout.headers) if header_key(h) == wanted), None)
            if index is None:
                index = next((i for i in range(len(layout.headers)) if header_key(layout.label(i)) == wanted), None)
        if index is None:
            raise ValueError(_("No column %(column)s in the file.") % {"column": key})
        if name:
            for i, f in enumerate(layout.columns):
                if f == name and i != index:
                    layout.columns[i] = KEEP
        layout.columns[index] = name
    return unknown


def is_heading_row(cells: list[str], layout: Layout) -> bool:
    """A section heading (one cell filled: 「令和6年度」, 「1.情報通信関係」) or a repeated header row."""
    filled = [c for c in cells if c]
    if len(layout.columns) >= 2 and len(filled) == 1:
        only = filled[0]
        # a lone date in the date column is a row (an agreement with nothing else written)
        return not (find_date(only) if _safe(only) else False) or "年度" in only
    if not layout.header_rows or not cells:
        return False
    keys = layout.header_keys()
    # the first cell decides cheaply whether the row can be the header repeated
    if header_key(cells[0]) != keys[0]:
        return False
    return [header_key(c) for c in cells] == keys[: len(cells)]


def _safe(text):
    try:
        find_date(text)
        return True
    except DateError:
        return False
