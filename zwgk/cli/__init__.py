"""The zwgk command line. ``zwgk --help`` and ``zwgk COMMAND --help`` are its documentation."""
from __future__ import annotations

import csv
import json
import re
import shutil
import sys
from datetime import date
from pathlib import Path

import click

from checks.catalog import CatalogError
from crawler import store
from crawler.sites import LEVELS
from zwgk.common import UserError, load_config, parse_settings
from zwgk.scheduler import schedule_command

# The demo portal is on loopback: no need to be polite to ourselves.
DEMO_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "ROBOTSTXT_OBEY": "False",
    "CONCURRENT_REQUESTS": "32", "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
}
FINDING_FIELDS = ("id", "site", "rule", "severity", "column", "column_url", "catalog_area", "catalog_item", "url",
                  "message", "evidence", "basis", "as_of", "run",
                  "page", "archived_at", "first_run", "streak", "fixed_run")


def parse_as_of(value: str | None) -> date | None:
    return parse_date_option(value, "--as-of")


def parse_date_option(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} expects a date YYYY-MM-DD, got {value!r}", 2) from None


def check_sites_file(path, only: str | None = None) -> list:
    """The sites config checked whole (fields, selectors, catalog names) and ``--only`` ids known."""
    sites = load_config(path)
    if only:
        wanted = {s.strip() for s in only.split(",") if s.strip()}
        unknown = wanted - {s.id for s in sites}
        if unknown:
            raise UserError(f"{path}: no site with id '{sorted(unknown)[0]}' (--only)", 2)
    return sites


def open_db(path, create=False, verify=False):
    try:
        return store.connect(path, create=create, verify=verify)
    except store.StoreError as exc:
        raise UserError(str(exc)) from None


def progress_printer(total_sites: int):
    last = [None]
    tty = sys.stderr.isatty()

    def show(run: dict):
        line = (f"采集中：站点 {run['sites'] or 0}/{total_sites} · 栏目 {run['columns'] or 0} · "
                f"页面 {run['pages'] or 0} · 信息 {run['documents'] or 0} · 错误 {run['errors'] or 0}")
        if line != last[0]:
            click.echo(("\r" + line) if tty else line, err=True, nl=not tty)
            last[0] = line

    def done():
        if tty and last[0]:
            click.echo("", err=True)

    show.done = done
    return show


def do_crawl(sites_file, db_path, settings, only=None, init=False) -> int:
    from crawler.runner import RunLocked, crawl

    sites = check_sites_file(sites_file, only)
    progress = progress_printer(len(sites) if not only else len(only.split(",")))
    try:
        run_id, code = crawl(sites_file, db_path, settings=settings, only=only, on_progress=progress, sites=sites,
                             init=init)
    except KeyboardInterrupt:
        progress.done()
        raise UserError("已中断：本次采集已保存到中断时为止的数据，状态记为“已中断”", 130) from None
    except RunLocked as exc:
        raise UserError(str(exc), 75) from None
    except store.StoreError as exc:
        raise UserError(str(exc)) from None
    progress.done()
    db = open_db(db_path)
    run = db["runs"].get(run_id)
    if run["status"] == "failed":
        raise UserError(f"采集失败（第 {run_id} 次）：{run['note']}")
    failed_sites = [r for r in db.query("select id, error from sites where last_run = ? and status = 'error'", [run_id])]
    for site in failed_sites:
        click.echo(f"站点 {site['id']}：{site['error']}", err=True)
    click.echo(f"第 {run_id} 次采集{ {'finished': '完成', 'interrupted': '已中断'}.get(run['status'], run['status']) }："
               f"{run['sites']} 个站点，{run['columns']} 个栏目，{run['pages']} 个页面，"
               f"{run['documents']} 条信息（新增 {run['new_documents']}），{run['errors']} 个抓取错误。日志：{run['log_path']}",
               err=True)
    return run_id


def do_check(db_path, run, as_of):
    from checks.run import run_checks

    db = open_db(db_path, verify=True)   # findings are written: never into a damaged file
    run_id = resolve(db, run)
    try:
        findings = run_checks(db, run_id, as_of)
    except CatalogError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"第 {run_id} 次采集的检查完成：{len(findings)} 个问题（基准日 {as_of or date.today()}）。", err=True)
    return run_id


def resolve(db, run) -> int:
    try:
        return store.resolve_run(db, run)
    except store.StoreError as exc:
        raise UserError(str(exc)) from None


def do_report(db_path, run, out_dir, lang="zh"):
    from reports.common import ReportError
    from reports.render import render_report

    db = open_db(db_path)
    try:
        index = render_report(db, resolve(db, run), out_dir, lang=lang)
    except ReportError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"报告已生成：{index.resolve()}")
    return index


db_option = click.option("--db", "db_path", default=store.DEFAULT_DB, show_default=True,
                         type=click.Path(dir_okay=False), help="SQLite store.")
run_option = click.option("--run", default="latest", show_default=True, help="Run number, or 'latest'.")
as_of_option = click.option("--as-of", help="Check as of this date (YYYY-MM-DD); default today. A re-run gives the same findings.")
lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                           help="Language of the report.")
init_option = click.option("--init", is_flag=True,
                           help="Allow --db to be an existing SQLite file of another application (zwgk adds its tables).")
settings_option = click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
                               help="Scrapy setting override, e.g. -s DOWNLOAD_DELAY=2 (repeatable).")


class Main(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except OSError as exc:
            # A path the user gave cannot be read or written (--out on a read-only disk, a directory …).
            if exc.filename is None:
                raise
            raise UserError(f"{exc.filename}: {exc.strerror}") from None


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
    from zwgk.demoportal import DEMO_AS_OF, DemoPortal, serve

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "zwgk.db"
    # The demo portal gets a new port each time, so its URLs change: start from a fresh store.
    for stale in (db_path, out / "zwgk.db-wal", out / "zwgk.db-shm"):
        stale.unlink(missing_ok=True)
    shutil.rmtree(out / "zwgk-logs", ignore_errors=True)
    shutil.rmtree(out / "zwgk-warc", ignore_errors=True)
    portal = DemoPortal(scale=scale)
    with serve(portal) as base_url:
        sites_file = out / "sites.yaml"
        sites_file.write_text(portal.sites_yaml(base_url), encoding="utf-8")
        click.echo(f"示例门户已启动：{base_url}（{len(portal.sites)} 个网站，{len(portal.documents())} 条信息）", err=True)
        run_id = do_crawl(sites_file, db_path, DEMO_SETTINGS)
    do_check(db_path, run_id, DEMO_AS_OF)
    do_report(db_path, run_id, out)


@main.command()
@click.option("--sites", "sites_file", required=True, type=click.Path(dir_okay=False), help="Sites config (YAML).")
@db_option
@click.option("--only", help="Crawl only these site ids (comma-separated).")
@settings_option
@init_option
def crawl(sites_file, db_path, only, settings, init):
    """Crawl the disclosure columns of the configured sites into the store."""
    do_crawl(sites_file, db_path, parse_settings(settings), only, init=init)


@main.command()
@db_option
@run_option
@as_of_option
def check(db_path, run, as_of):
    """Check a stored crawl run against the catalog and store its findings."""
    do_check(db_path, run, parse_as_of(as_of))


@main.command()
@db_option
@run_option
@click.option("--out", "out_dir", default="zwgk-report", show_default=True, type=click.Path(file_okay=False))
@lang_option
def report(db_path, run, out_dir, lang):
    """Write the static HTML report of a run (opens offline from the file system)."""
    do_report(db_path, run, out_dir, lang)


@main.command()
@db_option
@run_option
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), required=True)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option("--deadline", help="整改时限 to fill in (YYYY-MM-DD); empty when not given.")
def export(db_path, run, fmt, out_path, deadline):
    """Export a run's findings for a notice (通报): a ranked summary sheet and one flat sheet of all
    findings (XLSX), or the flat table as CSV."""
    from reports.common import ReportError
    from reports.export import export_findings

    deadline_date = parse_date_option(deadline, "--deadline")
    db = open_db(db_path)
    try:
        path = export_findings(db, resolve(db, run), fmt, out_path, deadline=deadline_date)
    except ReportError as exc:
        raise UserError(str(exc)) from None
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
    from reports.common import ReportError
    from reports.notice import write_notice

    deadline_date = parse_date_option(deadline, "--deadline")
    db = open_db(db_path)
    try:
        path = write_notice(db, resolve(db, run), out_path, deadline=deadline_date, issuer=issuer)
    except ReportError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"通报草稿已生成：{Path(path).resolve()}")


@main.command()
@click.argument("finding_id", type=int)
@db_option
@click.option("--format", "fmt", type=click.Choice(["view", "page", "warc"]), default="view", show_default=True,
              help="view: a sandboxed offline HTML page with the fetch details; page: the body as fetched; "
                   "warc: the request and response records as a WARC file.")
@click.option("--out", "out_path", default=None, type=click.Path(dir_okay=False), help="File to write (default: stdout).")
def evidence(finding_id, db_path, fmt, out_path):
    """Extract the archived copy of the page a finding rests on (FINDING_ID: the finding's number)."""
    from reports.common import ReportError
    from reports.evidence import beijing_time, finding_evidence

    db = open_db(db_path)
    try:
        row, data = finding_evidence(db, finding_id, fmt)
    except ReportError as exc:
        raise UserError(str(exc)) from None
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
    from reports.common import ReportError
    from reports.sample import sample_documents, write_sample_xlsx

    as_of_date = parse_as_of(as_of)
    db = open_db(db_path)
    try:
        rows = sample_documents(db, site_id, n, seed, as_of_date)
        path = write_sample_xlsx(rows, out_path or f"sample-{site_id}-{seed}.xlsx",
                                 info={"种子": seed, "请求样本量": n, "截止日期": as_of or ""})
    except ReportError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"抽查清单（{len(rows)} 条）：{Path(path).resolve()}")


@main.command()
@click.option("--sites", "sites_file", required=True, type=click.Path(dir_okay=False), help="Sites config (YAML).")
@db_option
@click.option("--out", "out_dir", default="zwgk-report", show_default=True, type=click.Path(file_okay=False))
@as_of_option
@lang_option
@settings_option
@init_option
def run(sites_file, db_path, out_dir, as_of, lang, settings, init):
    """Crawl, check and report in one go (for cron or systemd; exit code 75 when another run holds the store)."""
    from crawler.runner import RunLocked, run_lock

    as_of_date = parse_as_of(as_of)
    overrides = parse_settings(settings)
    try:
        with run_lock(db_path, note="zwgk run"):
            run_id = do_crawl(sites_file, db_path, overrides, init=init)
            do_check(db_path, run_id, as_of_date)
            do_report(db_path, run_id, out_dir, lang)
    except RunLocked as exc:
        raise UserError(str(exc), 75) from None


@main.command()
@db_option
@run_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def findings(db_path, run, fmt):
    """Print the findings of a checked run."""
    db = open_db(db_path)
    run_id = resolve(db, run)
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
        sites = {s.id: s for s in check_sites_file(sites_file)}
        if site_id not in sites:
            raise UserError(f"{sites_file}: no site with id '{site_id}'", 2)
        config, level = sites[site_id].as_config(), sites[site_id].level
    elif level:
        config = {"level": level, "region": region}
    else:
        raise UserError("give --sites FILE --site ID, or --level", 2)
    try:
        rows = catalog_for_site(config, level)
    except CatalogError as exc:
        raise UserError(str(exc), 2) from None
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
