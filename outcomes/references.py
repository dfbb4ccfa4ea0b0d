"""Reference figures: published figures of another body loaded as comparison data for a procedure —
above all the Ministry of Health, Labour and Welfare's figures of 要介護認定 (L01) per insurer (保険者):
the mean calendar days from 申請日 to 二次判定日 and the share decided within 30 days (docs/outcomes.md,
"Reference figures"). Loaded as published, with their source; Kyoso computes nothing from them.

The file (CSV in UTF-8, with or without BOM, or CP932; or XLSX), one figure a row, Japanese headers:

=================  ========  =====================================================================
header             required  what
=================  ========  =====================================================================
保険者番号          no        the insurer's 6-digit number (介護保険の保険者番号); empty for a national
                              or prefectural figure
保険者名            yes       as published: 四條畷市, 大阪府四條畷市, 全国, 大阪府, ○○広域連合
期間開始, 期間終了  yes       the period the figure covers (dates as officials write them)
件数                no        the number of applications behind the figure
平均日数            no        mean calendar days from 申請日 to 二次判定日
30日以内の割合      no        share decided within 30 days: 0–1, or a percentage (25.1% or 25.1%)
出典, 出典URL       no        the source of this row; default: the command's --source-title/--source-url
=================  ========  =====================================================================

**Matching an insurer to a municipality.** The 保険者番号 is not the 全国地方公共団体コード: it is the
prefecture's number (2 digits, the same as the code's first two), a number the prefecture gives the
insurer, and a check digit. So an insurer is matched by its *name within its prefecture*: the
prefecture from the 保険者番号's first two digits, or from a name that starts with a prefecture's name
(大阪府四條畷市); then the one municipality of that prefecture — not the prefecture itself, not a ward of
a designated city — whose name is the insurer's, preferring one still in existence. A 広域連合 or 組合
(several municipalities as one insurer), a name found twice, or a name found nowhere stays unmatched
(``municipality`` empty); so do 全国 and a prefecture's own total.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from imports.japanese_dates import DateError, parse_date
from partnerships.models import Municipality, MunicipalityKind

from .casefile import CaseFileRefused, clean_text, header_key, open_case_table
from .models import ReferenceFigure

NATIONAL = "全国"
HEADERS = {  # header as compared (casefile.header_key) → field
    "保険者番号": "insurer_code",
    "保険者名": "insurer_name",
    "期間開始": "period_start",
    "期間終了": "period_end",
    "件数": "n",
    "平均日数": "mean_calendar_days",
    "30日以内の割合": "within_statutory_share",
    "出典": "source_title",
    "出典URL": "source_url",
}
REQUIRED = ("insurer_name", "period_start", "period_end")
JOINT = ("広域連合", "組合")  # several municipalities as one insurer: never one municipality
INSURER_CODE = re.compile(r"^[0-9]{6}$")


@dataclass
class ReferenceLoadResult:
    created: int
    updated: int
    matched: int  # rows whose insurer is a municipality
    unmatched: list[str]  # insurer names left without a municipality (national and prefectural totals aside)


# --- reading ------------------------------------------------------------------------------------------


def read_reference_file(path) -> list[dict]:
    """The rows of a reference file as {header: text} dicts, by the headers above (others ignored).
    Raises ValidationError naming the row and column of a problem."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            headers, rows = open_case_table(path.name, handle)
            keys = [HEADERS.get(header_key(h), "") for h in headers]
            missing = [
                h for h, field in (("保険者名", "insurer_name"), ("期間開始", "period_start")) if field not in keys
            ]
            missing += ["期間終了"] if "period_end" not in keys else []
            if missing:
                raise ValidationError(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
            return [
                {"row": number, **{key: clean_text(str(cell)) for key, cell in zip(keys, cells, strict=False) if key}}
                for number, cells in rows
            ]
    except CaseFileRefused as refused:
        raise ValidationError([str(p) for p in refused.problems]) from None


def _date(value, row: int, column: str, errors: list):
    if hasattr(value, "year"):
        return value
    try:
        parsed = parse_date(value or None)
    except DateError:
        parsed = None
    if parsed is None:
        errors.append(_("Row %(row)s, %(column)s: this is not a date.") % {"row": row, "column": column})
        return None
    return parsed.value


def _decimal(value, row: int, column: str, errors: list, *, share: bool = False):
    if value in (None, ""):
        return None
    text = unicodedata.normalize("NFKC", str(value)).replace(",", "").strip()
    percent = share and text.endswith("%")
    try:
        number = Decimal(text.rstrip("%").strip())
    except InvalidOperation:
        errors.append(_("Row %(row)s, %(column)s: this is not a number.") % {"row": row, "column": column})
        return None
    if percent:
        number /= 100
    if number < 0 or (share and number > 1):
        errors.append(_("Row %(row)s, %(column)s: the number is out of range.") % {"row": row, "column": column})
        return None
    return number.quantize(Decimal("0.0001") if share else Decimal("0.01"))


# --- matching -----------------------------------------------------------------------------------------


class _Matcher:
    """Insurer → municipality by name within the prefecture (the module's docstring)."""

    def __init__(self):
        self.prefectures = dict(
            Municipality.objects.filter(kind=MunicipalityKind.PREFECTURE).values_list("prefecture_code", "name")
        )
        self.cache: dict[tuple[str, str], Municipality | None] = {}

    def prefecture_of(self, code: str, name: str) -> tuple[str | None, str]:
        """(prefecture code, name without the prefecture's)."""
        if code:
            prefix = code[:2]
            prefecture = self.prefectures.get(prefix, "")
            return prefix, name.removeprefix(prefecture) if prefecture and name != prefecture else name
        for prefix, prefecture in self.prefectures.items():
            if name.startswith(prefecture) and name != prefecture:
                return prefix, name.removeprefix(prefecture)
        return None, name

    def is_aggregate(self, code: str, name: str) -> bool:
        """全国, or a prefecture's own total (its name, no insurer number)."""
        return not code and (name.startswith(NATIONAL) or name in self.prefectures.values())

    def match(self, code: str, name: str) -> Municipality | None:
        if self.is_aggregate(code, name) or any(word in name for word in JOINT):
            return None
        prefix, local = self.prefecture_of(code, name)
        if prefix is None:
            return None
        if (prefix, local) not in self.cache:
            found = list(
                Municipality.objects.filter(prefecture_code=prefix, name=local)
                .exclude(kind__in=[MunicipalityKind.PREFECTURE, MunicipalityKind.WARD])
                .order_by("valid_until", "code")
            )
            current = [m for m in found if m.valid_until is None]
            candidates = current or found
            self.cache[(prefix, local)] = candidates[0] if len(candidates) == 1 else None
        return self.cache[(prefix, local)]


# --- loading ------------------------------------------------------------------------------------------


def reference_figures_load(
    *, procedure, rows=None, path=None, source_title: str = "", source_url: str = ""
) -> ReferenceLoadResult:
    """Create or update the reference figures of ``procedure`` from ``rows`` (dicts keyed as
    ``read_reference_file`` returns them, or by the same Japanese headers) or the file at ``path``.
    Idempotent (one figure per procedure, insurer and period); all rows or none. Each row's source is
    its own 出典/出典URL, else ``source_title``/``source_url``. Raises ValidationError with the rows'
    problems."""
    if rows is None:
        if path is None:
            raise ValueError("rows or path")
        rows = read_reference_file(path)
    matcher = _Matcher()
    errors: list[str] = []
    figures = []
    for index, raw in enumerate(rows, start=2):
        row = {HEADERS.get(header_key(k), k): v for k, v in raw.items()}
        number = row.get("row", index)
        code = str(row.get("insurer_code") or "").strip()
        name = str(row.get("insurer_name") or "").strip()
        if not name:
            errors.append(_("Row %(row)s, %(column)s: this is required.") % {"row": number, "column": "保険者名"})
        if code and not INSURER_CODE.match(code):
            errors.append(
                _("Row %(row)s, %(column)s: use the 6-digit insurer number.") % {"row": number, "column": "保険者番号"}
            )
        start = _date(row.get("period_start"), number, "期間開始", errors)
        end = _date(row.get("period_end"), number, "期間終了", errors)
        if start and end and end < start:
            errors.append(_("Row %(row)s: the period ends before it starts.") % {"row": number})
        n = _decimal(row.get("n"), number, "件数", errors)
        if n is not None and n != n.to_integral_value():
            errors.append(_("Row %(row)s, %(column)s: use a whole number.") % {"row": number, "column": "件数"})
        mean = _decimal(row.get("mean_calendar_days"), number, "平均日数", errors)
        share = _decimal(row.get("within_statutory_share"), number, "30日以内の割合", errors, share=True)
        title = str(row.get("source_title") or source_title).strip()
        url = str(row.get("source_url") or source_url).strip()
        if not title or not url.startswith(("https://", "http://")):
            errors.append(
                _("Row %(row)s: give the source's title and address (出典 and 出典URL, or the defaults).")
                % {"row": number}
            )
        figures.append(
            {
                "key": {
                    "procedure": procedure,
                    "insurer_code": code,
                    "insurer_name": name,
                    "period_start": start,
                    "period_end": end,
                },
                "defaults": {
                    "municipality": matcher.match(code, name) if name else None,
                    "n": int(n) if n is not None else None,
                    "mean_calendar_days": mean,
                    "within_statutory_share": share,
                    "source_title": title[:300],
                    "source_url": url[:500],
                },
                "aggregate": matcher.is_aggregate(code, name),
            }
        )
    if errors:
        raise ValidationError(errors)
    result = ReferenceLoadResult(created=0, updated=0, matched=0, unmatched=[])
    with transaction.atomic():
        for figure in figures:
            _obj, created = ReferenceFigure.objects.update_or_create(**figure["key"], defaults=figure["defaults"])
            result.created += created
            result.updated += not created
            if figure["defaults"]["municipality"] is not None:
                result.matched += 1
            elif not figure["aggregate"]:
                result.unmatched.append(figure["key"]["insurer_name"])
    return result


def scope_of(figure, prefecture_names) -> str:
    """national (全国 and national groups of insurers), prefecture (a prefecture's own total) or insurer."""
    if figure.insurer_code or figure.municipality_id:
        return "insurer"
    if figure.insurer_name in prefecture_names:
        return "prefecture"
    if figure.insurer_name.startswith(NATIONAL):
        return "national"
    return "insurer"
