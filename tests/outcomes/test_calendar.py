"""Business days and 処理日数 (outcomes/calendar.py) against hand-worked cases: holidays, 振替休日, 国民の
休日, 年末年始, corrections, fiscal-year boundaries, the leap day, a city's own closed day. Each
docstring lists the days d with 受付日 < d ≤ 処分日 and says which count."""

import datetime
import random

import jpholiday
import pytest

from outcomes.calendar import BusinessCalendar, OutOfRange, calendar_days, is_national_business_day, processing_days

D = datetime.date


def test_golden_week_2025():
    """受付 2025-04-30 (水), 処分 2025-05-07 (水). 5/1 木 ✓, 5/2 金 ✓, 5/3 土 憲法記念日 ✗, 5/4 日 みどりの日 ✗,
    5/5 月 こどもの日 ✗, 5/6 火 振替休日 ✗, 5/7 水 ✓ → 3 business days; 7 calendar days."""
    assert processing_days(D(2025, 4, 30), D(2025, 5, 7)) == 3
    assert calendar_days(D(2025, 4, 30), D(2025, 5, 7)) == 7


def test_kokumin_no_kyujitsu_2026():
    """受付 2026-09-18 (金), 処分 2026-09-24 (木). 9/19 土 ✗, 9/20 日 ✗, 9/21 月 敬老の日 ✗,
    9/22 火 国民の休日 (between two holidays) ✗, 9/23 水 秋分の日 ✗, 9/24 木 ✓ → 1; 6 calendar days."""
    assert processing_days(D(2026, 9, 18), D(2026, 9, 24)) == 1
    assert calendar_days(D(2026, 9, 18), D(2026, 9, 24)) == 6
    assert not is_national_business_day(D(2026, 9, 22))


def test_furikae_kyujitsu_2024():
    """受付 2024-02-09 (金), 処分 2024-02-13 (火). 2/10 土 ✗, 2/11 日 建国記念の日 ✗, 2/12 月 振替休日 ✗,
    2/13 火 ✓ → 1."""
    assert processing_days(D(2024, 2, 9), D(2024, 2, 13)) == 1


def test_year_end_and_new_year():
    """受付 2025-12-26 (金), 処分 2026-01-05 (月). 12/27 土, 12/28 日, 12/29 月–12/31 水 (年末), 1/1 木 元日,
    1/2 金, 1/3 土 (年始), 1/4 日 ✗; 1/5 月 ✓ → 1 business day; 10 calendar days. 12/29–1/3 are closed
    even on weekdays, which no national holiday covers but 1/1."""
    assert processing_days(D(2025, 12, 26), D(2026, 1, 5)) == 1
    assert calendar_days(D(2025, 12, 26), D(2026, 1, 5)) == 10
    assert not is_national_business_day(D(2025, 12, 29))  # a Monday
    assert not is_national_business_day(D(2026, 1, 2))  # a Friday


def test_fiscal_year_boundary():
    """3/31 → 4/1 is one business day like any other: 受付 2025-03-31 (月), 処分 2025-04-01 (火) → 1.
    受付 2025-03-28 (金), 処分 2025-04-04 (金): 3/29 土 ✗, 3/30 日 ✗, 3/31 月 ✓, 4/1 火 ✓, 4/2 水 ✓,
    4/3 木 ✓, 4/4 金 ✓ → 5; 7 calendar days."""
    assert processing_days(D(2025, 3, 31), D(2025, 4, 1)) == 1
    assert processing_days(D(2025, 3, 28), D(2025, 4, 4)) == 5
    assert calendar_days(D(2025, 3, 28), D(2025, 4, 4)) == 7


def test_leap_day():
    """受付 2024-02-28 (水), 処分 2024-03-01 (金): 2/29 木 ✓, 3/1 金 ✓ → 2; 2 calendar days.
    受付 2024-02-22 (木), 処分 2024-02-29 (木): 2/23 金 天皇誕生日 ✗, 2/24 土 ✗, 2/25 日 ✗, 2/26 月 ✓,
    2/27 火 ✓, 2/28 水 ✓, 2/29 木 ✓ → 4; 7 calendar days."""
    assert processing_days(D(2024, 2, 28), D(2024, 3, 1)) == 2
    assert calendar_days(D(2024, 2, 28), D(2024, 3, 1)) == 2
    assert processing_days(D(2024, 2, 22), D(2024, 2, 29)) == 4


def test_a_correction_does_not_count():
    """受付 2025-04-01 (火), 処分 2025-04-30 (水): April 2025 has 22 weekdays, less 4/29 昭和の日 = 21 business
    days, less 4/1 itself (受付日 < d) = 20. 補正 requested 4/10 (木), done 4/17 (木): 4/11 金, 4/14 月,
    4/15 火, 4/16 水, 4/17 木 = 5. 処理日数 = 20 − 5 = 15; 29 calendar days (corrections count there)."""
    assert processing_days(D(2025, 4, 1), D(2025, 4, 30)) == 20
    assert processing_days(D(2025, 4, 1), D(2025, 4, 30), D(2025, 4, 10), D(2025, 4, 17)) == 15
    assert calendar_days(D(2025, 4, 1), D(2025, 4, 30)) == 29


def test_a_correction_across_golden_week():
    """受付 2025-04-25 (金), 処分 2025-05-09 (金): 4/28 月 ✓, 4/29 火 昭和の日 ✗, 4/30 ✓, 5/1 ✓, 5/2 ✓,
    5/3–5/6 ✗, 5/7 ✓, 5/8 ✓, 5/9 ✓ → 7. 補正 4/28 → 5/7: 4/30, 5/1, 5/2, 5/7 → 4. 処理日数 = 7 − 4 = 3."""
    assert processing_days(D(2025, 4, 25), D(2025, 5, 9), D(2025, 4, 28), D(2025, 5, 7)) == 3


def test_a_city_closed_day():
    """受付 2025-05-30 (金), 処分 2025-06-03 (火): 5/31 土 ✗, 6/1 日 ✗, 6/2 月 ✓ (nationally), 6/3 火 ✓ → 2;
    with 6/2 a closed day of the city → 1. A closed day on a Saturday changes nothing."""
    assert processing_days(D(2025, 5, 30), D(2025, 6, 3)) == 2
    assert processing_days(D(2025, 5, 30), D(2025, 6, 3), closed=frozenset({D(2025, 6, 2)})) == 1
    assert processing_days(D(2025, 5, 30), D(2025, 6, 3), closed=frozenset({D(2025, 5, 31)})) == 2
    assert not BusinessCalendar([D(2025, 6, 2)]).is_business_day(D(2025, 6, 2))


def test_same_day_is_zero():
    """Issued at the counter on the day of the application: no day d with 受付日 < d ≤ 処分日."""
    assert processing_days(D(2025, 7, 1), D(2025, 7, 1)) == 0
    assert calendar_days(D(2025, 7, 1), D(2025, 7, 1)) == 0


def test_across_several_years_equals_counting_day_by_day():
    """Random intervals up to three years long (fixed seed) against a plain day-by-day count with
    jpholiday's own is_holiday: the cumulative arrays and the year jumps agree."""
    rng = random.Random(15)
    closed = frozenset({D(2024, 6, 3), D(2025, 11, 4)})
    calendar = BusinessCalendar(closed)

    def naive(after, until):
        count, day = 0, after + datetime.timedelta(days=1)
        while day <= until:
            year_end = (day.month, day.day) in ((12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3))
            if day.weekday() < 5 and not jpholiday.is_holiday(day) and not year_end and day not in closed:
                count += 1
            day += datetime.timedelta(days=1)
        return count

    for _ in range(60):
        after = D(2022, 1, 1) + datetime.timedelta(days=rng.randrange(0, 1500))
        until = after + datetime.timedelta(days=rng.randrange(0, 1100))
        assert calendar.business_days(after, until) == naive(after, until), (after, until)


def test_dates_outside_the_calendar_are_refused():
    with pytest.raises(OutOfRange):
        processing_days(D(1980, 1, 4), D(1980, 2, 1))


def test_running_count_differences_are_business_days():
    """One implementation: business_days(a, b) == count(b) − count(a) for any a ≤ b, across years and with
    closed days; the count of two calendars differs only by the closed days up to the date."""
    from outcomes.calendar import days_from_counts

    rng = random.Random(6)
    closed = frozenset({D(2024, 6, 3), D(2025, 11, 4)})
    city, national = BusinessCalendar(closed), BusinessCalendar()
    for _ in range(200):
        a = D(2021, 1, 1) + datetime.timedelta(days=rng.randrange(0, 2000))
        b = a + datetime.timedelta(days=rng.randrange(0, 900))
        assert city.business_days(a, b) == city.count(b) - city.count(a)
        assert national.count(b) - city.count(b) == sum(1 for d in closed if d <= b)
        q = a + datetime.timedelta(days=rng.randrange(0, (b - a).days + 1))
        c = q + datetime.timedelta(days=rng.randrange(0, (b - q).days + 1))
        counts = city.count(a), city.count(b), city.count(q), city.count(c)
        assert days_from_counts(*counts) == city.processing_days(a, b, q, c)
        assert days_from_counts(*counts[:2]) == city.processing_days(a, b)


def test_the_count_reaches_back_and_forth_from_any_first_year():
    """The running count is built outwards from the first year asked: a year before it and a year after
    give the same differences as the day-by-day count of the years between."""
    calendar = BusinessCalendar()
    early, late = D(1995, 3, 1), D(2031, 3, 1)
    assert calendar.count(late) - calendar.count(early) == calendar.business_days(early, late)
    assert calendar.business_days(D(1995, 12, 28), D(1996, 1, 5)) == 2  # 12/29–1/3 closed; 1/4 木 ✓, 1/5 金 ✓
    assert calendar.business_days(late, early) == 0
