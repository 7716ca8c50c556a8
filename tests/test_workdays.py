"""Statutory working days: 调休 weekends, Spring Festival, National Day, and years the library lacks."""
from datetime import date

import pytest

from checks.workdays import Calendar, HolidayError, add_workdays, is_workday, workdays_between

D = date.fromisoformat


@pytest.mark.parametrize("day, expected", [
    ("2024-02-04", True),    # Sunday, 调休 workday before the Spring Festival
    ("2024-02-18", True),    # Sunday, 调休 workday after it
    ("2024-02-12", False),   # Monday inside the Spring Festival holiday
    ("2024-02-10", False),   # 春节 (Saturday)
    ("2024-09-29", True),    # Sunday, 调休 workday before National Day
    ("2024-10-12", True),    # Saturday, 调休 workday after it
    ("2024-10-07", False),   # Monday inside the National Day holiday
    ("2024-10-13", False),   # an ordinary Sunday
    ("2024-10-08", True),    # Tuesday after the holiday
])
def test_adjusted_workdays_and_holidays(day, expected):
    assert is_workday(D(day)) is expected


def test_counting_across_spring_festival_2024():
    # Formed Fri 2024-02-02; the day itself is not counted. Workdays after it: Sun 02-04 (调休),
    # Mon 02-05 .. Fri 02-09 (5) -> 6; holiday 02-10..02-17; Sun 02-18 (调休) is the 7th.
    assert workdays_between(D("2024-02-02"), D("2024-02-08")) == 5
    assert workdays_between(D("2024-02-02"), D("2024-02-17")) == 6
    assert workdays_between(D("2024-02-02"), D("2024-02-18")) == 7
    assert add_workdays(D("2024-02-02"), 7) == D("2024-02-18")
    # 20 working days from 2024-02-02 end on 2024-03-06 (not 2024-03-01 as weekdays alone would say)
    assert add_workdays(D("2024-02-02"), 20) == D("2024-03-06")
    assert Calendar(use_library=False).add_workdays(D("2024-02-02"), 20) == D("2024-03-01")


def test_counting_across_national_day_2024():
    # Formed Fri 2024-09-27: Sun 09-29 (调休) and Mon 09-30 count; 10-01..10-07 off; Tue 10-08.
    assert add_workdays(D("2024-09-27"), 2) == D("2024-09-30")
    assert add_workdays(D("2024-09-27"), 3) == D("2024-10-08")
    assert workdays_between(D("2024-09-27"), D("2024-10-12")) == 7  # 10-08..10-11 + Sat 10-12
    assert Calendar().is_late(D("2024-09-27"), D("2024-10-12"), 7) is False
    assert Calendar().is_late(D("2024-09-27"), D("2024-10-13"), 7) is True  # Sunday after the 7th workday


def test_calendar_days_end_on_a_workday():
    # "20日内" from 2024-01-22 would end on Sun 2024-02-11, a holiday: moved to Sun 02-18 (调休 workday).
    assert Calendar().add_days(D("2024-01-22"), 20) == D("2024-02-18")


def test_2027_falls_back_to_weekends_only_without_an_override(tmp_path):
    cal = Calendar(override_dir=tmp_path)
    assert cal.source(2027) == "weekends-only"
    assert cal.source(2026) == "chinesecalendar"
    assert cal.is_workday(D("2027-01-01")) is True      # a Friday: the fallback cannot know it is 元旦
    assert cal.is_workday(D("2027-01-02")) is False     # Saturday
    assert cal.workdays_between(D("2027-01-01"), D("2027-01-08")) == 5


def test_2027_override_file(tmp_path):
    (tmp_path / "2027.yaml").write_text(
        "year: 2027\nsource: 测试用通知（非真实日期）\nholidays:\n  - 2027-01-01\n  - 2027-02-08..2027-02-12\n"
        "workdays:\n  - 2027-02-07\n", encoding="utf-8")
    cal = Calendar(override_dir=tmp_path)
    assert cal.source(2027) == "override"
    assert cal.is_workday(D("2027-01-01")) is False
    assert cal.is_workday(D("2027-02-07")) is True       # a Sunday made a workday
    assert cal.is_workday(D("2027-02-10")) is False
    # Fri 2027-02-05 -> Sun 02-07 is the 1st workday, 02-08..02-12 off, Mon 02-15 the 2nd
    assert cal.add_workdays(D("2027-02-05"), 2) == D("2027-02-15")
    # the cumulative table the SQL rules join on agrees with the counting
    rows = {r[0]: r for r in cal.table(D("2027-02-01"), D("2027-02-28"))}
    assert rows["2027-02-15"][1] - rows["2027-02-05"][1] == cal.workdays_between(D("2027-02-05"), D("2027-02-15"))
    assert rows["2027-02-13"][3] == "2027-02-15"


@pytest.mark.parametrize("text, message", [
    ("year: 2027\nholidays: [2027-01-01]\n", "field 'source' is required"),
    ("year: 2026\nsource: x\n", "field 'year' must be 2027"),
    ("year: 2027\nsource: x\nholidays: [2028-01-01]\n", "2028-01-01 is not in 2027"),
    ("year: 2027\nsource: x\nholidays: [2027-13-01]\n", "not a date"),
    ("year: 2027\nsource: x\nholiday: [2027-01-01]\n", "unknown field 'holiday'"),
])
def test_bad_override_is_one_line(tmp_path, text, message):
    (tmp_path / "2027.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(HolidayError) as err:
        Calendar(override_dir=tmp_path)
    assert message in str(err.value) and "\n" not in str(err.value) and "2027.yaml" in str(err.value)


def test_deadlines_across_a_year_end():
    # Formed Thu 2025-12-25: 26, 29, 30, 31 Dec are working days, 1-3 Jan 2026 the New Year holiday,
    # Sun 2026-01-04 a 调休 workday (the 5th), Mon 01-05 the 6th.
    assert add_workdays(D("2025-12-25"), 4) == D("2025-12-31")
    assert add_workdays(D("2025-12-25"), 5) == D("2026-01-04")
    assert add_workdays(D("2025-12-25"), 6) == D("2026-01-05")
    assert add_workdays(D("2025-12-25"), 0) == D("2025-12-25")


@pytest.mark.parametrize("n", [1, 5, 10, 20])
def test_fewest_days_in_which_a_limit_can_be_missed(n):
    # The bound the one pass over documents tests late-publication candidates with: the smallest
    # publication - forming gap of any late document formed and published in the range, by brute force.
    cal, first, last = Calendar(), D("2023-09-01"), D("2024-12-31")
    gaps = [(cal.add_workdays(date.fromordinal(w), n) - date.fromordinal(w)).days + 1
            for w in range(first.toordinal(), last.toordinal() + 1)
            if cal.add_workdays(date.fromordinal(w), n) < last]
    assert cal.fewest_days_over(n, first, last) == min(gaps)
