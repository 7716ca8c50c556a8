"""JSON list answers (gkmlpt ``/gkmlpt/api/all/{id}?page=N``, jpaas and similar front ends).

No fixed schema: the largest list of objects carrying a title-like and a URL-like key is the
list; a total/page-count key, if any, gives the other pages.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .dates import CHINA, EARLIEST, parse_date

_TITLE_KEYS = ("title", "doctitle", "doc_title", "name", "articletitle", "subject", "filename", "wjmc", "bt",
               "zcmc", "title_name", "titlename", "maintitle")
_URL_KEYS = ("url", "post_url", "link", "href", "docurl", "docpuburl", "linkurl", "art_url", "detailurl",
             "pageurl", "puburl", "weburl", "infourl", "contenturl", "htmlurl", "fileurl", "chnldocurl")
# Publication first; creation/update times only when nothing better exists.
_DATE_KEYS = ("display_publish_time", "publish_time", "publishtime", "publish_date", "publishdate", "pubdate",
              "pub_date", "docreltime", "docpubtime", "fbrq", "fbsj", "first_publish_time", "releasetime",
              "release_date", "date", "time", "created_at", "create_time", "createtime", "crtime")
# A gkmlpt article (it names its ``classify_main``) says 成文日期 in ``date``; its 发布日期 is
# ``first_publish_time``/``create_time``.
_GKMLPT_DATE_KEYS = ("first_publish_time", "create_time")
_TOTAL_KEYS = ("total", "totalcount", "total_count", "totalrecord", "totalrecords", "recordcount", "count")
_PAGES_KEYS = ("page_count", "pagecount", "totalpage", "total_page", "totalpages", "pages", "pagetotal")
_SIZE_KEYS = ("per_page", "perpage", "pagesize", "page_size", "limit", "rows_per_page", "size")
_PAGE_PARAMS = ("page", "pageno", "pagenum", "pageindex", "page_no", "curpage", "currentpage", "p", "pn")
_JSONP = re.compile(r"^\s*[\w$.]+\s*\(\s*(.*?)\s*\)\s*;?\s*$", re.S)
MAX_PAGES = 2000


def load(text: str):
    """The parsed JSON of a JSON (or JSONP) body, or None for anything else."""
    if not text:
        return None
    stripped = text.strip().lstrip("\ufeff")
    if not stripped or stripped[0] not in "{[":
        m = _JSONP.match(stripped[:10_000_000])
        if not m or m.group(1)[:1] not in ("{", "["):
            return None
        stripped = m.group(1)
    try:
        return json.loads(stripped)
    except (ValueError, RecursionError):
        return None


def _key(obj: dict, names) -> str | None:
    lowered = {k.lower(): k for k in obj if isinstance(k, str)}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def _lists(data, depth=0):
    if depth > 6:
        return
    if isinstance(data, list):
        if data and all(isinstance(x, dict) for x in data[:50]):
            yield data
        for x in data[:50]:
            if isinstance(x, (dict, list)):
                yield from _lists(x, depth + 1)
    elif isinstance(data, dict):
        for v in data.values():
            if isinstance(v, (dict, list)):
                yield from _lists(v, depth + 1)


def article_list(data) -> list[dict] | None:
    best = None
    for items in _lists(data):
        good = [x for x in items if _key(x, _TITLE_KEYS) and _key(x, _URL_KEYS)]
        if len(good) * 2 >= len(items) and (best is None or len(good) > len(best)):
            best = good
    return best


def to_date(value, limit: date) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit() and len(value) in (10, 13)):
        number = float(value)
        if number > 1e11:  # milliseconds
            number /= 1000
        try:
            day = datetime.fromtimestamp(number, CHINA).date()
        except (OverflowError, OSError, ValueError):
            return None
        return day if EARLIEST <= day <= limit else None
    if isinstance(value, str):
        return parse_date(value, not_after=limit)
    return None


def entries(data, limit: date) -> list[tuple[str, str, date | None]]:
    """(title, url as written, date) of the list's items."""
    items = article_list(data) or []
    out = []
    for item in items:
        title = item.get(_key(item, _TITLE_KEYS))
        url = item.get(_key(item, _URL_KEYS))
        if not isinstance(title, str) or not isinstance(url, str) or not url.strip():
            continue
        day = None
        for name in (_GKMLPT_DATE_KEYS if "classify_main" in item else _DATE_KEYS):
            key = _key(item, (name,))
            if key is not None:
                day = to_date(item[key], limit)
                if day:
                    break
        out.append((title, url.strip(), day))
    return out


def _number(data, names) -> int | None:
    if not isinstance(data, dict):
        return None
    key = _key(data, names)
    value = data.get(key) if key else None
    if isinstance(value, bool):
        return None
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def page_urls(data, url: str) -> list[str]:
    """Every page of this JSON list but the current one, numbered like the current URL."""
    items = article_list(data) or []
    containers = [data] + [v for v in data.values() if isinstance(v, dict)] if isinstance(data, dict) else []
    pages = total = size = None
    for c in containers:
        pages = pages or _number(c, _PAGES_KEYS)
        total = total or _number(c, _TOTAL_KEYS)
        size = size or _number(c, _SIZE_KEYS)
    if not pages and total:
        per = size or len(items)
        if per:
            pages = -(-total // per)
    if not pages or pages < 2:
        return []
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    param = next((k for k, _ in query if k.lower() in _PAGE_PARAMS), None)
    first = 1
    if param is None:
        param = "page"
        skip = 1  # the URL without a page number is page 1
    else:
        skip = None
        current = next(v for k, v in query if k == param)
        first = 0 if current == "0" else 1
        if current.isdigit() and int(current) > first:
            # A later page: the first one listed every page. Counting pages from this one's length
            # would take a short last page for the page size and ask for pages that do not exist.
            return []
    out = []
    for n in range(first, first + min(pages, MAX_PAGES)):
        if n == skip:
            continue
        new_query = [(k, str(n) if k == param else v) for k, v in query]
        if not any(k == param for k, _ in query):
            new_query.append((param, str(n)))
        out.append(urlunsplit(parts._replace(query=urlencode(new_query, safe="/:%"))))
    return [u for u in out if u != url]
