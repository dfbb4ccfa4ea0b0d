"""Display helpers for Japanese readers: yen, percentages, status badges, dates with 和暦."""

import datetime
from decimal import Decimal

from django import template
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

ERAS = [(datetime.date(2019, 5, 1), "令和"), (datetime.date(1989, 1, 8), "平成"), (datetime.date(1926, 12, 25), "昭和")]


@register.filter
def yen(value):
    """1200000 → 1,200,000円 (Japanese) / ¥1,200,000 (English); empty → —."""
    if value in (None, ""):
        return "—"
    number = f"{int(value):,}"
    return f"{number}円" if translation.get_language() == "ja" else f"¥{number}"


@register.filter
def cost(value):
    """A municipal cost: yen when stated (0 included); 「不明」/"Unknown" when the city did not say."""
    if value in (None, ""):
        return _("Unknown")
    return yen(value)


MONTHS_EN = [datetime.date(2000, m, 1).strftime("%B") for m in range(1, 13)]


def date_display(value, precision="day") -> str:
    """A date as precise as it is known: 2022年3月 / March 2022 for month precision, never an invented day."""
    if not isinstance(value, datetime.date):
        return "—"
    if precision == "day":
        return jdate(value)
    japanese = translation.get_language() == "ja"
    if precision == "month":
        return f"{value.year}年{value.month}月" if japanese else f"{MONTHS_EN[value.month - 1]} {value.year}"
    return f"{value.year}年" if japanese else str(value.year)


@register.filter
def signed_on_display(agreement) -> str:
    """``{{ agreement|signed_on_display }}``: the signing date at its precision (day, month or year)."""
    return date_display(agreement.signed_on, getattr(agreement, "signed_on_precision", "day") or "day")


@register.filter
def percent(value, digits=0):
    if value in (None, ""):
        return "—"
    return f"{float(value):.{int(digits)}f}%"


@register.filter
def wareki(value):
    """The Japanese era year: 2024-04-01 → 令和6年."""
    if not isinstance(value, datetime.date):
        return ""
    for start, name in ERAS:
        if value >= start:
            year = value.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年"
    return ""


@register.filter
def jdate(value):
    """The date as a Japanese officer reads it: 2024年4月1日（令和6年）; in English, 1 April 2024. A date-time
    is shown as its day in Japan."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).date()
    if not isinstance(value, datetime.date):
        return "—"
    text = formats.date_format(value, "DATE_FORMAT")
    if translation.get_language() == "ja" and wareki(value):
        return f"{text}（{wareki(value)}）"
    return text


@register.filter
def ymd(value):
    """A date in a table or a list of records: 2025/07/01 (English: 2025-07-01), the same width in every
    row. A date-time is shown as its day in Japan. Prose and the public pages' facts use ``jdate``."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    if not isinstance(value, datetime.date):
        return "—"
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@register.filter
def ymd_hm(value):
    """A moment in a table or a list of records: 2025/07/01 9:05 (English: 2025-07-01 09:05), Japan time."""
    if not isinstance(value, datetime.datetime):
        return ymd(value)
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT")


@register.filter
def number(value):
    if value in (None, ""):
        return "—"
    if isinstance(value, Decimal):
        value = value.normalize()
        return f"{value:,f}" if value != value.to_integral() else f"{int(value):,}"
    return f"{value:,}"


BADGE = {
    "active": "ok",
    "met": "ok",
    "accepted": "ok",
    "completed": "ok",
    "draft": "muted",
    "scheduled": "muted",
    "planned": "muted",
    "cancelled": "muted",
    "negotiating": "warn",
    "in_progress": "warn",
    "pending": "warn",
    "partially_met": "warn",
    "suspended": "warn",
    "expired": "muted",
    "terminated": "bad",
    "not_met": "bad",
    "returned": "bad",
}


@register.simple_tag
def status_badge(value, label):
    return format_html('<span class="badge {}">{}</span>', BADGE.get(value, "muted"), label)


@register.inclusion_tag("includes/progress.html")
def progress_bar(value, label=""):
    value = None if value is None else max(0.0, min(100.0, float(value)))
    return {"value": value, "label": label}
