"""Crawling on Celery workers (``--engine celery``, zwgk/distributed.py).

In process: how sites are grouped into tasks, the task lease in the store, the broker's bad input, and
that the local engine imports neither Celery nor redis. Slow: a redis-server of the test's own on
loopback, two ``zwgk worker`` processes sharing one store (SQLite: workers on one machine; PostgreSQL),
and a tenth of the demo portal served with each site on its own loopback address (so sites share a
task only as ``--task-sites`` packs them):

- both workers get tasks, and the findings equal, row for row, those of a local run of the portal;
- a worker killed outright (SIGKILL, its crawl too) mid-crawl: its task is taken over by the other,
  nothing is lost or stored twice, the run completes with the same findings.

Without redis-server the slow tests are skipped, except under CI=true, where .ci/run installs it and
its absence fails them.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from crawler import store
from crawler.sites import sites_from_data
from zwgk.cli import main
from zwgk.demo import DEMO_SETTINGS
from zwgk.demoportal import DEMO_AS_OF, DemoPortal, serve
from zwgk.scheduler import scheduled_run

import localhub
from localhub import REDIS_SERVER, PortalHosts, politeness, redis_server

ROOT = Path(__file__).resolve().parents[1]
# Findings compared without what differs between two stores of the same crawl (ids, run numbers, times).
FINDING_COLUMNS = ("site_id", "rule", "severity", "column_name", "column_url", "catalog_area", "catalog_item", "url",
                   "message", "evidence", "basis", "as_of", "page_url", "key")


def site(site_id: str, url: str, **extra) -> dict:
    return {"id": site_id, "name": site_id, "level": "county", "region": "黑龙江省/示例市/示例县", "url": url, **extra}


def sites(*entries):
    return sites_from_data({"sites": list(entries)})


# --- in process -----------------------------------------------------------------------------------

def test_sites_sharing_a_host_or_an_address_go_in_one_task(monkeypatch):
    from zwgk import distributed

    addresses = {"a.gov.cn": {"10.0.0.1"}, "b.gov.cn": {"10.0.0.2"}, "c.gov.cn": {"10.0.0.1"},   # a, c: one IP
                 "d.gov.cn": set(), "e.gov.cn": {"10.0.0.5"}, "f.gov.cn": {"10.0.0.6"}, "x.gov.cn": {"10.0.0.9"}}
    monkeypatch.setattr(distributed, "_addresses", lambda hosts: {h: addresses[h] for h in hosts})
    config = sites(site("a", "http://a.gov.cn/xxgk/"), site("b", "http://b.gov.cn/"), site("c", "http://c.gov.cn/"),
                   site("d1", "http://d.gov.cn/one/"), site("d2", "http://d.gov.cn/two/"),   # one host
                   site("e", "http://e.gov.cn/", allowed_domains=["x.gov.cn"]),
                   site("f", "http://f.gov.cn/", columns=[{"name": "财政预决算", "url": "http://x.gov.cn/cz/"}]))
    tasks = distributed.plan_tasks(config, task_sites=1)
    groups = sorted(sorted(s.id for s in group) for group in tasks.values())
    assert groups == [["a", "c"], ["b"], ["d1", "d2"], ["e", "f"]]
    assert list(tasks) == ["t1", "t2", "t3", "t4"]
    # Groups are packed up to the size, never split.
    packed = distributed.plan_tasks(config, task_sites=3)
    assert sorted(sorted(s.id for s in group) for group in packed.values()) == [["a", "b", "c"], ["d1", "d2"], ["e", "f"]]
    assert sum(len(g) for g in distributed.plan_tasks(config, task_sites=100).values()) == len(config)


def test_a_task_is_claimed_by_one_attempt_at_a_time(db_target):
    db = store.connect(db_target)
    run_id = store.start_run(db, "crawl")
    store.add_run_tasks(db, run_id, {"t1": ["a"], "t2": ["b"]})
    past, future = "2000-01-01T00:00:00+00:00", "2999-01-01T00:00:00+00:00"
    assert store.claim_task(db, run_id, "t1", worker="w1@h", pid=101, stale_before=past)
    # Running and reporting: another delivery of the same message waits ...
    assert not store.claim_task(db, run_id, "t1", worker="w2@h", pid=202, stale_before=past)
    # ... unless the attempt fell silent past the lease, or is known dead.
    assert store.claim_task(db, run_id, "t1", worker="w2@h", pid=202, stale_before=future)
    assert store.claim_task(db, run_id, "t1", worker="w1@h", pid=303, stale_before=past, dead=True)
    row = store.run_task(db, run_id, "t1")
    assert (row["worker"], row["pid"], row["attempts"], row["status"]) == ("w1@h", 303, 3, "running")
    # An attempt that was taken over changes nothing when its crawl closes late.
    store.finish_task(db, run_id, "t1", "interrupted", owner=202)
    assert store.run_task(db, run_id, "t1")["status"] == "running"
    store.Writer(db, run_id, "t1", owner=202).counts(pages=5)
    store.Writer(db, run_id, "t1", owner=303).counts(pages=7, sites=1)
    store.finish_task(db, run_id, "t1", "finished", owner=303)
    assert not store.claim_task(db, run_id, "t1", worker="w2@h", pid=404, stale_before=future, dead=True)
    assert store.task_totals(db, run_id)["pages"] == 7
    # Not every task finished: the run is not.
    assert store.close_distributed_run(db, run_id) == "interrupted"
    assert "t2 queued" in db["runs"].get(run_id)["note"]


def test_a_sqlite_store_on_a_network_file_system_is_refused_to_workers(tmp_path, monkeypatch):
    from zwgk import distributed

    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\nhub:/srv {tmp_path}/nfs nfs4 rw 0 0\n", encoding="utf-8")
    assert distributed.filesystem(tmp_path / "nfs" / "zwgk.db", str(mounts)) == "nfs4"
    assert distributed.filesystem(tmp_path / "local" / "zwgk.db", str(mounts)) == "ext4"
    real = distributed.filesystem
    monkeypatch.setattr(distributed, "filesystem", lambda path: real(path, str(mounts)))
    with pytest.raises(store.StoreError, match="network file system"):
        distributed.check_shared_sqlite(tmp_path / "nfs" / "zwgk.db")
    distributed.check_shared_sqlite(tmp_path / "local" / "zwgk.db")
    distributed.check_shared_sqlite("postgresql+psycopg://zwgk@hub/zwgk")


def test_the_local_engine_imports_neither_celery_nor_redis():
    code = ("import sys, zwgk.cli, zwgk.run, zwgk.scheduler, zwgk.demo, crawler.runner, crawler.pipelines; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('celery', 'kombu', 'redis')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("broker, words, code", [
    (None, "--broker redis://", 2),
    ("http://127.0.0.1:6379/0", "应为 redis://主机:端口/0", 2),
    ("redis://127.0.0.1:notaport/0", "应为 redis://主机:端口/0", 2),
    ("redis://:secret@127.0.0.1:1/0", "无法连接", 69),     # nothing listens on port 1
])
def test_a_bad_or_unreachable_broker_is_one_line(tmp_path, monkeypatch, broker, words, code):
    monkeypatch.delenv("ZWGK_BROKER", raising=False)
    sites_file = tmp_path / "sites.yaml"
    sites_file.write_text("sites:\n  - id: a\n    name: 甲\n    level: county\n    region: 黑龙江省/示例市/示例县\n"
                          "    url: http://127.0.0.1:1/\n", encoding="utf-8")
    args = ["crawl", "--sites", str(sites_file), "--db", str(tmp_path / "zwgk.db"), "--engine", "celery"]
    result = CliRunner().invoke(main, args + (["--broker", broker] if broker else []))
    lines = result.output.strip().splitlines()
    assert result.exit_code == code and len(lines) == 1 and words in lines[0], result.output
    assert "secret" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "zwgk.db").exists() or not store.connect(tmp_path / "zwgk.db")["runs"].count
    worker = CliRunner().invoke(main, ["worker", "--db", str(tmp_path / "zwgk.db")] + (["--broker", broker] if broker else []))
    assert worker.exit_code == code and len(worker.output.strip().splitlines()) == 1, worker.output


# --- the loopback machinery of these tests and bench/distributed.py (tests/localhub.py) -------------

def test_politeness_tells_scatter_from_a_second_crawler():
    delay = 0.125   # binary fractions: the times below are exact
    paced = [i * delay for i in range(40)]
    got = politeness({"a": paced, "b": [i * 2 * delay for i in range(20)]}, delay)   # b: slower than the pace
    assert (got["lead"], got["gap"], got["second"], got["rate"], got["requests"]) == (0.0, delay, 8, 8.0, 60)
    # (in [t, t + 1 s): 8, not 9)
    # One request reached the host 8 ms late, the next on time: 8 ms ahead of the pace, polite; a window
    # starting at the late one holds 9 (why the bench judges by the lead, not by requests in a second).
    late = paced[:10] + [paced[10] + 0.0078125] + paced[11:]
    got = politeness({"a": paced, "b": late}, delay)
    assert (got["lead"], got["lead_host"], got["gap"], got["second"]) == (0.0078125, "b", delay - 0.0078125, 9)
    # A second crawler sending the host the same pace, half a delay later: one request more each delay
    # (32 requests in 1.9375 s, where the pace takes 31 delays: 3.875 s).
    twice = sorted(paced[:16] + [t + delay / 2 for t in paced[:16]])
    got = politeness({"a": paced, "b": twice}, delay)
    assert got["lead"] == 15.5 * delay and got["lead_host"] == "b" and got["gap"] == delay / 2 and got["second"] == 16


def test_portal_hosts_serve_each_address_from_their_processes_and_log_its_requests():
    addresses = ["127.0.3.1", "127.0.3.2", "127.0.3.3"]
    with PortalHosts(addresses, 2) as hosts:
        assert hosts.processes == 2 and list(hosts.bases) == addresses
        hosts.take()
        sent = {"127.0.3.1": 3, "127.0.3.2": 0, "127.0.3.3": 2}
        before = time.monotonic()
        for address, n in sent.items():
            for _ in range(n):
                with urllib.request.urlopen(hosts.bases[address] + "/robots.txt", timeout=30) as answer:
                    answer.read()
        arrivals, cpu = hosts.take()
        assert {a: len(t) for a, t in arrivals.items()} == sent and cpu > 0
        assert all(before <= t <= time.monotonic() for times in arrivals.values() for t in times)
        assert arrivals["127.0.3.1"] == sorted(arrivals["127.0.3.1"])
        assert hosts.take()[0] == {a: [] for a in addresses}   # taken once


# --- two workers on loopback (slow) ----------------------------------------------------------------

@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if REDIS_SERVER is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no redis-server: the install step of .ci/run failed")
        pytest.skip("no redis-server on this machine: `apt-get install -y redis-server` (CI installs it in .ci/run)")
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def spread_portal(tmp_path_factory):
    """The demo portal with each of its six sites on its own loopback address (so only --task-sites groups
    them), at a tenth of its documents: every site, column and planted case stays, at under a quarter
    of the documents to crawl (455 of 1973). ``bases``: each site's base URL, in config order."""
    portal = DemoPortal(scale=0.1)
    with contextlib.ExitStack() as stack:
        bases = [stack.enter_context(serve(portal, host=f"127.0.0.{n}")) for n in range(2, 2 + len(portal.sites))]
        each = iter(bases)
        lines = [line.replace("http://BASE", next(each)) if line.strip().startswith("url: http://BASE") else line
                 for line in portal.sites_yaml("http://BASE").splitlines()]
        sites_file = tmp_path_factory.mktemp("portal") / "sites.yaml"
        sites_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        yield SimpleNamespace(portal=portal, sites_file=sites_file, bases=bases)


@pytest.fixture(scope="module")
def local_findings(spread_portal, tmp_path_factory, request):
    """A function giving the findings of a single-machine SQLite run of the same portal (crawled and
    checked; its report is not compared); ``findings`` writes each site's base URL as its place in the
    config. Made once a session: under pytest-xdist the two groups of the slow tests below (each serving
    the portal on ports of its own) share them through a file in the session's folder. The group that
    comes first makes them; the other crawls meanwhile and waits, if need be, only when it compares."""
    if not hasattr(request.config, "workerinput"):   # not an xdist worker: one process runs every test
        found = _local_findings(spread_portal, tmp_path_factory)
        return lambda: found
    shared = tmp_path_factory.getbasetemp().parent / "distributed-local-findings.json"
    lock = open(shared.with_suffix(".lock"), "w")
    request.addfinalizer(lock.close)

    def made(wait: bool = True):
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return None   # the other group is making them
        try:
            if not shared.exists():
                shared.write_text(json.dumps(_local_findings(spread_portal, tmp_path_factory)), encoding="utf-8")
            return [tuple(row) for row in json.loads(shared.read_text(encoding="utf-8"))]
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)

    made(wait=False)
    return made


def _local_findings(spread_portal, tmp_path_factory) -> list[tuple]:
    from zwgk.run import check_run, crawl_sites

    db_path = tmp_path_factory.mktemp("local") / "zwgk.db"
    assert crawl_sites(spread_portal.sites_file, db_path, DEMO_SETTINGS)["status"] == "finished"
    check_run(db_path, as_of=DEMO_AS_OF)
    return findings(db_path, spread_portal.bases)


def findings(target, bases: list[str], run_id: int = 1) -> list[tuple]:
    """A run's findings, sorted, each site's base URL (``bases``) written as http://site<place>."""
    def placed(value):
        if isinstance(value, str):
            for n, base in enumerate(bases):
                value = value.replace(base, f"http://site{n}")
        return value

    db = store.connect(target, create=False)
    try:
        return sorted((tuple(placed(v) for v in row) for row in db.execute(
            f"select {', '.join(FINDING_COLUMNS)} from findings where run_id = ?", [run_id]).fetchall()), key=repr)
    finally:
        db.conn.close()


def workers(redis_url, db_path, log_dir, *extra):
    """Two workers, both ready (taking messages) before the coordinator sends its tasks: a task of this
    small portal may take a second, less than one worker may start after the other on a loaded machine."""
    return localhub.workers(("w1", "w2"), redis_url, db_path, log_dir, *extra)


def coordinator(sites_file, db_path, redis_url, out, settings, task_sites=1) -> subprocess.Popen:
    args = [sys.executable, "-m", "zwgk.cli", "run", "--engine", "celery", "--broker", redis_url, "--db", str(db_path),
            "--sites", str(sites_file), "--out", str(out), "--as-of", DEMO_AS_OF.isoformat(),
            "--task-sites", str(task_sites)]
    for name, value in settings.items():
        args += ["-s", f"{name}={value}"]
    return subprocess.Popen(args, cwd=out.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True)


def assert_nothing_twice(db_path, portal):
    db = store.connect(db_path)
    if not store.is_url(db_path):
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert db.execute("select count(*) from documents").fetchone()[0] == len(portal.documents())
    news = db.execute("select url, count(*) from document_events where event = 'new' group by url").fetchall()
    assert len(news) == len(portal.documents()) and all(n == 1 for _, n in news)
    assert not db.execute("select site_id, url, target, kind from fetch_errors group by 1, 2, 3, 4, run_id "
                          "having count(*) > 1").fetchall()
    return db


# The two slow tests below are two xdist groups (conftest.py would make the module one): each runs on a
# worker of its own, building the module's fixtures there, the local run's findings once for both.
@pytest.mark.slow
@pytest.mark.xdist_group("test_distributed.py::two_workers")
def test_two_workers_crawl_the_portal_as_one_machine_does(redis_url, spread_portal, local_findings, tmp_path, db_target,
                                                          monkeypatch):
    """On a SQLite store (workers on one machine) and on PostgreSQL (any machines): the findings of a
    single-machine SQLite run, row for row."""
    monkeypatch.chdir(tmp_path)   # a PostgreSQL store keeps its logs in the current folder, as the workers do
    portal, sites_file = spread_portal.portal, spread_portal.sites_file
    db_path = tmp_path / "zwgk.db" if isinstance(db_target, Path) else db_target
    with workers(redis_url, db_path, tmp_path) as (w1, w2):
        # Tasks of two sites: three for two workers, so each gets one at least (one message at a time).
        run = coordinator(sites_file, db_path, redis_url, tmp_path / "report", DEMO_SETTINGS, task_sites=2)
        output, _ = run.communicate(timeout=600)
        # A scheduled job runs the distributed crawl too (here: the incremental second run), in tasks of
        # its own size.
        second = scheduled_run("weekly", str(sites_file), str(db_path), str(tmp_path / "report2"), DEMO_SETTINGS,
                               engine="celery", broker=redis_url, task_sites=3)
    assert run.returncode == 0, output
    assert "报告已生成" in output and (tmp_path / "report" / "index.html").exists() and "Traceback" not in output
    # The coordinator's terminal shows the progress as a local run does: sites, pages, errors.
    assert f"采集中：站点 {len(portal.sites)}/{len(portal.sites)} · " in output and " · 错误 " in output
    db = assert_nothing_twice(db_path, portal)
    tasks = store.run_tasks(db, 1)
    assert len(tasks) == len(portal.sites) // 2 and {t["status"] for t in tasks} == {"finished"}
    assert {t["worker"] for t in tasks} == {w1.name, w2.name}       # both workers got tasks
    assert db["runs"].get(1)["status"] == "finished"
    assert findings(db_path, spread_portal.bases, 1) == local_findings()
    assert second == 2 and db["runs"].get(2)["status"] == "finished" and len(store.run_tasks(db, 2)) == 2
    assert (tmp_path / "report2" / "index.html").exists()


def test_a_schedule_can_run_on_celery(tmp_path, monkeypatch):
    from zwgk import distributed
    from zwgk.scheduler import list_jobs, load_schedule

    sites_file = tmp_path / "sites.yaml"
    sites_file.write_text("sites:\n  - id: a\n    name: 甲\n    level: county\n    region: 黑龙江省/示例市/示例县\n"
                          "    url: http://127.0.0.1:1/\n", encoding="utf-8")
    db = str(tmp_path / "zwgk.db")
    base = ["schedule", "add", "--sites", str(sites_file), "--db", db, "--every", "3600", "--engine", "celery"]
    refused = CliRunner().invoke(main, base + ["--broker", "redis://127.0.0.1:1/0"])
    assert refused.exit_code == 69 and len(refused.output.strip().splitlines()) == 1, refused.output
    assert not list_jobs(db)
    monkeypatch.setattr(distributed, "check_broker", lambda broker: None)   # as if it answered
    added = CliRunner().invoke(main, base + ["--broker", "redis://hub:6379/0", "--task-sites", "4"])
    assert added.exit_code == 0, added.output
    from zwgk.scheduler import _open_jobstore

    scheduler = _open_jobstore(db)
    try:
        kwargs = scheduler.get_job("weekly").kwargs
    finally:
        scheduler.shutdown(wait=False)
    assert (kwargs["engine"], kwargs["broker"], kwargs["task_sites"]) == ("celery", "redis://hub:6379/0", 4)
    config = tmp_path / "schedule.yaml"
    config.write_text(f"sites: {sites_file}\nengine: celery\nbroker: redis://hub:6379/0\ntask_sites: 0\n", encoding="utf-8")
    with pytest.raises(Exception, match="task_sites"):
        load_schedule(config)


@pytest.mark.slow
@pytest.mark.xdist_group("test_distributed.py::killed_worker")
def test_a_killed_worker_s_task_is_taken_over_by_the_other(redis_url, spread_portal, local_findings, tmp_path, db_target):
    portal, sites_file = spread_portal.portal, spread_portal.sites_file
    db_path = tmp_path / "zwgk.db" if isinstance(db_target, Path) else db_target
    # Slow enough to be killed mid-crawl; tasks of three sites, so each worker has one. A short
    # visibility timeout: the broker gives the dead worker's task back within seconds.
    slow = {**DEMO_SETTINGS, "CONCURRENT_REQUESTS": "4", "CONCURRENT_REQUESTS_PER_DOMAIN": "2", "DOWNLOAD_DELAY": "0.025"}
    # The store made first: the polling below would otherwise open (and migrate) a fresh SQLite file
    # while the coordinator does, and one of the two gets "database is locked".
    store.connect(db_path).conn.close()
    with workers(redis_url, db_path, tmp_path, "--visibility-timeout", "8") as (w1, w2):
        run = coordinator(sites_file, db_path, redis_url, tmp_path / "report", slow, task_sites=3)
        # Killed once its task has stored documents (resumed, none may be stored twice), at its first
        # commits (about a second apart): the smaller task (173 documents, three sites at up to 40 requests
        # a second each) takes about four seconds on a fast idle machine and longer on a slower or loaded
        # one, so the kill lands mid-task.
        deadline = time.monotonic() + 300
        victim, db = None, None
        try:
            while victim is None:
                if run.poll() is not None:
                    pytest.fail(f"the run ended before a worker could be killed: {run.communicate()[0]}")
                assert time.monotonic() < deadline, "no task of w1 got to 20 documents"
                try:
                    db = db or store.connect(db_path, create=False)   # one connection (PostgreSQL: one backend)
                    with db.conn:
                        rows = db.execute("select task, worker, documents from run_tasks "
                                          "where status = 'running' and documents >= 20").fetchall()
                except (store.StoreError, sqlite3.Error):
                    rows = []   # PostgreSQL: the coordinator has not made its tables yet
                victim = next((task for task, worker, _ in rows if worker == w1.name), None)
                time.sleep(0.1)
        finally:
            if db is not None:
                db.conn.close()
        w1.kill()
        output, _ = run.communicate(timeout=600)
    assert run.returncode == 0, output
    db = assert_nothing_twice(db_path, portal)
    task = store.run_task(db, 1, victim)
    assert (task["status"], task["worker"], task["attempts"]) == ("finished", w2.name, 2)
    assert db["runs"].get(1)["status"] == "finished"
    assert findings(db_path, spread_portal.bases) == local_findings()
