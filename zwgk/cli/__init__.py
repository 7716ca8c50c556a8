"""The zwgk command line. ``zwgk --help`` and ``zwgk COMMAND --help`` are its documentation.

Every click command lives in this package (``schedule.py`` holds the ``zwgk schedule`` group); the
work is done by ``zwgk.run`` (crawl -> check -> report), ``zwgk.demo``, ``zwgk.scheduler`` and the
layers below. Their errors are ``ZwgkError``s, caught once here (``Main``): one line, the error's
exit code, no traceback.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import click

from crawler import store
from crawler.exceptions import ZwgkError
from crawler.sites import LEVELS, Site
from zwgk.cli.options import (as_of_option, broker_option, db_option, engine_option, init_option, lang_option,
                              parse_date_option, run_option, settings_option, sites_option, task_sites_option)
from zwgk.cli.schedule import schedule_command
from zwgk.common import UserError, load_config
from zwgk.run import NOTICE_WRITTEN, REPORT_WRITTEN, check_run, crawl_sites, report_run, run_once

FINDING_FIELDS = ("id", "site", "rule", "severity", "column", "column_url", "catalog_area", "catalog_item", "url",
                  "message", "evidence", "basis", "as_of", "run",
                  "page", "archived_at", "first_run", "streak", "fixed_run")
INTERRUPTED = "已中断：本次采集已保存到中断时为止的数据，状态记为“已中断”"


def say(line: str) -> None:
    click.echo(line, err=True)


def open_db(path):
    return store.connect(path, create=False)


def progress_printer():
    last = [None]
    tty = sys.stderr.isatty()

    def show(run: dict, total_sites: int):
        line = (f"采集中：站点 {run['sites'] or 0}/{total_sites} · 栏目 {run['columns'] or 0} · "
                f"页面 {run['pages'] or 0} · 信息 {run['documents'] or 0} · 错误 {run['errors'] or 0}")
        if line != last[0]:
            click.echo(("\r" + line) if tty else line, err=True, nl=not tty)
            last[0] = line

    def done():
        if tty and last[0]:
            click.echo("", err=True)
            last[0] = None

    show.done = done
    return show


class Main(click.Group):
    """The one place errors meet the user: a ZwgkError is its message and its exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ZwgkError as exc:
            _fail(ctx, exc.message, exc.exit_code)
        except KeyboardInterrupt:
            _fail(ctx, INTERRUPTED, 130)
        except OSError as exc:
            # A path the user gave cannot be read or written (--out on a read-only disk, a directory …).
            if exc.filename is None:
                raise
            _fail(ctx, f"{exc.filename}: {exc.strerror}", 1)


def _fail(ctx, message: str, code: int):
    progress = ctx.meta.pop("zwgk.progress", None)
    if progress is not None:
        progress.done()
    click.echo(f"错误：{message}", err=True)
    ctx.exit(code)


def _progress():
    progress = click.get_current_context().find_root().meta["zwgk.progress"] = progress_printer()
    return progress


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zwgk")
def main():
    """zwgk: crawl the 政府信息公开 columns of government portals and check them against the
    standard disclosure catalog (基层政务公开标准目录).

    Start with `zwgk demo`. For real portals: `zwgk run --sites sites.yaml`.
    """


@main.command()
@click.option("--out", "out_dir", default="zwgk-demo", show_default=True, type=click.Path(file_okay=False),
              help="Where the demo's sites config, store and report go.")
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 100),
              help="Multiply the demo portal's documents (1 = about 1,000).")
def demo(out_dir, scale):
    """Serve the bundled demo portal on loopback, crawl it, check it and write the report."""
    from zwgk.demo import run_demo

    progress = _progress()
    _, index = run_demo(out_dir, scale=scale, on_progress=progress, say=_after(progress))
    click.echo(REPORT_WRITTEN.format(index))


def _after(progress):
    """The run's lines, each after the progress line is closed."""
    def show(line):
        progress.done()
        say(line)
    return show


@main.command()
@sites_option
@db_option
@click.option("--only", help="Crawl only these site ids (comma-separated).")
@settings_option
@init_option
@engine_option
@broker_option
@task_sites_option
def crawl(sites_file, db_path, only, settings, init, engine, broker, task_sites):
    """Crawl the disclosure columns of the configured sites into the store."""
    sites = load_config(sites_file)
    progress = _progress()
    crawl_sites(sites_file, db_path, settings, only=only, init=init, sites=sites, on_progress=progress,
                say=_after(progress), engine=engine, broker=broker, task_sites=task_sites)


@main.command()
@db_option
@run_option
@as_of_option
def check(db_path, run, as_of):
    """Check a stored crawl run against the catalog and store its findings."""
    check_run(db_path, run, as_of, say=say)


@main.command()
@db_option
@run_option
@click.option("--out", "out_dir", default="zwgk-report", show_default=True, type=click.Path(file_okay=False))
@lang_option
@click.option("--notice", "notice_path", type=click.Path(dir_okay=False),
              help="Also write the notice draft (.docx, as zwgk notice writes it) here, from the same reading of the store.")
def report(db_path, run, out_dir, lang, notice_path):
    """Write the static HTML report of a run (opens offline from the file system)."""
    click.echo(REPORT_WRITTEN.format(report_run(db_path, run, out_dir, lang, notice=notice_path)))
    if notice_path:
        click.echo(NOTICE_WRITTEN.format(Path(notice_path).resolve()))


@main.command()
@db_option
@run_option
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), required=True)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option("--deadline", help="整改时限 to fill in (YYYY-MM-DD); empty when not given.")
def export(db_path, run, fmt, out_path, deadline):
    """Export a run's findings for a notice (通报): a ranked summary sheet and one flat sheet of all
    findings (XLSX), or the flat table as CSV."""
    from reports.export import export_findings

    deadline_date = parse_date_option(deadline, "--deadline")
    db = open_db(db_path)
    path = export_findings(db, store.resolve_run(db, run), fmt, out_path, deadline=deadline_date)
    click.echo(f"已导出：{Path(path).resolve()}")


@main.command()
@db_option
@run_option
@click.option("--out", "out_path", default="通报.docx", show_default=True, type=click.Path(dir_okay=False),
              help="Word file to write.")
@click.option("--deadline", help="整改时限 (YYYY-MM-DD); a blank field to fill in when not given.")
@click.option("--issuer", help="通报单位 printed under the text; a blank field when not given.")
def notice(db_path, run, out_path, deadline, issuer):
    """Write a notice draft (通报草稿, .docx) of a checked run: scope and method, overall results with
    合格率 and ranking, typical problems with named examples, the rectification request, and the
    annexes (failing sites, every problem)."""
    from reports.notice import write_notice

    deadline_date = parse_date_option(deadline, "--deadline")
    db = open_db(db_path)
    path = write_notice(db, store.resolve_run(db, run), out_path, deadline=deadline_date, issuer=issuer)
    click.echo(NOTICE_WRITTEN.format(Path(path).resolve()))


@main.command()
@click.argument("finding_id", type=int)
@db_option
@click.option("--format", "fmt", type=click.Choice(["view", "page", "warc"]), default="view", show_default=True,
              help="view: a sandboxed offline HTML page with the fetch details; page: the body as fetched; "
                   "warc: the request and response records as a WARC file.")
@click.option("--out", "out_path", default=None, type=click.Path(dir_okay=False), help="File to write (default: stdout).")
def evidence(finding_id, db_path, fmt, out_path):
    """Extract the archived copy of the page a finding rests on (FINDING_ID: the finding's number)."""
    from reports.evidence import beijing_time, finding_evidence

    db = open_db(db_path)
    row, data = finding_evidence(db, finding_id, fmt)
    if out_path:
        Path(out_path).parent.mkdir(parents=True, exist_ok=True)
        Path(out_path).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    click.echo(f"问题 {finding_id} 的存档页面：{row['url']}，抓取于 {beijing_time(row['fetched_at'])}"
               f"（{row['file']}，偏移 {row['offset']}）" + (f"，已写入 {Path(out_path).resolve()}" if out_path else ""),
               err=True)


@main.command()
@db_option
@click.option("--site", "site_id", required=True, help="Site id.")
@click.option("--n", default=20, show_default=True, type=click.IntRange(1, 10000), help="Sample size.")
@click.option("--seed", required=True, type=int, help="The same seed draws the same sample.")
@as_of_option
@click.option("--out", "out_path", default=None, type=click.Path(dir_okay=False),
              help="Checklist XLSX to write (default: sample-SITE-SEED.xlsx).")
def sample(db_path, site_id, n, seed, as_of, out_path):
    """Draw a reproducible spot-check sample (抽查) of a site's documents, stratified by column,
    into an XLSX checklist."""
    from reports.sample import sample_documents, write_sample_xlsx

    db = open_db(db_path)
    rows = sample_documents(db, site_id, n, seed, as_of)
    path = write_sample_xlsx(rows, out_path or f"sample-{site_id}-{seed}.xlsx",
                             info={"种子": seed, "请求样本量": n, "截止日期": as_of.isoformat() if as_of else ""})
    click.echo(f"抽查清单（{len(rows)} 条）：{Path(path).resolve()}")


@main.command()
@sites_option
@db_option
@click.option("--out", "out_dir", default="zwgk-report", show_default=True, type=click.Path(file_okay=False))
@as_of_option
@lang_option
@settings_option
@init_option
@engine_option
@broker_option
@task_sites_option
def run(sites_file, db_path, out_dir, as_of, lang, settings, init, engine, broker, task_sites):
    """Crawl, check and report in one go (for cron or systemd; exit code 75 when another run holds the
    store; a crawl that did not finish is neither checked nor reported, and the run exits with 1)."""
    sites = load_config(sites_file)
    progress = _progress()
    _, index = run_once(sites_file, db_path, out_dir, settings=settings, as_of=as_of, lang=lang, init=init,
                        sites=sites, on_progress=progress, say=_after(progress), engine=engine, broker=broker,
                        task_sites=task_sites)
    click.echo(REPORT_WRITTEN.format(index))


@main.command()
@broker_option
@db_option
@click.option("--concurrency", type=click.IntRange(1), default=None,
              help="Tasks (crawl processes) this worker runs at once [default: the number of CPUs].")
@click.option("--name", help="The worker's node name, e.g. w1@%h (Celery's --hostname) [default: celery@HOST].")
@click.option("--visibility-timeout", type=click.FloatRange(min=1), default=None, metavar="SECONDS",
              help="Redis gives back a task whose worker vanished after this long (default 12 hours: longer "
                   "than a task should take).")
@click.option("--loglevel", default="INFO", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
def worker(broker, db_path, concurrency, name, visibility_timeout, loglevel):
    """A Celery worker for `--engine celery` runs (Celery's own worker, in the foreground): takes crawl
    tasks from --broker and writes them into --db, the coordinator's store as reached from this host."""
    from zwgk.run import distributed

    module = distributed()
    module.run_worker(module.check_broker_url(broker), db_path, concurrency=concurrency, name=name, loglevel=loglevel.upper(),
               visibility_timeout=visibility_timeout)


@main.command()
@db_option
@run_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def findings(db_path, run, fmt):
    """Print the findings of a checked run."""
    db = open_db(db_path)
    run_id = store.resolve_run(db, run)
    rows = [
        {"id": r["id"], "site": r["site_id"], "rule": r["rule"], "severity": r["severity"], "column": r["column_name"],
         "column_url": r["column_url"], "catalog_area": r["catalog_area"], "catalog_item": r["catalog_item"],
         "url": r["url"], "message": r["message"], "evidence": json.loads(r["evidence"] or "{}"),
         "basis": r["basis"], "as_of": r["as_of"], "run": r["run_id"], "page": r["page_url"],
         "archived_at": r["archived_at"], "first_run": r["first_run"], "streak": r["streak"],
         "fixed_run": r["fixed_run"]}
        for r in db.query("select f.*, w.fetched_at as archived_at from findings f "
                          "left join warc_records w on w.id = f.record_id where f.run_id = ? "
                          "order by f.site_id, f.rule, f.id", [run_id])
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from reports.common import spreadsheet_row

        writer = csv.DictWriter(sys.stdout, FINDING_FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow(spreadsheet_row({**row, "evidence": json.dumps(row["evidence"], ensure_ascii=False)}))
    else:
        from tabulate import tabulate

        click.echo(tabulate([[r["id"], r["site"], r["rule"], r["column"] or "", r["catalog_area"] or "", r["message"]]
                             for r in rows], headers=["编号", "站点", "规则", "栏目", "标准目录", "问题"]))


@main.command()
@click.option("--sites", "sites_file", type=click.Path(dir_okay=False), help="Sites config (YAML), with --site.")
@click.option("--site", "site_id", help="The site whose catalog to print.")
@click.option("--level", type=click.Choice(LEVELS), help="Without --site: the catalog at this level.")
@click.option("--region", default="", help="Without --site: the region, e.g. 黑龙江省/哈尔滨市 (selects the province overlay).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def catalog(sites_file, site_id, level, region, fmt):
    """Print the catalog in force for a site: its level, its province overlay and its own catalog_areas."""
    from checks.catalog import CATALOG_COLUMNS, catalog_for_site

    if site_id:
        if not sites_file:
            raise UserError("--site needs --sites FILE", 2)
        sites = {s.id: s for s in load_config(sites_file)}
        if site_id not in sites:
            raise UserError(f"{sites_file}: no site with id '{site_id}'", 2)
        site = sites[site_id]
    elif level:
        site = Site(id="", name="", level=level, region=region, url="")   # no site: a level, in a region
    else:
        raise UserError("give --sites FILE --site ID, or --level", 2)
    rows = catalog_for_site(site)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from reports.common import spreadsheet_row

        writer = csv.writer(sys.stdout)
        writer.writerow([header for _, header in CATALOG_COLUMNS])
        writer.writerows(spreadsheet_row([row.get(key, "") for key, _ in CATALOG_COLUMNS]) for row in rows)
    else:
        from tabulate import tabulate

        brief = ("area", "item", "l1", "l2", "time_rule", "required")
        headers = dict(CATALOG_COLUMNS)
        click.echo(tabulate([[row.get(k, "") for k in brief] for row in rows], headers=[headers[k] for k in brief]))


@main.command()
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--url", help="The URL the page was saved from (for links and dates); with --site-pages, the "
                            "URL of the directory the pages were saved from.")
@click.option("--kind", type=click.Choice(["list", "detail"]))
@click.option("--site-pages", "site_pages", type=click.Path(exists=True, file_okay=False),
              help="A directory of saved column pages of one site: print the template learned from them and "
                   "each page's entries. Page URLs come from urls.txt in it (lines 'FILE URL'), the page's "
                   "'saved from url' comment, or --url joined with the file name.")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
def extract(file, url, kind, site_pages, fmt):
    """Run the spider's extraction on one saved page (or a site's column pages) and print what it finds."""
    from crawler.extraction import extract_page, extract_site_pages
    from crawler.extraction.dom import PageTooComplex

    if site_pages:
        if file or kind:
            raise click.UsageError("--site-pages reads a directory of list pages: give no FILE and no --kind")
        pages = read_site_pages(Path(site_pages), url)
        click.echo(json.dumps(extract_site_pages(pages), ensure_ascii=False, indent=2))
        return
    if not file or not url or not kind:
        raise click.UsageError("give FILE, --url and --kind (or --site-pages DIR)")
    try:
        result = extract_page(Path(file).read_bytes(), url, kind)
    except PageTooComplex as exc:
        raise UserError(f"{file}：页面结构过于复杂（{exc}），与采集时一样不予解析") from None
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.I)
_PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".jsp", ".aspx", ".php", ".json", ".xml")


def read_site_pages(directory: Path, base_url: str | None) -> list[tuple[str, bytes, str]]:
    """The saved pages of ``--site-pages`` with their URLs; a page without one is a usage error."""
    from urllib.parse import urljoin

    listed = {}
    urls_file = directory / "urls.txt"
    if urls_file.exists():
        for number, line in enumerate(urls_file.read_text(encoding="utf-8").splitlines(), 1):
            parts = line.split()
            if not parts or line.lstrip().startswith("#"):
                continue
            if len(parts) != 2:
                raise UserError(f"{urls_file}:{number}: 应为“文件名 网址”", exit_code=2)
            listed[parts[0]] = parts[1]
    pages = []
    for path in sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in _PAGE_SUFFIXES):
        body = path.read_bytes()
        saved = _SAVED_FROM.search(body[:4096])
        page_url = listed.get(path.name) or (saved.group(1).decode("latin-1") if saved else None) or \
            (urljoin(base_url.rstrip("/") + "/", path.name) if base_url else None)
        if not page_url:
            raise UserError(f"{path}: 不知道此页面的网址（写入 urls.txt，或给出 --url）", exit_code=2)
        pages.append((path.name, body, page_url))
    if not pages:
        raise UserError(f"{directory}: 目录中没有保存的页面（{' '.join(_PAGE_SUFFIXES)}）", exit_code=2)
    return pages


main.add_command(schedule_command)

if __name__ == "__main__":
    main()
