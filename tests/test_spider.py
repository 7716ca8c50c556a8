"""The spider's callbacks in process: construct the spider, feed it a saved page as Scrapy's
``HtmlResponse``, assert exactly what it yields (items and requests). No server, no subprocess.

The same callbacks over HTTP, end to end: tests/test_e2e.py, tests/test_recrawl.py, tests/test_faults.py."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

import emptysite
from crawler.errors import OffsiteRedirect
from crawler.items import ColumnItem, ColumnWalkItem, DocumentItem, FetchErrorItem, ListingItem, SiteItem
from crawler.spiders.portal import LIST_PRIORITY, PortalSpider

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "http://www.example.gov.cn"
SCRIPT_PAGER = f"{BASE}/zwgk/tzgg/index.html"
SITES = f"""sites:
  - id: sample
    name: 样例县人民政府
    level: county
    region: 黑龙江省/示例市/样例县
    url: {BASE}/zwgk/
"""


def spider_for(tmp_path, yaml: str = SITES, **settings) -> PortalSpider:
    sites = tmp_path / "sites.yaml"
    sites.write_text(yaml, encoding="utf-8")
    crawler = get_crawler(PortalSpider, {"ZWGK_DB": str(tmp_path / "z.db"), "ZWGK_INCREMENTAL": False,
                                         "ZWGK_MAX_PAGES_PER_COLUMN": 100, **settings})
    return PortalSpider.from_crawler(crawler, sites=str(sites))


def respond(request: Request, body: bytes, status: int = 200, **headers) -> HtmlResponse:
    return HtmlResponse(request.url, status=status, body=body, request=request,
                        headers={"Content-Type": "text/html", **headers})


def call(request: Request, response) -> list:
    return list(request.callback(response, **request.cb_kwargs))


def test_the_entry_page_yields_the_site_its_columns_and_one_request_per_column_page(tmp_path):
    spider = spider_for(tmp_path, SITES.replace("id: sample", "id: county").replace("/zwgk/", "/xxgk/"))
    [start] = [r for r in _start(spider)]
    assert (start.url, start.callback, start.dont_filter) == (f"{BASE}/xxgk/", spider.parse_entry, True)
    out = call(start, respond(start, emptysite.pages()["/xxgk/"].encode("gb18030")))
    sites = [i for i in out if isinstance(i, SiteItem)]
    columns = [i for i in out if isinstance(i, ColumnItem)]
    requests = [r for r in out if isinstance(r, Request)]
    assert [(s.site.id, s.status, s.error) for s in sites] == [("county", "ok", None)]
    assert [(c.url, c.name, c.source) for c in columns] == [
        (f"{BASE}/xxgk/{key}/", name, "discovered") for key, name, _ in emptysite.COLUMNS]
    assert [(r.url, r.callback, r.errback, r.priority, r.dont_filter, r.cb_kwargs["column_url"]) for r in requests] == [
        (c.url, spider.parse_list, spider.list_failed, LIST_PRIORITY, True, c.url) for c in columns]
    assert len(out) == 1 + 2 * len(emptysite.COLUMNS)


def _start(spider):
    import asyncio

    async def collect():
        return [r async for r in spider.start()]

    return asyncio.run(collect())


def test_a_list_page_yields_its_entries_their_detail_requests_and_every_page_of_its_script_pager(tmp_path):
    spider = spider_for(tmp_path)
    site = spider.sites[0]
    [column_request] = [r for r in spider._crawl_columns(site, [{"name": "通知公告", "url": SCRIPT_PAGER}])
                        if isinstance(r, Request)]
    body = (FIXTURES / "platforms" / "script_pager_list.html").read_bytes()
    spider.learning[site.id].done = True                   # read at once (no template to learn first)
    out = call(column_request, respond(column_request, body))
    [page] = [i for i in out if isinstance(i, ListingItem)]   # one item carries the page's entries
    assert (page.site_id, page.column_url) == (site.id, SCRIPT_PAGER)
    listings = page.entries
    assert [(i.url, i.title, i.list_date) for i in listings] == [
        (f"{BASE}/zwgk/tzgg/202605/t20260512_913301.html", "样例县人民政府关于印发2026年政务公开工作要点的通知", "2026-05-12"),
        (f"{BASE}/zwgk/tzgg/202604/t20260421_912877.html", "样例县人民政府办公室关于做好2026年防汛抗旱工作的通知", "2026-04-21"),
        (f"{BASE}/zwgk/tzgg/202603/t20260317_911950.html", "样例县人民政府关于公布县级行政许可事项清单的通知", "2026-03-17"),
    ]
    requests = [r for r in out if isinstance(r, Request)]
    details = [r for r in requests if r.callback == spider.parse_detail]
    assert [r.url for r in details] == [i.url for i in listings]
    assert details[0].cb_kwargs == {"site": site, "column_url": SCRIPT_PAGER, "entry": {
        "title": listings[0].title, "url": listings[0].url, "date": date(2026, 5, 12)}}
    pages = [r for r in requests if r.callback == spider.parse_list]
    assert [r.url for r in pages] == [f"{BASE}/zwgk/tzgg/index_{i}.html" for i in range(1, 54)]
    assert len(out) == 1 + len(details) + len(pages)
    walk = spider.walks[(site.id, SCRIPT_PAGER)]
    assert (walk.pages, walk.pending, walk.done) == (1, 53, False)   # the 53 other pages in flight


def test_a_detail_page_yields_its_document_and_a_probe_of_each_attachment(tmp_path):
    spider = spider_for(tmp_path)
    site = spider.sites[0]
    label = json.loads((FIXTURES / "realpages" / "gov-cn" / "labels.jsonl").read_text(encoding="utf-8").splitlines()[0])
    url = f"{BASE}/zwgk/tzgg/202605/t20260512_913301.html"
    entry = {"title": "列表上的标题", "url": url, "date": date(2026, 5, 12)}
    request = Request(url, callback=spider.parse_detail, errback=spider.detail_failed,
                      cb_kwargs={"site": site, "column_url": SCRIPT_PAGER, "entry": entry})
    body = (FIXTURES / "realpages" / "gov-cn" / label["file"]).read_bytes()
    out = call(request, respond(request, body, ETag='"v1"'))
    [doc] = [i for i in out if isinstance(i, DocumentItem)]
    assert (doc.url, doc.site_id, doc.column_url, doc.list_title, doc.list_date) == (
        url, "sample", SCRIPT_PAGER, "列表上的标题", "2026-05-12")
    assert (doc.title, doc.published, doc.doc_number, doc.publisher) == (
        label["title"], label["published"], label["doc_number"], label["publisher"])
    assert (doc.http_status, doc.etag, doc.content_type) == (200, '"v1"', "text/html")
    probes = [r for r in out if isinstance(r, Request)]
    assert [(r.url, r.method, r.callback) for r in probes] == [
        (a["url"], "HEAD", spider.attachment_ok) for a in doc.attachments if site.allows(a["url"])]
    assert len(out) == 1 + len(probes)


def test_a_list_request_that_fails_is_a_recorded_error_and_the_walk_concludes_nothing(tmp_path):
    spider = spider_for(tmp_path)
    site = spider.sites[0]
    [request] = [r for r in spider._crawl_columns(site, [{"name": "通知公告", "url": SCRIPT_PAGER}])
                 if isinstance(r, Request)]
    target = "http://www.other.gov.cn/xxgk/"
    failure = Failure(OffsiteRedirect(target, 302))
    failure.request = request
    out = list(request.errback(failure))
    errors = [i for i in out if isinstance(i, FetchErrorItem)]
    assert [(e.url, e.target, e.kind, e.column_url) for e in errors] == [(SCRIPT_PAGER, "list", "offsite-redirect", SCRIPT_PAGER)]
    assert target in errors[0].message
    # the walk is over, having read nothing: the store concludes nothing from it
    assert out[1:] == [ColumnWalkItem(site.id, SCRIPT_PAGER, None, 0)]
    walk = spider.walks[(site.id, SCRIPT_PAGER)]
    assert (walk.done, walk.outcome, walk.failed) == (True, None, True)


@pytest.mark.parametrize("status", [404, 500])
def test_a_detail_page_answering_an_error_status_is_an_error_and_a_document_with_that_status(tmp_path, status):
    from scrapy.spidermiddlewares.httperror import HttpError

    spider = spider_for(tmp_path)
    site = spider.sites[0]
    url = f"{BASE}/zwgk/tzgg/202605/t1.html"
    request = Request(url, callback=spider.parse_detail, errback=spider.detail_failed,
                      cb_kwargs={"site": site, "column_url": SCRIPT_PAGER, "entry": {"url": url, "title": "通知", "date": None}})
    failure = Failure(HttpError(Response(url, status=status, request=request)))
    failure.request = request
    out = list(request.errback(failure))
    assert [(type(i).__name__, i.url, i.http_status if isinstance(i, DocumentItem) else i.kind) for i in out] == [
        ("FetchErrorItem", url, "http"), ("DocumentItem", url, status)]
    assert isinstance(out[0], FetchErrorItem) and out[0].status == status


def test_each_page_is_parsed_once(tmp_path, monkeypatch):
    # The list reader, the pager reader and the detail extractor share one parse of a page.
    from crawler.extraction import dom

    parses = []
    real = dom._document
    monkeypatch.setattr(dom, "_document", lambda text, parser: parses.append(len(text)) or real(text, parser))
    spider = spider_for(tmp_path)
    site = spider.sites[0]
    [column_request] = [r for r in spider._crawl_columns(site, [{"name": "通知公告", "url": SCRIPT_PAGER}])
                        if isinstance(r, Request)]
    spider.learning[site.id].done = True
    out = call(column_request, respond(column_request, (FIXTURES / "platforms" / "script_pager_list.html").read_bytes()))
    assert len(parses) == 1 and len([r for r in out if isinstance(r, Request)]) == 3 + 53
    detail = next(r for r in out if isinstance(r, Request) and r.callback == spider.parse_detail)
    label = json.loads((FIXTURES / "realpages" / "gov-cn" / "labels.jsonl").read_text(encoding="utf-8").splitlines()[0])
    call(detail, respond(detail, (FIXTURES / "realpages" / "gov-cn" / label["file"]).read_bytes()))
    assert len(parses) == 2
