"""Hanweb 大汉 jcms lists: the ``<datastore>`` block inside column pages and ``dataproxy.jsp`` answers.

A column page carries its first records as CDATA inside ``<script type="text/xml"><datastore>``;
the browser's jpage.js fetches the rest from ``/module/web/jpage/dataproxy.jsp`` either by POST
(``?startrecord=1&endrecord=45&perpage=15`` in the URL, the column's parameters as form fields)
or by GET (``?page=N&webid=…&columnid=…``). Answers are the same XML.
"""
from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

_RECORD = re.compile(r"<record[^>]*>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup[^>]*>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</nextgroup>", re.S | re.I)
_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.I)
_TOTAL = re.compile(r"(?:<totalrecord>\s*|totalRecord\s*[:=]\s*['\"]?|totalrecord\s*[:=]\s*['\"]?)(\d+)", re.I)
_PERPAGE = re.compile(r"(?:perPage|perpage)\s*[:=]\s*['\"]?(\d+)", re.I)
_GROUPSIZE = re.compile(r"groupSize\s*[:=]\s*['\"]?(\d+)", re.I)
_TOTALPAGE = re.compile(r"<totalpage>\s*(\d+)", re.I)
_PROXY = re.compile(r"""(?:proxyUrl|url)\s*[:=]\s*['"]([^'"]*dataproxy\.jsp)['"]""", re.I)

MAX_REQUESTS = 2000


@dataclass
class Datastore:
    records: list[str]          # HTML fragments, one per record
    totalpage: int | None       # pages of a GET answer, when it says
    nextgroup: str | None       # href of the next-group link, as written
    total: int | None           # total records of the column, when the page says
    perpage: int | None
    groupsize: int | None
    proxy: str | None           # dataproxy URL named by the jpage call


def find(text: str) -> Datastore | None:
    """The datastore of a column page or dataproxy answer; None when there is none."""
    if not text or "<record" not in text.lower() and "<datastore" not in text.lower():
        return None
    records = []
    for m in _RECORD.finditer(text):
        fragment = m.group(1) if m.group(1) is not None else m.group(2) or ""
        if "&lt;" in fragment and "<" not in fragment:
            fragment = html_lib.unescape(fragment)
        if fragment.strip():
            records.append(fragment)
    nextgroup = None
    m = _NEXTGROUP.search(text)
    if m:
        inner = m.group(1) if m.group(1) is not None else html_lib.unescape(m.group(2) or "")
        href = _HREF.search(inner)
        if href:
            nextgroup = html_lib.unescape(href.group(1))
    if not records and nextgroup is None:
        return None
    total = _int(_TOTAL.search(text))
    return Datastore(records, _int(_TOTALPAGE.search(text)), nextgroup, total, _int(_PERPAGE.search(text)), _int(_GROUPSIZE.search(text)),
                     (m.group(1) if (m := _PROXY.search(text)) else None))


def _int(match) -> int | None:
    try:
        return int(match.group(1)) if match else None
    except ValueError:
        return None


def page_requests(store: Datastore, url: str) -> list[tuple[str, str, tuple | None]]:
    """(url, method, formdata) of every other group of records the datastore lets us compute."""
    parts = urlsplit(url)
    current = dict(parse_qsl(parts.query))
    out: list[tuple[str, str, tuple | None]] = []
    next_href = urljoin(url, store.nextgroup) if store.nextgroup else None
    next_query = dict(parse_qsl(urlsplit(next_href).query)) if next_href else {}

    if "startrecord" in current and "endrecord" in current:
        # A POST answer: its form is not in the URL, so only the column page could compute more.
        return out

    if next_href and store.total and "page" not in current:
        # Column page: fetch what follows the records shown, the way jpage.js does.
        proxy_path = urljoin(url, store.proxy) if store.proxy else next_href.split("?", 1)[0]
        perpage = store.perpage or 15
        group = perpage * (store.groupsize or 3)
        form = tuple((k, v) for k, v in parse_qsl(urlsplit(next_href).query, keep_blank_values=True) if k != "page")
        start = len(store.records) + 1 if store.records else 1
        while start <= store.total and len(out) < MAX_REQUESTS:
            end = min(start + group - 1, store.total)
            query = urlencode({"startrecord": start, "endrecord": end, "perpage": perpage})
            out.append((f"{proxy_path}?{query}", "POST", form))
            start = end + 1
        return out

    if "page" in current and store.total:
        # A GET answer (page=N): every page of the column, numbered like this one.
        perpage = int(current["perpage"]) if current.get("perpage", "").isdigit() else (store.perpage or 15)
        pages = store.totalpage or -(-store.total // max(perpage, 1))
        for n in range(1, min(pages, MAX_REQUESTS) + 1):
            out.append((_with_page(url, n), "GET", None))
        return [r for r in out if r[0] != url]

    if next_href:
        # GET form: page=N groups; with a total we can list them all, otherwise follow the chain.
        if store.total and "page" in next_query and (store.perpage or store.records):
            per_group = len(store.records) if store.records else (store.perpage or 15) * (store.groupsize or 3)
            groups = -(-store.total // max(per_group, 1))
            for n in range(1, min(groups, MAX_REQUESTS) + 1):
                out.append((_with_page(next_href, n), "GET", None))
        else:
            out.append((next_href, "GET", None))
    return [r for r in out if r[0] != url]


def _with_page(url: str, n: int) -> str:
    parts = urlsplit(url)
    query = [(k, str(n) if k == "page" else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="/:%")))
