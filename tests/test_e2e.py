"""End to end on the demo portal: crawl -> store -> check -> report, asserted against its ground truth."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler import store
from crawler.runner import crawl
from zwgk.demo import DEMO_SETTINGS

pytestmark = pytest.mark.slow   # crawls in subprocesses

ROOT = Path(__file__).resolve().parents[1]
FIELDS = ("title", "published", "written", "doc_number", "index_number", "publisher", "category")


def iso(value):
    return value.isoformat() if value else None


@pytest.fixture(scope="module")
def db(demo_run):
    db = store.connect(demo_run.db_path)
    yield db
    db.conn.close()


def test_run_finished_with_all_sites_reached(demo_run, db):
    run = db["runs"].get(demo_run.run_id)
    assert run["status"] == "finished"
    sites = {r["id"]: r["status"] for r in db.query("select id, status from sites")}
    assert sites == {s.id: "ok" for s in demo_run.portal.sites}


def test_every_planted_document_is_stored_once_with_its_fields(demo_run, db):
    truth = {demo_run.base_url + d.url_path: d for d in demo_run.portal.documents()}
    stored = {r["url"]: r for r in db.query("select * from documents")}
    assert set(stored) == set(truth)  # nothing missing, nothing extra; the URL is the primary key
    wrong = []
    for url, doc in truth.items():
        row = stored[url]
        if doc.status != 200:
            assert row["http_status"] == doc.status
            continue
        expected = {"title": doc.title, "published": iso(doc.published), "written": iso(doc.written),
                    "doc_number": doc.doc_number, "index_number": doc.index_number,
                    "publisher": doc.publisher, "category": doc.category}
        got = {f: row[f] for f in FIELDS}
        if got != expected:
            wrong.append((url, {f: (got[f], expected[f]) for f in FIELDS if got[f] != expected[f]}))
    assert wrong == []


def test_every_listing_is_recorded_in_its_column(demo_run, db):
    truth = {(d.site_id, demo_run.base_url + d.url_path) for d in demo_run.portal.documents()}
    listed = {(r["site_id"], r["url"]) for r in db.query("select site_id, url from column_entries")}
    assert truth <= listed


def test_gbk_site_decodes_exactly(demo_run, db):
    plain = [d for d in demo_run.portal.documents() if d.site_id == "demo-plain" and d.status == 200]
    assert plain
    rows = {r["url"]: r for r in db.query("select url, title, publisher, body from documents where site_id = 'demo-plain'")}
    for doc in plain:
        row = rows[demo_run.base_url + doc.url_path]
        assert row["title"] == doc.title
        assert "\ufffd" not in (row["body"] or "")  # no replacement characters anywhere
    assert any(ch in "".join(d.title for d in plain) for ch in "堃珺镕喆昇")


def expected_findings(portal, rule):
    return {(p.site_id, p.catalog_area) for p in portal.planted if p.kind == rule}


@pytest.mark.parametrize("rule", ["column-missing", "column-empty"])
def test_planted_column_gaps_are_found_and_nothing_else(demo_run, db, rule):
    found = {(r["site_id"], r["catalog_area"])
             for r in db.query("select * from findings where run_id = ? and rule = ?", [demo_run.run_id, rule])}
    assert found == expected_findings(demo_run.portal, rule)
    assert found  # the demo plants at least one of each


def test_findings_carry_evidence_and_basis(demo_run):
    out = subprocess.run([sys.executable, "-m", "zwgk.cli", "findings", "--db", str(demo_run.db_path),
                          "--format", "json"], capture_output=True, text=True, check=True)
    rows = json.loads(out.stdout)
    assert rows
    for row in rows:
        assert {"site", "rule", "column", "catalog_area", "url", "evidence", "severity", "basis"} <= set(row)
        assert row["basis"].startswith("《") and row["url"].startswith(demo_run.base_url)


def test_report_shows_the_planted_gaps(demo_run):
    """The report ``zwgk demo`` wrote (tests/conftest.py) links every site and shows each planted gap."""
    html = demo_run.index.read_text(encoding="utf-8")
    for site in demo_run.portal.sites:
        assert f'href="site-{site.id}.html"' in html
    for planted in demo_run.portal.planted:
        if planted.kind in ("column-missing", "column-empty"):
            page = (demo_run.work / f"site-{planted.site_id}.html").read_text(encoding="utf-8")
            assert planted.catalog_area in page and planted.kind in page


# --- failures: an unreachable site, a page that times out --------------------------------------

def closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_site_is_a_site_error_and_the_others_are_crawled(demo_portal, tmp_path):
    small = next(s for s in demo_portal.portal.sites if s.id == "demo-fj")   # the smallest demo site
    sites = tmp_path / "sites.yaml"
    sites.write_text(f"""sites:
  - id: gone
    name: 已关闭县人民政府
    level: county
    region: 黑龙江省/示例市/已关闭县
    url: http://127.0.0.1:{closed_port()}/xxgk/
  - id: {small.id}
    name: {small.name}
    level: {small.level}
    region: {small.region}
    url: {demo_portal.base_url}{small.entry_path}
""", encoding="utf-8")
    db_path = tmp_path / "z.db"
    run_id, code = crawl(sites, db_path, settings={**DEMO_SETTINGS, "RETRY_TIMES": "0"})
    assert code == 0
    db = store.connect(db_path)
    assert db["runs"].get(run_id)["status"] == "finished"
    gone = db["sites"].get("gone")
    assert gone["status"] == "error" and "连接被拒绝" in gone["error"]
    errors = list(db.query("select target, kind from fetch_errors where site_id = 'gone'"))
    assert errors == [{"target": "entry", "kind": "refused"}]
    expected = sum(1 for d in demo_portal.portal.documents() if d.site_id == small.id)
    assert db.execute("select count(*) from documents where site_id = ?", [small.id]).fetchone()[0] == expected


class SlowHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(3)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write("<html><body>慢</body></html>".encode())
        except OSError:
            pass

    def log_message(self, *args):
        pass


def test_a_page_that_times_out_is_recorded_and_loses_nothing(demo_portal, tmp_path):
    slow = ThreadingHTTPServer(("127.0.0.1", 0), SlowHandler)
    threading.Thread(target=slow.serve_forever, daemon=True).start()
    slow_url = f"http://127.0.0.1:{slow.server_address[1]}/xxgk/slow/"
    plain = next(s for s in demo_portal.portal.sites if s.id == "demo-plain")
    column = next(c for c in plain.columns if c.catalog_area == "财政预决算")
    config = f"""sites:
  - id: demo-plain
    name: {plain.name}
    level: {plain.level}
    region: {plain.region}
    url: {demo_portal.base_url}{plain.entry_path}
    allowed_domains: [127.0.0.1]
    columns:
      - name: {column.name}
        url: {demo_portal.base_url}{column.url_path}
"""
    sites = tmp_path / "sites.yaml"
    sites.write_text(config, encoding="utf-8")
    db_path = tmp_path / "z.db"
    first, _ = crawl(sites, db_path, settings=DEMO_SETTINGS)
    db = store.connect(db_path)
    before = {r["url"]: r for r in db.query("select * from documents")}
    assert before

    sites.write_text(config + f"      - name: 慢栏目\n        url: {slow_url}\n", encoding="utf-8")
    second, code = crawl(sites, db_path, settings={**DEMO_SETTINGS, "DOWNLOAD_TIMEOUT": "1", "RETRY_TIMES": "0"})
    slow.shutdown()
    assert code == 0
    assert db["runs"].get(second)["status"] == "finished"
    assert list(db.query("select target, kind, url from fetch_errors where run_id = ?", [second])) == [
        {"target": "list", "kind": "timeout", "url": slow_url}]
    after = {r["url"]: r for r in db.query("select * from documents")}
    assert set(after) == set(before)
    for url, row in before.items():
        assert {k: v for k, v in after[url].items() if k not in ("last_run", "fetched_at")} == \
               {k: v for k, v in row.items() if k not in ("last_run", "fetched_at")}


# --- the command line as a user meets it ------------------------------------------------------

def test_zwgk_demo_writes_the_report(demo_run):
    """The session's ``zwgk demo`` (tests/conftest.py: the command as a user runs it, whose store the
    tests above read) said what a user is shown and wrote the report."""
    out = demo_run.command
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"报告已生成：{demo_run.index}"
    assert "采集中：" in out.stderr and "Traceback" not in out.stderr
    html = demo_run.index.read_text(encoding="utf-8")
    assert "栏目缺失" in html and "空白栏目" in html


def test_scrapy_crawl_portal_works_for_scrapy_users(demo_portal, tmp_path):
    db_path, sites = tmp_path / "z.db", tmp_path / "sites.yaml"
    sites.write_text(demo_portal.portal.sites_yaml(demo_portal.base_url), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"sites={sites}",
         "-a", "only=demo-fj", "-s", f"ZWGK_DB={db_path}", "-s", "LOG_LEVEL=WARNING",
         *[arg for k, v in DEMO_SETTINGS.items() for arg in ("-s", f"{k}={v}")]],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.returncode == 0, out.stderr
    db = store.connect(db_path)
    [run] = list(db.query("select * from runs"))
    assert run["status"] == "finished" and run["documents"] > 0
    assert {r["site_id"] for r in db.query("select distinct site_id from documents")} == {"demo-fj"}
