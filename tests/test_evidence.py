"""Evidence that holds: the crawl archives the pages findings rest on (WARC), each finding names its
archived copy and fetch time, the report links an offline view of it, ``zwgk evidence`` extracts it,
and each finding says since when it stands (first found, runs in a row, fixed)."""
from __future__ import annotations

import gzip
import re
from datetime import datetime, timezone
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from scrapy.http import HtmlResponse, Request, Response

from checks.persistence import finding_key, update_persistence
from crawler import store
from crawler.archive import WarcFile, read_record, record_file, wanted, warc_path
from crawler.extraction.encoding import decode_html
from reports.evidence import beijing_time, load_record, persistence_text
from reports.render import render_report
from zwgk.cli import main

WARCIO = Path(sys.executable).parent / "warcio"


def warcio_check(path) -> subprocess.CompletedProcess:
    return subprocess.run([str(WARCIO), "check", "-v", str(path)], capture_output=True, text=True)


class _Frames(HTMLParser):
    """The sandboxed frames of a view file by section id (srcdoc unescaped by the parser, as a browser does)."""

    def __init__(self):
        super().__init__()
        self.frames, self.scripts, self.section = {}, 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.section = attrs.get("id")
        if tag == "iframe":
            self.frames[self.section] = attrs
        if tag == "script":
            self.scripts += 1


def served(demo_run, url: str) -> bytes:
    """What the demo portal serves for ``url``, a URL of the demo crawl: the body its server writes (the
    portal is deterministic; the command's own server ended with it)."""
    assert url.startswith(demo_run.base_url + "/")
    response = demo_run.portal.handle("GET", url[len(demo_run.base_url):])
    assert response.status == 200
    return response.body


@pytest.fixture(scope="module")
def late(demo_run):
    db = store.connect(demo_run.db_path)
    row = db.execute("select f.id, f.url, f.page_url, f.record_id, w.fetched_at, w.file, w.offset, w.length "
                     "from findings f join warc_records w on w.id = f.record_id "
                     "where f.run_id = ? and f.rule = 'late-publication' order by f.id limit 1",
                     [demo_run.run_id]).fetchone()
    db.conn.close()
    assert row is not None, "the demo's late item has no archived page"
    return dict(zip(("id", "url", "page_url", "record_id", "fetched_at", "file", "offset", "length"), row))


def test_the_run_warc_validates_and_holds_pages_not_attachments(demo_run):
    path = warc_path(demo_run.db_path, demo_run.run_id)
    assert path == demo_run.db_path.parent / "zwgk-warc" / f"run-{demo_run.run_id}.warc.gz"
    result = warcio_check(path)
    assert result.returncode == 0, result.stdout + result.stderr
    db = store.connect(demo_run.db_path)
    urls = [r[0] for r in db.execute("select url from warc_records where run_id = ?", [demo_run.run_id])]
    pages = db.execute("select count(*) from documents where first_run = ? and content_type like 'text/html%'",
                       [demo_run.run_id]).fetchone()[0]
    # every detail page, list page and entry page read; no attachment (probed with HEAD) and no file
    assert len(urls) > pages > 100
    assert not [u for u in urls if u.lower().endswith((".pdf", ".doc", ".docx", ".xls", ".xlsx", "robots.txt"))]
    entry = db.execute("select url from sites order by id limit 1").fetchone()[0]
    assert entry in urls


def test_a_late_items_finding_names_its_archived_detail_page(demo_run, late):
    assert late["page_url"] == late["url"]   # a late item rests on its own detail page
    record = read_record(record_file(demo_run.db_path, late["file"]), late["offset"], late["length"])
    assert record["type"] == "response" and record["status"] == 200 and record["url"] == late["url"]
    # the page as fetched: byte for byte what the portal serves for that URL
    assert record["body"] == served(demo_run, late["url"])
    db = store.connect(demo_run.db_path)
    started, finished = db.execute("select started_at, finished_at from runs where id = ?", [demo_run.run_id]).fetchone()
    assert started <= late["fetched_at"] <= finished


def test_the_report_links_an_offline_sandboxed_view_of_the_late_page(demo_run, late, tmp_path):
    db = store.connect(demo_run.db_path)
    render_report(db, demo_run.run_id, tmp_path)
    pages = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("site-*.html"))
    link = re.search(r'<a href="(evidence/p\d+\.html)#r(\d+)">存档页面</a>（抓取于 ([^<]*)）', pages[pages.index(late["url"]):])
    assert link and int(link[2]) == late["record_id"] and link[3] == beijing_time(late["fetched_at"])
    view = (tmp_path / link[1]).read_text(encoding="utf-8")
    parser = _Frames()
    parser.feed(view)
    assert parser.scripts == 0
    frame = parser.frames[f"r{late['record_id']}"]
    assert frame["sandbox"] in ("", None)     # no allow-scripts: the portal's scripts never run
    row, record = load_record(db, late["record_id"])
    page = decode_html(record["body"], row["content_type"])
    assert frame["srcdoc"].endswith(page) and "Content-Security-Policy" in frame["srcdoc"]
    assert "default-src 'none'" in view and late["url"] in view and beijing_time(late["fetched_at"]) in view
    # a second report into the same folder leaves no view of the first behind
    stale = tmp_path / "evidence" / "p999.html"
    stale.write_text("old", encoding="utf-8")
    render_report(db, demo_run.run_id, tmp_path)
    assert not stale.exists() and (tmp_path / link[1]).exists()


def test_zwgk_evidence_extracts_the_view_the_page_and_the_records(demo_run, late, tmp_path):
    runner = CliRunner()
    out = tmp_path / "late.html"
    result = runner.invoke(main, ["evidence", str(late["id"]), "--db", str(demo_run.db_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert late["url"] in out.read_text(encoding="utf-8")
    result = runner.invoke(main, ["evidence", str(late["id"]), "--db", str(demo_run.db_path), "--format", "page"])
    assert result.stdout_bytes == served(demo_run, late["url"])
    records = tmp_path / "late.warc.gz"
    result = runner.invoke(main, ["evidence", str(late["id"]), "--db", str(demo_run.db_path), "--format", "warc",
                                  "--out", str(records)])
    assert result.exit_code == 0
    assert warcio_check(records).returncode == 0
    text = gzip.decompress(records.read_bytes()).decode("utf-8", "replace")
    assert text.count("WARC-Type: request") == 1 and text.count("WARC-Type: response") == 1
    result = runner.invoke(main, ["evidence", "999999", "--db", str(demo_run.db_path)])
    assert result.exit_code == 1
    assert result.output.strip() == "错误：数据库中没有编号为 999999 的问题（编号见 zwgk findings 或导出表的“编号”列）"


def _warcio_pair(method, url, request_headers, request_body, status, response_headers, body, when, protocol):
    """The request and response records as warcio's WARCWriter builds them (uncompressed): the reference."""
    import io
    from http.client import responses
    from urllib.parse import urlsplit

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    builder = WARCWriter(out, gzip=False)
    date = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    resp = builder.create_warc_record(
        url, "response", payload=io.BytesIO(body), length=len(body), warc_headers_dict={"WARC-Date": date},
        http_headers=StatusAndHeaders(f"{status} {responses.get(status, '')}".strip(),
                                      response_headers + [("Content-Length", str(len(body)))], protocol=protocol))
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    req = builder.create_warc_record(
        url, "request", payload=io.BytesIO(request_body), length=len(request_body), warc_headers_dict={"WARC-Date": date},
        http_headers=StatusAndHeaders(f"{method} {path} HTTP/1.1", [("Host", parts.netloc), *request_headers],
                                      is_http_request=True))
    req.rec_headers.add_header("WARC-Concurrent-To", resp.rec_headers.get_header("WARC-Record-ID"))
    builder.write_record(req)
    builder.write_record(resp)
    return out.getvalue()


@pytest.mark.parametrize("method, url, request_headers, request_body, status, response_headers, body, protocol", [
    ("GET", "http://www.example.gov.cn/xxgk/czyjs/?page=2", [("User-Agent", "zwgk")], b"", 200,
     [("Content-Type", "text/html; charset=gbk")], "<p>暂无信息</p>".encode("gb18030"), "HTTP/1.1"),
    ("POST", "http://www.example.gov.cn/list.jsp", [("Content-Type", "application/x-www-form-urlencoded")],
     b"page=3&col=7", 299, [("Set-Cookie", "a=b; Path=/"), ("Set-Cookie", "c=d")], b"", "HTTP/1.0"),
    ("GET", "http://www.example.gov.cn/", [], b"", 404,   # header values that are not ASCII: percent-encoded
     [("Content-Disposition", 'attachment; filename="\u00e6\u0096\u0087.pdf"'), ("X-Note", "\u00e4\u00b8\u00ad")],
     b"missing", "HTTP/1.1"),
])
def test_exchange_records_are_written_byte_for_byte_as_warcio_writes_them(
        tmp_path, monkeypatch, method, url, request_headers, request_body, status, response_headers, body, protocol):
    import uuid

    when = datetime(2026, 5, 1, 9, 30, tzinfo=timezone.utc)

    def ids():
        sequence = iter(uuid.UUID(int=n) for n in range(1, 100))
        monkeypatch.setattr(uuid, "uuid4", lambda: next(sequence))

    warc = WarcFile(tmp_path / "run-1.warc.gz")
    start = warc.file.tell()
    ids()
    warc.write_pair(method, url, list(request_headers), request_body, status, list(response_headers), body, when,
                    protocol=protocol)
    warc.close()
    ids()
    expected = _warcio_pair(method, url, list(request_headers), request_body, status, list(response_headers), body,
                            when, protocol)
    assert gzip.decompress((tmp_path / "run-1.warc.gz").read_bytes()[start:]) == expected
    assert warcio_check(tmp_path / "run-1.warc.gz").returncode == 0


def test_warc_records_keep_the_body_scrapy_read_without_its_transfer_encodings(tmp_path):
    warc = WarcFile(tmp_path / "run-1.warc.gz")
    body = "<html><head><meta charset=gbk></head><body>暂无信息</body></html>".encode("gb18030")
    request = Request("http://www.example.gov.cn/xxgk/czyjs/?page=2", headers={"User-Agent": "zwgk"})
    response = HtmlResponse(request.url, status=200, body=body, request=request, headers={
        "Content-Type": "text/html; charset=gbk", "Content-Encoding": "gzip", "Transfer-Encoding": "chunked",
        "Content-Length": "12"})
    _, offset, length = warc.write_exchange(request, response, datetime.now().astimezone())
    warc.close()
    record = read_record(tmp_path / "run-1.warc.gz", offset, length)
    assert record["body"] == body and record["status"] == 200
    headers = {k.lower(): v for k, v in record["headers"]}
    assert "content-encoding" not in headers and "transfer-encoding" not in headers
    assert headers["content-length"] == str(len(body)) and headers["content-type"] == "text/html; charset=gbk"
    assert warcio_check(tmp_path / "run-1.warc.gz").returncode == 0
    # the fast reader of the archive's own records reads what warcio reads
    from warcio.archiveiterator import ArchiveIterator

    with open(tmp_path / "run-1.warc.gz", "rb") as fh:
        fh.seek(offset)
        general = next(iter(ArchiveIterator(fh)))
        assert general.rec_type == record["type"] == "response"
        assert general.content_stream().read() == record["body"]
        assert list(general.http_headers.headers) == record["headers"]
        assert general.rec_headers.get_header("WARC-Target-URI") == record["url"] == request.url


def test_only_pages_are_archived():
    page = HtmlResponse("http://a.gov.cn/x.html", body=b"<html></html>")
    assert wanted(Request("http://a.gov.cn/x.html"), page)
    assert wanted(Request("http://a.gov.cn/api", method="POST"), page)
    assert not wanted(Request("http://a.gov.cn/x.html", method="HEAD"), page)
    assert not wanted(Request("http://a.gov.cn/f.pdf", headers={"Range": "bytes=0-1023"}), page)
    assert not wanted(Request("http://a.gov.cn/f.pdf"), Response("http://a.gov.cn/f.pdf", body=b"%PDF-1.4"))
    robots = Request("http://a.gov.cn/robots.txt", meta={"dont_obey_robotstxt": True})
    assert not wanted(robots, HtmlResponse("http://a.gov.cn/robots.txt", body=b"User-agent: *"))


# -- persistence ---------------------------------------------------------------------------------

def _store_with_runs(path, runs: int):
    db = store.connect(path)
    for r in range(1, runs + 1):
        store.record_run(db, id=r, checked_at=f"2026-06-0{r}")
    return db


def _check(db, run_id: int, sites: dict[str, list[str]]):
    """Store run_id's findings as a check would: site -> urls of its dead links."""
    with db.conn:
        db.execute("delete from findings where run_id = ?", [run_id])
        db.execute("delete from site_checks where run_id = ?", [run_id])
        for site_id, urls in sites.items():
            db["site_checks"].insert({"run_id": run_id, "site_id": site_id})
            for url in urls:
                db["findings"].insert({"run_id": run_id, "site_id": site_id, "rule": "dead-link", "url": url,
                                       "key": finding_key(site_id, "dead-link", None, None, url)})
        update_persistence(db, run_id)


def _state(db, run_id):
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in db.execute(
        "select site_id, url, first_run, streak, fixed_run from findings where run_id = ? order by id", [run_id])}


def test_first_found_runs_in_a_row_and_fixed(db_target):
    db = _store_with_runs(db_target, 4)
    _check(db, 1, {"a": ["u1", "u2"], "b": ["v1"]})
    _check(db, 2, {"a": ["u1"]})                    # b not in run 2: neither a break nor a fix for v1
    _check(db, 3, {"a": ["u1", "u2"], "b": ["v1"]})
    _check(db, 4, {"a": ["u2"], "b": []})
    assert _state(db, 1) == {("a", "u1"): (1, 1, None), ("a", "u2"): (1, 1, 2), ("b", "v1"): (1, 1, None)}
    assert _state(db, 2) == {("a", "u1"): (1, 2, None)}
    assert _state(db, 3) == {("a", "u1"): (1, 3, 4), ("a", "u2"): (3, 1, None), ("b", "v1"): (1, 2, 4)}
    assert _state(db, 4) == {("a", "u2"): (3, 2, None)}
    # re-checking run 2 with u2 found again re-derives every later run
    _check(db, 2, {"a": ["u1", "u2"]})
    assert _state(db, 1)[("a", "u2")] == (1, 1, None)
    assert _state(db, 3)[("a", "u2")] == (1, 3, None) and _state(db, 4)[("a", "u2")] == (1, 4, None)


def test_persistence_text():
    assert persistence_text({"first_run": 3, "streak": 1}) == "首次发现于第 3 次采集"
    assert persistence_text({"first_run": 3, "streak": 2, "fixed_run": 5}) == \
        "首次发现于第 3 次采集，已连续 2 次检查发现，第 5 次采集时已整改"
    assert persistence_text({}) == ""


# -- the offline view in a real browser ------------------------------------------------------------

PLANTED = """<!DOCTYPE html><html><head><meta charset="gbk"><title>关于2025年度预算的公告</title>
<script>document.documentElement.setAttribute("data-ran", "1"); window.top.__zwgk_pwned = 1;</script>
<script src="http://evil.example/x.js"></script><link rel="stylesheet" href="http://evil.example/x.css">
</head><body onload="document.body.setAttribute('data-onload', '1')"><h1>关于2025年度预算的公告</h1>
<p>发布日期：2026-03-20</p><img src="http://evil.example/t.gif"></body></html>"""


def test_the_offline_view_shows_the_page_as_fetched_and_runs_none_of_its_scripts(tmp_path, monkeypatch):
    import test_browser
    from test_browser import CHROMIUM, Browser

    # The sandboxed frame in the page's own process, so that its document can be read over CDP.
    monkeypatch.setattr(test_browser, "FLAGS", (*test_browser.FLAGS, "--disable-site-isolation-trials",
                                                "--disable-features=IsolateOrigins,site-per-process"))

    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine")
    db = store.connect(tmp_path / "zwgk.db")
    store.record_run(db, id=1)
    warc = WarcFile(warc_path(tmp_path / "zwgk.db", 1))
    body = PLANTED.encode("gb18030")
    url = "http://www.example.gov.cn/xxgk/czyjs/202603/t20260320_1.html"
    req_at, offset, length = warc.write_pair("GET", url, [], b"", 200, [("Content-Type", "text/html")], body,
                                             datetime(2026, 3, 21, 2, 0, tzinfo=timezone.utc))
    warc.close()
    with db.conn:
        record_id = db["warc_records"].insert({
            "run_id": 1, "url": url, "target_uri": url, "file": "zwgk-warc/run-1.warc.gz", "offset": offset,
            "length": length, "request_offset": req_at, "status": 200, "content_type": "text/html",
            "fetched_at": "2026-03-21T02:00:00+00:00"}).last_pk
    from reports.evidence import write_views

    links = write_views(db, [record_id], tmp_path / "report")
    page, anchor = links[record_id].split("#")
    browser = Browser(CHROMIUM)
    try:
        browser.open_page()
        browser.page("Network.enable")
        browser.goto((tmp_path / "report" / page).as_uri() + "#" + anchor)
        assert "2026年3月21日 10:00（北京时间）" in browser.eval("document.body.innerText")
        tree = browser.page("Page.getFrameTree")["frameTree"]
        [child] = tree["childFrames"]
        world = browser.page("Page.createIsolatedWorld", frameId=child["frame"]["id"])["executionContextId"]
        seen = browser.page("Runtime.evaluate", contextId=world, returnByValue=True, expression=(
            "[document.body.innerText, document.documentElement.getAttribute('data-ran'), "
            "document.body.getAttribute('data-onload')]"))["result"]["value"]
        assert "关于2025年度预算的公告" in seen[0] and "发布日期：2026-03-20" in seen[0]  # decoded from GBK
        assert seen[1] is None and seen[2] is None           # neither its scripts nor its handlers ran
        assert browser.eval("window.__zwgk_pwned === undefined")
        # what the page links on the network is refused by the view's Content-Security-Policy
        outside = {e["params"]["requestId"] for e in browser.events if e["method"] == "Network.requestWillBeSent"
                   and "evil.example" in e["params"]["request"]["url"]}
        refused = {e["params"]["requestId"] for e in browser.events if e["method"] == "Network.loadingFailed"
                   and e["params"].get("blockedReason") == "csp"}
        assert outside <= refused
        assert not [e for e in browser.events if e["method"] == "Network.responseReceived"
                    and "evil.example" in e["params"]["response"]["url"]]
    finally:
        browser.close()
