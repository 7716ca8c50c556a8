"""Run one crawl in a subprocess and report its progress from the store.

Scrapy's Twisted reactor cannot be restarted inside one process, and a scheduler or a test runs
many crawls: each crawl is therefore ``python -m scrapy crawl portal`` in a child process. The
child writes its counters to its row in ``runs``; the parent polls that row for progress.

Never two crawls of one store at once: ``run_lock(db)`` takes ``fcntl.flock`` on ``<db>.lock``
beside the database. The kernel releases it when the process holding it dies, however it dies, so
a crashed run never leaves a stale lock. The crawl child inherits the locked descriptor: the lock
is held while either process lives (a child orphaned by kill -9 of its parent still holds it).
"""
from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from crawler import store
from crawler.sites import dump_sites


class RunLocked(RuntimeError):
    """Another run holds the store's lock; the message is one line for the user."""


_held: dict[tuple[str, int], list] = {}   # (lock path, thread id) -> [fd, depth]
_held_guard = threading.Lock()


_children: set = set()  # crawl processes of this process, for interrupt_crawls()


def interrupt_crawls() -> None:
    """Ask every running crawl child to stop (SIGINT: Scrapy closes the run as 'interrupted')."""
    for child in list(_children):
        if child.poll() is None:
            child.send_signal(signal.SIGINT)


def lock_path_for(db_path: str | os.PathLike) -> Path:
    return Path(f"{os.fspath(db_path)}.lock")


@contextmanager
def run_lock(db_path: str | os.PathLike, *, wait: float = 0, note: str = ""):
    """Hold the store's run lock (re-entrant within one thread); raise RunLocked when another holds it.

    ``wait``: seconds to keep trying before giving up (0: fail at once). Yields the locked descriptor.
    """
    path = lock_path_for(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = (str(path.resolve()), threading.get_ident())
    with _held_guard:
        held = _held.get(key)
        if held:
            held[1] += 1
    if held:
        try:
            yield held[0]
        finally:
            held[1] -= 1
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = os.pread(fd, 300, 0).decode("utf-8", "replace").strip()
                os.close(fd)
                raise RunLocked(f"{Path(db_path)} 正在被另一个采集任务使用（{holder or '锁文件 ' + str(path)}），本次未运行") from None
            time.sleep(0.5)
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"进程 {os.getpid()}，{store.now()} 开始{('，' + note) if note else ''}\n".encode(), 0)
    with _held_guard:
        _held[key] = [fd, 1]
    try:
        yield fd
    finally:
        with _held_guard:
            del _held[key]
        try:
            os.ftruncate(fd, 0)
        except OSError:
            pass
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def log_path_for(db_path: str | os.PathLike, run_id: int) -> Path:
    db_path = Path(db_path)
    return db_path.parent / f"{db_path.stem}-logs" / f"run-{run_id}.log"


def crawl(
    sites_file: str | os.PathLike,
    db_path: str | os.PathLike,
    *,
    settings: dict[str, str] | None = None,
    only: str | None = None,
    kind: str = "crawl",
    on_progress=None,
    poll_seconds: float = 1.0,
    sites: list | None = None,
) -> tuple[int, int]:
    """Crawl the sites of ``sites_file`` into ``db_path``; returns (run id, exit code of the crawl).

    ``sites``: the file's sites as the caller already loaded and validated them; the crawl process
    then gets them as JSON instead of parsing the YAML a second time (a big sites file takes long).
    Raises RunLocked when another crawl of the same store is running.
    """
    with run_lock(db_path) as lock_fd:
        return _crawl(sites_file, db_path, lock_fd, settings=settings, only=only, kind=kind,
                      on_progress=on_progress, poll_seconds=poll_seconds, sites=sites)


def _crawl(sites_file, db_path, lock_fd, *, settings, only, kind, on_progress, poll_seconds, sites):
    db = store.connect(db_path)
    run_id = store.start_run(db, kind, sites_file=str(sites_file))
    log_path = log_path_for(db_path, run_id)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with db.conn:
        db["runs"].update(run_id, {"log_path": str(log_path)})

    cmd = [sys.executable, "-m", "scrapy", "crawl", "portal",
           "-a", f"sites={sites_file}", "-a", f"run_id={run_id}",
           "-s", f"ZWGK_DB={db_path}", "-s", f"LOG_FILE={log_path}"]
    if only:
        cmd += ["-a", f"only={only}"]
    sites_json = None
    if sites is not None:
        sites_json = log_path.with_suffix(".sites.json")
        sites_json.write_text(dump_sites(sites), encoding="utf-8")
        cmd += ["-a", f"sites_json={sites_json}"]
    for name, value in (settings or {}).items():
        cmd += ["-s", f"{name}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    # Only the log file gets Scrapy's output; a traceback in the child stays in the log.
    with open(log_path, "ab") as log:
        child = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, start_new_session=True, pass_fds=(lock_fd,))
    _children.add(child)
    try:
        while child.poll() is None:
            time.sleep(poll_seconds)
            if on_progress:
                on_progress(db["runs"].get(run_id))
    except KeyboardInterrupt:
        # Scrapy closes the spider cleanly on the first SIGINT: the run ends as 'interrupted'.
        child.send_signal(signal.SIGINT)
        child.wait()
        raise
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        _children.discard(child)
        if sites_json is not None:
            sites_json.unlink(missing_ok=True)
    row = db["runs"].get(run_id)
    if row["status"] == "running":
        # The child died before it could close its run: killed (kill -9, OOM killer) or crashed.
        if child.returncode < 0:
            name = signal.Signals(-child.returncode).name if -child.returncode in signal.valid_signals() else child.returncode
            store.finish_run(db, run_id, "interrupted", note=f"crawl process killed by {name}; see {log_path}")
        else:
            store.finish_run(db, run_id, "failed",
                             note=f"crawl process exited with code {child.returncode}; see {log_path}")
    if on_progress:
        on_progress(db["runs"].get(run_id))
    db.conn.close()
    return run_id, child.returncode
