"""How dates, durations, times and legal bases are written in Chinese, the way a notice (通报) writes
them. Used by the rules' messages and evidence wording (``checks/wording.py``) and by every output
that shows them (report, exports, notice draft), so one date reads the same everywhere.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from dateutil.relativedelta import relativedelta

BEIJING = timezone(timedelta(hours=8))
ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def as_date(value) -> date | None:
    """A date from a ``date`` or an ISO text (time part ignored); None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        m = ISO_DAY.match(value.strip())
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


def zh_date(value) -> str:
    """2026-06-30 -> 2026年6月30日; text that is not an ISO date is returned as it is ("" for None)."""
    if isinstance(value, str):
        return _zh_date_text(value)
    return _zh_date(value)


@lru_cache(maxsize=8192)
def _zh_date_text(value: str) -> str:
    return _zh_date(value)   # a report writes the same few thousand dates tens of thousands of times


def _zh_date(value) -> str:
    day = as_date(value)
    if day is None:
        return "" if value is None else str(value)
    return f"{day.year}年{day.month}月{day.day}日"


def zh_duration(earlier, later) -> str:
    """The time from ``earlier`` to ``later`` as a notice writes it: 4年6个月, 3个月, 25天."""
    start, end = as_date(earlier), as_date(later)
    if start is None or end is None:
        return ""
    if end < start:
        start, end = end, start
    span = relativedelta(end, start)
    whole = (f"{span.years}年" if span.years else "") + (f"{span.months}个月" if span.months else "")
    return whole or f"{(end - start).days}天"   # under a month: in days


def beijing_time(value) -> str:
    """A stored timestamp (ISO, with its UTC offset; naive means UTC) in Beijing time, labelled:
    2026年6月30日 14:05（北京时间）."""
    if not value:
        return ""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(BEIJING)
    return f"{zh_date(local.date())} {local:%H:%M}（北京时间）"


_ARTICLES = re.compile(r"^(《[^》]+》(?:（[^）]*）)?)((?:第[^、；：，。]+?条(?:第[^、；：，。]+?[款项])?、?)+)$")


def dedupe_basis(text: str | None) -> str:
    """A legal basis with each document quoted once: parts separated by ``；`` that repeat (or are
    contained in an earlier part) are dropped, and articles of the same document are merged
    (《条例》第二十条、第二十一条；《条例》第二十一条 -> 《条例》第二十条、第二十一条)."""
    if not text:
        return ""
    parts: list[str] = []
    articles: dict[str, list[str]] = {}   # document -> its articles, for parts that are only articles
    for raw in re.split(r"[；;]\s*", text):
        part = raw.strip()
        if not part or any(part in earlier for earlier in parts):
            continue
        m = _ARTICLES.match(part)
        if m:
            doc, found = m[1], [a for a in m[2].split("、") if a]
            if doc in articles:
                articles[doc].extend(a for a in found if a not in articles[doc])
                continue
            articles[doc] = found
            parts.append(doc)
            continue
        parts.append(part)
    return "；".join(doc + "、".join(articles[doc]) if doc in articles else doc for doc in parts)


# Evidence wording is a list of lines; a line is a list of (text, url or None) segments, so the HTML
# report can link the URL while the exports and the notice print the text.
Segment = tuple[str, "str | None"]
Line = list


def titled(title, url, day=None) -> list:
    """“标题”（2026年6月30日） with the title linking its page; the URL stands in for a missing title."""
    out = [(f"“{title}”" if title else (url or "（无标题）"), url or None)]
    if day:
        out.append((f"（{zh_date(day)}）", None))
    return out


def page(label: str, url) -> Line:
    """标签：<url>, the URL linked."""
    return [(f"{label}：", None), (url, url)] if url else []
