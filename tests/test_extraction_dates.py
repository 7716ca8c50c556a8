"""parse_date: every printed format, the 1990..not_after window, and what is not a date."""
from datetime import date

import pytest

from crawler.extraction.dates import find_dates, parse_date

LIMIT = date(2024, 1, 1)


@pytest.mark.parametrize("text", [
    "2023-05-16",
    "2023-05-16 10:30:00",
    "2023/5/16",
    "2023.05.16",
    "2023年5月16日",
    "2023年05月16日",
    "2023 年 5 月 16 日",
    "２０２３－０５－１６",
    "２０２３年５月１６日",
    "二〇二三年五月十六日",
    "二○二三年五月十六日",
    "[2023-05-16]",
    "（2023-05-16）",
    "发布时间：2023年5月16日 10:30",
    "发布日期:2023-05-16",
    "20230516",
    "May 16, 2023",
    "16 May 2023",
])
def test_formats(text):
    assert parse_date(text, not_after=LIMIT) == date(2023, 5, 16)


@pytest.mark.parametrize("text, expected", [
    ("二〇二三年十二月三十一日", date(2023, 12, 31)),
    ("二〇二三年十月一日", date(2023, 10, 1)),
    ("二〇二三年二月二十日", date(2023, 2, 20)),
    ("二〇一九年一月二日", date(2019, 1, 2)),
])
def test_chinese_numerals(text, expected):
    assert parse_date(text, not_after=LIMIT) == expected


@pytest.mark.parametrize("text", [
    "2099-01-01",            # after not_after
    "2024-01-02",            # one day after not_after
    "1985-06-01",            # before 1990
    "1989年12月31日",
    "2023-13-01",            # no such month
    "2023-02-30",            # no such day
    "2023年5月",             # no day
    "11440100/2023-00123",   # an index number, not a date
    "1.2023.05.16",          # a version-like run
    "第2023号",
    "",
    None,
    "发布时间：",
])
def test_not_dates(text):
    assert parse_date(text, not_after=LIMIT) is None


def test_out_of_range_dates_are_skipped_for_the_next():
    assert parse_date("1985年颁布，2023-05-16修订", not_after=LIMIT) == date(2023, 5, 16)
    assert parse_date("有效期至2099-12-31，2023-05-16印发", not_after=LIMIT) == date(2023, 5, 16)


def test_first_date_in_reading_order():
    assert parse_date("2023年4月1日至2023-05-16", not_after=LIMIT) == date(2023, 4, 1)
    assert find_dates("2023-05-16 和 二〇二三年五月十七日", not_after=LIMIT) == [date(2023, 5, 16), date(2023, 5, 17)]


def test_default_upper_bound_is_today():
    assert parse_date("2999-01-01") is None
    assert parse_date("2020-01-01") == date(2020, 1, 1)


def test_not_after_is_inclusive():
    assert parse_date("2024-01-01", not_after=LIMIT) == LIMIT


def test_regex_path_is_fast():
    import time
    start = time.process_time()
    for _ in range(2000):
        parse_date("发布时间：2023年5月16日 10:30", not_after=LIMIT)
    assert (time.process_time() - start) / 2000 < 0.001


def test_url_dates_and_month_day_dates():
    from crawler.extraction.dates import parse_month_day, url_date

    assert url_date("http://x.gov.cn/xxgk/202305/t20230516_123.html") == date(2023, 5, 16)
    assert url_date("http://x.gov.cn/art/2023/5/6/art_1_2.html") == date(2023, 5, 6)
    assert url_date("http://x.gov.cn/xxgk/202305/abc.html") == date(2023, 5, 1)
    assert url_date("http://x.gov.cn/content.jsp?id=20230516") is None
    assert parse_month_day("[12-30]", near=date(2024, 1, 3), not_after=date(2026, 1, 1)) == date(2023, 12, 30)
    assert parse_month_day("5月16日", near=date(2023, 5, 10), not_after=date(2026, 1, 1)) == date(2023, 5, 16)
    assert parse_month_day("10:30", near=date(2023, 5, 10), not_after=date(2026, 1, 1)) is None
    assert parse_month_day("(05-16)", near=None) is None
    assert parse_month_day("(05-16)", near=date(2026, 5, 20), not_after=date(2026, 5, 1)) == date(2025, 5, 16)
