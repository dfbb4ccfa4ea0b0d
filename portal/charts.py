"""Charts drawn on the server as inline SVG: no script, nothing from outside, allowed by a strict CSP.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and summarised by its ``<desc>``; the
page puts a table with the same figures next to it (the text alternative). Colours and shapes both
carry meaning, so that the charts can be read without telling colours apart.
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.templatetags.kyoso import number

INK, MUTED, GRID = "#1d2330", "#4a5468", "#c9d0dc"
ZERO_BUDGET, OTHER = "#17693a", "#7ea6d6"
BASELINE, TARGET, MEASURED, PENDING = "#4a5468", "#a3261b", "#0b5cad", "#8a5300"


def _svg(key: str, width: int, height: int, title: str, desc: str, body: SafeString, css_class: str) -> SafeString:
    """The chart element; ``key`` makes the ids of its title and description unique on the page."""
    return format_html(
        '<svg class="{}" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-labelledby="{}-t {}-d" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        css_class,
        width,
        height,
        width,
        height,
        key,
        key,
        key,
        title,
        key,
        desc,
        body,
    )


def _text(x, y, content, *, anchor="start", size=12, fill=INK, weight="normal") -> SafeString:
    return format_html(
        '<text x="{}" y="{}" text-anchor="{}" font-size="{}" fill="{}" font-weight="{}">{}</text>',
        _f(x),
        _f(y),
        anchor,
        size,
        fill,
        weight,
        content,
    )


def _f(value: float) -> str:
    """A coordinate with at most one decimal: short markup, no float noise."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


# -- bars: agreements by prefecture -------------------------------------------------------------


@dataclass
class BarRow:
    label: str
    zero_budget: int
    total: int


def stacked_bars(rows: list[BarRow], *, key: str, title: str, desc: str) -> SafeString:
    """Horizontal bars, one per row: the zero-budget part (dark, solid) and the rest (light), with
    the figures written at the end of each bar."""
    label_width, bar_width, row_height, top = 84, 340, 22, 4
    width = label_width + bar_width + 90
    height = top + row_height * max(len(rows), 1) + 8
    largest = max((row.total for row in rows), default=0) or 1
    parts = []
    for index, row in enumerate(rows):
        y = top + index * row_height
        zero = bar_width * row.zero_budget / largest
        rest = bar_width * (row.total - row.zero_budget) / largest
        parts.append(_text(label_width - 6, y + 15, row.label, anchor="end"))
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="16" fill="{}"/>',
                label_width,
                y + 2,
                _f(zero),
                ZERO_BUDGET,
            )
        )
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="16" fill="{}"/>',
                _f(label_width + zero),
                y + 2,
                _f(rest),
                OTHER,
            )
        )
        parts.append(
            _text(
                label_width + zero + rest + 6,
                y + 15,
                _("%(total)s (%(zero)s)") % {"total": number(row.total), "zero": number(row.zero_budget)},
            )
        )
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>', label_width, top, label_width, height - 6, MUTED
        )
    )
    return _svg(key, width, height, title, desc, mark_safe("".join(parts)), "chart-bars")  # noqa: S308 (escaped parts)


# -- one stacked bar: how the outcome indicators stand ------------------------------------------

VERDICT_COLOURS = {
    "met_target": "#17693a",
    "improved": "#5b9c6f",
    "unchanged": "#9aa3b2",
    "worsened": "#a3261b",
    "not_measured": "#e4e8ef",
}


def verdict_bar(segments: list[tuple[str, str, int]], *, key: str, title: str, desc: str) -> SafeString:
    """One bar split by verdict (key, label, count); the labelled list beside it carries the figures."""
    width, height = 520, 28
    total = sum(count for _key, _label, count in segments) or 1
    parts, x = [], 0.0
    for key, _label, count in segments:
        part = width * count / total
        if part:
            parts.append(
                format_html(
                    '<rect x="{}" y="0" width="{}" height="{}" fill="{}" stroke="#fff"/>',
                    _f(x),
                    _f(part),
                    height,
                    VERDICT_COLOURS[key],
                )
            )
        x += part
    return _svg(key, width, height, title, desc, mark_safe("".join(parts)), "chart-verdicts")  # noqa: S308


# -- a KPI over time: baseline, target, measurements --------------------------------------------


@dataclass
class Point:
    on: datetime.date
    value: Decimal
    accepted: bool = True


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _value_axis(values: list[float]) -> tuple[float, float, list[float]]:
    """The value range and its ticks. It starts at 0 unless the values sit far above 0 (so that a
    change from 3.2 to 4.1 points stays visible)."""
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    if 0 <= low < (high - low) * 2:
        low = 0.0
    step = _nice_step(high - low)
    start, end = math.floor(low / step) * step, math.ceil(high / step) * step
    count = round((end - start) / step)
    return start, end, [round(start + i * step, 10) for i in range(count + 1)]


def _year_ticks(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """1 April of each year in range: the Japanese fiscal year (年度) starts then."""
    ticks = [datetime.date(year, 4, 1) for year in range(first.year, last.year + 1)]
    ticks = [tick for tick in ticks if first <= tick <= last]
    if len(ticks) > 6:
        ticks = ticks[:: math.ceil(len(ticks) / 6)]
    return ticks


def kpi_chart(
    *,
    key: str,
    title: str,
    desc: str,
    unit: str,
    baseline: Point,
    target: Point,
    points: list[Point],
    year_label,
) -> SafeString:
    """Baseline (grey square at the end of its period), target (red ring on its date and a dashed
    line across) and measured values at the end of their periods (blue dots joined by a line; values
    not yet accepted as hollow orange dots, shown to members only)."""
    width, height = 560, 260
    left, right, top, bottom = 64, 24, 28, 40
    dates = [baseline.on, target.on, *(p.on for p in points)]
    first, last = min(dates), max(dates)
    if first == last:
        last = first + datetime.timedelta(days=1)
    values = [float(baseline.value), float(target.value), *(float(p.value) for p in points)]
    low, high, value_ticks = _value_axis(values)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(on: datetime.date) -> float:
        return left + plot_w * (on - first).days / (last - first).days

    def y_of(value) -> float:
        return top + plot_h * (1 - (float(value) - low) / (high - low))

    parts = [_text(left - 8, 14, unit, anchor="end", fill=MUTED)]
    for tick in value_ticks:
        y = y_of(tick)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
                left,
                _f(y),
                width - right,
                _f(y),
                GRID,
            )
        )
        parts.append(_text(left - 8, y + 4, number(_plain(tick)), anchor="end", fill=MUTED))
    for tick in _year_ticks(first, last):
        x = x_of(tick)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>',
                _f(x),
                height - bottom,
                _f(x),
                height - bottom + 5,
                MUTED,
            )
        )
        parts.append(_text(x, height - bottom + 18, year_label(tick), anchor="middle", fill=MUTED))
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>',
            left,
            height - bottom,
            width - right,
            height - bottom,
            MUTED,
        )
    )
    # the target as a dashed line across, and a ring on its date
    target_y = y_of(target.value)
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-dasharray="6 4" stroke-width="1.5"/>',
            left,
            _f(target_y),
            width - right,
            _f(target_y),
            TARGET,
        )
    )
    parts.append(
        format_html(
            '<circle cx="{}" cy="{}" r="7" fill="#fff" stroke="{}" stroke-width="3"/>',
            _f(x_of(target.on)),
            _f(target_y),
            TARGET,
        )
    )
    # the line joins the accepted values in time order; the baseline is a reference point
    line = [(x_of(p.on), y_of(p.value)) for p in sorted((p for p in points if p.accepted), key=lambda p: p.on)]
    if len(line) > 1:
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>',
                " ".join(f"{_f(x)},{_f(y)}" for x, y in line),
                MEASURED,
            )
        )
    bx, by = x_of(baseline.on), y_of(baseline.value)
    parts.append(
        format_html('<rect x="{}" y="{}" width="12" height="12" fill="{}"/>', _f(bx - 6), _f(by - 6), BASELINE)
    )
    for point in points:
        if point.accepted:
            shape = '<circle cx="{}" cy="{}" r="5" fill="{}"/>'
        else:
            shape = '<circle cx="{}" cy="{}" r="5" fill="#fff" stroke="{}" stroke-width="2.5"/>'
        parts.append(
            format_html(shape, _f(x_of(point.on)), _f(y_of(point.value)), MEASURED if point.accepted else PENDING)
        )
    return _svg(key, width, height, title, desc, mark_safe("".join(parts)), "chart-kpi")  # noqa: S308 (escaped parts)


def _plain(value: float):
    """2.0 → 2, 2.5 → 2.5 (for axis labels)."""
    return int(value) if float(value).is_integer() else Decimal(str(value))


def legend_items(*, members: bool) -> list[tuple[str, str]]:
    """The KPI chart's legend as (css class, label), written in HTML under each chart."""
    items = [
        ("key-baseline", _("baseline (square)")),
        ("key-target", _("target (ring and dashed line)")),
        ("key-measured", _("accepted measurement (dot on the line)")),
    ]
    if members:
        items.append(("key-pending", _("not yet accepted (hollow dot, shown to members only)")))
    return items
