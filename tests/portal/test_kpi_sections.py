"""Outcome indicators (KPI) on the public agreement page (issue 14, item 11): the latest value, the
target and the attainment first with the chart; the full series collapsed, with the baseline in its
place; no negative attainment for values from before the baseline period; columns that would be all
「—」 left out; members still see values under review. And the home page's prefecture chart with all
47 prefectures."""

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from agreements.choices import ReviewStatus
from partnerships.names import PREFECTURES
from portal import kpi
from tests.factories import (
    AgreementFactory,
    MeasurementFactory,
    MunicipalityFactory,
    OutcomeIndicatorFactory,
    PrefectureFactory,
    lg_code,
)
from tests.portal.conftest import client_in

SVG = "{http://www.w3.org/2000/svg}"


def fiscal(year: int) -> dict:
    return {"period_start": datetime.date(year, 4, 1), "period_end": datetime.date(year + 1, 3, 31)}


def indicator_with(*measurements, **fields):
    """An unsaved indicator (baseline FY2023: 14 → target 3, lower is better) with loaded values."""
    values = {
        "baseline_value": Decimal(14),
        "baseline_period_start": datetime.date(2023, 4, 1),
        "baseline_period_end": datetime.date(2024, 3, 31),
        "target_value": Decimal(3),
        "target_on": datetime.date(2028, 3, 31),
        "direction": "lower",
        **fields,
    }
    indicator = OutcomeIndicatorFactory.build(**values)
    indicator.shown_measurements = list(measurements)
    return indicator


def value(year: int, amount, **fields):
    defaults = {"sample_size": None, "source": "", "note": "", "review_status": "accepted"}
    return SimpleNamespace(value=Decimal(amount), **fiscal(year), **(defaults | fields))


# -- the logic, without a database ---------------------------------------------------------------


def test_series_places_the_baseline_between_earlier_and_later_values_and_ends_with_the_target():
    indicator = indicator_with(value(2021, 16), value(2023, 14), value(2024, 9))
    rows = kpi.series(indicator)
    assert [row.kind for row in rows] == ["measurement", "baseline", "measurement", "measurement", "target"]
    assert rows[1].value == 14 and rows[1].period_end == datetime.date(2024, 3, 31)
    assert rows[-1].value == 3 and rows[-1].period_end == datetime.date(2028, 3, 31)


def test_series_with_only_earlier_or_no_values_still_has_the_baseline_and_the_target():
    assert [row.kind for row in kpi.series(indicator_with())] == ["baseline", "target"]
    rows = kpi.series(indicator_with(value(2020, 15), value(2021, 16)))
    assert [row.kind for row in rows] == ["measurement", "measurement", "baseline", "target"]


def test_no_attainment_before_the_baseline_period():
    """FY2021 (16 days, worse than the 14 of the FY2023 baseline) is history, not −18%."""
    earlier, later = value(2021, 16), value(2024, 9)
    indicator = indicator_with(earlier, later)
    assert kpi.before_baseline(indicator, earlier) and kpi.attainment(indicator, earlier) is None
    assert not kpi.before_baseline(indicator, later)
    assert kpi.attainment(indicator, later) == Decimal(5) / Decimal(11)
    rows = kpi.series(indicator)
    assert rows[0].before_baseline and rows[0].attainment is None


def test_a_worse_value_after_the_baseline_keeps_its_negative_attainment():
    """After the baseline a negative share is the honest figure: the service got worse."""
    worse = value(2024, 16)
    assert kpi.attainment(indicator_with(worse), worse) < 0


def test_columns_that_would_be_empty_are_left_out():
    plain = indicator_with(value(2024, 9), value(2025, 6))
    assert kpi.columns(plain, member=False).names == ["measured_by"]
    assert kpi.columns(plain, member=True).names == ["measured_by", "review"]
    counted = indicator_with(value(2024, 9, sample_size=None), value(2025, 6, sample_size=120))
    assert kpi.columns(counted, member=False).names == ["measured_by", "sample"]
    noted = indicator_with(value(2024, 9, note="速報値"))
    assert kpi.columns(noted, member=False).names == ["measured_by", "note"]
    assert kpi.columns(indicator_with(), member=True).names == []


def test_latest_pending_is_a_value_newer_than_the_latest_accepted_one():
    accepted, pending = value(2024, 9), value(2025, 6, review_status="pending")
    indicator = indicator_with(accepted, pending)
    indicator.latest = accepted
    assert kpi.latest_pending(indicator) is pending
    older = value(2022, 15, review_status="returned")
    indicator = indicator_with(older, accepted)
    indicator.latest = accepted
    assert kpi.latest_pending(indicator) is None


# -- the page ----------------------------------------------------------------------------------


@pytest.fixture
def indicator(db, city):
    agreement = AgreementFactory(municipality=city, published=True, published_at=timezone.now())
    indicator = OutcomeIndicatorFactory(
        agreement=agreement, code="KPI-1", target_on=datetime.date(2028, 3, 31), name="申請処理日数"
    )
    MeasurementFactory(indicator=indicator, value=Decimal(16), **fiscal(2021))
    MeasurementFactory(indicator=indicator, value=Decimal(9), **fiscal(2024))
    MeasurementFactory(indicator=indicator, value=Decimal(6), **fiscal(2025))
    return indicator


def article_of(body: str, indicator) -> str:
    start = body.index(f'aria-labelledby="indicator-{indicator.pk}"')
    return body[start : body.index("</article>", start)]


def test_headline_comes_first_with_the_chart_and_the_series_is_collapsed(indicator):
    body = client_in("en").get(indicator.agreement.get_absolute_url()).content.decode()
    article = article_of(body, indicator)
    headline, chart, history = (article.index(mark) for mark in ("kpi-headline", "<svg", "<details"))
    assert headline < chart < history
    assert "<details open" not in article
    figures = re.findall(r'<span class="kpi-value">([^<]*)</span>', article)
    assert figures == ["6 日", "3 日", "73%"]  # latest, target, attainment: (14 − 6) / (14 − 3)
    assert '<text class="latest"' in article and ">6 日</text>" in article  # labelled on the chart


def test_series_table_has_the_baseline_in_place_and_no_negative_attainment(indicator):
    body = client_in("en").get(indicator.agreement.get_absolute_url()).content.decode()
    article = article_of(body, indicator)
    rows = re.findall(r"<tr(?: class=\"([\w-]+)\")?>", article.split("<tbody>")[1])
    assert rows == ["before-baseline", "baseline", "", "", "target"]
    assert "before the baseline period" in article
    assert not re.search(r">-\d+%<", article)  # (14 − 16) / 11 = −18% is not shown
    # sample sizes, notes and the review are all empty: no such columns
    assert "Sample" not in article and "Source and note" not in article and ">Review<" not in article


def test_sample_column_appears_when_a_value_has_one(indicator):
    MeasurementFactory(indicator=indicator, value=Decimal(5), sample_size=420, **fiscal(2026))
    body = client_in("en").get(indicator.agreement.get_absolute_url()).content.decode()
    article = article_of(body, indicator)
    assert '<th scope="col" class="num">Sample</th>' in article and ">420<" in article


def test_members_see_the_value_under_review_with_its_status(indicator, city, viewer):
    MeasurementFactory(indicator=indicator, value=Decimal("4.25"), review_status=ReviewStatus.PENDING, **fiscal(2026))
    public = article_of(client_in("en").get(indicator.agreement.get_absolute_url()).content.decode(), indicator)
    assert "4.25" not in public and "kpi-pending" not in public
    member = article_of(
        client_in("en", user=viewer).get(indicator.agreement.get_absolute_url()).content.decode(), indicator
    )
    assert 'class="notice kpi-pending"' in member and "4.25 日" in member
    assert ">Review<" in member and "Waiting for review" in member
    # the headline still shows the latest accepted value
    assert re.findall(r'<span class="kpi-value">([^<]*)</span>', member)[0] == "6 日"


def test_latest_value_from_before_the_baseline_has_no_attainment(db, city):
    agreement = AgreementFactory(municipality=city, published=True, published_at=timezone.now())
    indicator = OutcomeIndicatorFactory(agreement=agreement, code="KPI-1")
    MeasurementFactory(indicator=indicator, value=Decimal(16), **fiscal(2021))
    article = article_of(client_in("en").get(agreement.get_absolute_url()).content.decode(), indicator)
    assert re.findall(r'<span class="kpi-value">([^<]*)</span>', article) == ["16 日", "3 日", "—"]
    assert "before the baseline period" in article


def test_home_prefecture_chart_with_all_47_prefectures(db):
    """The chart keeps the 15 prefectures with the most agreements, most first; the table has all 47."""
    for number, name in enumerate(PREFECTURES, start=1):
        prefecture = PrefectureFactory(code=lg_code(f"{number:02d}000"), name=name, name_en="", kana="")
        city = MunicipalityFactory(code=lg_code(f"{number:02d}201"), prefecture=prefecture)
        for _index in range(1 + number % 5):
            AgreementFactory(municipality=city, published=True, published_at=timezone.now(), municipal_cost_jpy=0)
    body = client_in("ja").get("/").content.decode()
    svg = ET.fromstring(re.search(r'<svg class="chart-bars".*?</svg>', body, re.S).group(0))
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert len(labels) == 15
    assert labels[:2] == ["宮城県", "栃木県"]  # 5 agreements each, in code order
    assert "47" in svg.find(f"{SVG}desc").text
    table = body[body.index('<table class="prefecture-table">') :]
    assert table[: table.index("</table>")].count('<th scope="row">') == 47
