"""A column's list page -> its entries (title, absolute URL, listed date).

The main list is found, not configured: every repeated structure holding links (``ul > li``,
``table > tr``, ``div > div``, ``dl > dd`` …) is scored by how many of its items look like entries —
one main link with a real title, ideally a date, a document-like URL — and the best one wins.
Navigation, breadcrumbs, footers, hot-news/related boxes and pagers lose on those grounds or are
excluded outright. Hanweb ``<datastore>`` records, JSON list answers and the hidden static groups
of TRS 动静结合 pages (``trs``) are read directly.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from . import dom, hanweb, jsonlist, trs
from .dates import china_today, parse_date, parse_month_day, url_date
from .selectors import select, select_relative

PAGER_TEXT = re.compile(
    r"^(?:首页|尾页|末页|上一页|下一页|上页|下页|前页|后页|上一篇|下一篇|返回|更多|更多>+|查看更多|more>*|"
    r"第?\s*\d+\s*页?|[<>«»‹›]+|next|prev(?:ious)?|last|first|go|跳转|确定|打印|关闭|收藏|分享)$",
    re.I,
)
_BULLET = re.compile(r"^[·•●◆◇■□▪▶►>»\-\s\u3000]+")
_DATE_TEXT = (r"[\[(（【]?\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
              r"\s*[\])）】]?")
_EDGE_DATE = re.compile(_DATE_TEXT)
# A date printed before or after a link's title ("2024-03-01 关于…", "关于… [2024-03-01]") is the
# listing date; one inside it ("上海2022年4月24日，新增…") is part of the title.
_LEADING_DATE = re.compile(r"^\s*" + _DATE_TEXT)
_TRAILING_DATE = re.compile(_DATE_TEXT + r"\s*$")
_DOC_URL = re.compile(r"(?:/t\d{8}_\d+|/art/\d{4}/|/content/(?:post|mpost)_\d+|/\d{6}/[0-9a-f]{16,}|"
                      r"/\d{4}-?\d{2}/\d{2}/|content_\d+|/\d{6,}\.s?html?$|[?&](?:id|docid|articleid|infoid)=)",
                      re.I)
# Column/list pages rather than documents: directories, index/list pages (with their query).
_DIR_URL = re.compile(r"(?:/|/(?:index|list|default|more|column|channel)\w*\.(?:s?html?|jsp|aspx?|php|do)"
                      r"(?:\?[^/]*)?|/col/col\d+/index\.html)$", re.I)
_DATE_HEADERS = ("发布日期", "发布时间", "公开日期", "上网日期", "公布日期", "发文日期", "日期", "时间")
_TEXTLESS = re.compile(r"^[\W_\d]*$")
# Link texts that name an action, not the document: the title is then the item's other text.
_ACTION = re.compile(r"^[\[【(（]?(?:查看|详情|详细|详细内容|查看详情|阅读全文|全文|点击查看|进入|浏览|more)[\]】)）]?\s*[>»]*$",
                     re.I)
MAX_CLIMB = 7


@dataclass
class _Entry:
    title: str
    url: str
    date: date | None
    doc_like: bool
    dir_like: bool
    multi: bool
    el: object


def extract_entries(html, url: str, *, overrides: dict | None = None) -> list[dict]:
    """``[{"title", "url" (absolute), "date" (date or None)}]`` of the page's main list."""
    limit = china_today()
    if isinstance(html, bytes):
        from .encoding import decode_html
        html = decode_html(html)
    html = html or ""
    overrides = overrides or {}

    data = jsonlist.load(html)
    if data is not None:
        return _dedupe([
            {"title": dom.squash(t), "url": u, "date": d}
            for t, href, d in jsonlist.entries(data, limit)
            if (u := dom.absolute(url, href))
        ])

    store = hanweb.find(html)
    if store is not None and store.records and not _has_override(overrides):
        out = []
        for fragment in store.records:
            root = dom.parse(f"<html><body><div>{fragment}</div></body></html>")
            body = root.find("body")
            item = body[0] if body is not None and len(body) else root
            entry = _entry(item, url, limit)
            if entry is not None:
                out.append(_as_dict(entry))
        return _dedupe(out)

    root = dom.parse(html)
    base = dom.base_url(root, url)
    if _has_override(overrides):
        return _dedupe(_with_overrides(root, base, overrides, limit))
    own = url.split("#", 1)[0]
    groups = trs.static_groups(root)
    if groups:
        # TRS 动静结合: the first pages of the list, each a hidden group; all of them, in record order.
        return _dedupe([_as_dict(e) for g in groups for e in _group_entries(g, base, limit) if e.url != own])
    return _dedupe([_as_dict(e) for e in _main_list(root, base, limit) if e.url != own])


def _group_entries(group, base: str, limit: date) -> list[_Entry]:
    """The entries of one static group: its innermost rows (``li``, ``tr``, ``dd``) holding a link."""
    rows = [el for el in group.iter("li", "tr", "dd")
            if next(el.iter("a"), None) is not None and not any(c is not el for c in el.iter("li", "tr", "dd"))]
    entries = [_entry(row, base, limit) for row in rows]
    return [e for e in entries if e is not None and not e.multi]


def _has_override(overrides: dict) -> bool:
    return any(overrides.get(k) for k in ("list_container", "entry", "entry_title", "entry_date"))


def _as_dict(entry: _Entry) -> dict:
    return {"title": entry.title, "url": entry.url, "date": entry.date}


def _dedupe(entries: list[dict]) -> list[dict]:
    seen, out = set(), []
    for e in entries:
        if e["url"] in seen or not e["title"]:
            continue
        seen.add(e["url"])
        out.append(e)
    return out


# -- one entry ---------------------------------------------------------------------------------

def link_title(a) -> str:
    """Title of a list link: its ``title`` attribute when the text is a truncation of it."""
    text = _BULLET.sub("", _strip_edge_dates(dom.inline_text(a))).strip()
    attr = dom.squash(a.get("title"))
    if attr and not PAGER_TEXT.match(attr):
        stem = re.sub(r"(?:\.{2,}|…+|\.\.\.)$", "", text).strip()
        if not text or stem != text or (stem and attr.startswith(stem[: max(2, len(stem) - 2)])) \
                or (len(attr) > len(text) and text in attr):
            return attr
    return dom.squash(text)


def _strip_edge_dates(text: str) -> str:
    return _TRAILING_DATE.sub(" ", _LEADING_DATE.sub(" ", text))


def _entry(item, base: str, limit: date, date_cell=None) -> _Entry | None:
    links = []
    for a in item.iter("a"):
        href = dom.absolute(base, a.get("href"))
        if not href:
            continue
        title = link_title(a)
        if len(title) < 2 or PAGER_TEXT.match(title) or _TEXTLESS.match(title):
            continue
        links.append((a, href, title))
    if not links:
        return None
    a, href, title = max(links, key=lambda x: (not _ACTION.match(x[2]), len(x[2])))
    long_urls = {h for _, h, t in links if len(t) >= 8}
    multi = len(long_urls) > 1 or len({h for _, h, _ in links}) > 2
    if _ACTION.match(title):
        rest = _EDGE_DATE.sub(" ", dom.inline_text(item).replace(dom.inline_text(a), " "))
        rest = _BULLET.sub("", dom.squash(rest))
        if len(rest) < 4:
            return None
        title = rest
    day = None
    if date_cell is not None:
        day = parse_date(dom.inline_text(date_cell), not_after=limit)
    if day is None:
        rest = dom.inline_text(item)
        link_text = dom.inline_text(a)
        if link_text:
            rest = rest.replace(link_text, " ", 1)
        day = parse_date(rest, not_after=limit)
        if day is None:
            edge = _LEADING_DATE.search(link_text) or _TRAILING_DATE.search(link_text)
            day = parse_date(edge.group(0), not_after=limit) if edge else None
        if day is None:
            day = parse_month_day(rest, near=url_date(href), not_after=limit)
    return _Entry(title, href, day, bool(_DOC_URL.search(href)), bool(_DIR_URL.search(href)), multi, item)


# -- the main list -----------------------------------------------------------------------------

def _main_list(root, base: str, limit: date) -> list[_Entry]:
    containers: dict = {}
    order: dict = {}
    for i, a in enumerate(root.iter("a")):
        if not a.get("href"):
            continue
        child, parent = a, a.getparent()
        for _ in range(MAX_CLIMB):
            if parent is None or not isinstance(parent.tag, str) or parent.tag in ("html",):
                break
            items = containers.setdefault(parent, {})
            items.setdefault(child, None)
            order.setdefault(parent, i)
            child, parent = parent, parent.getparent()

    best, best_score, best_entries = None, 0.0, []
    noise: dict = {}
    for container, items in containers.items():
        if _noisy(container, noise):
            continue
        entries = _score_entries(container, items, base, limit)
        if not _acceptable(entries):
            continue
        score = _score(container, entries)
        if score > best_score:
            best, best_score, best_entries = container, score, entries
    if best is None:
        return []
    entries = list(best_entries)
    # Lists split into several same-class blocks (five <ul> of five <li>) are one list.
    parent = best.getparent()
    if parent is not None:
        siblings = [s for s in parent if s is not best and s.tag == best.tag
                    and (s.get("class") or "") == (best.get("class") or "") and s in containers]
        for s in siblings:
            more = [e for e in _score_entries(s, containers[s], base, limit) if not e.multi]
            if more and _acceptable(more):
                entries.extend(more)
        if siblings:
            position = {el: i for i, el in enumerate(parent.iter())}
            entries.sort(key=lambda e: position.get(e.el, 0))
    return [e for e in entries if not e.multi]


def _noisy(el, memo: dict) -> bool:
    """dom.in_noise with a memo: containers share most of their ancestors (iterative: deep
    malformed trees exceed the recursion limit)."""
    chain = []
    result = False
    while el is not None and isinstance(el.tag, str) and el.tag not in ("html", "body"):
        if el in memo:
            result = memo[el]
            break
        chain.append(el)
        el = el.getparent()
    for node in reversed(chain):
        result = result or dom.is_noise(node)
        memo[node] = result
    return memo[chain[0]] if chain else result


def _score_entries(container, items: dict, base: str, limit: date) -> list[_Entry]:
    header_index = _date_column(container)
    out = []
    for item in items:
        if not isinstance(item.tag, str):
            continue
        cell = None
        if header_index is not None:
            cells = [c for c in item if isinstance(c.tag, str)]
            if header_index < len(cells):
                cell = cells[header_index]
        entry = _entry(item, base, limit, cell)
        if entry is not None:
            if entry.date is None:
                entry.date = _date_beside(item, items, limit)
            out.append(entry)
    return out


def _date_beside(item, items: dict, limit: date) -> date | None:
    """The date of a row laid out as sibling cells without a row element — ``<dl><dd><a …></dd>
    <dd>2025-03-10</dd>…`` — sits in the link-less sibling right after the item."""
    sibling = item.getnext()
    while sibling is not None and not isinstance(sibling.tag, str):
        sibling = sibling.getnext()
    if sibling is None or sibling in items:
        return None
    text = dom.inline_text(sibling)
    if len(text) > 30:
        return None
    return parse_date(text, not_after=limit)


def _score(container, entries: list[_Entry]) -> float:
    good = [e for e in entries if not e.multi]
    if not good:
        return 0.0
    score = 0.0
    for e in good:
        score += 1.0 + (1.2 if e.date else 0.0) + min(len(e.title), 30) / 30
        score += 0.5 if e.doc_like else 0.0
        score -= 0.7 if e.dir_like else 0.0
    avg = sum(len(e.title) for e in good) / len(good)
    dated = sum(1 for e in good if e.date)
    if avg < 6 and not dated:
        score *= 0.3  # a menu: short labels, no dates
    # Rows of one list look alike; a wrapper whose "items" are a breadcrumb, a table and a pager
    # does not.
    shapes = Counter((e.el.tag, e.el.get("class") or "") for e in good)
    score *= shapes.most_common(1)[0][1] / len(good)
    children = sum(1 for c in container if isinstance(c.tag, str))
    if children:
        score *= (len(good) / max(children, len(good))) ** 0.3
    if len(entries) > len(good):
        score *= 0.5 ** (len(entries) - len(good))
    return score


def _acceptable(entries: list[_Entry]) -> bool:
    good = [e for e in entries if not e.multi]
    if not good:
        return False
    if any(e.date for e in good):
        return True
    docs = sum(1 for e in good if e.doc_like)
    dirs = sum(1 for e in good if e.dir_like)
    if dirs * 2 > len(good):
        return False  # links to columns (a menu or tree), not documents
    avg = sum(len(e.title) for e in good) / len(good)
    return len(good) >= 2 and (avg >= 8 or docs * 2 >= len(good))


def _date_column(container) -> int | None:
    """Index of the publication-date column when a header row names it (发布日期 vs 成文日期)."""
    header = None
    for child in container:
        if not isinstance(child.tag, str):
            continue
        if child.tag in ("thead", "tbody"):
            for row in child:
                if isinstance(row.tag, str):
                    header = row
                    break
        else:
            header = child
        break
    if header is None or next(header.iter("a"), None) is not None:
        return None
    cells = [dom.inline_text(c) for c in header if isinstance(c.tag, str)]
    if len(cells) < 2:
        return None
    for word in _DATE_HEADERS:
        for i, text in enumerate(cells):
            if word in text and not ("成文" in text and word in ("日期", "时间")):
                return i
    return None


# -- overrides ---------------------------------------------------------------------------------

def _with_overrides(root, base: str, overrides: dict, limit: date) -> list[dict]:
    containers = [el for el in select(root, overrides.get("list_container")) if not isinstance(el, str)] \
        if overrides.get("list_container") else [root]
    items = []
    for container in containers:
        if overrides.get("entry"):
            found = select(root, overrides["entry"], within=container)
        elif overrides.get("list_container"):
            found = [c for c in container if isinstance(c.tag, str)]
        else:
            found = [e.el for e in _main_list(root, base, limit)]
        items.extend(el for el in found if not isinstance(el, str))
    out = []
    for item in items:
        entry = _entry(item, base, limit)
        title = entry.title if entry else None
        href = entry.url if entry else None
        day = entry.date if entry else None
        if overrides.get("entry_title"):
            picked = select_relative(item, overrides["entry_title"])
            if picked:
                first = picked[0]
                if isinstance(first, str):
                    title = dom.squash(first)
                else:
                    title = link_title(first) if first.tag == "a" else dom.inline_text(first)
                    href = dom.absolute(base, first.get("href")) or href
        if overrides.get("entry_date"):
            picked = select_relative(item, overrides["entry_date"])
            text = " ".join(p if isinstance(p, str) else dom.inline_text(p) for p in picked)
            day = parse_date(text, not_after=limit)
        if title and href:
            out.append({"title": title, "url": href, "date": day})
    return out


_TOTAL_KEYS = ("total", "totalcount", "total_count", "totalrecord", "totalrecords", "recordcount")


def list_total(text: str) -> int | None:
    """The number of entries a list page says its column holds (Hanweb totalrecord, JSON total), if it says."""
    store = hanweb.find(text)
    if store is not None and store.total is not None:
        return store.total
    info = trs.page_info(text)
    if info is not None:
        return info.records
    data = jsonlist.load(text)
    for obj in (data, *(data.values() if isinstance(data, dict) else ())):
        if isinstance(obj, dict):
            for key, value in obj.items():
                if str(key).lower() in _TOTAL_KEYS and str(value).isdigit():
                    return int(value)
    return None
