"""Dates as Chinese government pages print them.

Regular expressions cover every format seen on portals (see portals.md) in microseconds;
dateparser is only a last resort for short leftovers such as "May 16, 2023" because it costs
milliseconds per call and imports slowly.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

EARLIEST = date(1990, 1, 1)
CHINA = timezone(timedelta(hours=8))

_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "０": 0,
             "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "〇○零Ｏ一二两三四五六七八九十廿"

_YMD_CN = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})(?!\d)\s*[日号]?")
_YMD_SEP = re.compile(r"(?<![\d.])(\d{4})\s?([-/.])\s?(\d{1,2})\s?\2\s?(\d{1,2})(?![\d])")
_YMD_CN_NUM = re.compile(
    r"([〇○零Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,2})\s*月\s*([一二三四五六七八九十廿]{1,3})\s*日"
)
# Compact 20230516 only when it stands alone (a list cell), never inside URLs or serial numbers.
_YMD_COMPACT = re.compile(r"^\s*[\[(（【]?((?:19|20)\d{2})(\d{2})(\d{2})[\])）】]?\s*$")

_dateparser = None


def china_today() -> date:
    return datetime.now(CHINA).date()


def _cn_number(text: str) -> int | None:
    """一 .. 三十一 (also 廿 for twenty) as an int."""
    text = text.replace("廿", "二十")
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN_DIGIT.get(tens, None) if tens else 1
        o = _CN_DIGIT.get(ones, None) if ones else 0
        if t is None or o is None:
            return None
        return t * 10 + o
    if len(text) == 1:
        return _CN_DIGIT.get(text)
    return None


def _valid(y: int, m: int, d: int, not_after: date) -> date | None:
    try:
        value = date(y, m, d)
    except ValueError:
        return None
    return value if EARLIEST <= value <= not_after else None


def _candidates(text: str):
    """(position, y, m, d) of every date-looking run, in any order."""
    for m in _YMD_CN.finditer(text):
        yield m.start(), int(m.group(1)), int(m.group(2)), int(m.group(3))
    for m in _YMD_SEP.finditer(text):
        yield m.start(), int(m.group(1)), int(m.group(3)), int(m.group(4))
    for m in _YMD_CN_NUM.finditer(text):
        year = "".join(str(_CN_DIGIT.get(c, "")) for c in m.group(1))
        month, day = _cn_number(m.group(2)), _cn_number(m.group(3))
        if len(year) == 4 and month and day:
            yield m.start(), int(year), month, day


def find_dates(text: str | None, *, not_after: date | None = None) -> list[date]:
    """Every valid date in ``text``, in reading order."""
    if not text:
        return []
    limit = not_after or china_today()
    # NFKC turns full-width digits and punctuation (２０２３－０５－１６) into ASCII.
    norm = unicodedata.normalize("NFKC", text) if not text.isascii() else text
    found = sorted(set(_candidates(norm)))
    out = []
    for _, y, m, d in found:
        value = _valid(y, m, d, limit)
        if value is not None:
            out.append(value)
    return out


def parse_date(text: str | None, *, not_after: date | None = None) -> date | None:
    """The first date in ``text`` that lies in 1990-01-01 .. ``not_after`` (default: today in China).

    Dates outside that range are skipped, so "1985年…2023-05-16" gives 2023-05-16 and a lone
    future or pre-1990 date gives None.
    """
    if not text or not isinstance(text, str):
        return None
    text = text[:100_000]
    limit = not_after or china_today()
    dates = find_dates(text, not_after=limit)
    if dates:
        return dates[0]
    m = _YMD_COMPACT.match(text)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)), limit)
    if _has_date_digits(text):
        return None  # a Chinese-style date that failed the range check: no second opinion
    return _dateparser_fallback(text, limit)


def _has_date_digits(text: str) -> bool:
    norm = unicodedata.normalize("NFKC", text)
    return bool(_YMD_CN.search(norm) or _YMD_SEP.search(norm) or _YMD_CN_NUM.search(norm))


def _dateparser_fallback(text: str, limit: date) -> date | None:
    """Absolute dates in other spellings ("May 16, 2023", "16 May 2023"); short text only."""
    text = text.strip()
    if not (6 <= len(text) <= 40) or not re.search(r"\d{4}", text) or not re.search(r"[A-Za-z]{3}", text):
        return None
    global _dateparser
    if _dateparser is None:
        try:
            import dateparser
        except ImportError:  # optional at run time; the regexes cover Chinese formats
            return None
        _dateparser = dateparser
    try:
        value = _dateparser.parse(
            text, languages=["en", "zh"],
            settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"],
                      "PARSERS": ["absolute-time"], "RETURN_AS_TIMEZONE_AWARE": False},
        )
    except Exception:  # dateparser raises assorted errors on odd input; it is only a fallback
        return None
    if value is None:
        return None
    day = value.date()
    return day if EARLIEST <= day <= limit else None


# -- lists that print only month and day -------------------------------------------------------

_MONTH_DAY = re.compile(
    r"(?<![\d\-/.:])(0?[1-9]|1[0-2])\s*(?:[-/.]|月)\s*(0?[1-9]|[12]\d|3[01])(?:\s*日)?(?![\d\-/.:])")
_URL_DATES = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?=_)"),                 # TRS t20230516_123.html
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),                       # Hanweb /art/2023/5/16/
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"),                          # /2023-05/16/
    re.compile(r"/((?:19|20)\d{2})(\d{2})/"),                                    # /202305/ (day unknown)
)


def url_date(url: str | None) -> date | None:
    """The date a detail URL encodes (``t20230516_``, ``/2023/5/16/``, ``/202305/``); a hint, not a fact:
    portals list a date of their own that may differ by days."""
    for pattern in _URL_DATES:
        m = pattern.search(url or "")
        if m:
            parts = [int(g) for g in m.groups()] + [1]
            try:
                return date(parts[0], parts[1], parts[2])
            except ValueError:
                continue
    return None


def parse_month_day(text: str | None, *, near: date | None, not_after: date | None = None) -> date | None:
    """A list date printed without its year (``(05-16)``, ``5月16日``), placed in the year that puts it
    closest to ``near`` (the date the entry's URL encodes). Without ``near`` the year is unknown: None."""
    if not text or near is None:
        return None
    m = _MONTH_DAY.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    limit = not_after or china_today()
    month, day = int(m.group(1)), int(m.group(2))
    options = [d for d in (_valid(y, month, day, limit) for y in (near.year - 1, near.year, near.year + 1)) if d]
    return min(options, key=lambda d: abs((d - near).days)) if options else None
