"""TRS 集约化 "动静结合" list pages (the Fujian provincial platform every county portal there uses).

The column page holds its first pages of entries in its static HTML, as hidden groups that the
page's avalon script shows one page at a time::

    <div ms-visible="showStatic">
      <div class="list_base" ms-visible="$showStatic(1)"><ul><li><a href=… title=…>…</a><span>2025-03-10</span></li>…</ul></div>
      <div class="list_base" ms-visible="$showStatic(6)">…</div>      (the argument: the group's first record)
    </div>
    <div ms-visible="!showStatic"><li ms-repeat="list"><a ms-attr-href="el.url">…</a></li></div>   (template)
    <script>require(['list2.trsapi']); listModel({maxStaticIndex: 5, pagebar: {prepage: 15, recordCount: '213'}, …})</script>

``maxStaticIndex`` pages of ``prepage`` records are static; the records after them come only from
the platform's search service, a form POST to ``/fjdzapp/search`` answering JSON::

    channelid=229105  sortfield=-docorderpri,-docreltime  classsql=chnlid=4910  classcol=publishyear
    classnum=100  classsort=0  cache=true  page=N  prepage=75
    -> {"data": [{"doctitle", "docpuburl" | "chnldocurl", "docreltime"}, …], "pageCount": N, …}

(request and answer as public crawlers of these portals send and read them.) A real page
(tests/fixtures/realpages/pingtan/) declares it in ``var pageChnlInfo = {quickMode: "动静结合",
maxStaticIndex: 5, classsql: "" || "chnlid=1780", recordCount: '107', prepage: 15, …}`` and passes
``channelid: SiteInfo.searchId`` (``searchId: 200210`` in the site's ``SiteInfo``) and
``listApi: {url: "/fjdzapp/search"}`` to ``listModel``; inline ``channelid: '…'``/``chnlid: '…'``
are read too.
The search service is asked for the records past the static ones, ``prepage`` = the static count,
from page 2 on: the fewest requests that cover the column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

MAX_REQUESTS = 2000
SEARCH_PATH = "/fjdzapp/search"
_GROUP = re.compile(r"^\s*\$?showStatic\s*\(\s*(\d+)\s*\)\s*$")
_MAX_STATIC = re.compile(r"""\bmaxStaticIndex["']?\s*[:=]\s*["']?(\d+)""")
_PREPAGE = re.compile(r"""\bprepage["']?\s*[:=]\s*["']?(\d+)""", re.I)
_RECORDS = re.compile(r"""\brecordCount["']?\s*[:=]\s*["']?(\d+)""")
# channelid: '229105', or channelid: SiteInfo.searchId with searchId: 200210 in the site's SiteInfo.
_CHANNEL = re.compile(r"""\b(?:channelid|searchId)["']?\s*[:=]\s*["']?(\d+)""", re.I)
# chnlid: '4910', classsql: 'chnlid=4910', classsql: "" || "chnlid=1780"
_CHNL = re.compile(r"""\b(?:chnlid["']?\s*[:=]\s*["']?|classsql["']?\s*[:=][^,\n]{0,40}?chnlid=)(\d+)""", re.I)
_SEARCH_URL = re.compile(r"""["']([^"'\s]*/fjdzapp/search)["']""")


@dataclass(frozen=True)
class PageInfo:
    max_static: int             # static pages in the HTML
    prepage: int                # records per page
    records: int                # records of the column
    channelid: str | None       # the site's document library (search service form field)
    chnlid: str | None          # the column (classsql=chnlid=…)
    search_url: str | None      # the search service named in the page, as written


def static_groups(root) -> list:
    """The hidden static groups of a 动静结合 page (``ms-visible="$showStatic(N)"``), in record order."""
    groups = []
    for i, el in enumerate(root.iter()):
        if not isinstance(el.tag, str):
            continue
        m = _GROUP.match(el.get("ms-visible") or "")
        if m:
            groups.append((int(m.group(1)), i, el))
    groups.sort(key=lambda g: (g[0], g[1]))
    return [el for _, _, el in groups]


def page_info(html: str) -> PageInfo | None:
    """The pager configuration of a 动静结合 page; None when the page is not one."""
    if not html or "maxStaticIndex" not in html:
        return None
    values = [m.group(1) if (m := rx.search(html)) else None for rx in (_MAX_STATIC, _PREPAGE, _RECORDS)]
    if None in values:
        return None
    max_static, prepage, records = (int(v) for v in values)
    if not prepage:
        return None
    channel, chnl, search = (m.group(1) if (m := rx.search(html)) else None for rx in (_CHANNEL, _CHNL, _SEARCH_URL))
    return PageInfo(max_static, prepage, records, channel, chnl, search)


def search_requests(info: PageInfo, url: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """(url, form) of the POSTs to the search service that cover the records past the static pages."""
    static = info.max_static * info.prepage
    if info.records <= static or not static or not info.channelid or not info.chnlid:
        return []
    target = urljoin(url, info.search_url or SEARCH_PATH)
    pages = -(-info.records // static)
    out = []
    for page in range(2, min(pages, MAX_REQUESTS) + 1):
        form = (("channelid", info.channelid), ("sortfield", "-docorderpri,-docreltime"),
                ("classsql", f"chnlid={info.chnlid}"), ("classcol", "publishyear"), ("classnum", "100"),
                ("classsort", "0"), ("cache", "true"), ("page", str(page)), ("prepage", str(static)))
        out.append((target, form))
    return out


def is_search_answer(url: str) -> bool:
    """A search-service answer: its other pages are computed from the column page, never from it."""
    return urlsplit(url).path.endswith(SEARCH_PATH)
