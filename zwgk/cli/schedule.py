"""``zwgk schedule``: add, list and remove scheduled runs, and run the scheduler (zwgk.scheduler)."""
from __future__ import annotations

from pathlib import Path

import click

from crawler import store
from zwgk.cli.options import broker_option, db_option, engine_option, settings_option, task_sites_option
from zwgk.common import UserError
from zwgk.scheduler import (DAYS, DEFAULT_DAY, DEFAULT_JOB_ID, DEFAULT_TIME, DEFAULT_TIMEZONE, JobSpec, absolute_path,
                            add_jobs, check_job, jobstore_path, list_jobs, load_schedule, remove_job, serve)


def _print_jobs(db_path) -> None:
    jobs = list_jobs(db_path)
    if not jobs:
        click.echo(f"没有计划任务（计划库 {jobstore_path(db_path)}）。添加：zwgk schedule add --sites sites.yaml "
                   f"--db {store.describe(db_path)}")
        return
    for job in jobs:
        click.echo(f"{job['id']}\t{job['trigger']}\t下次运行 {job['next_run']}\t站点 {job['sites']}\t"
                   f"数据库 {store.describe(job['db'])}\t报告 {job['out']}")
    if store.is_url(db_path) or Path(db_path).exists():
        db = store.connect(db_path)
        row = store.latest_run(db)
        db.conn.close()
        if row:
            click.echo(f"最近一次采集：第 {row['id']} 次，{row['status']}，开始于 {row['started_at']}，"
                       f"{row['requests'] or 0} 个请求，{row['documents'] or 0} 条信息，日志 {row['log_path']}")


@click.group("schedule", invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--list", "list_", is_flag=True, help="List the scheduled jobs and exit.")
@db_option
@click.pass_context
def schedule_command(ctx, list_, db_path):
    """Unattended weekly runs: crawl, check and report on a schedule (default Monday 02:00 Asia/Shanghai).

    Jobs are stored beside the database, so they survive restarts; a run missed while the scheduler
    was down happens once when it is back. `zwgk schedule start` runs the scheduler in the foreground
    (for systemd or docker); cron or systemd-timer users call `zwgk run` instead.
    """
    if list_:
        _print_jobs(db_path)
        ctx.exit(0)
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@schedule_command.command("add")
@click.option("--config", "config", type=click.Path(dir_okay=False), help="A schedule.yaml (instead of the flags below).")
@click.option("--sites", "sites_file", type=click.Path(dir_okay=False), help="Sites config (YAML).")
@db_option
@click.option("--out", "out_dir", default="zwgk-report", show_default=True, type=click.Path(file_okay=False),
              help="Where each run writes its report.")
@click.option("--id", "job_id", default=DEFAULT_JOB_ID, show_default=True, help="Job name (re-adding it replaces it).")
@click.option("--day", default=DEFAULT_DAY, show_default=True, type=click.Choice(DAYS), help="Weekday of the weekly run.")
@click.option("--time", "at_time", default=DEFAULT_TIME, show_default=True, help="HH:MM of the weekly run.")
@click.option("--cron", help='A crontab line instead of --day/--time, e.g. "0 2 * * mon".')
@click.option("--every", type=float, help="Run every N seconds instead (for tests and trials).")
@click.option("--at", "at", help="Run once at this ISO time instead (for tests and trials).")
@click.option("--timezone", default=DEFAULT_TIMEZONE, show_default=True)
@click.option("--misfire-grace-hours", type=float,
              help="Skip a run missed by more than this (default: a missed run always happens once).")
@settings_option
@engine_option
@broker_option
@task_sites_option
def add_command(config, sites_file, db_path, out_dir, job_id, day, at_time, cron, every, at, timezone,
                misfire_grace_hours, settings, engine, broker, task_sites):
    """Add (or replace) a scheduled job."""
    if config:
        specs = load_schedule(config)
    else:
        if not sites_file:
            raise UserError("give --sites FILE (or --config schedule.yaml)", 2)
        specs = [JobSpec(job_id, absolute_path(sites_file), absolute_path(db_path), absolute_path(out_dir), day=day,
                         time=at_time, cron=cron, every=every, at=at, timezone=timezone,
                         settings=settings, misfire_grace_hours=misfire_grace_hours, engine=engine,
                         broker=broker, task_sites=task_sites)]
    for spec in specs:
        check_job(spec)
    for line in add_jobs(specs):
        click.echo(f"已添加计划任务 {line}（计划库 {jobstore_path(specs[0].db)}）")


@schedule_command.command("list")
@db_option
def list_command(db_path):
    """List the scheduled jobs of a store."""
    _print_jobs(db_path)


@schedule_command.command("remove")
@click.argument("job_id")
@db_option
def remove_command(job_id, db_path):
    """Remove a scheduled job."""
    remove_job(db_path, job_id)
    click.echo(f"已删除计划任务 {job_id}")


@schedule_command.command("start")
@click.option("--config", "config", type=click.Path(dir_okay=False),
              help="Add/update the jobs of this schedule.yaml first (unchanged jobs keep their pending run).")
@db_option
@click.option("--lifetime", type=float, help="Stop after this many seconds (a running job is let finish).")
def start_command(config, db_path, lifetime):
    """Run the scheduler in the foreground until stopped (SIGTERM/Ctrl-C)."""
    specs = None
    if config:
        specs = load_schedule(config)
        for spec in specs:
            check_job(spec)
        db_path = specs[0].db
    serve(db_path, specs=specs, lifetime=lifetime)
