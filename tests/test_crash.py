"""kill -9 in the middle of a crawl, then crawl again: nothing lost, nothing twice, the run marked."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from crawler import store
from crawler.runner import RunLocked, crawl, run_lock
from zwgk.demo import DEMO_SETTINGS
from zwgk.demoportal import DemoPortal, serve

pytestmark = pytest.mark.slow   # crawls in subprocesses

ROOT = Path(__file__).resolve().parents[1]
FIELDS = ("title", "published", "written", "doc_number", "index_number", "publisher", "category")
# About 50 requests a second (both sites are one host, one Scrapy download slot): the pipeline
# commits about a second apart, so a crawl is killed after its first commit or two, well inside it.
SLOW = {**DEMO_SETTINGS, "CONCURRENT_REQUESTS": "4", "CONCURRENT_REQUESTS_PER_DOMAIN": "4", "DOWNLOAD_DELAY": "0.02"}
# Two of the demo sites (two CMS) at a quarter of their documents (196): a crawl is killed well inside
# them; the other four would only add pages to every crawl.
SITES = ("demo-trs", "demo-fj")
ONLY = ",".join(SITES)
SCALE = 0.25


def start_crawl(sites, db_path, settings, only=None) -> subprocess.Popen:
    """A crawl as the CLI or the scheduler runs it: a runner process with its Scrapy child."""
    code = ("import sys; from crawler.runner import crawl; "
            f"crawl({str(sites)!r}, {str(db_path)!r}, settings={settings!r}, only={only!r})")
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def read(db_path, sql, params=()):
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def kill_when(db_path, runner: subprocess.Popen, condition_sql: str, at_least: int, timeout=120) -> int:
    """Wait until ``condition_sql`` counts ``at_least``, then SIGKILL the runner and its Scrapy child."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert runner.poll() is None, "the crawl ended before it could be killed"
        try:
            rows = read(db_path, "select id, pid from runs where status = 'running' order by id desc limit 1")
            count = read(db_path, condition_sql)[0][0]
        except sqlite3.Error:
            rows, count = [], 0
        if rows and rows[0][1] != runner.pid and count >= at_least:
            run_id, child_pid = rows[0]
            os.kill(child_pid, signal.SIGKILL)   # the Scrapy process, in its own session
            runner.kill()                        # and the runner, before it can mark anything
            runner.wait()
            with run_lock(db_path, wait=30):     # SIGKILL is asynchronous: the child exits a moment later
                pass
            return run_id
        time.sleep(0.05)
    raise AssertionError("the crawl never got far enough")


def assert_store_matches(db_path, portal, base):
    db = store.connect(db_path)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    truth = {base + d.url_path: d for d in portal.documents() if d.site_id in SITES}
    rows = {r["url"]: r for r in db.query("select * from documents")}
    assert set(rows) == set(truth)
    for url, doc in truth.items():
        if doc.status == 200:
            assert {f: rows[url][f] for f in FIELDS} == {
                "title": doc.title, "published": doc.published and doc.published.isoformat(),
                "written": doc.written and doc.written.isoformat(), "doc_number": doc.doc_number,
                "index_number": doc.index_number, "publisher": doc.publisher, "category": doc.category}, url
    # Each document was recorded as new exactly once, across the killed run and the next.
    news = db.execute("select url, count(*) from document_events where event = 'new' group by url").fetchall()
    assert {u for u, _ in news} == set(truth) and all(n == 1 for _, n in news)
    return db


def test_kill_9_during_the_first_crawl_then_crawl_again(tmp_path):
    portal = DemoPortal(scale=SCALE)
    with serve(portal) as base:
        sites = tmp_path / "sites.yaml"
        sites.write_text(portal.sites_yaml(base), encoding="utf-8")
        db_path = tmp_path / "zwgk.db"
        runner = start_crawl(sites, db_path, SLOW, only=ONLY)
        killed = kill_when(db_path, runner, "select count(*) from documents", 40)
        assert read(db_path, "select status from runs where id = ?", [killed])[0][0] == "running"
        assert read(db_path, "select count(*) from documents")[0][0] < sum(d.site_id in SITES for d in portal.documents())

        run_id, code = crawl(sites, db_path, settings=DEMO_SETTINGS, only=ONLY)
        assert code == 0
        db = assert_store_matches(db_path, portal, base)
        assert db["runs"].get(killed)["status"] == "interrupted"
        assert db["runs"].get(run_id)["status"] == "finished"
        # The killed run concluded nothing about columns; the next one read them to the end.
        assert not db.execute("select count(*) from column_runs where run_id = ?", [killed]).fetchone()[0]
        assert {r[0] for r in db.execute("select walk from column_runs where run_id = ? and pages > 0", [run_id])} == {"complete"}


def test_kill_9_during_a_recrawl_loses_no_new_document(tmp_path):
    portal = DemoPortal(scale=SCALE)   # the first crawl only makes the store the killed recrawl adds to
    with serve(portal) as base:
        sites = tmp_path / "sites.yaml"
        sites.write_text(portal.sites_yaml(base), encoding="utf-8")
        db_path = tmp_path / "zwgk.db"
        first, code = crawl(sites, db_path, settings=DEMO_SETTINGS, only=ONLY)
        assert code == 0
        portal.add_documents(40, "demo-trs/法定主动公开内容/通知公告")
        portal.add_documents(60, sites=SITES)
        runner = start_crawl(sites, db_path, {**SLOW, "CONCURRENT_REQUESTS": "2", "DOWNLOAD_DELAY": "0.05"}, only=ONLY)
        killed = kill_when(db_path, runner, f"select count(*) from column_entries where first_run > {first}", 30)

        second, code = crawl(sites, db_path, settings=DEMO_SETTINGS, only=ONLY)
        assert code == 0
        db = assert_store_matches(db_path, portal, base)
        assert db["runs"].get(killed)["status"] == "interrupted"
        assert {r["url"] for r in db.query("select url from documents where last_run = ?", [second])} == \
               {base + d.url_path for d in portal.documents() if d.site_id in SITES}


def test_a_killed_child_marks_its_run_interrupted_at_once(tmp_path):
    """Only the Scrapy process is killed: its runner sees it die. The runner is a thread of this process,
    as the scheduler runs crawls (a process of its own would only add a Python and a fork server)."""
    portal = DemoPortal(scale=SCALE)
    with serve(portal) as base:
        sites = tmp_path / "sites.yaml"
        sites.write_text(portal.sites_yaml(base), encoding="utf-8")
        db_path = tmp_path / "zwgk.db"
        ended: list = []

        def run():
            try:
                ended.append(crawl(sites, db_path, settings=SLOW, only=ONLY))
            except BaseException as exc:   # shown by the assertion below
                ended.append(exc)

        runner = threading.Thread(target=run, daemon=True)
        runner.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert runner.is_alive(), f"the crawl ended before it could be killed: {ended}"
            try:
                rows = read(db_path, "select id, pid, documents from runs where status = 'running'")
            except sqlite3.Error:
                rows = []
            if rows and rows[0][1] != os.getpid() and rows[0][2] > 50:
                break
            time.sleep(0.05)
        run_id, child_pid = rows[0][:2]
        os.kill(child_pid, signal.SIGKILL)   # only the Scrapy process: the runner sees it die
        runner.join(timeout=30)
        assert not runner.is_alive() and ended and isinstance(ended[0], tuple) and ended[0][0] == run_id, ended
        row = read(db_path, "select status, note from runs where id = ?", [run_id])[0]
        assert row[0] == "interrupted" and "SIGKILL" in row[1]


def test_the_run_lock_is_released_by_a_killed_holder(tmp_path):
    db_path = tmp_path / "zwgk.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import time; from crawler.runner import run_lock\n"
                               f"with run_lock({str(db_path)!r}):\n    print('held', flush=True); time.sleep(60)"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    try:
        with run_lock(db_path):
            raise AssertionError("two holders at once")
    except RunLocked as exc:
        assert "正在被另一个采集任务使用" in str(exc) and str(holder.pid) in str(exc)
    holder.kill()
    holder.wait()
    with run_lock(db_path):        # the kernel released it with the process
        with run_lock(db_path):    # re-entrant in one thread
            pass
