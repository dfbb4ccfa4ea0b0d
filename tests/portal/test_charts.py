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
    assert len(line) == 2
    assert float(line[0].split(",")[0]) < float(line[1].split(",")[0])  # left to right
    dots = [c for c in svg.iter(f"{SVG}circle") if c.get("r") == "5"]
    assert len(dots) == 3
    assert [c.get("fill") for c in dots].count("#fff") == 1  # the pending value is hollow


def test_kpi_chart_without_values_draws_baseline_and_target_only():
    svg = kpi([])
    assert svg.find(f"{SVG}polyline") is None
    assert svg.find(f"{SVG}rect") is not None  # the baseline square
    assert any(c.get("r") == "7" for c in svg.iter(f"{SVG}circle"))  # the target ring


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
