"""Helpers shared by the HTML report, the exports and the sample checklist."""
from __future__ import annotations

import gc
import hashlib
import html
import json
import re
from contextlib import contextmanager
from datetime import date

# Names have one source each (the catalog, the rule modules); re-exported for the report's modules.
from checks.catalog import LEVEL_NAMES  # noqa: F401
from checks.wording import RULE_NAMES, SEVERITY_NAMES  # noqa: F401
from crawler.exceptions import ZwgkError

STATUS_NAMES = {"running": "进行中", "finished": "已完成", "interrupted": "已中断", "failed": "失败"}

# Evidence keys that hold the date an inspector quotes for a finding, most telling first.
DATE_KEYS = ("published", "list_date", "newest_date", "written", "date", "due", "deadline", "last_seen", "fetched_at")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


# Characters a spreadsheet reads as the start of a formula (OWASP "CSV injection"), including the
# full-width forms that CJK spreadsheet software converts on input.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Explicit bidirectional controls (embeddings, overrides, isolates, marks): stored text taken from a
# portal may carry them, and U+202E shows the rest of a line reversed.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def spreadsheet_cell(value):
    """A stored value as a CSV cell: text a spreadsheet would run as a formula gets a leading ``'``.
    Every CSV writer (exports, ``zwgk findings``/``zwgk catalog --format csv``) goes through this."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def spreadsheet_row(row):
    """``spreadsheet_cell`` over a dict (for csv.DictWriter) or a sequence (for csv.writer)."""
    if isinstance(row, dict):
        return {key: spreadsheet_cell(value) for key, value in row.items()}
    return [spreadsheet_cell(value) for value in row]


# What xlsx_text drops, as one character class: the control characters XML cannot hold (openpyxl's
# ILLEGAL_CHARACTERS_RE: \x00-\x08, \x0b, \x0c, \x0e-\x1f) and the bidi controls. One pass over
# the text: a notice's annex is tens of megabytes.
XLSX_DROPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f" + BIDI_CONTROLS.pattern[1:])


def xlsx_text(value):
    """A stored value as XLSX cell text: without the control characters XML cannot hold and without
    bidi controls (a cell has no way to isolate them, so they are dropped)."""
    if isinstance(value, str):
        return XLSX_DROPPED.sub("", value)
    return value


def escape(text: str, quote: bool = True) -> str:
    """``html.escape(text, quote)``, the same text, without its five passes over a string that holds
    nothing to escape: most of a report's values (names, URLs, dates) hold none, and a province's
    report escapes a million of them."""
    if "&" in text or "<" in text or ">" in text or (quote and ('"' in text or "'" in text)):
        return html.escape(text, quote)
    return text


@contextmanager
def without_gc_pauses():
    """Python's cyclic garbage collector off while a report or a notice is built, on again after.
    A province's run holds about a million long-lived objects (findings, their cells) and the build
    creates next to no reference cycles, so each full collection walks them all for nothing (about a
    second of the render and the notice of 150 sites)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class ReportError(ZwgkError, ValueError):
    """A request the report layer cannot serve; the message is one line for the user."""


_RULE_INDEX = {rule: n for n, rule in enumerate(RULE_NAMES)}


def rule_order(rule: str) -> tuple[int, str]:
    return (_RULE_INDEX.get(rule, len(_RULE_INDEX)), rule)


HTTP_URL = re.compile(r"\s*https?://[^\s/?#\\]", re.IGNORECASE)


def is_http_url(value) -> bool:
    """An absolute http(s) URL with a host: the only kind the report and the exports turn into links."""
    return isinstance(value, str) and HTTP_URL.match(value) is not None


def slug(site_id: str) -> str:
    """A file-name-safe, collision-free stand-in for a site id (ids are [a-z0-9-]+ when configured)."""
    if SLUG.fullmatch(site_id or ""):
        return site_id
    return "x" + hashlib.sha1((site_id or "").encode("utf-8")).hexdigest()[:16]


def load_evidence(value) -> dict:
    if isinstance(value, dict):
        return value
    try:
        data = json.loads(value or "{}")
    except (TypeError, ValueError):
        return {"raw": value}
    return data if isinstance(data, dict) else {"value": data}


def finding_date(finding: dict) -> str | None:
    """The date a finding is about (publication, listing, newest entry...), from its evidence."""
    evidence = finding.get("evidence") or {}
    for key in DATE_KEYS:
        value = evidence.get(key)
        if isinstance(value, str) and ISO_DATE.match(value):
            return value[:10]
    for value in evidence.values():
        if isinstance(value, str) and ISO_DATE.match(value):
            return value[:10]
    return None


def _urls_in(value, out: list):
    if isinstance(value, str):
        if is_http_url(value):
            out.append(value)
    elif isinstance(value, list):
        for item in value:
            _urls_in(item, out)
    elif isinstance(value, dict):
        for item in value.values():
            _urls_in(item, out)


def evidence_urls(finding: dict) -> list[str]:
    """The finding's page first, then every other URL its evidence names, without repeats."""
    urls = []
    for value in (finding.get("url"), finding.get("column_url")):
        if is_http_url(value):
            urls.append(value)
    _urls_in(finding.get("evidence") or {}, urls)
    return list(dict.fromkeys(urls))


def days_between(earlier: str | None, later: date) -> int | None:
    if not earlier or not ISO_DATE.match(earlier):
        return None
    try:
        return (later - date.fromisoformat(earlier[:10])).days
    except ValueError:
        return None


def run_as_of(run: dict) -> date:
    """The check date of a run; an unchecked run is read as of the day it started."""
    for value in (run.get("as_of"), (run.get("started_at") or "")[:10]):
        if value:
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                pass
    return date.today()
