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
from .template import PageProfile, Paths, SiteTemplate, shown

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


@dataclass
class ListReading:
    """What one list page says about its column: entries, or an empty list shown as such, or no list.

    ``found`` is False when the page shows neither entries nor any sign of an empty list: nothing
    can be concluded from it (the spider records ``list-not-found``). ``empty`` is the evidence of
    an empty list, in the words an inspector can check on the page (``暂无信息``, ``共0条``, an
    empty datastore, a JSON total of 0, or the site's list region present and empty).
    """
    entries: list[dict]
    found: bool
    empty: str | None = None
    evidence: str | None = None                 # page (the page itself says so) | template (the site's list region is empty)
    total: int | None = None
    region: str | None = None                   # where the list sits on the page (readable path)
    profile: PageProfile | None = None          # for learning the site's template


def extract_entries(html, url: str, *, overrides: dict | None = None) -> list[dict]:
    """``[{"title", "url" (absolute), "date" (date or None)}]`` of the page's main list."""
    return read_list(html, url, overrides=overrides).entries


def read_list(html, url: str, *, overrides: dict | None = None, template: SiteTemplate | None = None,
              profile: bool = False) -> ListReading:
    """The page's main list, whether an empty list is shown, or that no list was found.

    With the site's ``template`` (crawler.extraction.template), its boilerplate links are never
    entries and its list region, present and empty, is evidence of an empty column. With
    ``profile``, the reading carries what the page contributes to learning that template.
    """
    limit = china_today()
    if isinstance(html, bytes):
        from .encoding import decode_html
        html = decode_html(html)
    html = html or ""
    overrides = overrides or {}

    data = jsonlist.load(html)
    if data is not None:
        entries = _dedupe([
            {"title": dom.squash(t), "url": u, "date": d}
            for t, href, d in jsonlist.entries(data, limit)
            if (u := dom.absolute(url, href))
        ])
        total = list_total(html)
        empty = f"JSON 列表总数为 {total}" if not entries and total == 0 else None
        return ListReading(entries, bool(entries) or empty is not None, empty, "page" if empty else None, total)

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
        entries = _dedupe(out)
        return ListReading(entries, True, None, None, store.total)

    total = list_total(html)
    if not _has_override(overrides):
        empty = _empty_datastore(html)
        if empty is not None:
            # The column's list is its datastore, and it is empty: the page's other links are the
            # template around it.
            return ListReading([], True, empty, "page", total)
    root = dom.parse(html)
    base = dom.base_url(root, url)
    paths = Paths() if (template is not None or profile) else None
    markers = _empty_markers(root, html)
    ranked = [] if profile else None
    if _has_override(overrides):
        entries = _dedupe(_with_overrides(root, base, overrides, limit))
        container = None
    elif groups := trs.static_groups(root):
        # TRS 动静结合: the first pages of the list, each a hidden group; all of them, in record order.
        own = url.split("#", 1)[0]
        entries = _dedupe([_as_dict(e) for g in groups for e in _group_entries(g, base, limit) if e.url != own])
        container = None
    else:
        own = url.split("#", 1)[0]
        chosen, container = _main_list(root, base, limit, template, paths, ranked)
        chosen = [e for e in chosen if e.url != own]
        if container is not None and markers and not all(_peer_boxes(container, m) for _, m in markers):
            # The page says its list is empty: the links found elsewhere (a header bar, hot news, a
            # side box) are not this column's entries.
            chosen, container = [], None
        entries = _dedupe([_as_dict(e) for e in chosen])
    empty = evidence = None
    if not entries:
        if markers:
            empty, evidence = markers[0][0], "page"
        elif total == 0:
            # The platform's own record count (TRS 动静结合 pageChnlInfo): the list is empty.
            empty, evidence = "列表记录数为 0（页面脚本给出的总数）", "page"
        elif template is not None and template.region is not None and template.region in paths.all_ids(root):
            empty, evidence = f"列表区域为空（本站其他栏目页在“{template.region_shown}”处列出信息）", "template"
    reading = ListReading(entries, bool(entries) or empty is not None, empty, evidence, total,
                          shown(container) if container is not None else None)
    if profile:
        reading.profile = _profile(root, base, url, paths, ranked or [])
    return reading


# -- empty lists -------------------------------------------------------------------------------

# What portals print in an empty list: the whole text of its row, cell or box.
_EMPTY_PHRASE = re.compile(
    r"^[\W_]*(?:(?:本|该|此)?栏目)?(?:暂无|暂时没有|目前没有|目前暂无|没有|尚无|无)(?:相关|任何|符合条件的|可显示的|找到|查询到|检索到)?"
    r"(?:的)?(?:公开)?(?:政府)?(?:信息|数据|记录|内容|文章|文件|结果|条目|资料)(?:公开)?[\W_]*$"
    r"|^[\W_]*(?:查询|检索|搜索)?结果为空[\W_]*$|^[\W_]*no\s+(?:data|records?|results?)(?:\s+found)?[\W_]*$",
    re.I)
# A pager or counter saying there is nothing: 共0条, 共 0 条记录, 记录数：0, 总数：0, 共0页.
_ZERO_TOTAL = re.compile(
    r"(?:共|总共|总计|合计)\s*[:：]?\s*0\s*(?:条|篇|项|个|页)|(?:总?记录数?|总条数|信息总数|总数|条数)\s*[:：]\s*0(?![\d.])")
_MARKER_HINT = re.compile(r"暂无|没有|尚无|无相关|无信息|无数据|无记录|无内容|为空|no\s+(?:data|record|result)|"
                          r"[共计数][:：\s]*0(?![\d.])", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Elements whose visibility a front-end framework decides (v-if, ms-if, ng-if …): their text is a
# template, shown or not by script, and proves nothing about this page.
_SCRIPTED_ATTR = re.compile(r"^(?:v-|ms-|ng-|x-|:|@|\*ng|data-v-if|data-bind)", re.I)
_LISTISH = frozenset({"ul", "ol", "table", "tbody", "dl", "div", "section", "td", "tr", "li", "dd", "p", "span"})


def _empty_markers(root, html: str) -> list[tuple[str, object]]:
    """Visible empty-list markers outside navigation/footer boxes: (text as printed, element)."""
    if not _MARKER_HINT.search(html):
        return []
    out = []
    hidden: dict = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in dom.SKIP_TAGS:
            continue
        for text, owner in ((el.text, el), (el.tail, el.getparent())):
            if not text or owner is None or not _MARKER_HINT.search(text):
                continue
            found = None
            zero = _ZERO_TOTAL.search(text)
            if zero:
                found = dom.squash(zero.group(0))
            else:
                whole = dom.inline_text(owner)
                if len(whole) <= 40 and _EMPTY_PHRASE.match(whole):
                    found = whole.strip("!！。. ")
            if found and _visible(owner, hidden) and not dom.in_noise(owner):
                out.append((found, owner))
    return out


def _visible(el, memo: dict) -> bool:
    return not dom.any_ancestor(el, _hidden, memo)


def _hidden(el) -> bool:
    """Hidden, or shown only as a script decides (a front-end template)."""
    return (el.tag.lower() in dom.SKIP_TAGS or el.get("hidden") is not None
            or bool(_HIDDEN_STYLE.search(el.get("style") or ""))
            or any(_SCRIPTED_ATTR.match(str(k)) for k in el.attrib) or "{{" in (el.text or ""))


def _box_key(el) -> tuple:
    return (el.tag, el.get("class") or "", re.sub(r"\d+", "", el.get("id") or ""), el.get("width") or "")


def _peer_boxes(container, marker) -> bool:
    """Do the list found and the empty-list marker sit in two like boxes of one page (an aggregate
    column page: 政策文件 with entries beside 政策解读 showing 暂无信息)? Then the marker is that
    other box's, not this list's."""
    chain = {}
    node = container
    child = None
    while node is not None:
        chain[node] = child
        child, node = node, node.getparent()
    node, below = marker, None
    while node is not None and node not in chain:
        below, node = node, node.getparent()
    if node is None or below is None or chain[node] is None:
        return False  # one holds the other
    return _box_key(below) == _box_key(chain[node])


_DATASTORE = re.compile(r"<datastore\b", re.I)
_RECORD_TAG = re.compile(r"<record\b", re.I)
_DATASTORE_TOTAL = re.compile(r"<totalrecord>\s*(\d+)|totalRecord\s*[:=]\s*['\"]?(\d+)", re.I)


def _empty_datastore(html: str) -> str | None:
    """A Hanweb ``<datastore>`` holding no record, with a total of 0 or none at all."""
    if not _DATASTORE.search(html) or _RECORD_TAG.search(html):
        return None
    m = _DATASTORE_TOTAL.search(html)
    total = int(m.group(1) or m.group(2)) if m else None
    if total not in (0, None) or (total is None and "<nextgroup" in html.lower()):
        return None
    return "datastore 中没有记录" + ("（totalrecord 为 0）" if total == 0 else "")


# -- template profile ----------------------------------------------------------------------------

_PAGER_HINT = re.compile(r"^(?:下一页|下页|尾页|末页|上一页|上页)$|共\s*\d+\s*[条页]|第\s*\d+\s*/\s*\d+\s*页|"
                         r"^(?:下一页|尾页|末页)")


PROFILED_LISTS = 3


def _profile(root, base: str, url: str, paths: Paths, ranked: list) -> PageProfile:
    links: dict[int, tuple[str, str]] = {}
    pager = None
    for a in root.iter("a"):
        href = dom.absolute(base, a.get("href"))
        if not href:
            continue
        key = paths.link_key(a, href)
        links.setdefault(key, (dom.squash(dom.inline_text(a))[:40], href))
        if pager is None and _PAGER_HINT.search(dom.inline_text(a)) and a.getparent() is not None:
            pager = a.getparent()
    if pager is None:
        for el in root.iter():
            if isinstance(el.tag, str) and el.tag not in dom.SKIP_TAGS and el.text and _PAGER_HINT.search(el.text.strip()):
                pager = el
                break
    lists, seen = [], set()
    for _, container, entries in sorted(ranked, key=lambda r: -r[0]):
        urls = frozenset(e.url for e in entries)
        if urls in seen:
            continue  # the same list seen from a wrapper
        seen.add(urls)
        keys = frozenset(paths.link_key(a, h) for a in container.iter("a")
                         if (h := dom.absolute(base, a.get("href"))) in urls)
        lists.append((paths.of(container), shown(container), keys))
        if len(lists) >= PROFILED_LISTS:
            break
    return PageProfile(url, links, lists,
                       paths.of(pager) if pager is not None else None, shown(pager) if pager is not None else None)


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


def _entry(item, base: str, limit: date, date_cell=None, titles: dict | None = None,
           multi_dated: bool = True) -> _Entry | None:
    """``titles``: link_title of links already read (each link is read again for every container
    above it that is scored). ``multi_dated=False``: an item holding several entries (``multi``) is
    given no date, for a reader that only counts such items."""
    links = []
    for a in item.iter("a"):
        href = dom.absolute(base, a.get("href"))
        if not href:
            continue
        if titles is None:
            title = link_title(a)
        elif (title := titles.get(a)) is None:
            title = titles[a] = link_title(a)
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
    # An item holding several entries gets no date for a reader that only counts such items: the
    # date of a whole list's text would be most of the item's cost, and thrown away.
    if multi_dated or not multi:
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

def _main_list(root, base: str, limit: date, template: SiteTemplate | None = None,
               paths: Paths | None = None, ranked: list | None = None) -> tuple[list[_Entry], object]:
    """The entries of the best-scoring list on the page and its container (None without one).
    Links the site's template knows as boilerplate take no part; ``ranked`` (a list) receives every
    acceptable list as (score, container, entries)."""
    containers: dict = {}
    order: dict = {}
    skip = template.boilerplate if template is not None else ()
    for i, a in enumerate(root.iter("a")):
        if not a.get("href"):
            continue
        if skip:
            href = dom.absolute(base, a.get("href"))
            if href and paths.link_key(a, href) in skip:
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
    titles: dict = {}
    scored: dict = {}
    for container, items in containers.items():
        if _noisy(container, noise):
            continue
        entries = scored[container] = _score_entries(container, items, base, limit, titles)
        if not _acceptable(entries):
            continue
        score = _score(container, entries)
        if ranked is not None:
            ranked.append((score, container, [e for e in entries if not e.multi]))
        if score > best_score:
            best, best_score, best_entries = container, score, entries
    if best is None:
        return [], None
    entries = list(best_entries)
    # Lists split into several same-class blocks (five <ul> of five <li>) are one list.
    parent = best.getparent()
    if parent is not None:
        siblings = [s for s in parent if s is not best and s.tag == best.tag
                    and (s.get("class") or "") == (best.get("class") or "") and s in containers]
        for s in siblings:
            more = scored[s] if s in scored else _score_entries(s, containers[s], base, limit, titles)
            more = [e for e in more if not e.multi]
            if more and _acceptable(more):
                entries.extend(more)
        if siblings:
            position = {el: i for i, el in enumerate(parent.iter())}
            entries.sort(key=lambda e: position.get(e.el, 0))
    return [e for e in entries if not e.multi], best


def _noisy(el, memo: dict) -> bool:
    """dom.in_noise with a memo: containers share most of their ancestors."""
    return dom.any_ancestor(el, dom.is_noise, memo)


def _score_entries(container, items: dict, base: str, limit: date, titles: dict | None = None) -> list[_Entry]:
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
        entry = _entry(item, base, limit, cell, titles, multi_dated=False)
        if entry is not None:
            if entry.date is None and not entry.multi:
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
    dirs = sum(1 for e in good if e.dir_like)
    dated = sum(1 for e in good if e.date)
    if dirs * 2 > len(good) and dated < 2:
        return False  # links to columns (a menu, a tree, a header bar with one dated hot-news link)
    if dated:
        return True
    docs = sum(1 for e in good if e.doc_like)
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
            found = [e.el for e in _main_list(root, base, limit)[0]]
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
