"""The parser for dates and period texts in Japanese cities' lists of agreements (no database)."""

import contextlib
import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imports.japanese_dates import (
    DateError,
    DateMatch,
    ParsedDate,
    display,
    find_date,
    fiscal_year_bounds,
    parse_date,
    parse_fiscal_year,
    parse_period,
    to_wareki,
)

D = datetime.date
# No .hypothesis/ folder in the work tree (it is not ignored by git); the examples are cheap to find again.
PROPERTIES = settings(database=None, max_examples=200, deadline=None)

TEXT_DATES = [
    # 和暦 with the era name
    ("令和5年2月6日", D(2023, 2, 6), "day"),
    ("令和元年5月1日", D(2019, 5, 1), "day"),
    ("令和元年12月31日", D(2019, 12, 31), "day"),
    ("平成31年2月21日", D(2019, 2, 21), "day"),
    ("平成元年1月8日", D(1989, 1, 8), "day"),
    ("昭和50年8月18日", D(1975, 8, 18), "day"),
    ("昭和64年1月7日", D(1989, 1, 7), "day"),
    ("大正12年9月1日", D(1923, 9, 1), "day"),
    ("明治45年7月29日", D(1912, 7, 29), "day"),
    ("明治6年1月1日", D(1873, 1, 1), "day"),
    ("令和05年02月06日", D(2023, 2, 6), "day"),
    # era letters, any case and width, with . / -
    ("H23.10.1", D(2011, 10, 1), "day"),
    ("R4.2.15", D(2022, 2, 15), "day"),
    ("S50.8.18", D(1975, 8, 18), "day"),
    ("T12.9.1", D(1923, 9, 1), "day"),
    ("M45.7.29", D(1912, 7, 29), "day"),
    ("H9/8/1", D(1997, 8, 1), "day"),
    ("R5-2-6", D(2023, 2, 6), "day"),
    ("h23.10.1", D(2011, 10, 1), "day"),
    ("r4.2.15", D(2022, 2, 15), "day"),
    ("ｒ４．２．１５", D(2022, 2, 15), "day"),
    ("Ｈ２３．１０．１", D(2011, 10, 1), "day"),
    ("R05.02.06", D(2023, 2, 6), "day"),
    ("R元.5.1", D(2019, 5, 1), "day"),
    ("H23年10月1日", D(2011, 10, 1), "day"),
    ("令和5.2.6", D(2023, 2, 6), "day"),
    # square era signs (NFKC spells them out)
    ("㍻31年4月30日", D(2019, 4, 30), "day"),
    ("㋿5年2月6日", D(2023, 2, 6), "day"),
    ("㍼50年8月18日", D(1975, 8, 18), "day"),
    ("㍽12年9月1日", D(1923, 9, 1), "day"),
    ("㍾45年7月29日", D(1912, 7, 29), "day"),
    # western years
    ("2016年8月3日", D(2016, 8, 3), "day"),
    ("2016/08/03", D(2016, 8, 3), "day"),
    ("2016-08-03", D(2016, 8, 3), "day"),
    ("2016.8.3", D(2016, 8, 3), "day"),
    ("2016/8/3", D(2016, 8, 3), "day"),
    ("２０１６年８月３日", D(2016, 8, 3), "day"),
    ("２０１６／０８／０３", D(2016, 8, 3), "day"),
    ("２０１６－０８－０３", D(2016, 8, 3), "day"),
    ("2016‐08‐03", D(2016, 8, 3), "day"),  # U+2010 hyphen
    ("20220306", D(2022, 3, 6), "day"),
    # trailing words
    ("令和6年8月22日付け", D(2024, 8, 22), "day"),
    ("令和6年8月22日付", D(2024, 8, 22), "day"),
    ("令和6年8月22日から", D(2024, 8, 22), "day"),
    ("令和6年8月22日より", D(2024, 8, 22), "day"),
    ("令和6年8月22日締結", D(2024, 8, 22), "day"),
    ("令和6年8月22日に締結", D(2024, 8, 22), "day"),
    ("令和6年8月22日～", D(2024, 8, 22), "day"),
    ("令和6年8月22日〜", D(2024, 8, 22), "day"),  # U+301C wave dash
    ("2016.8.3.", D(2016, 8, 3), "day"),
    # weekdays in any bracket
    ("令和5年2月6日（月）", D(2023, 2, 6), "day"),
    ("令和5年2月6日(月)", D(2023, 2, 6), "day"),
    ("令和5年2月6日〔月〕", D(2023, 2, 6), "day"),
    ("令和5年2月6日【月】", D(2023, 2, 6), "day"),
    ("令和5年2月6日［月］", D(2023, 2, 6), "day"),
    ("令和5年2月6日（月曜日）", D(2023, 2, 6), "day"),
    ("令和5年2月6日 月曜日", D(2023, 2, 6), "day"),
    ("令和5年2月6日（月）付け", D(2023, 2, 6), "day"),
    ("2023/2/6(月)", D(2023, 2, 6), "day"),
    # spaces inside and around
    ("平成18年 2月 8日", D(2006, 2, 8), "day"),
    ("令和 5 年 2 月 6 日", D(2023, 2, 6), "day"),
    ("令和\u30005年\u30002月\u30006日", D(2023, 2, 6), "day"),  # ideographic spaces
    ("  2016/08/03  ", D(2016, 8, 3), "day"),
    ("R 5.2.6", D(2023, 2, 6), "day"),
    # month precision
    ("令和4年3月", D(2022, 3, 1), "month"),
    ("2022年3月", D(2022, 3, 1), "month"),
    ("2022/3", D(2022, 3, 1), "month"),
    ("2022-03", D(2022, 3, 1), "month"),
    ("R4.3", D(2022, 3, 1), "month"),
    ("令和元年5月", D(2019, 5, 1), "month"),
    ("H31.4", D(2019, 4, 1), "month"),
    # year precision
    ("令和4年", D(2022, 1, 1), "year"),
    ("令和元年", D(2019, 1, 1), "year"),
    ("2022年", D(2022, 1, 1), "year"),
    ("平成32年", D(2020, 1, 1), "year"),
]


@pytest.mark.parametrize(("text", "expected", "precision"), TEXT_DATES, ids=[case[0] for case in TEXT_DATES])
def test_reads_the_formats_officials_write(text, expected, precision):
    """Every written form gives the date at the precision written, and keeps the original text."""
    parsed = parse_date(text)
    assert parsed.value == expected
    assert parsed.precision == precision
    assert parsed.text == text.strip()


def test_there_are_enough_format_cases():
    """The brief asked for at least 60 written forms."""
    assert len(TEXT_DATES) >= 60


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000", "-", "－", "―", "ー", "・", "~", "／"])
def test_empty_cells_and_dash_placeholders_are_no_date(value):
    """An empty cell, or one holding only a dash placeholder, is None rather than an error."""
    assert parse_date(value) is None


# --- Date and number cells ---


def test_date_cells_are_day_precision():
    """An XLSX date cell arrives as a date or datetime: its day, whatever the time."""
    assert parse_date(D(2023, 2, 6)) == ParsedDate(D(2023, 2, 6), "day", "2023-02-06")
    parsed = parse_date(datetime.datetime(2023, 2, 6, 23, 59))
    assert (parsed.value, parsed.precision) == (D(2023, 2, 6), "day")
    assert type(parsed.value) is datetime.date


@pytest.mark.parametrize("value", [D(1899, 12, 30), D(1900, 1, 1), D(1900, 2, 28), D(2101, 1, 1)])
def test_implausible_date_cells_are_refused(value):
    """Excel's serials 0–59 (an empty or mistyped cell shown as a date) and years past 2100 are no agreement's date."""
    with pytest.raises(DateError) as error:
        parse_date(value)
    assert error.value.code == "implausible"


def test_old_date_cells_are_kept():
    """From March 1900 on a date cell is taken as written, as the same date typed as text would be."""
    assert parse_date(D(1945, 8, 15)).value == D(1945, 8, 15)


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (44963, D(2023, 2, 6)),
        (44963.75, D(2023, 2, 6)),  # the fraction is the time of day
        (Decimal("44963"), D(2023, 2, 6)),
        (18264, D(1950, 1, 1)),
        (73415, D(2100, 12, 31)),
        (43586, D(2019, 5, 1)),
    ],
)
def test_numbers_are_excel_serials(serial, expected):
    """Numbers are Excel's 1900 date system, the one Japanese Excel uses."""
    assert parse_date(serial) == ParsedDate(expected, "day", str(serial))


@pytest.mark.parametrize("serial", [0, 1, 59, 61, 3, 2022, 18263, 73416, -5, 10**9, 1e300])
def test_serials_outside_1950_to_2100_are_implausible(serial):
    """A number outside 1950–2100 is likelier a count or an amount than a date."""
    with pytest.raises(DateError) as error:
        parse_date(serial)
    assert error.value.code == "implausible"


def test_serial_60_is_excels_phantom_leap_day():
    """Serial 60 is 29 February 1900, which Excel counts although it never existed."""
    with pytest.raises(DateError, match="29 February 1900") as error:
        parse_date(60)
    assert error.value.code == "impossible"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True, False])
def test_non_numbers_among_numbers_are_unreadable(value):
    """NaN, infinity and booleans are not dates."""
    with pytest.raises(DateError) as error:
        parse_date(value)
    assert error.value.code == "unreadable"


# --- Errors ---


@pytest.mark.parametrize(
    "text",
    [
        "2024/13/45",
        "2024/2/30",
        "2023年2月29日",
        "令和5年2月30日",
        "R5.02.30",
        "R5.13.1",
        "令和5年4月31日",
        "令和0年1月1日",
        "令和5年0月1日",
        "2024/4/0",
        "20241345",
        "平成31年2月30日（木）",
    ],
)
def test_impossible_dates_are_refused(text):
    """Text shaped like a date but not in the calendar raises with code "impossible" and names the text."""
    with pytest.raises(DateError) as error:
        parse_date(text)
    assert error.value.code == "impossible"
    assert text in str(error.value)


def test_impossible_messages_say_what_is_wrong():
    """The message says which part is wrong, in English for the importer to translate by code."""
    with pytest.raises(DateError, match="no month 13"):
        parse_date("2024/13/45")
    with pytest.raises(DateError, match="February 2023 has 28 days, so no day 30"):
        parse_date("令和5年2月30日")


def test_leap_days_are_dates():
    """29 February exists in leap years, in either calendar."""
    assert parse_date("令和6年2月29日").value == D(2024, 2, 29)
    assert parse_date("2000/2/29").value == D(2000, 2, 29)


@pytest.mark.parametrize("text", ["明治5年12月2日", "明治元年1月1日", "1872年1月1日", "2101/1/1", "令和99年1月1日"])
def test_dates_outside_1873_to_2100_are_implausible(text):
    """Before 1873 Japan's calendar was lunisolar; after 2100 is a typo."""
    with pytest.raises(DateError) as error:
        parse_date(text)
    assert error.value.code == "implausible"


@pytest.mark.parametrize(
    "text",
    [
        "第3期",
        "1-2",
        "072-877-2121",
        "0120-123-456",
        "R&D",
        "未定",
        "令和五年二月六日",  # kanji numerals other than 元 are not read
        "令和5年2月6日に締結した協定",
        "令和5年4月1日～令和8年3月31日",
        "令和5年2月（月）",
        "5年2月6日",
        "16/8/3",
        "R5.2.6.1",
        "1.2.3",
        "abc",
        "株式会社サンプル",
        "令和5年2月6",
        "44963",
    ],
)
def test_unreadable_text_is_refused(text):
    """Text that is not just a date raises with code "unreadable"."""
    with pytest.raises(DateError) as error:
        parse_date(text)
    assert error.value.code == "unreadable"


@pytest.mark.parametrize("text", ["令和4年度", "2022年度", "R4年度", "令和4 年度"])
def test_a_fiscal_year_is_not_a_date(text):
    """年度 runs from April to March: it is refused as a date, with a message saying why."""
    with pytest.raises(DateError, match="fiscal year") as error:
        parse_date(text)
    assert error.value.code == "unreadable"


def test_date_error_is_a_value_error():
    """Callers that catch ValueError keep working."""
    assert issubclass(DateError, ValueError)
    error = DateError("x", code="unreadable", text="x")
    assert (error.code, error.text) == ("unreadable", "x")


# --- Eras ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平成31年4月30日", D(2019, 4, 30)),
        ("令和元年5月1日", D(2019, 5, 1)),
        ("昭和64年1月7日", D(1989, 1, 7)),
        ("平成元年1月8日", D(1989, 1, 8)),
        ("大正15年12月24日", D(1926, 12, 24)),
        ("昭和元年12月25日", D(1926, 12, 25)),
        ("明治45年7月29日", D(1912, 7, 29)),
        ("大正元年7月30日", D(1912, 7, 30)),
    ],
)
def test_era_boundaries_are_exact_and_need_no_note(text, expected):
    """The last day of an era and the first day of the next are both within their eras."""
    parsed = parse_date(text)
    assert parsed.value == expected
    assert parsed.note is None


def test_one_and_gannen_are_the_same_year():
    """元年 is year 1 of an era, however it is written."""
    values = {
        parse_date(text).value for text in ["令和元年5月1日", "令和1年5月1日", "令和01年5月1日", "R1.5.1", "R元.5.1"]
    }
    assert values == {D(2019, 5, 1)}


@pytest.mark.parametrize(
    ("text", "expected", "note"),
    [
        ("平成31年5月1日", D(2019, 5, 1), "after the end of 平成 on 2019-04-30"),
        ("平成32年3月31日", D(2020, 3, 31), "after the end of 平成 on 2019-04-30"),
        ("平成32年", D(2020, 1, 1), "after the end of 平成 on 2019-04-30"),
        ("H31.5", D(2019, 5, 1), "after the end of 平成 on 2019-04-30"),
        ("昭和64年1月8日", D(1989, 1, 8), "after the end of 昭和 on 1989-01-07"),
        ("令和元年4月1日", D(2019, 4, 1), "before the start of 令和 on 2019-05-01"),
        ("令和元年4月", D(2019, 4, 1), "before the start of 令和 on 2019-05-01"),
        ("平成元年1月7日", D(1989, 1, 7), "before the start of 平成 on 1989-01-08"),
    ],
)
def test_dates_outside_their_era_are_converted_with_a_note(text, expected, note):
    """Officials wrote 平成32年 before 令和 was named: the date is converted and the note says so."""
    parsed = parse_date(text)
    assert parsed.value == expected
    assert parsed.note == note


@pytest.mark.parametrize("text", ["令和元年5月", "令和元年", "平成31年", "平成31年4月"])
def test_months_and_years_that_touch_the_era_need_no_note(text):
    """A month or year is within an era if any of its days is."""
    assert parse_date(text).note is None


def test_a_weekday_that_does_not_match_is_noted():
    """The date is kept and the note says the weekday disagrees (a typo in one or the other)."""
    parsed = parse_date("令和5年2月6日（火）")
    assert parsed.value == D(2023, 2, 6)
    assert parsed.note == "weekday 火 does not match: 2023-02-06 is a Monday"
    assert parse_date("令和5年2月6日（月）").note is None


def test_notes_add_up():
    """An era note and a weekday note are both kept."""
    assert parse_date("平成31年5月1日(月)").note == (
        "after the end of 平成 on 2019-04-30; weekday 月 does not match: 2019-05-01 is a Wednesday"
    )


# --- Display ---


@pytest.mark.parametrize(
    ("parsed", "ja", "en"),
    [
        (ParsedDate(D(2022, 3, 6), "day", ""), "2022年3月6日", "6 March 2022"),
        (ParsedDate(D(2022, 3, 1), "month", ""), "2022年3月", "March 2022"),
        (ParsedDate(D(2022, 1, 1), "year", ""), "2022年", "2022"),
        (ParsedDate(D(2019, 12, 31), "day", ""), "2019年12月31日", "31 December 2019"),
    ],
)
def test_display_in_japanese_and_english(parsed, ja, en):
    """str() is the Japanese display; display() also speaks English."""
    assert str(parsed) == display(parsed) == display(parsed, lang="ja") == ja
    assert display(parsed, lang="en") == display(parsed, lang="en-us") == en


@pytest.mark.parametrize(
    ("text", "ja", "en"),
    [
        ("令和4年3月", "2022年3月", "March 2022"),
        ("2022/3", "2022年3月", "March 2022"),
        ("R4.3", "2022年3月", "March 2022"),
        ("2022年3月", "2022年3月", "March 2022"),
        ("令和元年5月", "2019年5月", "May 2019"),
        ("令和4年", "2022年", "2022"),
        ("2022年", "2022年", "2022"),
    ],
)
def test_month_and_year_display_never_shows_a_day(text, ja, en):
    """A month written without a day is never shown as the 1st, in either language."""
    parsed = parse_date(text)
    assert (str(parsed), display(parsed, lang="en")) == (ja, en)


def test_display_refuses_unknown_languages():
    """No silent fallback: a caller asking for French has a bug."""
    with pytest.raises(ValueError, match="fr"):
        display(ParsedDate(D(2022, 3, 6), "day", ""), lang="fr")


def test_parsed_date_refuses_a_day_in_a_month_precision_value():
    """A month-precision value is always the 1st, a year-precision value 1 January."""
    with pytest.raises(ValueError):
        ParsedDate(D(2022, 3, 6), "month", "")
    with pytest.raises(ValueError):
        ParsedDate(D(2022, 3, 1), "year", "")
    with pytest.raises(ValueError):
        ParsedDate(D(2022, 3, 1), "week", "")


@pytest.mark.parametrize(
    ("parsed", "last"),
    [
        (ParsedDate(D(2024, 2, 1), "month", ""), D(2024, 2, 29)),
        (ParsedDate(D(2023, 2, 1), "month", ""), D(2023, 2, 28)),
        (ParsedDate(D(2022, 1, 1), "year", ""), D(2022, 12, 31)),
        (ParsedDate(D(2022, 3, 6), "day", ""), D(2022, 3, 6)),
    ],
)
def test_last_day_covered(parsed, last):
    """An end date of month precision runs to the month's last day."""
    assert parsed.last_day == last


# --- 和暦 output ---


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(2023, 2, 6), "令和5年2月6日"),
        (D(2019, 5, 1), "令和元年5月1日"),
        (D(2019, 4, 30), "平成31年4月30日"),
        (D(1989, 1, 8), "平成元年1月8日"),
        (D(1989, 1, 7), "昭和64年1月7日"),
        (D(1926, 12, 25), "昭和元年12月25日"),
        (D(1912, 7, 30), "大正元年7月30日"),
        (D(1873, 1, 1), "明治6年1月1日"),
        (datetime.datetime(2023, 2, 6, 12), "令和5年2月6日"),
    ],
)
def test_to_wareki(value, expected):
    """Dates in the Japanese calendar, 元年 for an era's first year."""
    assert to_wareki(value) == expected


def test_to_wareki_precision():
    """Month and year precision leave the smaller parts out."""
    assert to_wareki(D(2019, 5, 1), precision="month") == "令和元年5月"
    assert to_wareki(D(2022, 1, 1), precision="year") == "令和4年"


def test_to_wareki_refuses_lunisolar_years():
    """Before 1873 the Japanese calendar was not Gregorian."""
    with pytest.raises(ValueError):
        to_wareki(D(1872, 12, 31))


# --- Fiscal years ---


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("令和5年度", 2023),
        ("令和元年度", 2019),
        ("平成31年度", 2019),
        ("2023年度", 2023),
        ("R5年度", 2023),
        ("２０２３年度", 2023),
        ("令和 5 年度", 2023),
    ],
)
def test_parse_fiscal_year(text, year):
    """A fiscal year is the calendar year it starts in."""
    assert parse_fiscal_year(text) == year


def test_parse_fiscal_year_empty_and_errors():
    """Empty is None; a date is not a fiscal year; year 0 is impossible."""
    assert parse_fiscal_year(None) is None
    assert parse_fiscal_year(" ") is None
    with pytest.raises(DateError) as error:
        parse_fiscal_year("令和5年4月1日")
    assert error.value.code == "unreadable"
    with pytest.raises(DateError) as error:
        parse_fiscal_year("令和0年度")
    assert error.value.code == "impossible"


def test_fiscal_year_bounds():
    """1 April to 31 March of the next year."""
    assert fiscal_year_bounds(2023) == (D(2023, 4, 1), D(2024, 3, 31))


# --- Dates in running text ---


@pytest.mark.parametrize(
    ("text", "expected", "span_text"),
    [
        ("令和5年2月6日に締結", D(2023, 2, 6), "令和5年2月6日"),
        ("株式会社サンプル（令和5年2月6日締結）", D(2023, 2, 6), "令和5年2月6日"),
        ("株式会社サンプル R5.2.6", D(2023, 2, 6), "R5.2.6"),
        ("株式会社サンプル 2023/2/6 締結", D(2023, 2, 6), "2023/2/6"),
        ("締結日：令和5年2月6日（月）", D(2023, 2, 6), "令和5年2月6日（月）"),
        ("㍻31年4月30日まで", D(2019, 4, 30), "㍻31年4月30日"),
        ("協定期間 R5.4.1～R8.3.31", D(2023, 4, 1), "R5.4.1"),
        ("２０２３年２月６日締結", D(2023, 2, 6), "２０２３年２月６日"),
        ("No.3 令和4年3月 協定", D(2022, 3, 1), "令和4年3月"),
    ],
)
def test_find_date_in_running_text(text, expected, span_text):
    """The first date in the text, and where it is in the original characters (weekday included)."""
    found = find_date(text)
    assert isinstance(found, DateMatch)
    assert found.parsed.value == expected
    start, end = found.span
    assert text[start:end] == span_text


def test_find_date_spans_point_into_the_original_text():
    """㍻ is one character in the text although NFKC makes it two."""
    text = "協定（㍻31年4月30日）株式会社"
    parsed, span = find_date(text)
    assert text[span[0] : span[1]] == "㍻31年4月30日"
    assert parsed.text == "㍻31年4月30日"


def test_find_date_takes_the_first_of_several():
    """A range gives its start."""
    assert find_date("令和5年4月1日から令和8年3月31日まで").parsed.value == D(2023, 4, 1)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "第3期",
        "1-2",
        "2-15",
        "072-877-2121",
        "TEL 072-877-2121",
        "06-6123-4567",
        "R&D",
        "R&D推進室 第3期 1-2",
        "2022/3 予定",  # without a day a number pair is not a date in running text
        "R4.3 予定",
        "令和4年度 事業",
        "バージョン1.2.3",
        "3年間",
        "〒575-0021",
        "ISO 9001:2015",
    ],
)
def test_text_that_must_not_be_taken_for_a_date(text):
    """Row numbers, phone numbers, abbreviations, fiscal years and terms are not dates."""
    assert find_date(text) is None


def test_find_date_reports_an_impossible_first_date():
    """A typo is reported rather than skipped for a later date."""
    with pytest.raises(DateError) as error:
        find_date("令和5年2月30日に締結、令和6年4月1日から")
    assert error.value.code == "impossible"


# --- Periods ---

APRIL_2023 = D(2023, 4, 1)


@pytest.mark.parametrize(
    ("text", "ends_on"),
    [
        ("2020年3月31日まで", D(2020, 3, 31)),
        ("令和7年3月31日まで", D(2025, 3, 31)),
        ("～令和7年3月31日", D(2025, 3, 31)),
        ("令和7年3月31日", D(2025, 3, 31)),
        ("締結日から令和8年3月31日まで", D(2026, 3, 31)),
        ("協定締結の日から令和8年3月31日まで", D(2026, 3, 31)),
        ("R7.3.31まで", D(2025, 3, 31)),
        ("令和7年度まで", D(2026, 3, 31)),
        ("令和7年3月31日限り", D(2025, 3, 31)),
    ],
)
def test_period_end_dates(text, ends_on):
    """An end date alone: no start, no term."""
    period = parse_period(text)
    assert period.understood
    assert period.ends_on.value == ends_on
    assert period.starts_on is None
    assert period.open_ended is False
    assert period.text == text


@pytest.mark.parametrize(
    ("text", "starts_on", "ends_on"),
    [
        ("令和5年4月1日から令和8年3月31日まで", D(2023, 4, 1), D(2026, 3, 31)),
        ("R5.4.1～R8.3.31", D(2023, 4, 1), D(2026, 3, 31)),
        ("R5.4.1〜R8.3.31", D(2023, 4, 1), D(2026, 3, 31)),
        ("2023/4/1-2026/3/31", D(2023, 4, 1), D(2026, 3, 31)),
        ("2023年4月1日～2026年3月31日", D(2023, 4, 1), D(2026, 3, 31)),
        ("令和5年4月1日（土）から令和8年3月31日（火）まで", D(2023, 4, 1), D(2026, 3, 31)),
        ("令和5年度から令和7年度まで", D(2023, 4, 1), D(2026, 3, 31)),
        ("令和5年度～令和7年度", D(2023, 4, 1), D(2026, 3, 31)),
    ],
)
def test_period_ranges(text, starts_on, ends_on):
    """A range sets both ends; fiscal years run 1 April – 31 March."""
    period = parse_period(text)
    assert period.understood
    assert (period.starts_on.value, period.ends_on.value) == (starts_on, ends_on)


def test_fiscal_year_ends_are_noted():
    """The importer can show that 令和7年度 was read as 31 March 2026."""
    assert parse_period("令和7年度まで").ends_on.note == "fiscal year 令和7年度 (2025-04-01 – 2026-03-31)"


@pytest.mark.parametrize(
    "text", ["期間の定めなし", "定めなし", "無期限", "期間の定めのないもの", "特に定めなし", "期限なし"]
)
def test_open_ended_periods(text):
    """No end at all."""
    period = parse_period(text)
    assert period.understood
    assert period.open_ended is True
    assert period.ends_on is None
    assert period.term_months is None


@pytest.mark.parametrize(
    ("text", "term", "auto", "renewal"),
    [
        ("1年間、解除の申し出がない場合はさらに1年間延長", 12, True, 12),
        ("締結日から1年間（自動更新）", 12, True, None),
        ("3年間", 36, None, None),
        ("1年（以後自動更新）", 12, True, None),
        ("一年間", 12, None, None),
        ("三年間", 36, None, None),
        ("6か月", 6, None, None),
        ("6ヶ月間", 6, None, None),
        ("1年6か月", 18, None, None),
        ("半年", 6, None, None),
        ("1年半", 18, None, None),
        ("2年間（以後1年ごとに自動更新）", 24, True, 12),
        ("1年間。期間満了の1か月前までにいずれからも申出がないときは、同一条件で更新する。", 12, True, 12),
        ("1年間（自動更新なし）", 12, False, None),
        ("1年間（更新しない）", 12, False, None),
        ("1年間。更新しない旨の申し出がない場合は自動的に更新", 12, True, None),
        ("1年間（更新可）", 12, None, None),
        ("１年間（自動更新）", 12, True, None),
    ],
)
def test_terms_and_renewal(text, term, auto, renewal):
    """Term in months; auto-renewal from 自動更新 or from 延長/更新 when no one objects."""
    period = parse_period(text)
    assert period.understood
    assert (period.term_months, period.auto_renewal, period.renewal_term_months) == (term, auto, renewal)
    assert period.ends_on is None  # no start known


@pytest.mark.parametrize(
    ("text", "starts_on", "ends_on"),
    [
        ("1年間", D(2023, 4, 1), D(2024, 3, 31)),
        ("締結日から3年間", D(2023, 4, 1), D(2026, 3, 31)),
        ("1年間", D(2023, 2, 6), D(2024, 2, 5)),
        ("1年間", D(2024, 2, 29), D(2025, 2, 28)),  # no 29 February in 2025: that month's last day
        ("1か月", D(2023, 1, 31), D(2023, 2, 28)),
        ("1か月", D(2023, 3, 31), D(2023, 4, 30)),
        ("6か月", D(2023, 10, 1), D(2024, 3, 31)),
        ("締結日から1年間（自動更新）", datetime.datetime(2023, 4, 1, 9), D(2024, 3, 31)),
    ],
)
def test_term_with_a_start_gives_the_end(text, starts_on, ends_on):
    """ends_on is the day before the same day ``term`` months later (民法第143条), at day precision."""
    period = parse_period(text, starts_on=starts_on)
    assert period.ends_on.value == ends_on
    assert period.ends_on.precision == "day"
    assert period.ends_on.note.startswith("computed:")
    assert period.starts_on is None  # only a start written in the text is reported


@pytest.mark.parametrize(
    ("text", "starts_on"),
    [("1年", D(9999, 1, 1)), ("999年間", D(2023, 4, 1)), ("2年", D(2099, 4, 1)), ("1年", D(2100, 1, 2))],
)
def test_a_computed_end_past_2100_is_not_understood(text, starts_on):
    """A term that would end after 2100 is a misreading (and must not overflow the date type)."""
    assert parse_period(text, starts_on=starts_on).understood is False


def test_a_computed_end_in_2100_is_kept():
    """The last accepted year is 2100 itself."""
    assert parse_period("1年", starts_on=D(2100, 1, 1)).ends_on.value == D(2100, 12, 31)


def test_a_start_in_the_text_wins_over_the_argument():
    """「令和5年4月1日から3年間」 counts from its own start."""
    period = parse_period("令和5年4月1日から3年間", starts_on=D(2020, 1, 1))
    assert period.starts_on.value == D(2023, 4, 1)
    assert period.ends_on.value == D(2026, 3, 31)
    assert period.term_months == 36


def test_a_month_start_gives_a_month_end():
    """「令和5年4月から3年間」 ends in March 2026, without inventing a day."""
    period = parse_period("令和5年4月から3年間")
    assert (period.ends_on.value, period.ends_on.precision) == (D(2026, 3, 1), "month")
    assert str(period.ends_on) == "2026年3月"


def test_an_explicit_end_is_kept_beside_a_term():
    """「5年間（令和10年3月31日まで）」: the written end is not recomputed."""
    period = parse_period("5年間（令和10年3月31日まで）", starts_on=D(2023, 6, 1))
    assert (period.term_months, period.ends_on.value, period.ends_on.note) == (60, D(2028, 3, 31), None)


def test_an_end_date_with_renewal():
    """「まで」 and 「以後1年ごとに自動更新」 together."""
    period = parse_period("令和6年3月31日まで（以後1年ごとに自動更新）")
    assert (period.ends_on.value, period.term_months, period.auto_renewal, period.renewal_term_months) == (
        D(2024, 3, 31),
        None,
        True,
        12,
    )


def test_a_renewal_after_a_range_is_not_the_term():
    """「1年間延長」 and 「1か月前」 are the renewal and the notice period, not the term."""
    period = parse_period(
        "令和5年4月1日から令和8年3月31日まで。ただし、期間満了の1か月前までに"
        "いずれからも申し出がない場合は1年間延長し、以後も同様とする。"
    )
    assert period.understood
    assert (period.term_months, period.auto_renewal, period.renewal_term_months) == (None, True, 12)


def test_no_renewal_provision_is_not_open_ended():
    """「更新の定めなし」 says nothing about the end."""
    period = parse_period("令和7年3月31日まで（更新の定めなし）")
    assert (period.understood, period.open_ended, period.auto_renewal) == (True, False, False)


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "協議により決定",
        "別途協議",
        "第3期",
        "1-2",
        "R&D",
        "令和5年4月1日～",  # a start without an end
        "自動更新",  # renewal without a term or an end
        "令和8年3月31日～令和5年4月1日",  # ends before it starts
        "令和7年3月31日まで（令和8年3月31日まで延長可）",  # two ends
        "令和5年4月1日、令和6年4月1日、令和7年4月1日",  # too many dates
        "令和5年2月30日まで",  # impossible
        "令和7年3月31日まで（期間の定めなし）",  # contradicts itself
        "3年間（無期限）",
    ],
)
def test_periods_not_understood_keep_the_text(text):
    """Not understood: every field empty, the text kept, nothing raised."""
    period = parse_period(text)
    assert period.understood is False
    assert period.text == (text or "")
    assert (period.starts_on, period.ends_on, period.term_months, period.auto_renewal) == (None, None, None, None)
    assert period.open_ended is False


def test_an_open_end_may_have_a_start():
    """「期間の定めなし（令和5年4月1日から）」."""
    period = parse_period("期間の定めなし（令和5年4月1日から）")
    assert (period.understood, period.open_ended, period.starts_on.value) == (True, True, D(2023, 4, 1))


# --- Properties ---

dates = st.dates(min_value=D(1950, 1, 1), max_value=D(2100, 12, 31))
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@PROPERTIES
@given(dates)
def test_wareki_round_trip(value):
    """Any date 1950–2100 written in 和暦 reads back as itself, within its era (no note)."""
    parsed = parse_date(to_wareki(value))
    assert (parsed.value, parsed.precision, parsed.note) == (value, "day", None)


@PROPERTIES
@given(dates, st.sampled_from(["month", "year"]))
def test_wareki_round_trip_at_lower_precision(value, precision):
    """令和4年3月 and 令和4年 read back as the month and the year."""
    parsed = parse_date(to_wareki(value, precision=precision))
    expected = value.replace(day=1) if precision == "month" else value.replace(month=1, day=1)
    assert (parsed.value, parsed.precision) == (expected, precision)


@PROPERTIES
@given(dates)
def test_full_width_and_letter_forms_round_trip(value):
    """Full-width 和暦 and the era-letter form (R5.2.6) read back as the same date."""
    wareki = to_wareki(value)
    assert parse_date(wareki.translate(FULL_WIDTH)).value == value
    era_letter = {"令和": "R", "平成": "H", "昭和": "S"}[wareki[:2]]
    year = value.year - {"R": 2018, "H": 1988, "S": 1925}[era_letter]
    assert parse_date(f"{era_letter}{year}.{value.month}.{value.day}").value == value


@PROPERTIES
@given(
    dates, st.sampled_from(["{y}/{m}/{d}", "{y}-{m:02}-{d:02}", "{y}年{m}月{d}日", "{y}.{m}.{d}", "{y}{m:02}{d:02}"])
)
def test_western_forms_round_trip(value, template):
    """The western forms read back as the same date."""
    assert parse_date(template.format(y=value.year, m=value.month, d=value.day)).value == value


@PROPERTIES
@given(dates)
def test_excel_serial_round_trip(value):
    """A date's Excel serial reads back as the date."""
    assert parse_date((value - D(1899, 12, 30)).days).value == value


@PROPERTIES
@given(dates, st.sampled_from(["day", "month", "year"]))
def test_display_round_trip(value, precision):
    """What str() shows reads back as the same date at the same precision."""
    if precision == "month":
        value = value.replace(day=1)
    elif precision == "year":
        value = value.replace(month=1, day=1)
    shown = ParsedDate(value, precision, "")
    parsed = parse_date(str(shown))
    assert (parsed.value, parsed.precision) == (value, precision)


@PROPERTIES
@given(
    st.text(
        alphabet=st.sampled_from(
            "0123456789０１２年月日度元令和平成RH.-/～（）(月) まで付から"
            "期間定めなし自動更新延長申し出がないさらにごとか月半一三十"
        ),
        max_size=30,
    ),
    st.one_of(st.none(), st.dates()),
)
def test_no_text_breaks_the_parsers(text, starts_on):
    """Whatever the text (and start), the date parsers raise only DateError and the period parser never raises."""
    for parse in (parse_date, find_date, parse_fiscal_year):
        with contextlib.suppress(DateError):
            parse(text)
    period = parse_period(text, starts_on=starts_on)
    assert period.text == text.strip()
    assert not period.understood or period.ends_on or period.open_ended or period.term_months


@PROPERTIES
@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2090, 12, 31)), st.integers(min_value=1, max_value=120))
def test_computed_end_is_one_day_before_the_anniversary(value, months):
    """The computed end plus one day is the same day ``months`` later (or the 1st after a short month)."""
    end = parse_period(f"{months}か月", starts_on=value).ends_on.value
    following = end + datetime.timedelta(days=1)
    target_month = (value.month - 1 + months) % 12 + 1
    assert following.day == value.day or (following.day == 1 and end.day < value.day)
    assert end.month == target_month or following.month == target_month
