"""Statutory working days (工作日) as the checks count them.

Sources, in order of precedence for a given year:

1. an override file ``checks/holidays/<year>.yaml`` (format below) — for years the State Council
   has announced but ``chinesecalendar`` does not know yet, or to correct it;
2. ``chinesecalendar`` (the State Council's yearly holiday notices, including 调休 weekend workdays;
   version 1.11 covers 2004–2026 and raises ``NotImplementedError`` for 2027);
3. the fallback: Monday–Friday are working days, Saturday and Sunday are not. Results for such a
   year are approximate (holidays are counted as working days), and every finding computed with it
   says so in its evidence (``calendar: weekends-only``).

Override file format (one file per year, UTF-8 YAML)::

    year: 2027
    source: 国务院办公厅关于2027年部分节假日安排的通知   # required: where the dates come from
    holidays:            # days off that would otherwise be working days; a date or "first..last"
      - 2027-01-01
      - 2027-02-06..2027-02-12
    workdays:            # 调休: Saturdays/Sundays that are working days
      - 2027-02-14

Counting (《民法典》第二百零一条、第二百零三条): the day the information is formed is not counted;
the period starts the next day; "N 个工作日内" ends on the N-th working day after that day; a
period in calendar days whose last day is a holiday ends on the next working day.
"""
from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import yaml

from checks.catalog import CatalogError

try:
    import chinese_calendar as _cc
except ImportError:  # pragma: no cover - a dependency of the project; the fallback still works
    _cc = None

HOLIDAY_DIR = Path(__file__).parent / "holidays"
SOURCES = ("override", "chinesecalendar", "weekends-only")


class HolidayError(CatalogError):
    """A holiday override file that cannot be used; the message is one line for the user (a
    CatalogError, so the command line reports it like any other catalog mistake)."""


def _parse_day(value, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise HolidayError(f"{where}: not a date YYYY-MM-DD: {value!r}") from None


def _expand(values, where: str, year: int) -> set[date]:
    days: set[date] = set()
    if values is None:
        return days
    if not isinstance(values, list):
        raise HolidayError(f"{where}: must be a list of dates or 'first..last' ranges")
    for value in values:
        if isinstance(value, str) and ".." in value:
            first, last = (_parse_day(v, where) for v in value.split("..", 1))
            if last < first:
                raise HolidayError(f"{where}: range {value!r} ends before it starts")
            days.update(first + timedelta(n) for n in range((last - first).days + 1))
        else:
            days.add(_parse_day(value, where))
    stray = sorted(d for d in days if d.year != year)
    if stray:
        raise HolidayError(f"{where}: {stray[0].isoformat()} is not in {year}")
    return days


def load_override(path: Path) -> tuple[int, set[date], set[date], str]:
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise HolidayError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    except ValueError as exc:  # YAML reads 2027-13-01 as a date and fails
        raise HolidayError(f"{where}: not a date YYYY-MM-DD: {exc}") from None
    if not isinstance(data, dict):
        raise HolidayError(f"{where}: expected a mapping with year, source, holidays, workdays")
    unknown = set(data) - {"year", "source", "holidays", "workdays"}
    if unknown:
        raise HolidayError(f"{where}: unknown field '{sorted(unknown)[0]}'")
    year = data.get("year")
    if not isinstance(year, int) or str(year) != path.stem:
        raise HolidayError(f"{where}: field 'year' must be {path.stem} (the file name)")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise HolidayError(f"{where}: field 'source' is required (the notice the dates come from)")
    holidays = _expand(data.get("holidays"), f"{where}: field 'holidays'", year)
    workdays = _expand(data.get("workdays"), f"{where}: field 'workdays'", year)
    both = holidays & workdays
    if both:
        raise HolidayError(f"{where}: {min(both).isoformat()} is listed as holiday and as workday")
    return year, holidays, workdays, source.strip()


class Calendar:
    """Working days per the sources above. Deterministic: depends only on the files and the library."""

    def __init__(self, override_dir: str | Path | None = HOLIDAY_DIR, use_library: bool = True):
        self.overrides: dict[int, tuple[set[date], set[date], str]] = {}
        self.use_library = use_library and _cc is not None
        if override_dir is not None and Path(override_dir).is_dir():
            for path in sorted(Path(override_dir).glob("*.yaml")):
                if not path.stem.isdigit():
                    continue
                year, holidays, workdays, source = load_override(path)
                self.overrides[year] = (holidays, workdays, source)
        self._cache: dict[date, bool] = {}
        self._library_years: dict[int, bool] = {}   # years chinesecalendar covers (asking raises per day)
        self._years: dict[int, tuple[set[date], set[date]] | None] = {}   # (holidays, workdays) per year
        self._deadlines: dict[tuple[date, int], date] = {}
        self._fewest: dict[tuple[int, date, date], int] = {}
        self._year_workdays: dict[int, list[int]] = {}

    def source(self, year: int) -> str:
        if year in self.overrides:
            return "override"
        if self.use_library and self._library_years.get(year) is None:
            try:
                _cc.is_workday(date(year, 6, 1))
                self._library_years[year] = True
            except NotImplementedError:
                self._library_years[year] = False
        return "chinesecalendar" if self.use_library and self._library_years[year] else "weekends-only"

    def _year(self, year: int) -> tuple[set[date], set[date]] | None:
        """The year's holidays and 调休 workdays from its source; None: weekends only."""
        if year not in self._years:
            source = self.source(year)
            if source == "override":
                self._years[year] = self.overrides[year][:2]
            elif source == "chinesecalendar":
                # The library's own tables of the State Council's notices, read once per year: its
                # is_workday() checks the year against its whole table on every call (~30 µs a day).
                self._years[year] = ({d for d in _cc.holidays if d.year == year},
                                     {d for d in _cc.workdays if d.year == year})
            else:
                self._years[year] = None
        return self._years[year]

    def is_workday(self, d: date) -> bool:
        hit = self._cache.get(d)
        if hit is not None:
            return hit
        days = self._year(d.year)
        if days is None:
            result = d.weekday() < 5
        else:   # the rule chinesecalendar and the override files share
            holidays, workdays = days
            result = d in workdays or (d.weekday() < 5 and d not in holidays)
        self._cache[d] = result
        return result

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        count, d = 0, start
        while d < end:
            d += timedelta(days=1)
            count += self.is_workday(d)
        return count

    def add_workdays(self, start: date, n: int) -> date:
        """The deadline of "within n working days from start": the n-th working day after start."""
        hit = self._deadlines.get((start, n))
        if hit is None:
            hit = self._deadlines[(start, n)] = self._add_workdays(start, n)
        return hit

    def _add_workdays(self, start: date, n: int) -> date:
        at, year = start.toordinal(), start.year
        while n > 0:
            days = self._workdays_of(year)
            i = bisect_right(days, at)   # the first working day after ``at``
            if i + n - 1 < len(days):
                return date.fromordinal(days[i + n - 1])
            n -= len(days) - i
            at, year = date(year, 12, 31).toordinal(), year + 1
        return start

    def _workdays_of(self, year: int) -> list[int]:
        """The ordinals of the year's working days, in order (listed once per year)."""
        days = self._year_workdays.get(year)
        if days is None:
            days = self._year_workdays[year] = [
                o for o in range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1)
                if self.is_workday(date.fromordinal(o))]
        return days

    def fewest_days_over(self, n: int, first: date, last: date) -> int:
        """The fewest calendar days from forming to publication, both in [first, last], in which "within n
        working days" can be missed (published after the n-th working day after forming): formed the day
        before working day j, the n-th falls on working day j + n - 1 and is missed the day after it."""
        key = (n, first, last)
        if key not in self._fewest:
            lo, hi = first.toordinal(), last.toordinal()
            days = [o for year in range(first.year, last.year + 1) for o in self._workdays_of(year) if lo <= o <= hi]
            self._fewest[key] = 1 if n < 1 else min(
                (days[j + n - 1] - days[j] + 2 for j in range(len(days) - n + 1)),
                default=(last - first).days + 2)   # no n working days in the range: nothing is late in it
        return self._fewest[key]

    def next_workday(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        while not self.is_workday(d):
            d += timedelta(days=1)
        return d

    def add_days(self, start: date, n: int) -> date:
        """The deadline of "within n days": start + n, moved to the next working day (民法典 第二百零三条)."""
        return self.next_workday(start + timedelta(days=n))

    def is_late(self, formed: date, published: date, n: int, unit: str = "workdays") -> bool:
        deadline = self.add_workdays(formed, n) if unit == "workdays" else self.add_days(formed, n)
        return published > deadline

    def table(self, first: date, last: date):
        """Rows (iso date, working days counted from ``first`` up to and including it, is workday,
        next working day on or after it) for every day in [first, last]: the SQL rules join on it."""
        rows, count, d = [], 0, first
        while d <= last:
            wd = self.is_workday(d)
            count += wd
            rows.append([d.isoformat(), count, int(wd)])
            d += timedelta(days=1)
        # next working day on or after each day, filled backwards; past the end: weekends-only guess
        nxt = self.next_workday(last + timedelta(days=1))
        for row in reversed(rows):
            if row[2]:
                nxt = date.fromisoformat(row[0])
            row.append(nxt.isoformat())
        return rows


@lru_cache(maxsize=None)
def default_calendar() -> Calendar:
    return Calendar()


def is_workday(d: date) -> bool:
    return default_calendar().is_workday(d)


def workdays_between(start: date, end: date) -> int:
    return default_calendar().workdays_between(start, end)


def add_workdays(start: date, n: int) -> date:
    return default_calendar().add_workdays(start, n)
