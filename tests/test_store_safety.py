"""The store under a weekly unattended run: one lock per file however it is reached, no crawl left
running when its parent dies, a busy lock naming a live holder, and a read-only, damaged or foreign
database refused in one line with nothing written into it."""
from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler import store
from crawler.runner import RunLocked, crawl_server, lock_path_for, run_lock
from zwgk.cli import main
from zwgk.demo import DEMO_SETTINGS
from zwgk.demoportal import DemoPortal, serve
from zwgk.scheduler import jobstore_path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
SLOW = {**DEMO_SETTINGS, "CONCURRENT_REQUESTS": "2", "CONCURRENT_REQUESTS_PER_DOMAIN": "2", "DOWNLOAD_DELAY": "0.05"}


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def read(db_path, sql, params=()):
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- one lock per file ------------------------------------------------------------------------------

def test_a_symlink_to_the_store_takes_the_same_lock(unreachable_site, tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "other").mkdir()
    real = tmp_path / "real" / "zwgk.db"
    store.connect(real).conn.close()
    link = tmp_path / "other" / "link.db"
    link.symlink_to(real)
    assert lock_path_for(link) == lock_path_for(real) == Path(f"{real.resolve()}.lock")
    assert jobstore_path(link) == jobstore_path(real)
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import time; from crawler.runner import run_lock\n"
                               f"with run_lock({str(real)!r}, note='zwgk run'):\n    print('held', flush=True); time.sleep(60)"],
        cwd=ROOT, env=ENV, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RunLocked, match=f"进程 {holder.pid}"):
            with run_lock(link):
                pass
        sites = tmp_path / "sites.yaml"
        sites.write_text(unreachable_site, encoding="utf-8")
        result = run_cli("crawl", "--sites", sites, "--db", link)
        assert result.exit_code == 75, result.output
        assert f"进程 {holder.pid}" in result.output
    finally:
        holder.kill()
        holder.wait()


def test_a_busy_lock_names_the_live_holder_when_the_one_that_took_it_is_gone(tmp_path):
    """The process that took the lock was killed; a child that inherited the descriptor holds it."""
    db_path = tmp_path / "zwgk.db"
    code = (f"import os, subprocess, sys; from crawler.runner import run_lock\n"
            f"with run_lock({str(db_path)!r}, note='zwgk run') as fd:\n"
            f"    child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], pass_fds=(fd,))\n"
            f"    print(child.pid, flush=True)\n"
            f"    os._exit(0)\n")   # dies like kill -9: no unlock
    taker = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=ENV, stdout=subprocess.PIPE, text=True)
    orphan = int(taker.stdout.readline())
    taker.wait()
    try:
        with pytest.raises(RunLocked) as err:
            with run_lock(db_path):
                pass
        message = str(err.value)
        assert f"进程 {orphan}" in message and f"进程 {taker.pid} 已退出" in message, message
    finally:
        os.kill(orphan, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while store._alive(orphan) and time.monotonic() < deadline:
        time.sleep(0.1)
    with run_lock(db_path):
        pass


# --- the crawl child dies with its parent -------------------------------------------------------------

def _start(args, db_path, cwd) -> tuple[subprocess.Popen, int, int]:
    """`zwgk crawl` in its own process; returns it, the run id and the Scrapy child's pid once running."""
    parent = subprocess.Popen([sys.executable, "-m", "zwgk.cli", *map(str, args)], cwd=cwd, env=ENV,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert parent.poll() is None, "the crawl ended before the test could stop it"
        try:
            rows = read(db_path, "select id, pid, pages from runs where status = 'running'")
        except sqlite3.Error:
            rows = []
        if rows and rows[0][1] != parent.pid and rows[0][2] > 20:
            return parent, rows[0][0], rows[0][1]
        time.sleep(0.1)
    parent.kill()
    raise AssertionError("the crawl never got going")


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not store._alive(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_the_crawl_child_does_not_outlive_zwgk(tmp_path, how):
    """kill -9 / the OOM killer (SIGKILL) or `timeout` (SIGTERM) on the zwgk process only: the crawl
    child stops too, closes its run as interrupted and frees the store for the next run."""
    portal = DemoPortal(scale=0.1)   # 455 documents: more than the crawl gets to before it is stopped
    with serve(portal) as base:
        sites = tmp_path / "sites.yaml"
        sites.write_text(portal.sites_yaml(base), encoding="utf-8")
        db_path = tmp_path / "zwgk.db"
        args = ["crawl", "--sites", sites, "--db", db_path] + [a for k, v in SLOW.items() for a in ("-s", f"{k}={v}")]
        parent, run_id, child = _start(args, db_path, tmp_path)
        os.kill(parent.pid, getattr(signal, how))
        code = parent.wait(timeout=60)
        assert _gone_within(child, 60), f"crawl child {child} still running after its parent got {how}"
        if how == "SIGTERM":
            assert code == 130
        status = read(db_path, "select status from runs where id = ?", [run_id])[0][0]
        assert status == "interrupted"
        with run_lock(db_path):
            pass


def _fork_server_state(conn) -> None:
    """(Runs in a process forked by the crawl server.) What the server had when it forked."""
    server = os.getppid()
    with open(f"/proc/{server}/status") as f:
        threads = next(int(line.split()[1]) for line in f if line.startswith("Threads:"))
    conn.send({"server": server, "threads": threads, "own session": os.getsid(server) == server,
               "scrapy imported": "scrapy.crawler" in sys.modules and "crawler.spiders.portal" in sys.modules,
               "reactor installed": "twisted.internet.reactor" in sys.modules})


def _forked_state(context) -> dict:
    mine, theirs = context.Pipe(duplex=False)
    process = context.Process(target=_fork_server_state, args=(theirs,))
    process.start()
    theirs.close()
    state = mine.recv()
    process.join()
    assert process.exitcode == 0
    return state


@pytest.mark.slow
def test_crawls_are_forked_from_a_server_with_scrapy_imported_and_nothing_started():
    """A crawl process forked by the server skips the imports; Scrapy can install its reactor in it
    (none installed yet) and no thread of the server was lost by the fork (it had none); a signal to
    this process's group does not reach the server."""
    state = _forked_state(crawl_server())
    assert state == {"server": state["server"], "threads": 1, "own session": True, "scrapy imported": True,
                     "reactor installed": False}
    assert os.getsid(state["server"]) != os.getsid(0)


@pytest.mark.slow
def test_the_fork_server_ends_with_the_process_that_started_it(tmp_path):
    code = ("import sys; sys.path.insert(0, 'tests'); from crawler.runner import crawl_server; "
            "from test_store_safety import _forked_state; print(_forked_state(crawl_server())['server'], flush=True); "
            "sys.stdin.read()")
    creator = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=ENV, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    server = int(creator.stdout.readline())
    assert store._alive(server)
    creator.kill()
    creator.wait()
    assert _gone_within(server, 30), f"fork server {server} still running after its creator was killed"


# --- read-only, damaged and foreign databases -----------------------------------------------------------

def _damaged_store(path: Path) -> None:
    db = store.connect(path)
    writer = store.Writer(db, store.record_run(db))
    with db.conn:
        writer.documents({"url": f"http://x/{i}", "site_id": "s", "title": f"文件 {i}", "body": "正文" * 300}
                         for i in range(400))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    with open(path, "r+b") as f:   # one page in the middle overwritten
        f.seek(40 * 4096)
        f.write(os.urandom(4096))


@pytest.mark.parametrize("command", ["crawl", "check"])
def test_a_damaged_store_is_one_line_and_nothing_is_written_into_it(unreachable_site, tmp_path, command):
    db_path = tmp_path / "zwgk.db"
    _damaged_store(db_path)
    before = digest(db_path)
    sites = tmp_path / "sites.yaml"
    sites.write_text(unreachable_site, encoding="utf-8")
    args = ("crawl", "--sites", sites, "--db", db_path) if command == "crawl" else ("check", "--db", db_path)
    result = run_cli(*args)
    assert result.exit_code == 1, result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"错误：{db_path}: the database is damaged (PRAGMA quick_check: ")
    assert digest(db_path) == before


def test_a_read_only_store_is_one_line(unreachable_site, tmp_path):
    db_path = tmp_path / "zwgk.db"
    db = store.connect(db_path)
    store.finish_run(db, store.start_run(db, "crawl"))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    os.chmod(db_path, 0o444)
    immutable = False
    if os.geteuid() == 0:   # root writes any file whatever its mode: make it immutable instead
        immutable = subprocess.run(["chattr", "+i", str(db_path)], capture_output=True).returncode == 0
        if not immutable:
            pytest.skip("running as root where chattr +i is not available: cannot make a read-only file")
    try:
        before = digest(db_path)
        sites = tmp_path / "sites.yaml"
        sites.write_text(unreachable_site, encoding="utf-8")
        for args in (("crawl", "--sites", sites, "--db", db_path), ("check", "--db", db_path)):
            result = run_cli(*args)
            assert result.exit_code == 1, result.output
            assert result.output.strip().splitlines() == [
                f"错误：{db_path}: read-only, zwgk cannot write the store there (check its permissions)"]
        assert digest(db_path) == before
        assert read(db_path, "select count(*) from runs")[0][0] == 1
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(db_path)], check=True)


def test_another_applications_database_is_refused_unless_init(unreachable_site, tmp_path):
    db_path = tmp_path / "app.db"
    conn = sqlite3.connect(db_path)
    conn.execute("create table users (id integer primary key, name text)")
    conn.execute("insert into users (name) values ('张三')")
    conn.commit()
    conn.close()
    before = digest(db_path)
    sites = tmp_path / "sites.yaml"
    sites.write_text(unreachable_site, encoding="utf-8")
    for args in (("crawl", "--sites", sites, "--db", db_path), ("report", "--db", db_path, "--out", tmp_path / "r")):
        result = run_cli(*args)
        assert result.exit_code == 1, result.output
        assert result.output.strip().splitlines() == [
            f"错误：{db_path}: not a zwgk store: it holds another application's tables (users); "
            "pass --init to add zwgk's tables to it anyway, or choose another --db"]
        assert digest(db_path) == before
    result = run_cli("crawl", "--sites", sites, "--db", db_path, "--init", "-s", "RETRY_TIMES=0")
    assert result.exit_code == 0, result.output
    tables = {r[0] for r in read(db_path, "select name from sqlite_master where type = 'table'")}
    assert {"users", "runs", "documents"} <= tables
    assert read(db_path, "select name from users") == [("张三",)]
    assert run_cli("report", "--db", db_path, "--out", tmp_path / "r").exit_code == 0   # now it is one


def test_an_empty_sqlite_file_is_a_new_store(tmp_path):
    db_path = tmp_path / "empty.db"
    sqlite3.connect(db_path).close()
    store.connect(db_path).conn.close()
    assert "runs" in {r[0] for r in read(db_path, "select name from sqlite_master where type = 'table'")}
