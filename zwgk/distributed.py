"""Crawling on Celery workers (``--engine celery``): many machines, one store, one run.

    zwgk worker --broker redis://hub:6379/0 --db postgresql+psycopg://zwgk@hub/zwgk     # on each worker host
    zwgk run --engine celery --broker redis://hub:6379/0 --db … --sites sites.yaml      # the coordinator

The coordinator (``crawl_distributed``, called by ``zwgk.run.crawl_sites`` under the store's run lock)
groups the sites into tasks — sites sharing a host, or a host's address, always in one task, so one
Scrapy process keeps each host's politeness; at most ``task_sites`` sites a task otherwise — starts ONE
run in the store with one ``run_tasks`` row per task, and sends a Celery chord: each task is today's
crawl subprocess (``crawler.runner.crawl_task``) for its sites, writing into that run; the chord's
callback closes the run once every task is over. The coordinator shows the tasks' summed counters as
they report, and then ``zwgk.run`` checks and reports the run exactly as after a local crawl.

Delivery: acknowledged late (after the task), one message prefetched per worker process, a message
of a worker process that died given back at once (``task_reject_on_worker_lost``) and that of a
worker host that vanished given back after the broker's visibility timeout (Redis; hours by default,
longer than a task should take). A delivered task first claims its ``run_tasks`` row: a row another
attempt still runs (its crawl reported within ``LEASE_SECONDS``) is waited for, never crawled twice
at once; a row whose attempt died is taken over and its sites crawled again into the same run, which
resumes as after a kill -9 (detail pages stored earlier in the run are not fetched again, each
document stays one row, each fault is recorded once); a finished row is answered with what it did.

Celery and redis are imported only here, and this module only for ``--engine celery`` and
``zwgk worker``: the local engine needs neither (``pip install -e '.[distributed]'`` installs them).
"""
from __future__ import annotations

import json
import logging
import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

from celery import Celery, chord

from crawler import settings as crawl_settings
from crawler import store
from crawler.exceptions import ZwgkError
from crawler.runner import crawl_task, log_path_for, run_lock
from crawler.sites import Site, dump_sites, sites_from_data

logger = logging.getLogger("zwgk.distributed")

# A Scrapy process crawls CONCURRENT_REQUESTS / CONCURRENT_REQUESTS_PER_DOMAIN sites side by side at
# full politeness: that many sites make one task unless told otherwise (--task-sites).
DEFAULT_TASK_SITES = max(1, crawl_settings.CONCURRENT_REQUESTS // crawl_settings.CONCURRENT_REQUESTS_PER_DOMAIN)
# A running attempt reports every POLL_SECONDS (and its crawl at each commit); one silent for
# LEASE_SECONDS is taken for dead and its task may be taken over.
POLL_SECONDS = 1.0
LEASE_SECONDS = 60.0
# The broker gives a message back after this long unacknowledged (Redis): a worker host that vanished
# has its task run again elsewhere then. Longer than a task should take, since a message given back
# while its task still runs is waited for by the worker that gets it (the lease).
VISIBILITY_TIMEOUT = 12 * 3600
MAX_ATTEMPTS = 3           # attempts of one task before it is recorded failed (a crawl that crashes each time)
BROKER_SCHEMES = ("redis", "rediss")


class BrokerError(ZwgkError):
    """The broker cannot be used (unreachable, refused): one line; exit code 69 (service unavailable)."""
    exit_code = 69


def transport_options(visibility_timeout: float) -> dict:
    """Redis transport: messages unacknowledged for ``visibility_timeout`` are given back, looked for
    every tenth of it (at most a minute apart; kombu's default looks every 100 s)."""
    return {"visibility_timeout": visibility_timeout,
            "unacked_restore_interval": max(1.0, min(60.0, visibility_timeout / 10)), "unacked_restore_throttle": 1}


app = Celery("zwgk")
app.conf.update(
    task_serializer="json", result_serializer="json", accept_content=["json"],
    task_acks_late=True,                 # a task's message is acknowledged when it is over, not when taken
    task_reject_on_worker_lost=True,     # a worker process that died gives its message back at once
    worker_prefetch_multiplier=1,        # a worker process holds one message: the rest wait for a free one
    task_track_started=True,
    broker_connection_retry_on_startup=True,
    broker_transport_options=transport_options(VISIBILITY_TIMEOUT),
    result_expires=7 * 24 * 3600,
    worker_hijack_root_logger=True,
)


def masked(url: str) -> str:
    """A broker URL as shown to the user: without its password."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def check_broker_url(broker: str | None) -> str:
    """The broker URL, checked for its form: redis://HOST:PORT/DB (rediss:// for TLS)."""
    if not broker:
        raise ZwgkError("--engine celery 需要消息代理地址：--broker redis://主机:端口/0（或环境变量 ZWGK_BROKER）", 2)
    parts = urlsplit(broker)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in BROKER_SCHEMES or not parts.hostname or port == -1:
        raise ZwgkError(f"--broker {masked(broker)}：应为 redis://主机:端口/0 形式的 Redis 地址", 2)
    return broker


def check_broker(broker: str) -> None:
    """The broker answers (a Redis PING within 5 s), or a BrokerError naming it."""
    import redis

    client = redis.Redis.from_url(broker, socket_connect_timeout=5, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise BrokerError(f"消息代理 {masked(broker)} 无法连接：{reason}") from None
    finally:
        client.close()


def configure(broker: str, db: str | os.PathLike | None = None, *,
              visibility_timeout: float | None = None) -> Celery:
    """The Celery app for ``broker`` (also its result backend, which the chord needs), checked to
    answer; ``db`` is the store this process's tasks write (a worker's own --db)."""
    check_broker(check_broker_url(broker))
    app.conf.update(broker_url=broker, result_backend=broker)
    if visibility_timeout:
        app.conf.broker_transport_options = transport_options(visibility_timeout)
    if db is not None:
        app.conf.zwgk_db = os.fspath(db)
    return app


# `celery -A zwgk.distributed worker` (instead of `zwgk worker`) takes both from the environment.
if os.environ.get("ZWGK_BROKER"):
    app.conf.update(broker_url=os.environ["ZWGK_BROKER"], result_backend=os.environ["ZWGK_BROKER"])
if os.environ.get("ZWGK_DB"):
    app.conf.zwgk_db = os.environ["ZWGK_DB"]


# --- the plan: which sites go together ----------------------------------------------------------

def _addresses(hosts, timeout_workers: int = 32) -> dict[str, set[str]]:
    """Each host's IP addresses (empty when it does not resolve: it is grouped by name alone)."""
    def resolve(host):
        try:
            return host, {info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
        except (OSError, UnicodeError):
            return host, set()
    hosts = sorted(hosts)
    if not hosts:
        return {}
    with ThreadPoolExecutor(min(timeout_workers, len(hosts))) as pool:
        return dict(pool.map(resolve, hosts))


def plan_tasks(sites: list[Site], task_sites: int = DEFAULT_TASK_SITES, *, resolve: bool = True) -> dict[str, list[Site]]:
    """The tasks of a distributed run: name -> sites. Sites sharing a host (any of ``Site.domains``) or
    an address of one go in the same task, so one Scrapy process keeps every host's politeness, however
    many workers run; such groups are packed, in config order, into tasks of at most ``task_sites``
    sites (a group larger than that is one task of its own)."""
    parent = list(range(len(sites)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hosts = {i: {h.lower() for h in site.domains} for i, site in enumerate(sites)}
    addresses = _addresses({h for hs in hosts.values() for h in hs}) if resolve else {}
    owner: dict[str, int] = {}
    for i, names in hosts.items():
        for key in (*(f"host:{h}" for h in names), *(f"ip:{a}" for h in names for a in addresses.get(h, ()))):
            if key in owner:
                parent[find(i)] = find(owner[key])
            else:
                owner[key] = i
    groups: dict[int, list[Site]] = {}
    for i, site in enumerate(sites):
        groups.setdefault(find(i), []).append(site)
    tasks: list[list[Site]] = []
    for group in groups.values():
        fit = next((t for t in tasks if len(t) + len(group) <= task_sites), None) if len(group) < task_sites else None
        if fit is None:
            tasks.append(list(group))
        else:
            fit.extend(group)
    width = len(str(len(tasks)))
    return {f"t{n:0{width}d}": group for n, group in enumerate(tasks, 1)}


# --- the tasks (run by the workers) ---------------------------------------------------------------

def _worker_store(task) -> str:
    db = task.app.conf.get("zwgk_db")
    if not db:
        raise store.StoreError("this worker has no store: start it with zwgk worker --db (or ZWGK_DB)")
    return db


NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "ceph", "glusterfs",
                       "fuse.glusterfs", "lustre", "afs"}


def filesystem(path, mounts: str = "/proc/self/mounts") -> str | None:
    """The type of the file system ``path`` lies on (None where /proc does not tell)."""
    real, best = os.path.realpath(path), ("", None)
    try:
        with open(mounts, encoding="utf-8", errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 3:
                    continue
                mount = parts[1].replace("\\040", " ")
                if (real == mount or real.startswith(mount.rstrip("/") + "/")) and len(mount) >= len(best[0]):
                    best = (mount, parts[2])
    except OSError:
        return None
    return best[1]


def check_shared_sqlite(db_path) -> None:
    """A SQLite store serves workers on the machine that holds it: its locking does not hold over a
    network file system, where two hosts writing it would damage it."""
    if store.is_url(db_path):
        return
    kind = filesystem(Path(db_path).parent if not Path(db_path).exists() else db_path)
    if kind in NETWORK_FILESYSTEMS:
        raise store.StoreError(f"{db_path}: a SQLite store on a network file system ({kind}) cannot be shared by "
                               f"workers on several hosts; use a PostgreSQL store (--db postgresql+psycopg://…)")


def _open_run(db_path: str, run_id: int, started_at: str):
    """The worker's store, checked to be the coordinator's: run ``run_id`` started at ``started_at``."""
    check_shared_sqlite(db_path)
    db = store.connect(db_path, create=False)
    row = db.execute("select status, started_at from runs where id = ?", [run_id]).fetchone()
    if row is None or row[1] != started_at:
        db.conn.close()
        raise store.StoreError(f"{db_path}: this worker's store is not the coordinator's (no run {run_id} "
                               f"started at {started_at}); give the worker the coordinator's --db")
    return db, row[0]


def _same_host(worker: str | None) -> bool:
    return bool(worker) and worker.rpartition("@")[2] == socket.gethostname()


def _summary(row: dict, **extra) -> dict:
    return {"task": row["task"], "status": row["status"], "worker": row["worker"], "attempts": row["attempts"],
            **{k: row[k] for k in ("sites", "pages", "requests", "documents", "errors")}, **extra}


@app.task(bind=True, name="zwgk.crawl", max_retries=None)
def crawl_sites_task(self, run_id: int, task: str, started_at: str, sites_json: str, settings: dict | None = None):
    """Crawl one task's sites into the coordinator's run (see the module's docstring)."""
    db_path = _worker_store(self)
    db, run_status = _open_run(db_path, run_id, started_at)
    try:
        worker = self.request.hostname or f"celery@{socket.gethostname()}"
        while True:
            row = store.run_task(db, run_id, task)
            if row is None:
                raise store.StoreError(f"{db_path}: run {run_id} has no task {task}")
            if run_status != "running" or row["status"] in ("finished", "failed"):
                return _summary(row, skipped=run_status != "running")   # closed run, or a second delivery
            if row["attempts"] >= MAX_ATTEMPTS and row["status"] != "running":
                store.finish_task(db, run_id, task, "failed",
                                  note=f"gave up after {row['attempts']} attempts: {row['note'] or row['status']}")
                return _summary(store.run_task(db, run_id, task))
            dead = row["status"] == "running" and _same_host(row["worker"]) and not store._alive(row["pid"])
            stale = (datetime.now(timezone.utc) - timedelta(seconds=LEASE_SECONDS)).isoformat(timespec="seconds")
            if store.claim_task(db, run_id, task, worker=worker, pid=os.getpid(), stale_before=stale, dead=dead):
                break
            time.sleep(POLL_SECONDS)   # another attempt runs it: wait for it to end, or to fall silent
            run_status = db.execute("select status from runs where id = ?", [run_id]).fetchone()[0]
        sites = sites_from_data(json.loads(sites_json), f"run {run_id} task {task}")
        status, _ = crawl_task(sites, db_path, run_id, task, settings=settings, poll_seconds=POLL_SECONDS,
                               on_poll=lambda: store.touch_task(db, run_id, task))
        row = store.run_task(db, run_id, task)
        if status == "interrupted":
            # Its crawl process was stopped (killed, OOM): the task is delivered again, and the next
            # attempt resumes from the store (MAX_ATTEMPTS bounds it).
            raise self.retry(countdown=POLL_SECONDS)
        return _summary(row)
    finally:
        db.conn.close()


@app.task(bind=True, name="zwgk.close_run")
def close_run_task(self, results, run_id: int, started_at: str):
    """The chord's callback: every task is over, the run is closed (store.close_distributed_run)."""
    db, status = _open_run(_worker_store(self), run_id, started_at)
    try:
        if status != "running":
            return status          # the coordinator closed it already (interrupted)
        return store.close_distributed_run(db, run_id)
    finally:
        db.conn.close()


# --- the coordinator ------------------------------------------------------------------------------

NO_WORKER_SECONDS = 30


def crawl_distributed(sites_file, db_path, *, broker: str, sites: list[Site], settings: dict | None = None,
                      init: bool = False, task_sites: int | None = None, on_progress=None, say=logger.info,
                      poll_seconds: float = POLL_SECONDS) -> int:
    """Crawl ``sites`` on the Celery workers of ``broker`` into ONE run of the store; returns its id once
    the run is closed (finished, interrupted or failed), as ``crawler.runner.crawl`` does for a local
    crawl. ``on_progress(run row)`` gets the run with its tasks' counters summed, every ``poll_seconds``.
    Raises RunLocked when another run holds the store, BrokerError when the broker does not answer."""
    configure(broker)
    tasks = plan_tasks(sites, task_sites or DEFAULT_TASK_SITES)
    with run_lock(db_path, note=f"sites {sites_file} (celery)"):
        db = store.connect(db_path, init=init, verify=True)
        try:
            run_id = store.start_run(db, "crawl", sites_file=str(sites_file))
            run = db["runs"].get(run_id)
            log_path = log_path_for(db_path, run_id)
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with db.conn:
                db["runs"].update(run_id, {"log_path": str(log_path)})
            store.add_run_tasks(db, run_id, {name: [s.id for s in group] for name, group in tasks.items()})
            with open(log_path, "a", encoding="utf-8") as log:
                log.write(f"{store.now()} run {run_id}: {len(sites)} sites in {len(tasks)} tasks on {masked(broker)}\n")
                for name, group in tasks.items():
                    log.write(f"  {name}: {', '.join(s.id for s in group)}\n")
            say(f"第 {run_id} 次采集：{len(sites)} 个站点分为 {len(tasks)} 个任务，发往 {masked(broker)}")
            header = [crawl_sites_task.s(run_id, name, run["started_at"], dump_sites(group), settings or {})
                      for name, group in tasks.items()]
            result = chord(header)(close_run_task.s(run_id, run["started_at"]))
            try:
                _wait(db, run_id, result, header_ids=_header_ids(result), on_progress=on_progress, say=say,
                      poll_seconds=poll_seconds, log_path=log_path)
            finally:
                _release(result)
            return run_id
        finally:
            db.conn.close()


def _header_ids(result) -> list[str]:
    parent = result.parent
    return [r.id for r in parent.results] if parent is not None and getattr(parent, "results", None) else []


def _release(result) -> None:
    """Stop listening for the chord's results now: left to the garbage collector, Celery's redis backend
    unsubscribes from them while the interpreter shuts down, and prints a traceback doing it."""
    consumer = getattr(result.backend, "result_consumer", None)
    for task_id in (result.id, *_header_ids(result)):
        try:
            consumer.cancel_for(task_id)
        except Exception:   # the broker is gone: nothing left to stop
            pass


def progress_row(db, run_id: int) -> dict:
    return {**db["runs"].get(run_id), **store.task_totals(db, run_id)}


def _wait(db, run_id, result, *, header_ids, on_progress, say, poll_seconds, log_path) -> None:
    started = time.monotonic()
    warned = False
    import redis

    try:
        while not result.ready():
            time.sleep(poll_seconds)
            if on_progress:
                on_progress(progress_row(db, run_id))
            if not warned and time.monotonic() - started > NO_WORKER_SECONDS and not any(
                    t["attempts"] for t in store.run_tasks(db, run_id)):
                say(f"尚无工作节点领取任务（{NO_WORKER_SECONDS} 秒）：请在工作机上运行 zwgk worker --broker … --db …")
                warned = True
    except redis.RedisError as exc:
        # The coordinator lost the broker: it cannot see the run end. The workers' crawls write on; the
        # run is closed 'interrupted' here, and the tasks still queued skip a closed run.
        store.finish_run(db, run_id, "interrupted", note=f"coordinator lost the broker: {exc}")
        raise BrokerError(f"第 {run_id} 次采集中断：与消息代理的连接断开（{' '.join(str(exc).split())}）") from None
    except KeyboardInterrupt:
        # Ctrl-C or SIGTERM on the coordinator: the run ends 'interrupted' as a local one does; the
        # workers' crawls are stopped and tasks still queued skip a closed run.
        app.control.revoke(header_ids, terminate=True, signal="SIGTERM")
        store.finish_run(db, run_id, "interrupted", note="coordinator interrupted; tasks revoked")
        raise
    if result.failed():
        # A task raised (a worker's store is not this one, the store failed): the callback never ran.
        cause = result.result
        reason = " ".join(str(getattr(cause, "args", [cause])[0] if getattr(cause, "args", None) else cause).split())
        if db.execute("select status from runs where id = ?", [run_id]).fetchone()[0] == "running":
            store.finish_run(db, run_id, "failed", note=f"a task failed: {reason}")
    if on_progress:
        on_progress(progress_row(db, run_id))
    with open(log_path, "a", encoding="utf-8") as log:
        for t in store.run_tasks(db, run_id):
            log.write(f"{store.now()} {t['task']}: {t['status']} on {t['worker']} after {t['attempts']} attempt(s)"
                      f"{(': ' + t['note']) if t['note'] else ''}\n")


# --- the worker -----------------------------------------------------------------------------------

def run_worker(broker: str, db_path: str, *, concurrency: int | None = None, name: str | None = None,
               loglevel: str = "INFO", visibility_timeout: float | None = None) -> None:
    """Celery's own worker (``celery worker``) for zwgk's tasks, writing into ``db_path``. The store
    need not exist yet (the coordinator's first run makes it): each task checks that it reaches the
    coordinator's run, and fails with one line naming the store when it does not."""
    configure(broker, db_path, visibility_timeout=visibility_timeout)
    # Without mingle: at start Celery waits a second for the other workers' revoked task ids and clocks.
    # zwgk needs neither: a task of a run the coordinator closed (interrupted, its tasks revoked) reads
    # the run's status in the store and skips itself, on whichever worker it lands.
    argv = ["worker", f"--loglevel={loglevel}", f"--concurrency={concurrency or os.cpu_count() or 1}", "--without-mingle"]
    if name:
        argv.append(f"--hostname={name}")
    app.worker_main(argv)
