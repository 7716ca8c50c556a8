"""One run: crawl -> check -> report, the same for ``zwgk run``, ``zwgk demo`` and the scheduler.

    run_once(sites_file, db_path, out_dir, settings=..., as_of=..., say=print)

Under the store's run lock (``crawler.runner.run_lock``), so no other run of the store starts in
between. One policy for a crawl that did not finish (interrupted, killed, failed): nothing is
checked and no report is written — the previous report stays as it was, since a half-read portal
would show columns as empty or stale that were merely not reached — and ``CrawlNotFinished`` says so.
``say`` receives the run's lines for the user (the command line prints them, the scheduler logs them).
"""
from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from crawler import store
from crawler.exceptions import ZwgkError
from crawler.runner import crawl, run_lock
from zwgk.common import load_config

logger = logging.getLogger("zwgk.run")
STATUS_WORDS = {"finished": "完成", "interrupted": "已中断", "failed": "失败"}


class CrawlNotFinished(ZwgkError):
    """The crawl of a run did not finish: the run was neither checked nor reported."""


ENGINES = ("local", "celery")


def distributed():
    """zwgk.distributed, imported only for the celery engine and the worker (Celery and redis are an
    extra: the local engine needs neither)."""
    try:
        import zwgk.distributed as module
    except ImportError as exc:
        raise ZwgkError(f"--engine celery 需要 Celery 和 redis（{exc.name} 未安装）：pip install -e '.[distributed]'") from None
    return module


def crawl_sites(sites_file, db_path, settings=None, *, only=None, init=False, sites=None, on_progress=None,
                say=logger.info, engine: str = "local", broker: str | None = None,
                task_sites: int | None = None) -> dict:
    """Crawl the sites config into the store; returns the run's row. A failed crawl is a ZwgkError.
    ``on_progress(run row, number of sites)`` is called while the crawl runs.

    ``engine``: ``local`` (one crawl process here) or ``celery`` (the Celery workers of ``broker``
    crawl it into one run, in tasks of at most ``task_sites`` sites: zwgk.distributed)."""
    if sites is None:
        sites = load_config(sites_file)
    total = len(sites)
    if only:
        wanted = {s.strip() for s in only.split(",") if s.strip()}
        unknown = wanted - {s.id for s in sites}
        if unknown:
            raise ZwgkError(f"{sites_file}: no site with id '{sorted(unknown)[0]}' (--only)", 2)
        total = len(wanted)
    progress = on_progress and (lambda run: on_progress(run, total))
    if engine == "celery":
        crawl_distributed = distributed().crawl_distributed
        chosen = [s for s in sites if s.id in wanted] if only else sites
        run_id = crawl_distributed(sites_file, db_path, broker=broker, sites=chosen, settings=settings, init=init,
                                   task_sites=task_sites, on_progress=progress, say=say)
    elif engine == "local":
        run_id, _ = crawl(sites_file, db_path, settings=settings, only=only, sites=sites, init=init,
                          on_progress=progress)
    else:
        raise ZwgkError(f"--engine {engine}: unknown engine (one of {', '.join(ENGINES)})", 2)
    db = store.connect(db_path, create=False)
    try:
        run = db["runs"].get(run_id)
        if run["status"] == "failed":
            raise ZwgkError(f"采集失败（第 {run_id} 次）：{run['note']}")
        for site in db.query("select id, error from sites where last_run = ? and status = 'error'", [run_id]):
            say(f"站点 {site['id']}：{site['error']}")
    finally:
        db.conn.close()
    say(f"第 {run_id} 次采集{STATUS_WORDS.get(run['status'], run['status'])}："
        f"{run['sites']} 个站点，{run['columns']} 个栏目，{run['pages']} 个页面，"
        f"{run['documents']} 条信息（新增 {run['new_documents']}），{run['errors']} 个抓取错误。日志：{run['log_path']}")
    return run


def check_run(db_path, run="latest", as_of: date | None = None, *, say=logger.info) -> int:
    """Check a stored crawl run and store its findings; returns the run id."""
    from checks.run import run_checks

    db = store.connect(db_path, create=False, verify=True)   # findings are written: never into a damaged file
    try:
        run_id = store.resolve_run(db, run)
        findings = run_checks(db, run_id, as_of)
    finally:
        db.conn.close()
    say(f"第 {run_id} 次采集的检查完成：{len(findings)} 个问题（基准日 {as_of or date.today()}）。")
    return run_id


REPORT_WRITTEN = "报告已生成：{}"
NOTICE_WRITTEN = "通报草稿已生成：{}"


def report_run(db_path, run, out_dir, lang: str = "zh", notice=None):
    """Write the static HTML report of a run (and, given ``notice``, its notice draft there); returns
    the path of its index page."""
    from reports.render import render_report

    db = store.connect(db_path, create=False)
    try:
        index = render_report(db, store.resolve_run(db, run), out_dir, lang=lang, notice=notice)
    finally:
        db.conn.close()
    return index.resolve()


def run_once(sites_file, db_path, out_dir, *, settings=None, as_of: date | None = None, lang: str = "zh",
             init: bool = False, sites=None, on_progress=None, say=logger.info, engine: str = "local",
             broker: str | None = None, task_sites: int | None = None) -> tuple[int, Path]:
    """Crawl, check and report under the store's run lock; returns the run id and the report's index page.
    ``engine``, ``broker``, ``task_sites``: who crawls (``crawl_sites``); the check and the report are
    the same whoever crawled.

    Raises RunLocked when another run holds the store, CrawlNotFinished when the crawl did not finish
    (then nothing is checked and the previous report stays)."""
    with run_lock(db_path, note=f"sites {sites_file}"):
        run = crawl_sites(sites_file, db_path, settings, init=init, sites=sites, on_progress=on_progress, say=say,
                          engine=engine, broker=broker, task_sites=task_sites)
        if run["status"] != "finished":
            raise CrawlNotFinished(
                f"第 {run['id']} 次采集{STATUS_WORDS.get(run['status'], run['status'])}"
                f"{('（' + run['note'] + '）') if run['note'] else ''}：未做检查，报告未更新（仍为上次的报告）")
        check_run(db_path, run["id"], as_of, say=say)
        return run["id"], report_run(db_path, run["id"], out_dir, lang)
