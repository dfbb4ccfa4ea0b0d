"""One date style per context (issue 14, item 9): the long form with 和暦 in prose and on the public pages'
facts (``jdate``), 2025/07/01 in tables and lists of records (``ymd``, ``ymd_hm``) — ISO 8601 in English."""

import datetime
import zoneinfo

from django.utils import translation

from core.templatetags.kyoso import jdate, ymd, ymd_hm

DAY = datetime.date(2025, 7, 1)
MOMENT = datetime.datetime(2025, 6, 30, 15, 5, tzinfo=datetime.UTC)  # 2025-07-01 00:05 in Japan


def test_tables_show_year_month_day_with_slashes_in_japanese():
    with translation.override("ja"):
        assert ymd(DAY) == "2025/07/01"
        assert ymd(MOMENT) == "2025/07/01"  # the day in Japan, not in UTC
        assert ymd_hm(MOMENT) == "2025/07/01 0:05"
        assert ymd(None) == ymd_hm(None) == "—"


def test_tables_show_iso_dates_in_english():
    with translation.override("en"):
        assert ymd(DAY) == "2025-07-01"
        assert ymd_hm(MOMENT) == "2025-07-01 00:05"


def test_prose_keeps_the_long_form_with_the_era():
    with translation.override("ja"):
        assert jdate(DAY) == "2025年7月1日（令和7年）"


def test_a_naive_moment_is_taken_as_given():
    with translation.override("ja"):
        naive = datetime.datetime(2025, 7, 1, 9, 5)
        assert ymd_hm(naive) == "2025/07/01 9:05"
        assert ymd(datetime.datetime(2025, 7, 1, 23, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))) == "2025/07/01"


def test_the_long_form_of_a_moment_is_its_day_in_japan():
    with translation.override("ja"):
        assert jdate(MOMENT) == "2025年7月1日（令和7年）"
