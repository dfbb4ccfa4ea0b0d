"""The charts of the public outcome pages, drawn on the server as inline SVG like ``portal.charts`` (no
script, allowed by the strict CSP): the monthly median 処理日数 of a procedure with its 標準処理期間, the
comparison of municipalities as horizontal bars, and the 導入前の推移 of a difference-in-differences.

Each is an ``<svg role="img">`` named by its ``<title>``, summarised by its ``<desc>``, with the same
figures in a table on the page. Withheld (秘匿) values are never drawn: a withheld month is a gap, a
withheld city has no bar. Drawn narrow (360 units, text of ``FONT`` units) so they stay readable when
they shrink to a 390 px phone.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.templatetags.kyoso import number

from .charts import FONT, GRID, INK, MEASURED, MUTED, TARGET, text_width

HIGHLIGHT, OTHERS, COMPARISON = "#0b5cad", "#9aa3b2", "#8a5300"
WIDTH = 360


def svg(key: str, height: int, title: str, desc: str, parts: list, css_class: str) -> SafeString:
    """The chart element; ``key`` makes the ids of its title and description unique on the page."""
    body = mark_safe("".join(str(p) for p in parts))  # noqa: S308 — every part is built with format_html
    return format_html(
        '<svg class="{}" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-labelledby="{}-t {}-d" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        css_class,
        WIDTH,
        height,
        WIDTH,
        height,
        key,
        key,
        key,
        title,
        key,
        desc,
        body,
    )


def fmt(value: float) -> str:
    """A coordinate with at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def text(x, y, content, *, anchor="start", fill=INK, weight="normal", css="") -> SafeString:
    return format_html(
        '<text{} x="{}" y="{}" text-anchor="{}" font-size="{}" fill="{}" font-weight="{}">{}</text>',
        format_html(' class="{}"', css) if css else "",
        fmt(x),
        fmt(y),
        anchor,
        FONT,
        fill,
        weight,
        content,
    )


def line(x1, y1, x2, y2, colour, *, width=1.0, dash="", css="") -> SafeString:
    return format_html(
        '<line{} x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"{}/>',
        format_html(' class="{}"', css) if css else "",
        fmt(x1),
        fmt(y1),
        fmt(x2),
        fmt(y2),
        colour,
        fmt(width),
        format_html(' stroke-dasharray="{}"', dash) if dash else "",
    )


def axis(high: float, ticks: int = 4) -> tuple[float, list[float]]:
    """0 … a round top at or above ``high``, and its ticks."""
    high = max(high, 1.0)
    raw = high / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next((f * magnitude for f in (1, 2, 2.5, 5, 10) if raw <= f * magnitude), 10 * magnitude)
    top = math.ceil(high / step) * step
    return top, [round(i * step, 10) for i in range(round(top / step) + 1)]


def plain(value: float) -> str:
    return number(int(value) if float(value).is_integer() else Decimal(str(value)))


def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


# -- a procedure's monthly median ------------------------------------------------------------------------


@dataclass
class MonthPoint:
    on: datetime.date  # the first day of the month
    value: Decimal | None  # None: withheld (a gap)


def _year_ticks(first: datetime.date, last: datetime.date, *, per_year: float, label_width: float):
    """1 April of each year in range (the fiscal year starts then), every n-th so that labels do not touch."""
    ticks = [datetime.date(y, 4, 1) for y in range(first.year, last.year + 1)]
    ticks = [t for t in ticks if first <= t <= last]
    step = max(1, math.ceil((label_width + 8) / per_year)) if per_year > 0 else 1
    return ticks[::step]


class _MonthFrame:
    """The drawing of monthly values: months along, days up from 0, the unit on top, fiscal years
    labelled under the axis."""

    def __init__(self, points: list[MonthPoint], *, high: float, top: int, unit: str, year_label):
        self.height, self.left, self.right, self.top, self.bottom, self.inset = 200 + top, 40, 14, top, 30, 10
        self.first, self.last = min(p.on for p in points), max(p.on for p in points)
        self.span = max(month_index(self.last) - month_index(self.first), 1)
        self.plot_w = WIDTH - self.left - self.right
        self.plot_h = self.height - self.top - self.bottom
        self.top_value, ticks = axis(high * 1.1)
        bottom = self.height - self.bottom
        self.parts = [text(4, 16, unit, fill=MUTED)]
        for tick in ticks:
            self.parts.append(line(self.left, self.y_of(tick), WIDTH - self.right, self.y_of(tick), GRID))
            self.parts.append(text(self.left - 6, self.y_of(tick) + 4.5, plain(tick), anchor="end", fill=MUTED))
        years = range(self.first.year, self.last.year + 1)
        label_width = max(text_width(year_label(datetime.date(y, 4, 1))) for y in years)
        per_year = (self.plot_w - 2 * self.inset) * 12 / self.span
        for tick in _year_ticks(self.first, self.last, per_year=per_year, label_width=label_width):
            x = self.x_of(tick)
            self.parts.append(line(x, bottom, x, bottom + 5, MUTED))
            centre = min(max(x, label_width / 2 + 2), WIDTH - label_width / 2 - 2)
            self.parts.append(text(centre, bottom + 19, year_label(tick), anchor="middle", fill=MUTED))
        self.parts.append(line(self.left, bottom, WIDTH - self.right, bottom, MUTED))

    def x_of(self, day: datetime.date) -> float:
        months = month_index(day) - month_index(self.first) + (day.day - 1) / 31
        return self.left + self.inset + (self.plot_w - 2 * self.inset) * months / self.span

    def y_of(self, value) -> float:
        return self.top + self.plot_h * (1 - float(value) / self.top_value)

    def start(self, day: datetime.date, label: str) -> None:
        """A dotted vertical line at ``day``, labelled on its own row under the unit."""
        x = self.x_of(min(max(day, self.first), self.last))
        self.parts.append(line(x, self.top - 8, x, self.height - self.bottom, INK, width=1.5, dash="2 3", css="start"))
        anchor = "start" if x < WIDTH / 2 else "end"
        self.parts.append(text(x + (4 if anchor == "start" else -4), self.top - 8, label, anchor=anchor, css="start"))

    def series(self, points: list[MonthPoint], colour: str, *, dash: str = "", dots: bool = False) -> None:
        """A line per run of consecutive shown months: a withheld or missing month is a gap; a lone month
        is a dot (every month a dot with ``dots``)."""
        runs, run, previous = [], [], None
        for point in sorted(points, key=lambda p: p.on):
            if point.value is None or (previous is not None and month_index(point.on) != month_index(previous) + 1):
                if run:
                    runs.append(run)
                run = []
            if point.value is not None:
                run.append(point)
            previous = point.on
        if run:
            runs.append(run)
        for run in runs:
            if len(run) > 1:
                self.parts.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"{}/>',
                        " ".join(f"{fmt(self.x_of(p.on))},{fmt(self.y_of(p.value))}" for p in run),
                        colour,
                        format_html(' stroke-dasharray="{}"', dash) if dash else "",
                    )
                )
            for point in run if dots or len(run) == 1 else []:
                self.parts.append(
                    format_html(
                        '<circle cx="{}" cy="{}" r="3.5" fill="{}"/>',
                        fmt(self.x_of(point.on)),
                        fmt(self.y_of(point.value)),
                        colour,
                    )
                )


def monthly_days(
    *,
    key: str,
    title: str,
    desc: str,
    points: list[MonthPoint],
    standard_days: int | None,
    unit: str,
    standard_label: str,
    year_label,
) -> SafeString:
    """The monthly median as a line with a dot per shown month; a withheld or missing month breaks the
    line (never drawn). The 標準処理期間 is a dashed red line across, labelled."""
    values = [float(p.value) for p in points if p.value is not None]
    frame = _MonthFrame(
        points, high=max([*values, float(standard_days or 0), 1.0]), top=30, unit=unit, year_label=year_label
    )
    if standard_days:
        y = frame.y_of(standard_days)
        frame.parts.append(line(frame.left, y, WIDTH - frame.right, y, TARGET, width=1.5, dash="6 4", css="standard"))
        label_y = y - 5 if y - 5 - FONT > frame.top - 12 else y + FONT + 3
        frame.parts.append(
            text(WIDTH - frame.right, label_y, standard_label, anchor="end", fill=TARGET, weight="bold", css="standard")
        )
    frame.series(points, MEASURED, dots=True)
    return svg(key, frame.height, title, desc, frame.parts, "chart-outcome")


# -- municipalities compared ---------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    value: Decimal | None  # None: withheld (or not published for this indicator): no bar
    figure: str  # written at the end of the bar, or in its place
    standard: Decimal | None = None  # the city's 標準処理期間, a red tick on its row
    highlight: bool = False


def comparison_bars(rows: list[Bar], *, key: str, title: str, desc: str, share: bool = False) -> SafeString:
    """One horizontal bar per municipality in the given order; the highlighted one dark blue with its name
    in bold and a ▶ before it, the others grey; a withheld value has no bar but its 「秘匿」; each city's
    標準処理期間 a red tick across its row (days only)."""
    row_height, bar_height, top = 24, 14, 4
    label_width = min(max((text_width(r.label) + (16 if r.highlight else 0) for r in rows), default=0) + 10, 130)
    figure_width = max((text_width(r.figure) for r in rows), default=0) + 8
    bar_width = WIDTH - label_width - figure_width
    height = top + row_height * max(len(rows), 1) + 6
    largest = 1.0 if share else max([float(r.value or 0) for r in rows] + [float(r.standard or 0) for r in rows] + [1])
    parts = []
    for index, row in enumerate(rows):
        y = top + index * row_height
        baseline = y + (row_height + FONT) / 2 - 2
        colour = HIGHLIGHT if row.highlight else INK
        weight = "bold" if row.highlight else "normal"
        label = f"▶ {row.label}" if row.highlight else row.label
        if row.highlight:
            parts.append(
                format_html(
                    '<rect class="highlight" x="0" y="{}" width="{}" height="{}" fill="#e8f0fa"/>',
                    fmt(y),
                    WIDTH,
                    row_height,
                )
            )
        parts.append(text(label_width - 6, baseline, label, anchor="end", fill=colour, weight=weight))
        length = 0.0 if row.value is None else bar_width * float(row.value) / largest
        if row.value is not None:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    fmt(label_width),
                    fmt(y + (row_height - bar_height) / 2),
                    fmt(length),
                    bar_height,
                    HIGHLIGHT if row.highlight else OTHERS,
                )
            )
        end = length
        if row.standard is not None and not share:
            x = label_width + bar_width * float(row.standard) / largest
            parts.append(line(x, y + 2, x, y + row_height - 2, TARGET, width=2.5, css="standard"))
            end = max(end, x - label_width + 2)  # the figure after the mark, not across it
        parts.append(text(label_width + end + 4, baseline, row.figure, fill=colour if row.value is not None else MUTED))
    parts.append(line(label_width, top, label_width, height - 4, MUTED))
    return svg(key, height, title, desc, parts, "chart-comparison")


# -- the pre-period trends of a difference-in-differences ------------------------------------------------


@dataclass
class Series:
    label: str
    points: list[MonthPoint]
    colour: str
    dash: str = ""


def trends(
    *,
    key: str,
    title: str,
    desc: str,
    series: list[Series],
    start: datetime.date,
    start_label: str,
    unit: str,
    year_label,
) -> SafeString:
    """Two or more monthly lines (the city solid, the comparison cities' mean dashed), a vertical line at
    the initiative's start, labelled on its own row under the unit. Missing or withheld months are gaps."""
    every = [p for one in series for p in one.points]
    values = [float(p.value) for p in every if p.value is not None]
    frame = _MonthFrame(every, high=max([*values, 1.0]), top=44, unit=unit, year_label=year_label)
    frame.start(start, start_label)
    for one in series:
        frame.series(one.points, one.colour, dash=one.dash)
    return svg(key, frame.height, title, desc, frame.parts, "chart-trends")
