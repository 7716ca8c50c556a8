"""Run one crawl in a process of its own and report its progress from the store.

Scrapy's Twisted reactor cannot be restarted inside one process, and a scheduler or a test runs
many crawls: each crawl is therefore Scrapy's ``crawl portal`` command in a child process. The
child writes its counters to its row in ``runs``; the parent polls that row for progress.

Never two crawls of one store at once: ``run_lock(db)`` takes ``fcntl.flock`` on ``<db>.lock``
beside the database file as resolved (a symlink to the same store is the same lock). The kernel
releases it when the process holding it dies, however it dies, so a crashed run never leaves a
stale lock. ``file_lock`` is the one flock helper (the scheduler's own lock uses it too).
A PostgreSQL store's run lock is an advisory lock on its server instead (``server_lock``), which
the server releases when the holding connection ends, however its process ends.

The crawl process is forked from a fork server that has imported Scrapy and the crawler once
(``crawl_server``; crawler.child says what the forked process sets up): a crawl no longer pays well
over a CPU-second of imports. It gets the locked descriptor passed and dies with its runner: when
the runner ends without stopping it, the crawl gets SIGTERM, and SIGTERM makes Scrapy close the run
as 'interrupted'. So ``timeout``, ``kill`` or the OOM killer on ``zwgk run`` leaves no crawl running
on, orphaned; and a busy lock is reported with the live processes that hold it, found in /proc.
"""
from __future__ import annotations

import fcntl
import multiprocessing
import multiprocessing.connection
import multiprocessing.process
import os
import re
import shutil
import signal
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from multiprocessing import reduction

from crawler import store
from crawler.exceptions import ZwgkError
from crawler.sites import dump_sites


class RunLocked(ZwgkError, RuntimeError):
    """Another run holds the store's lock; the message is one line for the user (exit code 75: try later)."""
    exit_code = 75


_held: dict[tuple[str, int], list] = {}   # (lock path, thread id) -> [fd, depth]
_held_guard = threading.Lock()


# The preload of the fork server: the crawl process's module, which imports Scrapy and the crawler.
# This process does not import it: a `zwgk` command that crawls nothing need not pay for Scrapy.
CHILD_MODULE = "crawler.child"
SERVER_ENV = "ZWGK_CRAWL_SERVER"   # this process's pid while it starts its fork server (crawler.child)

_children: set = set()  # crawl processes of this process, for interrupt_crawls()
_server_guard = threading.Lock()
_crawl_cpu = [0.0]   # CPU seconds the ended crawl processes of this process reported


def interrupt_crawls() -> None:
    """Ask every running crawl child to stop (SIGINT: Scrapy closes the run as 'interrupted')."""
    for child in list(_children):
        try:   # ended or not, without reading its exit status: that is for the thread that runs it
            running = not multiprocessing.connection.wait([child.sentinel], 0)
        except ValueError:
            continue   # closed: ended and done with
        if running:
            os.kill(child.pid, signal.SIGINT)


def crawl_server():
    """The multiprocessing context whose fork server starts this process's crawls, the server started.

    Its preload: the module the crawl process runs (crawler.child, which imports Scrapy and the
    crawler) and this process's main module, which multiprocessing imports in every child it starts
    (imported once in the server, a child does not import it again)."""
    context = multiprocessing.get_context("forkserver")
    main = getattr(sys.modules["__main__"].__spec__, "name", None)
    named_main = [main] if main and main != "__main__" and not main.endswith(".__main__") else []
    with _server_guard:
        context.set_forkserver_preload(["__main__", *named_main, CHILD_MODULE])
        os.environ[SERVER_ENV] = str(os.getpid())   # crawler.child: the server's own session
        try:
            from multiprocessing import forkserver
            forkserver.ensure_running()
        finally:
            os.environ.pop(SERVER_ENV, None)
    return context


class Fd:
    """A descriptor of this process given to the forked crawl process (SCM_RIGHTS, through the fork
    server): ``fd`` is this process's number when pickled, the crawl process's own after unpickling."""

    def __init__(self, fd: int):
        self.fd = fd

    def __reduce__(self):
        return _received, (reduction.DupFd(self.fd),)


def _received(dup) -> Fd:
    return Fd(dup.detach())


def _start(context, **kwargs):
    """Make and start a process of ``context`` (multiprocessing.Process arguments ``kwargs``).

    In a Celery worker's pool process, multiprocessing's current process is billiard's (Celery's
    fork of multiprocessing): daemonic, and its authentication key billiard's own type, which
    multiprocessing cannot pass on. multiprocessing refuses children of a daemonic process (they
    would be left running when it is terminated); a crawl process ends when its runner ends
    (crawler.child), so that reason does not hold. For the start, the current process's settings
    are made multiprocessing's own: not daemonic, the same key."""
    me = multiprocessing.current_process()
    with _server_guard:
        saved = dict(me._config)
        me._config.pop("daemon", None)
        me._config["authkey"] = multiprocessing.process.AuthenticationString(me._config["authkey"])
        try:
            process = context.Process(**kwargs)
            process.start()
        finally:
            me._config.clear()
            me._config.update(saved)
    return process


def _crawl_process(*args) -> None:
    """What the forked crawl process runs (crawler.child.run; imported there, not here)."""
    from crawler import child
    child.run(*args)


def runner_pid() -> int:
    """(In a crawl process.) The pid of the runner that started it, which claimed its task: its
    multiprocessing parent, not the fork server that forked it (``os.getppid()``); the parent process
    when run by ``scrapy crawl``."""
    parent = multiprocessing.parent_process()
    return parent.pid if parent is not None else os.getppid()


def crawl_cpu() -> float:
    """CPU seconds (user + system) of the crawl processes this process started and that have ended,
    as each reported at its end. ``RUSAGE_CHILDREN`` does not count them: the fork server reaps them.
    A crawl killed by a signal reports nothing."""
    return _crawl_cpu[0]


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
    read-only, damaged or someone else's (nothing is written then). The crawl process comes from
    multiprocessing's fork server, which imports the caller's main module: a script calling this at
    its top level needs the usual ``if __name__ == "__main__":`` guard.
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
                            lock_fd=lock_fd, poll_seconds=poll_seconds,
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


def _run_child(sites_file, db_path, run_id, log_path: Path, *, settings, only, sites, extra=None, lock_fd=None,
               poll_seconds, on_poll) -> int:
    """The crawl process of a run (or of a task of one): Scrapy's command line, polled until it ends.
    Returns its exit code, negative for the signal that killed it."""
    argv = ["crawl", "portal", "-a", f"sites={sites_file}", "-a", f"run_id={run_id}",
            "-s", f"ZWGK_DB={db_path}", "-s", f"LOG_FILE={log_path}"]
    if only:
        argv += ["-a", f"only={only}"]
    sites_json = None
    if sites is not None:
        sites_json = log_path.with_suffix(".sites.json")
        sites_json.write_text(dump_sites(sites), encoding="utf-8")
        argv += ["-a", f"sites_json={sites_json}"]
    # Pending requests on disk (Scrapy's disk queues), not in memory: a first crawl queues every
    # detail page while list pages go first, which made memory grow ~2.5 KB per page. Each run gets
    # a fresh job directory (no resuming of an earlier run), removed when the crawl process ends.
    jobdir = log_path.with_suffix(".jobdir")
    argv += ["-s", f"JOBDIR={jobdir}"]
    for name, value in {**(settings or {}), **(extra or {})}.items():
        argv += ["-s", f"{name}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    context = crawl_server()
    report, reported = context.Pipe(duplex=False)
    # Only the log file gets Scrapy's output; a traceback in the child stays in the log.
    with open(log_path, "ab") as log:
        # Daemonic: should this process end while the crawl runs, multiprocessing's exit handler
        # stops it (SIGTERM: the run closed as 'interrupted') and waits for it.
        child = _start(context, target=_crawl_process, name=f"zwgk-crawl-{run_id}", daemon=True, args=(
            argv, env, Fd(log.fileno()), None if lock_fd is None else Fd(lock_fd), reported))
    reported.close()
    _children.add(child)
    restore_sigterm = _forward_sigterm()
    try:
        while True:   # join returns as soon as the child ends, not at the next poll
            child.join(poll_seconds)
            if child.exitcode is not None:
                break
            if on_poll:
                on_poll()
    except KeyboardInterrupt:
        # Scrapy closes the spider cleanly on the first SIGINT: the run ends as 'interrupted'.
        os.kill(child.pid, signal.SIGINT)
        child.join()
        raise
    finally:
        restore_sigterm()
        if child.exitcode is None:
            child.kill()
            child.join()
        _children.discard(child)
        try:
            if report.poll():
                seconds = report.recv()
                with _server_guard:
                    _crawl_cpu[0] += seconds
        except EOFError:
            pass   # killed before it could report
        report.close()
        code = child.exitcode
        child.close()
        if sites_json is not None:
            sites_json.unlink(missing_ok=True)
        shutil.rmtree(jobdir, ignore_errors=True)
    return code
