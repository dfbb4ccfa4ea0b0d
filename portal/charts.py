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


def _text(x, y, content, *, anchor="start", size=None, fill=INK, weight="normal") -> SafeString:
    return format_html(
        '<text x="{}" y="{}" text-anchor="{}" font-size="{}" fill="{}" font-weight="{}">{}</text>',
        _f(x),
        _f(y),
        anchor,
        size or FONT,
        fill,
        weight,
        content,
    )


def _f(value: float) -> str:
    """A coordinate with at most one decimal: short markup, no float noise."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


# -- bars: agreements by prefecture -------------------------------------------------------------

# The charts are drawn narrow (a phone's width) and scale up to a capped width on larger screens
# (static/css/kpi.css): text of FONT viewBox units is then at least 12 px on a 390 px screen, where
# the chart is about 358 px wide (scale ≥ 0.99).
FONT = 13


def text_width(content: str, size: float = FONT) -> float:
    """About how wide a text is drawn: digits and Latin letters ~0.6 em, kana and kanji 1 em."""
    return sum(size * (0.62 if ord(char) < 0x2E80 else 1.0) for char in str(content))


@dataclass
class BarRow:
    label: str
    zero_budget: int
    total: int


def stacked_bars(rows: list[BarRow], *, key: str, title: str, desc: str) -> SafeString:
    """Horizontal bars, one per row: the zero-budget part (dark, solid) and the rest (light), with
    the figures written at the end of each bar. Narrow (360 units) so that its text stays readable
    on a phone; the labels' column is as wide as the longest label."""
    width, row_height, bar_height, top = 360, 26, 16, 4
    figures = [
        _("%(total)s (%(zero)s)") % {"total": number(row.total), "zero": number(row.zero_budget)} for row in rows
    ]
    label_width = min(max((text_width(row.label) for row in rows), default=0) + 10, 120)
    figure_width = max((text_width(text) for text in figures), default=0) + 8
    bar_width = width - label_width - figure_width
    height = top + row_height * max(len(rows), 1) + 6
    largest = max((row.total for row in rows), default=0) or 1
    parts = []
    for index, (row, text) in enumerate(zip(rows, figures, strict=True)):
        y = top + index * row_height
        zero = bar_width * row.zero_budget / largest
        rest = bar_width * (row.total - row.zero_budget) / largest
        baseline = y + (row_height + FONT) / 2 - 2
        parts.append(_text(label_width - 6, baseline, row.label, anchor="end"))
        for x, part, colour in ((label_width, zero, ZERO_BUDGET), (label_width + zero, rest, OTHER)):
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    _f(x),
                    _f(y + (row_height - bar_height) / 2),
                    _f(part),
                    bar_height,
                    colour,
                )
            )
        parts.append(_text(label_width + zero + rest + 4, baseline, text))
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>',
            _f(label_width),
            top,
            _f(label_width),
            height - 4,
            MUTED,
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


def _year_ticks(
    first: datetime.date, last: datetime.date, *, per_year: float, label_width: float
) -> list[datetime.date]:
    """1 April of each year in range (the Japanese fiscal year, 年度, starts then), every n-th year so
    that the labels (``label_width`` wide) do not touch where a year is ``per_year`` wide."""
    ticks = [datetime.date(year, 4, 1) for year in range(first.year, last.year + 1)]
    ticks = [tick for tick in ticks if first <= tick <= last]
    step = max(1, math.ceil((label_width + 8) / per_year)) if per_year > 0 else 1
    return ticks[::step]


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
    latest_label: str = "",
) -> SafeString:
    """The baseline (grey square at the end of its period) is the first point of the series in its
    place in time; the line joins it and the accepted values (blue dots) in time order, the latest of
    them labelled with ``latest_label``. The target is a red ring on its date and a dashed line
    across. Values not yet accepted are hollow orange dots (shown to members only). The markers of
    the baseline and the target are drawn first and larger, so that a value on the same spot stays
    visible inside them. Narrow (360 units, text of FONT units): readable when it shrinks to a phone."""
    width, height = 360, 230
    dates = [baseline.on, target.on, *(p.on for p in points)]
    first, last = min(dates), max(dates)
    if first == last:
        last = first + datetime.timedelta(days=1)
    values = [float(baseline.value), float(target.value), *(float(p.value) for p in points)]
    low, high, value_ticks = _value_axis(values)
    tick_labels = [number(_plain(tick)) for tick in value_ticks]
    left = max(36.0, max(text_width(label) for label in tick_labels) + 12)
    right, top, bottom = 18, 34, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    inset = 12  # the first and last markers stay clear of the value axis and the edge

    def x_of(on: datetime.date) -> float:
        return left + inset + (plot_w - 2 * inset) * (on - first).days / (last - first).days

    def y_of(value) -> float:
        return top + plot_h * (1 - (float(value) - low) / (high - low))

    parts = [_text(4, 16, unit, fill=MUTED)]
    for tick, label in zip(value_ticks, tick_labels, strict=True):
        y = y_of(tick)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
                _f(left),
                _f(y),
                width - right,
                _f(y),
                GRID,
            )
        )
        parts.append(_text(left - 6, y + 4.5, label, anchor="end", fill=MUTED))
    labels = {tick: year_label(tick) for tick in (datetime.date(y, 4, 1) for y in range(first.year, last.year + 1))}
    label_width = max((text_width(label) for label in labels.values()), default=0)
    per_year = (plot_w - 2 * inset) * 365 / (last - first).days
    for tick in _year_ticks(first, last, per_year=per_year, label_width=label_width):
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
        # kept inside the drawing: a label on the first or last day would be cut in half
        centre = min(max(x, label_width / 2 + 2), width - label_width / 2 - 2)
        parts.append(_text(centre, height - bottom + 19, labels[tick], anchor="middle", fill=MUTED))
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>',
            _f(left),
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
            _f(left),
            _f(target_y),
            width - right,
            _f(target_y),
            TARGET,
        )
    )
    parts.append(
        format_html(
            '<circle cx="{}" cy="{}" r="8" fill="#fff" stroke="{}" stroke-width="3"/>',
            _f(x_of(target.on)),
            _f(target_y),
            TARGET,
        )
    )
    # the line joins the baseline and the accepted values in time order (the baseline first on a tie)
    accepted = sorted((p for p in points if p.accepted), key=lambda p: p.on)
    series = sorted([(baseline.on, 0, baseline.value), *((p.on, 1, p.value) for p in accepted)])
    if len(series) > 1:
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>',
                " ".join(f"{_f(x_of(on))},{_f(y_of(value))}" for on, _order, value in series),
                MEASURED,
            )
        )
    # the baseline: a square with a white centre, larger than a dot, under the dots
    bx, by = x_of(baseline.on), y_of(baseline.value)
    parts.append(
        format_html(
            '<rect class="baseline" x="{}" y="{}" width="16" height="16" fill="#fff" stroke="{}" stroke-width="4"/>',
            _f(bx - 8),
            _f(by - 8),
            BASELINE,
        )
    )
    for point in points:
        if point.accepted:
            shape = '<circle cx="{}" cy="{}" r="5" fill="{}"/>'
        else:
            shape = '<circle cx="{}" cy="{}" r="5" fill="#fff" stroke="{}" stroke-width="2.5"/>'
        parts.append(
            format_html(shape, _f(x_of(point.on)), _f(y_of(point.value)), MEASURED if point.accepted else PENDING)
        )
    if accepted and latest_label:
        parts.append(_latest_label(accepted[-1], latest_label, x_of, y_of, width=width, top=top))
    return _svg(key, width, height, title, desc, mark_safe("".join(parts)), "chart-kpi")  # noqa: S308 (escaped parts)


def _latest_label(point: Point, label: str, x_of, y_of, *, width: int, top: int) -> SafeString:
    """The latest value written beside its dot, above it (below when the dot is at the top), kept
    inside the drawing, on a white halo so that lines under it do not cross the figures."""
    x, y = x_of(point.on), y_of(point.value)
    label_width = text_width(label, FONT + 1)
    y = y - 11 if y - 11 - FONT > 2 else y + FONT + 10
    x = min(max(x, label_width / 2 + 2), width - label_width / 2 - 2)
    return format_html(
        '<text class="latest" x="{}" y="{}" text-anchor="middle" font-size="{}" font-weight="bold" fill="{}" '
        'stroke="#fff" stroke-width="4" paint-order="stroke" stroke-linejoin="round">{}</text>',
        _f(x),
        _f(y),
        FONT + 1,
        MEASURED,
        label,
    )


def _plain(value: float):
    """2.0 → 2, 2.5 → 2.5 (for axis labels)."""
    return int(value) if float(value).is_integer() else Decimal(str(value))


def legend_items(*, members: bool) -> list[tuple[str, str]]:
    """The KPI chart's legend as (css class, label), written in HTML under each chart."""
    items = [
        ("key-baseline", _("baseline (square, the first point of the line)")),
        ("key-target", _("target (ring and dashed line)")),
        ("key-measured", _("accepted measurement (dot on the line; the latest one labelled)")),
    ]
    if members:
        items.append(("key-pending", _("not yet accepted (hollow dot, shown to members only)")))
    return items
