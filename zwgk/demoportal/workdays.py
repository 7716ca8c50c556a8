"""Working days as the checks count them (State Council holiday notices, incl. 调休 weekend workdays).

Uses ``chinese_calendar`` when it knows the year and falls back to Monday..Friday otherwise, so the
demo portal never fails on a year outside the library's table.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

try:  # installed with the project (dependency "chinesecalendar")
    import chinese_calendar as _cc
except ImportError:  # pragma: no cover - the fallback is only for stripped-down environments
    _cc = None


# Cached: chinese_calendar checks the date against its whole table on every call (~60 µs), and the
# portal asks about the same few thousand days over and over (18,000 documents at scale 10).
@lru_cache(maxsize=None)
def is_workday(d: date) -> bool:
    if _cc is not None:
        try:
            return bool(_cc.is_workday(d))
        except NotImplementedError:
            pass
    return d.weekday() < 5


def add_workdays(d: date, n: int) -> date:
    """The n-th working day after d (n > 0) or before d (n < 0); d itself is never counted."""
    step = 1 if n >= 0 else -1
    left = abs(n)
    while left:
        d += timedelta(days=step)
        if is_workday(d):
            left -= 1
    return d


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (the 民法典 art. 201 counting)."""
    count, d = 0, start
    while d < end:
        d += timedelta(days=1)
        if is_workday(d):
            count += 1
    return count


def workday_on_or_before(d: date) -> date:
    while not is_workday(d):
        d -= timedelta(days=1)
    return d
