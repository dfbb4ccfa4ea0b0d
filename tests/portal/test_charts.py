"""Charts are inline SVG drawn on the server: well-formed, named for screen readers, escaped."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

from portal import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def kpi(points, **overrides):
    arguments = {
        "key": "chart-kpi-1",
        "title": "KPI-1 日数",
        "desc": "Baseline 14, target 3.",
        "unit": "日",
        "baseline": charts.Point(datetime.date(2024, 3, 31), Decimal(14)),
        "target": charts.Point(datetime.date(2027, 3, 31), Decimal(3)),
        "points": points,
        "year_label": lambda day: f"FY{day.year}",
    }
    return parse(charts.kpi_chart(**arguments | overrides))


def test_kpi_chart_is_an_image_named_by_its_title_and_description():
    svg = kpi([charts.Point(datetime.date(2025, 3, 31), Decimal(7))])
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-kpi-1-t chart-kpi-1-d"
    assert svg.find(f"{SVG}title").text == "KPI-1 日数"
    assert svg.find(f"{SVG}title").get("id") == "chart-kpi-1-t"
    assert svg.find(f"{SVG}desc").text == "Baseline 14, target 3."


def test_kpi_chart_joins_accepted_values_in_time_order_and_marks_pending_ones_hollow():
    points = [
        charts.Point(datetime.date(2026, 3, 31), Decimal(5)),
        charts.Point(datetime.date(2025, 3, 31), Decimal(7)),
        charts.Point(datetime.date(2027, 3, 31), Decimal(4), accepted=False),
    ]
    svg = kpi(points)
    line = svg.find(f"{SVG}polyline").get("points").split()
    assert len(line) == 3  # the baseline, then the two accepted values
    xs = [float(point.split(",")[0]) for point in line]
    assert xs == sorted(xs)  # left to right
    dots = [c for c in svg.iter(f"{SVG}circle") if c.get("r") == "5"]
    assert len(dots) == 3
    assert [c.get("fill") for c in dots].count("#fff") == 1  # the pending value is hollow


def test_kpi_chart_without_values_draws_baseline_and_target_only():
    svg = kpi([])
    assert svg.find(f"{SVG}polyline") is None
    assert svg.find(f"{SVG}rect") is not None  # the baseline square
    assert any(c.get("r") == "8" for c in svg.iter(f"{SVG}circle"))  # the target ring


def test_kpi_chart_axis_ticks_by_fiscal_year():
    svg = kpi([])
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"FY2024", "FY2025", "FY2026"} <= set(labels)
    assert "日" in labels


def test_stacked_bars_escape_labels_and_write_the_figures():
    rows = [charts.BarRow("<b>大阪府</b>", 3, 4), charts.BarRow("北海道", 0, 2)]
    markup = str(charts.stacked_bars(rows, key="chart-prefectures", title="by prefecture", desc="two"))
    assert "<b>" not in markup and "&lt;b&gt;" in markup
    svg = parse(markup)
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "4 (3)" in texts and "2 (0)" in texts


def test_value_axis_starts_at_zero_unless_the_values_sit_far_above_it():
    assert charts._value_axis([14, 3, 7])[0] == 0
    low, high, ticks = charts._value_axis([3.2, 4.1])
    assert low > 0 and high >= 4.1 and ticks[0] == low and ticks[-1] == high


def test_verdict_bar_has_one_segment_per_non_empty_verdict():
    segments = [("met_target", "met", 2), ("improved", "improved", 1), ("worsened", "worse", 0)]
    svg = parse(charts.verdict_bar(segments, key="v", title="verdicts", desc="3"))
    assert len(list(svg.iter(f"{SVG}rect"))) == 2


# -- issue 14: readable on a phone, the latest value labelled, the baseline in the series ----------

PHONE_CHART_WIDTH = 358  # a 390 px screen less the page's 1rem margins


def rendered_font_sizes(svg: ET.Element) -> list[float]:
    """The text sizes in CSS px when the chart is drawn PHONE_CHART_WIDTH px wide."""
    scale = PHONE_CHART_WIDTH / float(svg.get("viewBox").split()[2])
    return [float(text.get("font-size")) * scale for text in svg.iter(f"{SVG}text")]


def test_kpi_chart_text_is_at_least_12_px_on_a_phone():
    svg = kpi([charts.Point(datetime.date(2025, 3, 31), Decimal(7))])
    sizes = rendered_font_sizes(svg)
    assert sizes and min(sizes) >= 12


def test_kpi_chart_labels_the_latest_accepted_value_inside_the_drawing():
    points = [
        charts.Point(datetime.date(2025, 3, 31), Decimal(7)),
        charts.Point(datetime.date(2027, 3, 31), Decimal(3)),  # on the target's ring, at the right edge
        charts.Point(datetime.date(2028, 3, 31), Decimal(2), accepted=False),  # not the latest accepted
    ]
    svg = kpi(points, latest_label="3 日")
    latest = [t for t in svg.iter(f"{SVG}text") if t.get("class") == "latest"]
    assert [t.text for t in latest] == ["3 日"]
    x, width = float(latest[0].get("x")), charts.text_width("3 日", 14)
    assert width / 2 <= x <= 360 - width / 2
    assert 0 < float(latest[0].get("y")) < 230


def test_kpi_chart_without_accepted_values_has_no_latest_label():
    svg = kpi([charts.Point(datetime.date(2025, 3, 31), Decimal(7), accepted=False)], latest_label="7 日")
    assert not [t for t in svg.iter(f"{SVG}text") if t.get("class") == "latest"]


def test_baseline_marker_is_drawn_under_a_value_on_the_same_spot():
    """A value measured for the baseline's own period sits on the baseline: it is drawn after (over)
    the square, which is larger and hollow, so both stay visible."""
    svg = kpi([charts.Point(datetime.date(2024, 3, 31), Decimal(14))])
    children = list(svg)
    square = next(i for i, e in enumerate(children) if e.get("class") == "baseline")
    dot = next(i for i, e in enumerate(children) if e.tag == f"{SVG}circle" and e.get("r") == "5")
    assert square < dot
    rect = children[square]
    assert float(rect.get("width")) / 2 > 5 and rect.get("fill") == "#fff"
    centre = (float(rect.get("x")) + 8, float(rect.get("y")) + 8)
    assert centre == (float(children[dot].get("cx")), float(children[dot].get("cy")))


def test_baseline_is_placed_in_time_order_among_the_values():
    """A value from before the baseline period comes first on the line, then the baseline."""
    svg = kpi(
        [
            charts.Point(datetime.date(2023, 3, 31), Decimal(15)),
            charts.Point(datetime.date(2025, 3, 31), Decimal(7)),
        ]
    )
    rect = next(e for e in svg if e.get("class") == "baseline")
    line = [tuple(map(float, p.split(","))) for p in svg.find(f"{SVG}polyline").get("points").split()]
    assert len(line) == 3
    assert line[1] == (float(rect.get("x")) + 8, float(rect.get("y")) + 8)


def test_year_labels_do_not_overlap_over_a_long_period():
    svg = kpi(
        [charts.Point(datetime.date(year, 3, 31), Decimal(10)) for year in range(2015, 2032)],
        year_label=lambda day: f"{day.year}年度",
    )
    labels = sorted((float(t.get("x")), t.text) for t in svg.iter(f"{SVG}text") if t.text and t.text.endswith("年度"))
    assert len(labels) >= 3
    width = charts.text_width("2024年度")
    assert all(b[0] - a[0] >= width for a, b in zip(labels, labels[1:], strict=False))
    assert labels[0][0] - width / 2 >= 0 and labels[-1][0] + width / 2 <= 360


def test_value_axis_leaves_room_for_long_figures():
    svg = kpi(
        [charts.Point(datetime.date(2025, 3, 31), Decimal(12_500_000))],
        baseline=charts.Point(datetime.date(2024, 3, 31), Decimal(10_000_000)),
        target=charts.Point(datetime.date(2027, 3, 31), Decimal(15_000_000)),
    )
    ticks = [t for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert ticks
    for tick in ticks:
        assert float(tick.get("x")) - charts.text_width(tick.text) >= 0, tick.text


def prefectures(count: int) -> list[charts.BarRow]:
    from partnerships.names import PREFECTURES

    return [charts.BarRow(name, index % 7, 10 + index * 3) for index, name in enumerate(PREFECTURES[:count])]


def test_stacked_bars_with_47_rows_stay_readable_on_a_phone_and_inside_the_drawing():
    svg = parse(charts.stacked_bars(prefectures(47), key="p", title="t", desc="d"))
    assert min(rendered_font_sizes(svg)) >= 12
    width = float(svg.get("viewBox").split()[2])
    for text in svg.iter(f"{SVG}text"):
        x, size = float(text.get("x")), float(text.get("font-size"))
        if text.get("text-anchor") == "end":
            assert x - charts.text_width(text.text, size) >= 0, text.text
        else:
            assert x + charts.text_width(text.text, size) <= width, text.text
    bars = list(svg.iter(f"{SVG}rect"))
    assert len(bars) == 2 * 47
    assert all(float(r.get("x")) + float(r.get("width")) <= width for r in bars)


def test_stacked_bars_rows_do_not_overlap():
    svg = parse(charts.stacked_bars(prefectures(5), key="p", title="t", desc="d"))
    ys = sorted({float(r.get("y")) for r in svg.iter(f"{SVG}rect")})
    heights = {float(r.get("height")) for r in svg.iter(f"{SVG}rect")}
    assert len(ys) == 5 and all(b - a >= max(heights) for a, b in zip(ys, ys[1:], strict=False))
