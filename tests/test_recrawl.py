"""Incremental recrawl and change history on the (mutable) demo portal.

Each test builds its own DemoPortal: the session portal of conftest must stay as planted.
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from pathlib import Path

import pytest

from crawler import store
from crawler.runner import crawl
from zwgk.demo import DEMO_SETTINGS
from zwgk.demoportal import DemoPortal, hanweb, serve
from zwgk.demoportal.common import Response

FORCE_REVISIT = {**DEMO_SETTINGS, "ZWGK_REVISIT_DAYS": "0"}


def run(db_path, sites, settings=DEMO_SETTINGS, only=None):
    run_id, code = crawl(sites, db_path, settings=settings, only=only)
    db = store.connect(db_path)
    row = db["runs"].get(run_id)
    assert code == 0 and row["status"] == "finished", Path(row["log_path"]).read_text()
    return db, row


def stored_urls(db) -> set[str]:
    return {r["url"] for r in db.query("select url from documents")}


@contextmanager
def demo(tmp_path, portal=None):
    portal = portal or DemoPortal()
    with serve(portal) as base_url:
        sites = tmp_path / "sites.yaml"
        sites.write_text(portal.sites_yaml(base_url), encoding="utf-8")
        yield portal, base_url, sites, tmp_path / "zwgk.db"


@pytest.mark.slow
def test_second_crawl_sends_few_requests_and_stores_every_new_entry(tmp_path):
    # Three of the six sites (three CMS); the other three would only add pages to every crawl. Half
    # the documents (793): a column's new entries still fill more than one list page.
    crawled = ("demo-trs", "demo-plain", "demo-hanweb")
    only = ",".join(crawled)
    with demo(tmp_path, DemoPortal(scale=0.5)) as (portal, base, sites, db_path):
        db, first = run(db_path, sites, only=only)
        truth_before = {base + d.url_path for d in portal.documents() if d.site_id in crawled}
        assert first["requests"] > len(truth_before)  # every list and detail page (and attachment check) once
        assert stored_urls(db) == truth_before

        db, second = run(db_path, sites, only=only)
        assert second["requests"] <= 0.05 * first["requests"], (second["requests"], first["requests"])
        # Nothing read twice is forgotten: every document and listing is still current in the new run.
        assert {r["url"] for r in db.query("select url from documents where last_run = ?", [second["id"]])} == truth_before
        assert second["documents"] == len(truth_before) and second["new_documents"] == 0
        walks = {r["walk"] for r in db.query("select walk from column_runs where run_id = ?", [second["id"]])}
        assert walks == {"incremental"}
        assert not list(db.query("select * from document_events where run_id = ?", [second["id"]]))

        # About 9 % new entries: many in single columns, so that new entries are on their second list
        # page too (pages of 20), and 25 more spread over the content columns of the three sites.
        added = portal.add_documents(22, "demo-trs/法定主动公开内容/政策文件")     # list pages of 20
        added += portal.add_documents(22, "demo-plain/法定主动公开内容/政策文件")
        added += portal.add_documents(25, sites=crawled)
        deep = [a for a in added if a.column_path.endswith("政策文件") and a.site_id == "demo-trs"]
        assert len(deep) > 20  # more than one TRS list page of new entries
        assert len(added) > 60 and len({a.column_path for a in added}) > 10

        db, third = run(db_path, sites, only=only)
        new_urls = {base + a.url_path for a in added}
        missing = new_urls - stored_urls(db)
        assert not missing, f"{len(missing)} of {len(new_urls)} new entries not stored: {sorted(missing)[:3]}"
        assert third["new_documents"] == len(new_urls)
        truth_after = {base + d.url_path for d in portal.documents() if d.site_id in crawled}
        assert stored_urls(db) == truth_after
        listed = {r["url"] for r in db.query("select url from column_entries where last_run = ?", [third["id"]])}
        assert truth_after <= listed
        new_events = {r["url"] for r in db.query(
            "select url from document_events where run_id = ? and event = 'new'", [third["id"]])}
        assert new_events == new_urls
        assert third["requests"] < 0.2 * first["requests"]


def _insert_deep(portal: DemoPortal, column_path: str, position: int):
    """A backdated entry inserted deep in a column (as when a CMS editor files an old document late).

    add_documents() always publishes at the top; this moves the new entry down the list. It uses the
    demo portal's internals on purpose: no public call makes this case.
    """
    [doc] = portal.add_documents(1, column_path)
    site_id = column_path.split("/", 1)[0]
    site = next(s for s in portal._sites if s.spec.id == site_id)
    internal = site.docs[doc.url_path]
    column = internal.column
    column.docs.remove(internal)
    column.docs.insert(position, internal)
    return doc


@pytest.mark.slow
def test_an_entry_inserted_on_a_deep_page_is_found_through_the_displayed_total(tmp_path):
    # A quarter of the portal: Hanweb's 重大建设项目 column keeps its 56 entries at any scale, more than
    # the 45 records of its first dataproxy group.
    with demo(tmp_path, DemoPortal(scale=0.25)) as (portal, base, sites, db_path):
        column = next(c for c in portal.site("demo-hanweb").columns if c.path.endswith("重大建设项目"))
        entries = lambda: sum(1 for d in portal.documents() if d.site_id == "demo-hanweb" and d.column_path == column.path)
        assert entries() > hanweb.GROUP
        run(db_path, sites, only="demo-hanweb")
        doc = _insert_deep(portal, f"demo-hanweb/{column.path}", hanweb.GROUP + 5)  # second dataproxy group
        db, second = run(db_path, sites, only="demo-hanweb")
        assert base + doc.url_path in stored_urls(db)
        row = db.execute("select c.walk, c.total from column_runs c join columns k on k.id = c.column_id "
                         "where c.run_id = ? and k.url = ?", [second["id"], base + column.url_path]).fetchone()
        assert row[0] == "complete" and row[1] == entries()


@pytest.mark.slow
def test_edit_removal_and_failure_are_recorded_once(tmp_path):
    # The two sites the changes are made on: TRS lists show no total, Hanweb lists do (the others
    # would only add pages to every crawl).
    changed = ("demo-trs", "demo-hanweb")
    only = ",".join(changed)
    # 30 % of the documents (five crawls, two of them revisiting every page): a TRS column of two list
    # pages, and Hanweb's 重大建设项目 column, which keeps its 56 entries (four pages of 15) at any scale.
    with demo(tmp_path, DemoPortal(scale=0.3)) as (portal, base, sites, db_path):
        db, first = run(db_path, sites, only=only)

        def column(site_id, longer_than):
            """The served, dated documents of the site's first column of more than ``longer_than`` entries."""
            docs = [d for d in portal.documents() if d.site_id == site_id]
            path = next(p for p in dict.fromkeys(d.column_path for d in docs)
                        if sum(d.column_path == p for d in docs) > longer_than)
            return [d for d in docs if d.column_path == path and d.status == 200 and d.list_date]

        two_pages = column("demo-trs", 20)                 # TRS lists 20 entries a page
        others = [d for d in portal.documents() if d.site_id == "demo-trs" and d.status == 200 and d.list_date
                  and d not in two_pages]
        edited, removed, failing = others[30], two_pages[10], others[90]
        removed_hanweb = column("demo-hanweb", 45)[42]    # deep in its column (43rd of 56): page 1 does not change
        portal.edit_document(edited.url_path)
        portal.remove_document(removed.url_path)
        portal.remove_document(removed_hanweb.url_path)
        portal.fail_document(failing.url_path)

        # No revisit due: detail pages are not fetched again, so the edit and the failure are not seen
        # yet; the Hanweb list's displayed total dropping by one makes that column read completely,
        # which finds its removal at once. The TRS list shows no total: its removal waits for a revisit.
        db, quiet = run(db_path, sites, only=only)
        assert {(r["event"], r["url"]) for r in db.query(
            "select event, url from document_events where run_id = ?", [quiet["id"]])} == {
            ("removed-from-column", base + removed_hanweb.url_path), ("gone", base + removed_hanweb.url_path)}

        db, second = run(db_path, sites, settings=FORCE_REVISIT, only=only)
        events = {(r["event"], r["url"]) for r in db.query(
            "select event, url from document_events where run_id = ?", [second["id"]])}
        assert events == {
            ("edited", base + edited.url_path),
            ("removed-from-column", base + removed.url_path),
            ("gone", base + removed.url_path),     # the removed page answers 404 when asked again
            ("failing", base + failing.url_path),
        }
        edit = db.execute("select old_hash, new_hash from document_events where run_id = ? and event = 'edited'",
                          [second["id"]]).fetchone()
        now = db["documents"].get(base + edited.url_path)
        assert edit[0] != edit[1] and edit[1] == now["body_hash"]
        versions = list(db.query("select version, body_hash, body from document_versions where url = ? order by version",
                                 [base + edited.url_path]))
        assert [v["body_hash"] for v in versions] == [edit[0], edit[1]]
        assert versions[0]["body"] and versions[1]["body"] is None  # the old text is kept, the current is in documents
        # The failing page keeps what was extracted when it answered; the removed one is no longer current.
        failed = db["documents"].get(base + failing.url_path)
        assert failed["http_status"] == 500 and failed["title"] == failing.title and failed["last_run"] == second["id"]
        assert db["documents"].get(base + removed.url_path)["http_status"] == 404
        assert not db.execute("select 1 from column_entries where url = ? and last_run = ?",
                              [base + removed.url_path, second["id"]]).fetchone()
        assert {r["url"] for r in db.query("select url from documents where last_run = ? and http_status < 400",
                                           [second["id"]])} == \
               {base + d.url_path for d in portal.documents() if d.status == 200 and d.site_id in changed}

        # The next runs record nothing again for the same changes.
        db, third = run(db_path, sites, settings=FORCE_REVISIT, only=only)
        assert not list(db.query("select * from document_events where run_id = ?", [third["id"]]))
        portal._doc(failing.url_path).served = 200   # the page answers again (demo internals: no public call)
        db, fourth = run(db_path, sites, only=only)  # failing pages are retried every run
        assert {(r["event"], r["url"]) for r in db.query(
            "select event, url from document_events where run_id = ?", [fourth["id"]])} == {
            ("recovered", base + failing.url_path)}


# --- block pages -------------------------------------------------------------------------------

SAFEDOG = """<html><head><meta charset="utf-8"><title>网站防火墙</title></head><body>
<div class="main"><h3>您的请求带有不合法参数，已被网站管理员设置拦截！</h3>
<p>可能原因：您提交的内容包含危险的攻击请求</p><p>如何解决：检查提交内容；如网站托管，请联系空间提供商；</p>
<a href="http://www.safedog.cn/">网站安全狗</a></div></body></html>"""
JSL_521 = ("<html><body><script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')"
           "+('a')+('r')+('a')+('n')+('c')+('e')+('=')+(-~[]+'');location.href=location.pathname+location.search"
           "</script></body></html>")


class Blocking:
    """The demo portal behind a WAF that starts challenging some pages."""

    def __init__(self, portal):
        self.portal = portal
        self.blocked: dict[str, tuple[int, str]] = {}

    def handle(self, method, target, body=b"", headers=None):
        if target in self.blocked:
            status, html = self.blocked[target]
            extra = [("Set-Cookie", "__jsluid_h=0c5f; path=/")] if status == 521 else []
            return Response(status, html.encode("utf-8"), "text/html; charset=utf-8", extra)
        return self.portal.handle(method, target, body, headers)


@pytest.mark.slow
def test_block_pages_are_fetch_errors_not_changes(tmp_path):
    portal = DemoPortal(scale=0.25)   # a blocked list page and a blocked detail page: a few documents do
    waf = Blocking(portal)
    with serve(waf) as base:
        sites = tmp_path / "sites.yaml"
        sites.write_text(portal.sites_yaml(base), encoding="utf-8")
        db_path = tmp_path / "zwgk.db"
        db, first = run(db_path, sites, only="demo-js")   # a small site: static list pages like TRS
        site = portal.site("demo-js")
        column = next(c for c in site.columns if c.catalog_area == "财政预决算")
        doc = next(d for d in portal.documents() if d.site_id == "demo-js" and d.status == 200
                   and d.column_path != column.path)
        before = db.execute("select entries from column_runs c join columns k on k.id = c.column_id "
                            "where c.run_id = ? and k.url = ?", [first["id"], base + column.url_path]).fetchone()[0]
        assert before > 0
        waf.blocked[column.url_path] = (200, SAFEDOG)   # the column's list page
        waf.blocked[doc.url_path] = (521, JSL_521)       # a detail page, revisited

        db, second = run(db_path, sites, settings=FORCE_REVISIT, only="demo-js")
        errors = {(r["url"], r["target"], r["kind"]) for r in db.query(
            "select url, target, kind from fetch_errors where run_id = ? and kind = 'blocked'", [second["id"]])}
        assert errors == {(base + column.url_path, "list", "blocked"), (base + doc.url_path, "detail", "blocked")}
        assert not list(db.query("select * from document_events where run_id = ?", [second["id"]]))
        row = db.execute("select c.pages, c.entries, c.walk from column_runs c join columns k on k.id = c.column_id "
                         "where c.run_id = ? and k.url = ?", [second["id"], base + column.url_path]).fetchone()
        assert row[0] == 0 and row[2] is None  # not read: no emptiness, no removals concluded
        kept = db["documents"].get(base + doc.url_path)
        assert kept["http_status"] == 200 and kept["title"] == doc.title

        # The WAF lets us through again: nothing was lost meanwhile, nothing is reported as changed.
        waf.blocked.clear()
        db, third = run(db_path, sites, only="demo-js")
        assert not list(db.query("select * from document_events where run_id = ?", [third["id"]]))
        after = db.execute("select entries from column_runs c join columns k on k.id = c.column_id "
                           "where c.run_id = ? and k.url = ?", [third["id"], base + column.url_path]).fetchone()[0]
        assert after == before


# --- conditional requests ----------------------------------------------------------------------

class WithValidators:
    """The demo portal answering ETag / If-None-Match like a static web server does."""

    def __init__(self, portal):
        self.portal = portal
        self.not_modified = 0

    def handle(self, method, target, body=b"", headers=None):
        response = self.portal.handle(method, target, body, headers)
        if method != "GET" or response.status != 200:
            return response
        etag = '"' + hashlib.md5(response.body).hexdigest() + '"'
        if {k.lower(): v for k, v in (headers or {}).items()}.get("if-none-match") == etag:
            self.not_modified += 1
            return Response(304, b"", response.content_type, [("ETag", etag)])
        return Response(200, response.body, response.content_type, [*response.headers, ("ETag", etag)])


@pytest.mark.slow
def test_revisits_are_conditional_where_the_server_supports_it(tmp_path):
    portal = DemoPortal(scale=0.25)   # 156 documents of demo-plain: every column, a hundred detail pages
    server = WithValidators(portal)
    with serve(server) as base:
        sites = tmp_path / "sites.yaml"
        sites.write_text(portal.sites_yaml(base), encoding="utf-8")
        db_path = tmp_path / "zwgk.db"
        db, first = run(db_path, sites, only="demo-plain")
        assert db.execute("select count(*) from documents where etag is not null").fetchone()[0] > 100
        docs = [d for d in portal.documents() if d.site_id == "demo-plain" and d.status == 200]
        portal.edit_document(docs[10].url_path)

        db, second = run(db_path, sites, settings=FORCE_REVISIT, only="demo-plain")
        assert server.not_modified > 100   # unchanged detail pages answered 304 without a body
        events = {(r["event"], r["url"]) for r in db.query(
            "select event, url from document_events where run_id = ?", [second["id"]])}
        assert events == {("edited", base + docs[10].url_path)}
        assert {r["url"] for r in db.query("select url from documents where last_run = ?", [second["id"]])} == \
               {base + d.url_path for d in portal.documents() if d.site_id == "demo-plain"}

        # Incremental: list pages of columns read to the end carry validators; a 304 stops the walk.
        server.not_modified = 0
        db, third = run(db_path, sites, only="demo-plain")
        assert server.not_modified >= 10
        assert {r["walk"] for r in db.query("select walk from column_runs where run_id = ?", [third["id"]])} == {"incremental"}
        assert db.execute("select count(*) from documents where last_run = ?", [third["id"]]).fetchone()[0] == \
               sum(1 for d in portal.documents() if d.site_id == "demo-plain")


@pytest.mark.slow
def test_incremental_off_reads_everything(tmp_path):
    with demo(tmp_path, DemoPortal(scale=0.25)) as (portal, base, sites, db_path):
        db, first = run(db_path, sites, only="demo-fj")   # the smallest site
        db, second = run(db_path, sites, settings={**DEMO_SETTINGS, "ZWGK_INCREMENTAL": "False"}, only="demo-fj")
        assert second["requests"] >= first["requests"] - 5
        assert {r["walk"] for r in db.query("select walk from column_runs where run_id = ?", [second["id"]])} == {"complete"}
        assert not list(db.query("select * from document_events where run_id = ?", [second["id"]]))


@pytest.mark.parametrize("status, headers, text, url, reason", [
    (200, {}, SAFEDOG, None, "安全狗"),
    (521, {"Set-Cookie": "__jsluid_h=1"}, JSL_521, None, "创宇云防御"),
    (412, {}, "<html><head><meta r='m'><script r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=1234;"
              "</script></head><body></body></html>", None, "瑞数"),
    (200, {}, "<html><head><title>访问验证</title></head><body><script>var security_verify_data='313932302c31303830';"
              "document.cookie='yunsuo_session_verify=a1';</script></body></html>", None, "云锁"),
    (403, {}, "<html><body><h1>创宇盾</h1>当前访问疑似黑客攻击，已被网站管理员设置为拦截</body></html>", None, "创宇云防御"),
    (503, {}, "<html><head><title>Just a moment...</title></head><body>cf-browser-verification</body></html>", None,
     "Cloudflare"),
    (302, {"Location": "https://sso.example.gov.cn/cas/login?service=http%3A%2F%2Fwww.example.gov.cn%2F"}, "", None,
     "login"),
    (200, {}, "<html><head><title>统一身份认证平台</title></head><body><form><input name=u>"
              "<input type=password name=p></form></body></html>", "https://sso.example.gov.cn/login", "login"),
    (200, {}, "<html><body><script>document.cookie='c=1';location.reload()</script></body></html>", None,
     "cookie-challenge"),
])
def test_block_pages_are_recognised(status, headers, text, url, reason):
    from crawler.blocking import is_block_page

    assert is_block_page(status, headers, text, url) == reason


def test_content_pages_are_not_block_pages():
    from crawler.blocking import is_block_page

    portal = DemoPortal()
    checked = 0
    for doc in portal.documents()[::25]:
        response = portal.handle("GET", doc.url_path)
        text = response.body.decode("gb18030" if doc.site_id == "demo-plain" else "utf-8")
        assert is_block_page(response.status, dict(response.headers), text) is None, doc.url_path
        checked += 1
    assert checked > 40
    long_news = ("<html><head><title>我市开展网络安全宣传周活动</title></head><body>"
                 + "<p>活动中，技术人员演示了安全狗、云锁等网站防火墙产品的拦截效果。</p>" * 300 + "</body></html>")
    assert is_block_page(200, {"Server": "yunjiasu-nginx"}, long_news) is None
    assert is_block_page(403, {}, "<html><body><h1>403 Forbidden</h1><hr>nginx</body></html>") is None
    assert is_block_page(200, {}, "<html><head><title>首页</title></head><body><div>用户登录<input type=password>"
                                  "</div>" + "<p>政务公开</p>" * 500 + "</body></html>", "http://x.gov.cn/") is None
