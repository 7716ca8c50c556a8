"""zwgk schedule: unattended weekly runs (crawl -> check -> report) with APScheduler 3.

    zwgk schedule add --sites sites.yaml --db zwgk.db --out report/        # Monday 02:00 Asia/Shanghai
    zwgk schedule add --config schedule.yaml
    zwgk schedule list            (or: zwgk schedule --list)
    zwgk schedule remove weekly
    zwgk schedule start [--config schedule.yaml]                          # the scheduler, in the foreground

Jobs live in a SQLite job store beside the database (``zwgk-schedule.db`` for ``zwgk.db``), so they
survive restarts; a run missed while the scheduler was down happens once when it comes back
(``coalesce`` + no misfire limit by default: APScheduler's default grace of 1 s would silently drop
it). One scheduler per job store (a second one refuses to start), one run per store at a time (the
run lock of ``crawler.runner``, also taken by ``zwgk run`` and ``zwgk crawl``), each crawl in its own
process, each run's status, counts and log path in the ``runs`` table.

The ``zwgk schedule`` commands are in ``zwgk.cli.schedule``; each run is ``zwgk.run.run_once``, the
same crawl -> check -> report as ``zwgk run``.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from crawler import store
from crawler.exceptions import ZwgkError
from crawler.runner import RunLocked, lock_path_for, log_path_for
from zwgk.common import UserError, check_settings, load_config
from zwgk.run import ENGINES, REPORT_WRITTEN, distributed, run_once

DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_DAY = "mon"
DEFAULT_TIME = "02:00"
DEFAULT_JOB_ID = "weekly"
HEARTBEAT_SECONDS = 30    # how soon a job added by `zwgk schedule add` is seen by a running scheduler
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {"mon": "周一", "tue": "周二", "wed": "周三", "thu": "周四", "fri": "周五", "sat": "周六", "sun": "周日"}

logger = logging.getLogger("zwgk.scheduler")




# --- where things live ------------------------------------------------------------------------

def jobstore_path(db_path: str | os.PathLike) -> Path:
    """Beside the store's file as resolved: every path (symlink) to one store, one schedule and one lock.
    A PostgreSQL store's schedule is beside its other files (``store.files_base``: the current folder)."""
    base = store.files_base(db_path) if store.is_url(db_path) else Path(os.path.realpath(db_path))
    return base.with_name(f"{base.stem}-schedule.db")


def scheduler_log_path(db_path: str | os.PathLike) -> Path:
    return log_path_for(db_path, 0).with_name("scheduler.log")


# --- job specs ----------------------------------------------------------------------------------

@dataclass
class JobSpec:
    """One scheduled job: what to run (sites, db, out, settings) and when (a trigger)."""
    id: str
    sites: str
    db: str
    out: str
    day: str = DEFAULT_DAY
    time: str = DEFAULT_TIME
    cron: str | None = None             # a crontab line instead of day/time, e.g. "0 2 * * mon"
    every: float | None = None          # seconds between runs instead (interval trigger)
    at: str | None = None               # one run at this ISO time instead (date trigger)
    timezone: str = DEFAULT_TIMEZONE
    settings: dict = field(default_factory=dict)
    misfire_grace_hours: float | None = None   # None: a missed run always happens once, however late
    engine: str = "local"               # or celery: the Celery workers of ``broker`` crawl (zwgk.distributed)
    broker: str | None = None
    task_sites: int | None = None

    def trigger(self):
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.date import DateTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        tz = _zone(self.timezone)
        if self.at:
            try:
                moment = datetime.fromisoformat(self.at)
            except ValueError:
                raise UserError(f"--at expects an ISO time like 2026-07-06T02:00, got {self.at!r}", 2) from None
            return DateTrigger(run_date=moment if moment.tzinfo else moment.replace(tzinfo=tz), timezone=tz)
        if self.every:
            if self.every <= 0:
                raise UserError(f"--every expects a positive number of seconds, got {self.every}", 2)
            return IntervalTrigger(seconds=self.every, timezone=tz)
        if self.cron:
            try:
                return CronTrigger.from_crontab(self.cron, timezone=tz)
            except ValueError as exc:
                raise UserError(f"cron {self.cron!r} is not a crontab line (minute hour day month weekday): {exc}", 2) from None
        day = str(self.day).lower()[:3]
        if day not in DAYS:
            raise UserError(f"day must be one of {', '.join(DAYS)}, got {self.day!r}", 2)
        try:
            hour, minute = (int(x) for x in str(self.time).split(":"))
            if not (0 <= hour < 24 and 0 <= minute < 60):
                raise ValueError
        except ValueError:
            raise UserError(f"time expects HH:MM, got {self.time!r}", 2) from None
        return CronTrigger(day_of_week=day, hour=hour, minute=minute, timezone=tz)

    def describe(self) -> str:
        if self.at:
            return f"一次：{self.at}"
        if self.every:
            return f"每 {self.every:g} 秒"
        if self.cron:
            return f"cron {self.cron}（{self.timezone}）"
        return f"每周{DAY_NAMES.get(str(self.day).lower()[:3], self.day)[1:]} {self.time}（{self.timezone}）"

    def kwargs(self) -> dict:
        distributed = {"engine": self.engine, "broker": self.broker, "task_sites": self.task_sites} \
            if self.engine != "local" else {}
        return {"job_id": self.id, "sites": self.sites, "db": self.db, "out": self.out,
                "settings": dict(self.settings), "describe": self.describe(), **distributed}


def _zone(name: str):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"unknown time zone {name!r} (e.g. Asia/Shanghai)", 2) from None


def absolute_path(path: str | os.PathLike, base: Path | None = None) -> str:
    """``path`` made absolute (relative to ``base``, else the current folder); a database URL as it is."""
    if store.is_url(path):
        return str(path)
    path = Path(path).expanduser()
    if not path.is_absolute():
        path = (base or Path.cwd()) / path
    return str(path.resolve())


CONFIG_KEYS = {"id", "sites", "db", "out", "day", "time", "cron", "every", "at", "timezone", "settings",
               "misfire_grace_hours", "engine", "broker", "task_sites"}


def load_schedule(path: str | os.PathLike) -> list[JobSpec]:
    """The jobs of a schedule.yaml: one mapping, or ``jobs:`` with a list of them.

    Paths are relative to the file. A mistake is a UserError naming the file, the job and the field.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: no such file", 2) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(f"{path}: not a readable YAML file: {first}", 2) from None
    if isinstance(data, dict) and "jobs" in data:
        entries = data["jobs"]
    else:
        entries = [data]
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise UserError(f"{path}: expected a mapping with sites/db/out (or jobs: a list of them)", 2)
    base = path.resolve().parent
    specs, ids = [], set()
    for n, entry in enumerate(entries, 1):
        where = f"{path}: job {entry.get('id') or n}"
        unknown = sorted(set(entry) - CONFIG_KEYS)
        if unknown:
            raise UserError(f"{where}: unknown field '{unknown[0]}' (known: {', '.join(sorted(CONFIG_KEYS))})", 2)
        if not entry.get("sites"):
            raise UserError(f"{where}: field 'sites' is required (the sites config to crawl)", 2)
        settings = entry.get("settings") or {}
        if not isinstance(settings, dict):
            raise UserError(f"{where}: field 'settings' must be a mapping NAME: VALUE", 2)
        try:
            check_settings({str(k): str(v) for k, v in settings.items()})
        except UserError as exc:
            raise UserError(f"{where}: field 'settings': {exc.message}", 2) from None
        spec = JobSpec(
            id=str(entry.get("id") or (DEFAULT_JOB_ID if len(entries) == 1 else f"job{n}")),
            sites=absolute_path(entry["sites"], base), db=absolute_path(entry.get("db") or store.DEFAULT_DB, base),
            out=absolute_path(entry.get("out") or "zwgk-report", base),
            day=str(entry.get("day") or DEFAULT_DAY), time=str(entry.get("time") or DEFAULT_TIME),
            cron=entry.get("cron"), every=entry.get("every"), at=str(entry["at"]) if entry.get("at") else None,
            timezone=str(entry.get("timezone") or DEFAULT_TIMEZONE),
            settings={str(k): str(v) for k, v in settings.items()},
            misfire_grace_hours=entry.get("misfire_grace_hours"),
            engine=str(entry.get("engine") or "local"), broker=entry.get("broker") or os.environ.get("ZWGK_BROKER"),
            task_sites=entry.get("task_sites"),
        )
        if spec.engine not in ENGINES:
            raise UserError(f"{where}: field 'engine' must be one of {', '.join(ENGINES)}, got {spec.engine!r}", 2)
        if spec.task_sites is not None and (not isinstance(spec.task_sites, int) or spec.task_sites < 1):
            raise UserError(f"{where}: field 'task_sites' must be a whole number >= 1", 2)
        if spec.id in ids:
            raise UserError(f"{where}: id '{spec.id}' is used twice", 2)
        ids.add(spec.id)
        try:
            spec.trigger()
        except UserError as exc:
            raise UserError(f"{where}: {exc.message}", 2) from None
        specs.append(spec)
    dbs = {s.db for s in specs}
    if len(dbs) > 1:
        raise UserError(f"{path}: all jobs of one schedule file must use the same db (one scheduler per store)", 2)
    return specs


def check_job(spec: "JobSpec") -> None:
    """A job is refused now, not at 02:00 on Monday, when its sites config or its store is unusable."""
    load_config(spec.sites)
    if store.is_url(spec.db) or Path(spec.db).exists():
        store.connect(spec.db).conn.close()
    if spec.engine == "celery":
        distributed().configure(spec.broker)   # the broker's address is right and it answers now


# --- the job ------------------------------------------------------------------------------------

def scheduled_run(job_id: str, sites: str, db: str, out: str, settings: dict | None = None, engine: str = "local",
                  broker: str | None = None, task_sites: int | None = None, **_ignored) -> int | None:
    """What the scheduler calls (by reference ``zwgk.scheduler:scheduled_run``, so it must stay importable)."""
    logger.info("任务 %s 开始：%s -> %s", job_id, sites, db)
    try:
        check_settings(settings or {})
        run_id, index = run_once(sites, db, out, settings=settings, sites=load_config(sites), say=logger.info,
                                 engine=engine, broker=broker, task_sites=task_sites)
        logger.info("任务 %s 完成：%s", job_id, REPORT_WRITTEN.format(index))
        return run_id
    except RunLocked as exc:
        logger.warning("任务 %s 跳过：%s", job_id, exc)
    except ZwgkError as exc:
        logger.error("任务 %s 未完成：%s", job_id, exc)
    except Exception:
        logger.exception("任务 %s 失败", job_id)
    return None


# --- the scheduler ------------------------------------------------------------------------------

def make_scheduler(db_path: str | os.PathLike, *, background: bool = True):
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    path = jobstore_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{path.resolve()}"), "memory": MemoryJobStore()},
        # One job at a time: two jobs of one store due together run one after the other.
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=ZoneInfo(DEFAULT_TIMEZONE),
    )
    # A pass over the due jobs runs whole under the job-store lock, or not at all once _stop has
    # begun (see there). The lock is re-entrant: APScheduler's own pass takes it again inside.
    process = scheduler._process_jobs
    scheduler.zwgk_stopping = False

    def process_unless_stopping():
        with scheduler._jobstores_lock:
            return None if scheduler.zwgk_stopping else process()

    scheduler._process_jobs = process_unless_stopping
    return scheduler


def _stop(scheduler, *, wait: bool) -> None:
    """Shut ``scheduler`` down with no pass over the due jobs half done or done after the end.

    APScheduler 3 gets both wrong. shutdown() sets the state to STOPPED before it takes the job-store
    lock, so a pass already under way goes on with a stopped scheduler: it starts a due job, then
    fails to remove the one-off job it started (a stopped scheduler looks for it among its pending
    jobs), and its thread dies with a traceback, leaving the job stored to run a second time. And
    once woken by shutdown(), the thread makes one more pass after the executors are shut down: a job
    due then is "submitted" to a dead executor (a traceback) and moved on to its next fire time or
    deleted, a run lost without a trace. Here a pass under way finishes first (with ``wait`` the
    job it started runs to its end), and no pass starts after."""
    with scheduler._jobstores_lock:
        scheduler.zwgk_stopping = True
    scheduler.shutdown(wait=wait)


def _open_jobstore(db_path):
    scheduler = make_scheduler(db_path)
    # This scheduler only edits the job store: it must never run a job (paused is not enough, see _stop).
    scheduler.zwgk_stopping = True
    try:
        scheduler.start(paused=True)
    except Exception as exc:  # an unreadable job store
        raise UserError(f"{jobstore_path(db_path)}: cannot open the schedule: {exc}", 1) from None
    return scheduler


def add_jobs(specs: list[JobSpec], *, keep_unchanged: bool = False, scheduler=None) -> list[str]:
    """Store the jobs (replacing those with the same id); returns what was done, one line per job.

    ``keep_unchanged``: a job already stored with the same trigger and arguments is left as it is, so
    its pending (possibly missed) run time survives a restart of ``zwgk schedule start --config``.
    """
    own = scheduler is None
    scheduler = scheduler or _open_jobstore(specs[0].db)
    done = []
    try:
        for spec in specs:
            trigger = spec.trigger()
            grace = None if spec.misfire_grace_hours is None else int(float(spec.misfire_grace_hours) * 3600)
            existing = scheduler.get_job(spec.id, jobstore="default")
            if (keep_unchanged and existing is not None and repr(existing.trigger) == repr(trigger)
                    and existing.kwargs == spec.kwargs() and existing.misfire_grace_time == grace):
                done.append(f"{spec.id}：未变，保留（下次运行 {_when(existing)}）")
                continue
            job = scheduler.add_job(
                "zwgk.scheduler:scheduled_run", trigger=trigger, id=spec.id, name=spec.id, kwargs=spec.kwargs(),
                jobstore="default", replace_existing=True, coalesce=True, max_instances=1,
                misfire_grace_time=grace,
            )
            job = scheduler.get_job(job.id, jobstore="default")
            done.append(f"{spec.id}：{spec.describe()}，下次运行 {_when(job)}")
    finally:
        if own:
            _stop(scheduler, wait=False)
    return done


def _when(job) -> str:
    moment = getattr(job, "next_run_time", None)
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z") if moment else "无（已结束）"


def list_jobs(db_path) -> list[dict]:
    if not jobstore_path(db_path).exists():
        return []
    scheduler = _open_jobstore(db_path)
    try:
        return [{"id": j.id, "next_run": _when(j), "trigger": j.kwargs.get("describe") or str(j.trigger),
                 "sites": j.kwargs.get("sites"), "db": j.kwargs.get("db"), "out": j.kwargs.get("out")}
                for j in scheduler.get_jobs(jobstore="default")]
    finally:
        _stop(scheduler, wait=False)


def remove_job(db_path, job_id: str) -> None:
    from apscheduler.jobstores.base import JobLookupError

    if not jobstore_path(db_path).exists():
        raise UserError(f"no schedule beside {db_path} (nothing was added with --db {db_path})", 1)
    scheduler = _open_jobstore(db_path)
    try:
        scheduler.remove_job(job_id, jobstore="default")
    except JobLookupError:
        raise UserError(f"no scheduled job '{job_id}' (see: zwgk schedule list --db {db_path})", 1) from None
    finally:
        _stop(scheduler, wait=False)


def _setup_logging(db_path) -> Path:
    log_path = scheduler_log_path(db_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    root = logging.getLogger()
    for handler in (logging.FileHandler(log_path, encoding="utf-8"), logging.StreamHandler(sys.stderr)):
        handler.setFormatter(fmt)
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    return log_path


def _heartbeat():
    """Wakes the scheduler up regularly, so jobs added by another process are seen."""


def serve(db_path, *, specs: list[JobSpec] | None = None, lifetime: float | None = None) -> None:
    """Run the scheduler in the foreground until SIGINT/SIGTERM (or ``lifetime`` seconds).

    A running job is let finish on shutdown: its crawl is asked to stop (SIGINT: Scrapy closes the
    run as 'interrupted') and the scheduler waits for it.
    """
    from crawler import runner

    lock = runner.file_lock(lock_path_for(jobstore_path(db_path)), note="zwgk schedule start")
    try:
        lock.__enter__()
    except RunLocked as exc:
        raise UserError(f"another scheduler already runs the schedule of {db_path} ({exc}); not starting", 75) from None

    log_path = _setup_logging(db_path)
    scheduler = make_scheduler(db_path)
    stop = threading.Event()

    def on_signal(signum, frame):
        logger.info("收到信号 %s，调度器停止（正在进行的采集将被中断并记为已中断）", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        scheduler.start(paused=True)
        if specs:
            for line in add_jobs(specs, keep_unchanged=True, scheduler=scheduler):
                logger.info("计划 %s", line)
        scheduler.add_job(_heartbeat, "interval", seconds=HEARTBEAT_SECONDS, id="heartbeat", jobstore="memory",
                          replace_existing=True, misfire_grace_time=None)
        scheduler.resume()
        jobs = scheduler.get_jobs(jobstore="default")
        logger.info("调度器已启动（进程 %s，计划库 %s，日志 %s）：%s", os.getpid(), jobstore_path(db_path), log_path,
                    "；".join(f"{j.id} 下次 {_when(j)}" for j in jobs) or "尚无计划任务")
        deadline = time.monotonic() + lifetime if lifetime else None
        while not stop.is_set():
            if deadline and time.monotonic() >= deadline:
                logger.info("已到 --lifetime %s 秒，调度器停止", lifetime)
                break
            stop.wait(0.5)
    finally:
        if stop.is_set():
            runner.interrupt_crawls()
        _stop(scheduler, wait=True)
        lock.__exit__(None, None, None)
