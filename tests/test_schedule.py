"""zwgk schedule: jobs survive a restart and fire, a missed run happens once, never two runs at once.

The scheduler runs as a subprocess (``python -m zwgk.cli schedule start``, the same click group the CLI
mounts as ``zwgk schedule``) with a short ``--lifetime``; the demo portal is served by the test. The
commands that only read or write the job store (add, list, remove) run in this process (click's
CliRunner on the CLI's ``main``): a Python start-up each would only add seconds.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler import store
from crawler.runner import run_lock
from zwgk.cli import main
from zwgk.demo import DEMO_SETTINGS
from zwgk.demoportal import DemoPortal, serve

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def schedule(*args, check=True):
    """``zwgk schedule ARGS`` in the current folder; the result has exit_code, stdout and stderr."""
    out = CliRunner().invoke(main, ["schedule", *map(str, args)])
    assert out.exception is None or isinstance(out.exception, SystemExit), out.exc_info   # no traceback
    if check:
        assert out.exit_code == 0, out.stderr
    return out


def start(*args, cwd) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "zwgk.cli", "schedule", "start", *map(str, args)], cwd=cwd, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def in_seconds(seconds: float) -> str:
    return (datetime.now().astimezone() + timedelta(seconds=seconds)).isoformat(timespec="seconds")


@pytest.fixture(scope="session")
def small_site():
    """The smallest demo site at a tenth of its documents (43) on loopback: each scheduled run crawls,
    checks and reports it. Session-wide, not module-wide: one per xdist worker, so that the tests of
    this module, each with a store of its own, are spread over the workers (conftest.py groups a
    module's tests sharing a module fixture on one)."""
    portal = DemoPortal(scale=0.1)
    with serve(portal) as base_url:
        site = portal.site("demo-fj")
        yield f"""sites:
  - id: {site.id}
    name: {site.name}
    level: {site.level}
    region: {site.region}
    url: {base_url}{site.entry_path}
"""


@pytest.fixture
def work(tmp_path, small_site, monkeypatch):
    (tmp_path / "sites.yaml").write_text(small_site, encoding="utf-8")
    monkeypatch.chdir(tmp_path)   # for the commands run in this process
    return tmp_path


def add_args(at: str):
    return ["add", "--sites", "sites.yaml", "--db", "zwgk.db", "--out", "report", "--at", at,
            *[a for k, v in DEMO_SETTINGS.items() for a in ("-s", f"{k}={v}")]]


def crawl_runs(work: Path) -> list[dict]:
    if not (work / "zwgk.db").exists():
        return []
    db = store.connect(work / "zwgk.db")
    rows = list(db.query("select * from runs where kind = 'crawl' order by id"))
    db.conn.close()
    return rows


def test_stopping_the_scheduler_neither_loses_nor_half_submits_a_due_job(tmp_path, caplog):
    """A job that comes due as the scheduler stops stays in the job store for the next start; it is
    not "submitted" to the already shut-down executor, which logs a traceback and then deletes a
    one-off job (APScheduler 3 looks at the job store once more after shutdown())."""
    from zwgk.scheduler import _stop, list_jobs, make_scheduler

    db = tmp_path / "zwgk.db"
    scheduler = make_scheduler(db)
    scheduler.start(paused=True)
    due = datetime.now().astimezone() - timedelta(seconds=1)
    scheduler.add_job("zwgk.scheduler:_heartbeat", "date", run_date=due, id="due-now", jobstore="default")
    _stop(scheduler, wait=True)
    assert "Error submitting job" not in caplog.text
    assert [job["id"] for job in list_jobs(db)] == ["due-now"]


def test_stopping_while_a_pass_over_the_due_jobs_is_under_way(tmp_path, monkeypatch):
    """The scheduler is told to stop while its thread is about to start a due one-off job (held at
    the job-store lock here, as a slow job store holds it under load): the job runs once and is then
    removed, or is not started and stays stored for the next start; the thread never dies with a
    traceback (APScheduler 3 alone: the job runs, its removal fails, and it stays stored to run again)."""
    import threading

    from zwgk.scheduler import _stop, make_scheduler

    died = []
    monkeypatch.setattr(threading, "excepthook", died.append)
    scheduler = make_scheduler(tmp_path / "zwgk.db")
    scheduler.start(paused=True)
    ran = []
    due = datetime.now().astimezone() - timedelta(seconds=1)
    scheduler.add_job(lambda: ran.append(1), "date", run_date=due, id="due-now", jobstore="memory")
    with scheduler._jobstores_lock:
        scheduler.resume()                  # the thread wakes up for a pass and waits for the lock
        time.sleep(0.3)
        stopping = threading.Thread(target=_stop, args=(scheduler,), kwargs={"wait": True})
        stopping.start()                    # the stop request waits for the lock as well
        time.sleep(0.3)
    stopping.join(10)
    assert not stopping.is_alive() and died == []
    stored = [job.id for job in scheduler._jobstores["memory"].get_all_jobs()]
    assert (ran, stored) in [([1], []), ([], ["due-now"])]


def test_a_job_survives_a_restart_and_fires(work, monkeypatch):
    # The job is due `due` seconds after it is added: before that the first scheduler must have started
    # and stopped, which a loaded machine may not manage in 8 s. Then the first scheduler may rightly
    # have run the job and the test would show nothing about a restart: it starts over in a new folder
    # with the job due in 40 s (with 20 s, the job was once due, and ran, in the first scheduler).
    here = work
    for due in (8, 40):
        if due != 8:
            here = work / f"due-in-{due}"
            here.mkdir()
            (here / "sites.yaml").write_text((work / "sites.yaml").read_text(encoding="utf-8"), encoding="utf-8")
            monkeypatch.chdir(here)
        due_by = time.time() + due - 1   # it may be due this early (--at has whole seconds)
        out = schedule(*add_args(in_seconds(due)))
        assert "已添加计划任务 weekly：一次：" in out.stdout
        first = start("--db", "zwgk.db", "--lifetime", "1", cwd=here)   # start, stop: nothing due yet
        assert first.wait(timeout=60) == 0, first.stderr.read()
        if time.time() < due_by - 1:
            break
    else:
        pytest.fail("the first scheduler never stopped before the job was due")
    assert crawl_runs(here) == []
    listed = schedule("list", "--db", "zwgk.db").stdout
    assert "weekly" in listed and "一次：" in listed
    assert schedule("--list", "--db", "zwgk.db").stdout == listed

    second = start("--db", "zwgk.db", "--lifetime", max(1.0, due_by - time.time() + 3), cwd=here)
    assert second.wait(timeout=300) == 0, second.stderr.read()
    [run] = crawl_runs(here)
    assert run["status"] == "finished" and run["documents"] > 0 and run["requests"] > 0
    assert run["checked_at"]   # checked after the crawl
    assert (here / "report" / "index.html").exists()
    assert Path(run["log_path"]).exists()
    assert "一次：" not in schedule("list", "--db", "zwgk.db").stdout  # a one-off job is done
    log = (here / "zwgk-logs" / "scheduler.log").read_text(encoding="utf-8")
    assert "调度器已启动" in log and f"第 {run['id']} 次采集完成" in log


def test_a_run_missed_while_the_scheduler_was_down_happens_once(work):
    # Due 5 s ago, while no scheduler ran (APScheduler's default 1 s grace would drop it).
    schedule(*add_args(in_seconds(-5)))
    proc = start("--db", "zwgk.db", "--lifetime", "1", cwd=work)
    assert proc.wait(timeout=300) == 0, proc.stderr.read()
    assert [r["status"] for r in crawl_runs(work)] == ["finished"]


def test_two_schedulers_one_run(work):
    # Already due: whichever scheduler takes the store's schedule runs it at once and holds it for
    # at least 5 s (--lifetime, then until the run ends), long enough for the other to start and be refused.
    schedule(*add_args(in_seconds(-2)))
    a = start("--db", "zwgk.db", "--lifetime", 5, cwd=work)
    b = start("--db", "zwgk.db", "--lifetime", 5, cwd=work)
    codes = sorted([a.wait(timeout=300), b.wait(timeout=300)])
    errors = a.stderr.read() + b.stderr.read()
    assert codes == [0, 75], errors
    assert "another scheduler already runs the schedule" in errors and "Traceback" not in errors
    assert [r["status"] for r in crawl_runs(work)] == ["finished"]


def test_a_job_is_skipped_while_another_run_holds_the_store(work):
    schedule(*add_args(in_seconds(-2)))   # already due: it runs as the scheduler starts
    with run_lock(work / "zwgk.db", note="zwgk run"):   # e.g. a `zwgk run` from cron at the same time
        proc = start("--db", "zwgk.db", "--lifetime", 1, cwd=work)
        assert proc.wait(timeout=120) == 0, proc.stderr.read()
    assert crawl_runs(work) == []
    log = (work / "zwgk-logs" / "scheduler.log").read_text(encoding="utf-8")
    assert "任务 weekly 跳过" in log and "正在被另一个采集任务使用" in log


def test_schedule_config_file_and_user_mistakes(work):
    (work / "schedule.yaml").write_text(
        "id: province-weekly\nsites: sites.yaml\ndb: zwgk.db\nout: report\nday: mon\ntime: '02:00'\n"
        "timezone: Asia/Shanghai\nsettings: {DOWNLOAD_DELAY: 2}\n", encoding="utf-8")
    out = schedule("add", "--config", "schedule.yaml")
    assert "province-weekly：每周一 02:00（Asia/Shanghai）" in out.stdout
    listed = schedule("list", "--db", "zwgk.db").stdout
    next_run = listed.split("下次运行 ")[1].split("\t")[0]
    assert next_run.endswith("02:00:00 CST")
    assert datetime.strptime(next_run[:10], "%Y-%m-%d").weekday() == 0

    (work / "bad.yaml").write_text("sites: sites.yaml\nday: someday\n", encoding="utf-8")
    (work / "broken.db").write_bytes(b"not a database" * 100)
    for args, message in [
        (("add", "--config", "bad.yaml"), "day must be one of"),
        (("add", "--config", "missing.yaml"), "missing.yaml: no such file"),
        (("add", "--sites", "sites.yaml", "--time", "2am"), "time expects HH:MM"),
        (("add", "--sites", "sites.yaml", "--timezone", "Mars/Olympus"), "unknown time zone"),
        (("add", "--sites", "nope.yaml"), "nope.yaml"),
        (("remove", "nojob", "--db", "zwgk.db"), "no scheduled job 'nojob'"),
        (("add", "--sites", "sites.yaml", "--db", "broken.db"), "broken.db: cannot open as a zwgk database"),
    ]:
        result = schedule(*args, check=False)
        assert result.exit_code != 0 and result.stderr.startswith("错误：") and message in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert (work / "broken.db").read_bytes() == b"not a database" * 100
