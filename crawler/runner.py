"""Run one crawl in a subprocess and report its progress from the store.

Scrapy's Twisted reactor cannot be restarted inside one process, and a scheduler or a test runs
many crawls: each crawl is therefore ``python -m scrapy crawl portal`` in a child process. The
child writes its counters to its row in ``runs``; the parent polls that row for progress.

Never two crawls of one store at once: ``run_lock(db)`` takes ``fcntl.flock`` on ``<db>.lock``
beside the database file as resolved (a symlink to the same store is the same lock). The kernel
releases it when the process holding it dies, however it dies, so a crashed run never leaves a
stale lock. ``file_lock`` is the one flock helper (the scheduler's own lock uses it too).
A PostgreSQL store's run lock is an advisory lock on its server instead (``server_lock``), which
the server releases when the holding connection ends, however its process ends.

The crawl child inherits the locked descriptor and dies with its parent: it runs ``crawler.child``,
which asks the kernel for SIGTERM when the parent dies (``PR_SET_PDEATHSIG``) and, where that is not
available, watches the parent's pid. SIGTERM makes Scrapy close the run as 'interrupted'. So
``timeout``, ``kill`` or the OOM killer on ``zwgk run`` leaves no crawl running on, orphaned; and a
busy lock is reported with the live processes that hold it, found in /proc.
"""
from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from crawler import child as child_module
from crawler import store
from crawler.exceptions import ZwgkError
from crawler.sites import dump_sites


class RunLocked(ZwgkError, RuntimeError):
    """Another run holds the store's lock; the message is one line for the user (exit code 75: try later)."""
    exit_code = 75


_held: dict[tuple[str, int], list] = {}   # (lock path, thread id) -> [fd, depth]
_held_guard = threading.Lock()


_children: set = set()  # crawl processes of this process, for interrupt_crawls()


def interrupt_crawls() -> None:
    """Ask every running crawl child to stop (SIGINT: Scrapy closes the run as 'interrupted')."""
    for child in list(_children):
        if child.poll() is None:
            child.send_signal(signal.SIGINT)


def lock_path_for(db_path: str | os.PathLike) -> Path:
    """``<db>.lock`` beside the file the path resolves to: every path to one store, one lock."""
    return Path(f"{os.path.realpath(os.fspath(db_path))}.lock")


def lock_holders(lock_path: Path) -> list[int]:
    """Live processes (other than this one) with ``lock_path`` open: who holds it, including a crawl
    child that inherited it. Empty where /proc cannot tell (other systems, other users' processes)."""
    try:
        target = os.stat(lock_path)
    except OSError:
        return []
    holders = []
    for entry in os.scandir("/proc") if os.path.isdir("/proc") else ():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            for fd in os.scandir(f"/proc/{entry.name}/fd"):
                st = os.stat(fd.path)
                if (st.st_dev, st.st_ino) == (target.st_dev, target.st_ino):
                    holders.append(int(entry.name))
                    break
        except OSError:
            continue
    return [pid for pid in holders if store._alive(pid)]


def _command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return " ".join(a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a)[:120]
    except OSError:
        return ""


@contextmanager
def file_lock(path: str | os.PathLike, *, wait: float = 0, note: str = ""):
    """Hold ``fcntl.flock`` on ``path``; raise RunLocked (its message: who holds it) when another has it.

    ``wait``: seconds to keep trying (0: fail at once). Writes who holds it into the file (pid, start,
    ``note``). Yields the locked descriptor, which is not inherited unless passed on explicitly."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                written = os.pread(fd, 300, 0).decode("utf-8", "replace").strip()
                os.close(fd)
                raise RunLocked(_holder(path, written)) from None
            time.sleep(0.5)
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"进程 {os.getpid()}，{store.now()} 开始{('，' + note) if note else ''}\n".encode(), 0)
    try:
        yield fd
    finally:
        try:
            os.ftruncate(fd, 0)
        except OSError:
            pass
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _holder(path: Path, written: str) -> str:
    """Who holds a busy lock, naming a live process: what the holder wrote when that process still
    lives, else the live processes that have the file open (a crawl child that inherited it)."""
    named = [int(n) for n in re.findall(r"进程 (\d+)", written)]
    if any(store._alive(pid) for pid in named):
        return written
    live = lock_holders(path)
    if not live:
        return written or f"锁文件 {path}"
    who = "、".join(f"进程 {pid}" + (f"（{cmd}）" if (cmd := _command_line(pid)) else "") for pid in live)
    gone = f"；锁文件所记的进程 {'、'.join(map(str, named))} 已退出" if named else ""
    return f"{who} 持有{gone}"


@contextmanager
def server_lock(url: str, *, wait: float = 0):
    """The run lock of a PostgreSQL store: an advisory lock its server holds for a connection of this
    process and releases when that connection ends, however the process ends. Yields None (no
    descriptor to hand to the crawl child: the child dies with this process)."""
    db = store.lock_connection(url)
    try:
        deadline = time.monotonic() + wait
        while not db.try_run_lock():
            if time.monotonic() >= deadline:
                holders = db.run_lock_holders()
                raise RunLocked("、".join(f"PostgreSQL 会话 {pid}（客户端 {addr}）" for pid, addr in holders) + "持有"
                                if holders else "另一个会话持有")
            time.sleep(0.5)
        yield None
    finally:
        db.conn.close()


@contextmanager
def run_lock(db_path: str | os.PathLike, *, wait: float = 0, note: str = ""):
    """Hold the store's run lock (re-entrant within one thread); raise RunLocked when another holds it.

    ``wait``: seconds to keep trying before giving up (0: fail at once). Yields the locked descriptor
    (None for a PostgreSQL store: ``server_lock``).
    """
    on_server = store.is_url(db_path)
    path = db_path if on_server else lock_path_for(db_path)
    key = (str(path), threading.get_ident())
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
    with ExitStack() as stack:
        try:
            fd = stack.enter_context(server_lock(db_path, wait=wait) if on_server
                                     else file_lock(path, wait=wait, note=note))
        except RunLocked as exc:
            raise RunLocked(f"{store.describe(db_path)} 正在被另一个采集任务使用（{exc}），本次未运行") from None
        with _held_guard:
            _held[key] = [fd, 1]
        try:
            yield fd
        finally:
            with _held_guard:
                del _held[key]


def log_path_for(db_path: str | os.PathLike, run_id: int) -> Path:
    base = store.files_base(db_path)
    return base.parent / f"{base.stem}-logs" / f"run-{run_id}.log"


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
    init: bool = False,
) -> tuple[int, int]:
    """Crawl the sites of ``sites_file`` into ``db_path``; returns (run id, exit code of the crawl).

    ``sites``: the file's sites as the caller already loaded and validated them; the crawl process
    then gets them as JSON instead of parsing the YAML a second time (a big sites file takes long).
    ``init``: the store may be a SQLite file holding other applications' tables (see store.connect).
    Raises RunLocked when another crawl of the same store is running, StoreError when the store is
    read-only, damaged or someone else's (nothing is written then).
    """
    with run_lock(db_path) as lock_fd:
        return _crawl(sites_file, db_path, lock_fd, settings=settings, only=only, kind=kind,
                      on_progress=on_progress, poll_seconds=poll_seconds, sites=sites, init=init)


def _forward_sigterm():
    """In the main thread: SIGTERM to this process (``timeout``, ``kill``, systemd) is handled like
    Ctrl-C, so the crawl child is asked to stop and waited for. Returns what restores the handler."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None   # the scheduler handles SIGTERM itself (interrupt_crawls)

    def on_sigterm(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    return lambda: signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _crawl(sites_file, db_path, lock_fd, *, settings, only, kind, on_progress, poll_seconds, sites, init):
    db = store.connect(db_path, init=init, verify=True)
    run_id = store.start_run(db, kind, sites_file=str(sites_file))
    log_path = log_path_for(db_path, run_id)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with db.conn:
        db["runs"].update(run_id, {"log_path": str(log_path)})
    for stale in log_path.parent.glob("run-*.jobdir"):   # left by a run killed with its parent
        shutil.rmtree(stale, ignore_errors=True)
    returncode = _run_child(sites_file, db_path, run_id, log_path, settings=settings, only=only, sites=sites,
                            pass_fds=() if lock_fd is None else (lock_fd,), poll_seconds=poll_seconds,
                            on_poll=on_progress and (lambda: on_progress(db["runs"].get(run_id))))
    row = db["runs"].get(run_id)
    if row["status"] == "running":
        # The child died before it could close its run: killed (kill -9, OOM killer) or crashed.
        status, note = _death(returncode, log_path)
        store.finish_run(db, run_id, status, note=note)
    if on_progress:
        on_progress(db["runs"].get(run_id))
    db.conn.close()
    return run_id, returncode


def crawl_task(sites: list, db_path: str | os.PathLike, run_id: int, task: str, *, settings: dict | None = None,
               on_poll=None, poll_seconds: float = 1.0) -> tuple[str, int]:
    """Crawl ``sites`` as task ``task`` of the distributed run ``run_id`` (zwgk.distributed), in a
    subprocess like ``crawl``: into the coordinator's run, which it neither starts nor closes, and
    without the run lock, which the coordinator holds. The task's row in ``run_tasks`` must be claimed
    (``store.claim_task``). ``on_poll()`` is called while the crawl runs. Returns the task's status
    (finished, interrupted, failed) and the crawl's exit code."""
    log_path = log_path_for(db_path, run_id).with_name(f"run-{run_id}-{task}.log")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    db = store.connect(db_path, create=False)
    try:
        store.touch_task(db, run_id, task, log_path=str(log_path))
        # Only this task's own job directory, left by an attempt killed with its worker: other tasks'
        # crawls may be running beside this one.
        shutil.rmtree(log_path.with_suffix(".jobdir"), ignore_errors=True)
        returncode = _run_child(f"run {run_id} task {task}", db_path, run_id, log_path, settings=settings, only=None,
                                sites=sites, extra={"ZWGK_RUN_TASK": task}, poll_seconds=poll_seconds, on_poll=on_poll)
        row = store.run_task(db, run_id, task)
        if row["status"] == "running" and row["pid"] == os.getpid():
            status, note = _death(returncode, log_path)
            store.finish_task(db, run_id, task, status, note=note, owner=os.getpid())
            return status, returncode
        return row["status"], returncode
    finally:
        db.conn.close()


def _death(returncode: int, log_path) -> tuple[str, str]:
    """Status and note of a run or task whose crawl process ended without closing it."""
    if returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else returncode
        return "interrupted", f"crawl process killed by {name}; see {log_path}"
    return "failed", f"crawl process exited with code {returncode}; see {log_path}"


def _run_child(sites_file, db_path, run_id, log_path: Path, *, settings, only, sites, extra=None, pass_fds=(),
               poll_seconds, on_poll) -> int:
    """The crawl process of a run (or of a task of one): Scrapy's command line, polled until it ends."""
    cmd = [sys.executable, "-m", "crawler.child", "crawl", "portal",
           "-a", f"sites={sites_file}", "-a", f"run_id={run_id}",
           "-s", f"ZWGK_DB={db_path}", "-s", f"LOG_FILE={log_path}"]
    if only:
        cmd += ["-a", f"only={only}"]
    sites_json = None
    if sites is not None:
        sites_json = log_path.with_suffix(".sites.json")
        sites_json.write_text(dump_sites(sites), encoding="utf-8")
        cmd += ["-a", f"sites_json={sites_json}"]
    # Pending requests on disk (Scrapy's disk queues), not in memory: a first crawl queues every
    # detail page while list pages go first, which made memory grow ~2.5 KB per page. Each run gets
    # a fresh job directory (no resuming of an earlier run), removed when the crawl process ends.
    jobdir = log_path.with_suffix(".jobdir")
    cmd += ["-s", f"JOBDIR={jobdir}"]
    for name, value in {**(settings or {}), **(extra or {})}.items():
        cmd += ["-s", f"{name}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings", child_module.PARENT_ENV: str(os.getpid())}
    # Only the log file gets Scrapy's output; a traceback in the child stays in the log.
    with open(log_path, "ab") as log:
        child = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, start_new_session=True, pass_fds=pass_fds)
    _children.add(child)
    restore_sigterm = _forward_sigterm()
    try:
        while True:
            try:   # returns as soon as the child ends, not at the next poll
                child.wait(timeout=poll_seconds)
                break
            except subprocess.TimeoutExpired:
                if on_poll:
                    on_poll()
    except KeyboardInterrupt:
        # Scrapy closes the spider cleanly on the first SIGINT: the run ends as 'interrupted'.
        child.send_signal(signal.SIGINT)
        child.wait()
        raise
    finally:
        restore_sigterm()
        if child.poll() is None:
            child.kill()
            child.wait()
        _children.discard(child)
        if sites_json is not None:
            sites_json.unlink(missing_ok=True)
        shutil.rmtree(jobdir, ignore_errors=True)
    return child.returncode
