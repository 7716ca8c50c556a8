"""A list page -> the other list pages of the same column it lets us see.

Schemes, from the CMSs on portals:
- TRS static pages: ``createPageHTML(count, current, "index", "html")``
  -> index.html, index_1.html … index_{count-1}.html;
- pagers that exist only in a script (jQuery pager plugins, ``var countPage = N`` with a URL
  template) -> ``scriptpager``;
- TRS 集约化 "动静结合" pages -> POSTs to the platform's search service for the records past the
  static pages (``trs``); its JSON answers lead nowhere themselves;
- links in a pager: 下一页/下页/后页/尾页/>, page numbers, whose URL is this page's URL with another
  page number (``index_N.html``, ``list_N.html``, ``?page=N``, ``pageIndex=N`` …); the gap between
  the numbers seen is filled, so 尾页 -> index_40.html yields every page;
- Hanweb ``<datastore>``/jpage -> ``dataproxy.jsp`` requests (POST groups, or the GET ``page=N`` chain);
- JSON list answers (gkmlpt) -> ``?page=N`` for every page their total implies;
- ASP.NET ``__doPostBack`` pagers -> POST of the page's form with ``__EVENTTARGET``.
Candidates only: the spider de-duplicates and stops on pages that repeat entries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from . import dom, hanweb, jsonlist, scriptpager, trs
from .selectors import select

MAX_PAGES = 2000
NEXT_TEXT = re.compile(r"^(?:下一页|下页|后页|后一页|下一頁|next|>|›|»|>>|尾页|末页|最后一页|last)\s*[>»›]*$", re.I)
_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)", re.I)
_PAGE_PARAMS = ("page", "pageno", "pagenum", "pageindex", "page_no", "curpage", "currentpage", "cpage",
                "pagenumber", "p", "pn", "pageidx", "nowpage", "page_index")
_STATIC = re.compile(r"^(?P<stem>.*?)(?:[_-](?P<n>\d{1,4}))?\.(?P<ext>s?html?|jsp|aspx?|php)$", re.I)
_POSTBACK = re.compile(r"__doPostBack\(\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]*)['\"]\s*\)")


@dataclass(frozen=True)
class PageRequest:
    url: str
    method: str = "GET"
    formdata: tuple[tuple[str, str], ...] | None = None


def next_pages(html, url: str, *, overrides: dict | None = None) -> list[PageRequest]:
    """Every other list page of this column visible from this one (never this page itself)."""
    if isinstance(html, bytes):
        from .encoding import decode_html
        html = decode_html(html)
    html = html or ""
    overrides = overrides or {}
    out: list[PageRequest] = []

    data = jsonlist.load(html)
    if data is not None:
        if trs.is_search_answer(url):
            return []  # the column page asked for every page of the search service already
        return _finish([PageRequest(u) for u in jsonlist.page_urls(data, url)], url)

    store = hanweb.find(html)
    if store is not None:
        out += [PageRequest(u, m, f) for u, m, f in hanweb.page_requests(store, url)]
        if out or "<html" not in html[:2000].lower():
            return _finish(out, url)

    root = dom.parse(html)
    base = dom.base_url(root, url)
    if overrides.get("next_page"):
        for el in select(root, overrides["next_page"]):
            href = el if isinstance(el, str) else (el.get("href") or next((a.get("href") for a in el.iter("a")), None))
            target = dom.absolute(base, href)
            if target:
                out.append(PageRequest(target))
        return _finish(out, url)

    info = trs.page_info(html)
    if info is not None:
        out += [PageRequest(u, "POST", form) for u, form in trs.search_requests(info, url)]
    out += _trs_script(html, url)
    if not out and (pager := scriptpager.find(html)) is not None:
        out += [PageRequest(u) for u in scriptpager.page_urls(pager, url)]
    out += _pager_links(root, base, url)
    out += _postbacks(root, base, url)
    return _finish(out, url)


def _finish(requests: list[PageRequest], url: str) -> list[PageRequest]:
    seen, out = set(), []
    own = _normal(url)
    for r in requests:
        key = (r.method, _normal(r.url), r.formdata)
        if key in seen or (r.method == "GET" and _normal(r.url) == own):
            continue
        seen.add(key)
        out.append(r)
    return out


def _normal(url: str) -> str:
    parts = urlsplit(url)
    path = dom.index_as_directory(parts.path or "/")
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


# -- TRS ---------------------------------------------------------------------------------------

def _trs_script(html: str, url: str) -> list[PageRequest]:
    count = None
    name, ext = "index", None
    # The first match may be the pager function's own definition: take the first call with numbers.
    call = next((m for m in _CREATE_PAGE.finditer(html) if re.search(r"\d", m.group(1))), None)
    if call:
        args = [a.strip().strip("'\"") for a in call.group(1).split(",")]
        numbers = [int(a) for a in args if a.isdigit()]
        words = [a for a in args if a and not a.isdigit()]
        if len(words) >= 3:      # createPageHTML('page_div', 7, 1, 'index', 'html', 135)
            words = words[1:]
        if numbers:
            count = numbers[0]  # the current index follows; every page but this URL is wanted anyway
        if words:
            name = words[0]
        if len(words) > 1:
            ext = words[1]
    if not count or count < 2:
        return []
    path = urlsplit(url).path
    if ext is None:
        last = path.rsplit("/", 1)[-1]
        ext = last.rsplit(".", 1)[-1] if "." in last else "html"
    directory = url.split("?", 1)[0].rsplit("/", 1)[0] + "/"
    out = [PageRequest(urljoin(directory, f"{name}.{ext}"))]
    for i in range(1, min(count, MAX_PAGES)):
        out.append(PageRequest(urljoin(directory, f"{name}_{i}.{ext}")))
    return out


# -- pager links -------------------------------------------------------------------------------

def _page_number(candidate: str, url: str) -> tuple[str, int] | None:
    """(scheme key, page number) when ``candidate`` is ``url`` with another page number."""
    a, b = urlsplit(candidate), urlsplit(url)
    if a.netloc.lower() != b.netloc.lower():
        return None
    if a.path == b.path or dom.index_as_directory(a.path) == dom.index_as_directory(b.path):
        qa, qb = dict(parse_qsl(a.query)), dict(parse_qsl(b.query))
        for key in qa:
            if key.lower() in _PAGE_PARAMS and qa[key].isdigit():
                rest_a = {k: v for k, v in qa.items() if k != key}
                rest_b = {k: v for k, v in qb.items() if k != key}
                if rest_a == rest_b:
                    return f"q:{a.path}:{key}", int(qa[key])
        if a.path == b.path:
            return None
    dir_a, file_a = a.path.rsplit("/", 1) if "/" in a.path else ("", a.path)
    dir_b, file_b = b.path.rsplit("/", 1) if "/" in b.path else ("", b.path)
    if dir_a != dir_b or a.query != b.query:
        return None
    ma = _STATIC.match(file_a)
    if not ma:
        return None
    stems = {s for s in _stems(file_b) if s}
    if not stems and file_b == "":
        stems = {"index"}
    if ma.group("n") is not None and ma.group("stem") in stems:
        return f"s:{dir_a}/{ma.group('stem')}.{ma.group('ext')}", int(ma.group("n"))
    return None


def _stems(filename: str) -> set[str]:
    m = _STATIC.match(filename)
    if not m:
        return set()
    whole = filename.rsplit(".", 1)[0]
    return {m.group("stem"), whole}


def _pager_links(root, base: str, url: str) -> list[PageRequest]:
    found: dict[str, dict[int, str]] = {}
    out: list[PageRequest] = []
    for a in root.iter("a"):
        target = dom.absolute(base, a.get("href"))
        if not target:
            continue
        text = dom.inline_text(a) or dom.squash(a.get("title"))
        numbered = _page_number(target, url)
        if numbered:
            found.setdefault(numbered[0], {})[numbered[1]] = target
            out.append(PageRequest(target))
        elif text and NEXT_TEXT.match(text) and _same_column(target, url):
            out.append(PageRequest(target))
    for key, pages in found.items():
        numbers = sorted(pages)
        lo, hi = numbers[0], numbers[-1]
        if key.startswith("q:") and not _has_page_param(url, key):
            # This URL has no page number: it is the first page (0 when the pager counts from 0).
            first = 0 if lo == 0 else 1
            if first in pages:
                out = [r for r in out if r.url != pages[first]]
                del pages[first]
                numbers = sorted(pages)
                if not numbers:
                    continue
                lo, hi = numbers[0], numbers[-1]
            lo = min(lo, first + 1)  # a pager showing only 尾页 still implies 2..N
        if hi - lo > MAX_PAGES:
            continue
        template_n, template = numbers[-1], pages[numbers[-1]]
        for n in range(lo, hi + 1):
            if n not in pages:
                out.append(PageRequest(_renumber(template, template_n, n, key)))
    return out


def _has_page_param(url: str, key: str) -> bool:
    param = key.rsplit(":", 1)[1]
    return any(k == param for k, _ in parse_qsl(urlsplit(url).query))


def _same_column(target: str, url: str) -> bool:
    a, b = urlsplit(target), urlsplit(url)
    if a.netloc.lower() != b.netloc.lower():
        return False
    dir_a, dir_b = a.path.rsplit("/", 1)[0], b.path.rsplit("/", 1)[0]
    return dir_a == dir_b or dir_a.startswith(dir_b) or "page" in a.query.lower()


def _renumber(template: str, old: int, new: int, key: str) -> str:
    parts = urlsplit(template)
    if key.startswith("q:"):
        param = key.rsplit(":", 1)[1]
        query = [(k, str(new) if k == param else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
        return urlunsplit(parts._replace(query=urlencode(query, safe="/:%")))
    directory, filename = parts.path.rsplit("/", 1)
    m = _STATIC.match(filename)
    sep = filename[len(m.group("stem"))] if m and m.group("n") else "_"
    filename = f"{m.group('stem')}{sep}{new}.{m.group('ext')}" if m else filename
    return urlunsplit(parts._replace(path=f"{directory}/{filename}"))


# -- ASP.NET -----------------------------------------------------------------------------------

def _postbacks(root, base: str, url: str) -> list[PageRequest]:
    out = []
    forms = list(root.iter("form"))
    if not forms:
        return out
    for a in root.iter("a"):
        m = _POSTBACK.search(a.get("href") or "")
        if not m:
            continue
        text = dom.inline_text(a)
        if not (NEXT_TEXT.match(text) or text.isdigit()):
            continue
        form = next((f for f in forms if a in f.iter("a")), forms[0])
        fields = [(i.get("name"), i.get("value") or "") for i in form.iter("input")
                  if i.get("name") and (i.get("type") or "").lower() == "hidden"
                  and i.get("name") not in ("__EVENTTARGET", "__EVENTARGUMENT")]
        fields += [("__EVENTTARGET", m.group(1)), ("__EVENTARGUMENT", m.group(2))]
        action = dom.absolute(base, form.get("action")) or url
        out.append(PageRequest(action, "POST", tuple(fields)))
    return out
