"""A synthetic store of several checked runs, built straight in SQL: for report tests and benchmarks.

    build_store(path, sites=150, documents=1_000_000, runs=3)

The crawl's tables (sites, columns, column_runs, documents, column_entries, fetch_errors) are filled
deterministically from ``seed`` with executemany in one transaction per table; then each run is
checked by ``checks.run.run_checks``, so findings, mappings and site scores are the checks' own. Site 0 is the largest (a tenth of the documents) so
its evidence lists run over several pages. Documents change between runs: some are new in each
run, some are taken down, so "what changed" has content.
``hostile=True`` puts markup and quotes into a site name, a column name, document titles and a ``javascript:`` URL, to show the report renders them as text.
"""
from __future__ import annotations

import json
import random
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from checks.catalog import areas_for_level, default_catalog
from checks.run import run_checks
from crawler import store

HOSTILE = '<script>alert("x")</script>\'"'
HOSTILE_IMG = '<img src=x onerror="window.__zwgk_pwned=1">'
TOPICS = ("财政预算", "社会救助", "重大建设项目", "公共资源交易", "生态环境", "安全生产", "义务教育", "卫生健康",
          "乡村振兴", "政务服务", "征地补偿", "就业创业", "养老服务", "城乡规划", "市场监管")
KINDS = ("通知", "公告", "报告", "决定", "实施方案", "工作要点", "公示", "情况说明")
CITIES = "甲乙丙丁"
UNMAPPED = ("领导信息", "机构职能", "政策解读", "工作动态")


def build_store(path, *, sites: int = 150, documents: int = 1_000_000, runs: int = 3, seed: int = 0,
                hostile: bool = False, body_chars: int = 120, fts: bool = False, as_of: date = date(2026, 6, 30)):
    """Create the store at ``path`` (which must not exist) and return ``{"run_id": latest, ...}``."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    db = store.connect(path)
    conn: sqlite3.Connection = db.conn
    if not fts:  # the report never searches; the trigram index would triple the build time
        for trigger in ("documents_ai", "documents_ad", "documents_au"):
            conn.execute(f"drop trigger if exists {trigger}")
    rng = random.Random(seed)
    catalog = default_catalog()
    run_dates = [as_of - timedelta(days=7 * (runs - r)) for r in range(1, runs + 1)]
    with conn:
        conn.executemany(
            "insert into runs (id, kind, status, started_at, finished_at, sites, columns, pages, documents, "
            "new_documents, errors, checked_at, as_of, findings) values (?, 'crawl', 'finished', ?, ?, ?, 0, 0, 0, 0, 0, ?, ?, 0)",
            [(r, f"{d}T02:00:00+08:00", f"{d}T03:00:00+08:00", sites, f"{d}T03:05:00+08:00", d.isoformat())
             for r, d in zip(range(1, runs + 1), run_dates)])

    # Sites and their columns: every required catalog area has a column except one or two missing.
    site_rows, column_rows, plan = [], [], []
    column_id = 0
    for i in range(sites):
        site_id = f"site-{i:03d}"
        level = "municipal" if i % 10 == 0 else "county"
        name = f"示例{i:03d}县人民政府" if level == "county" else f"示例{i:03d}市人民政府"
        if hostile and i == 0:
            name = f"{HOSTILE}{HOSTILE_IMG}县"
        host = f"http://www.{site_id}.example.gov.cn"
        region = f"示例省/示例{CITIES[i % len(CITIES)]}市/{name}"
        site_rows.append((site_id, name, level, region, f"{host}/xxgk/",
                          json.dumps({"region": region}, ensure_ascii=False), 1, runs, "ok", None))
        areas = areas_for_level(catalog, level)
        missing = set(rng.sample(range(len(areas)), min(len(areas) - 1, 1 + i % 2)))
        cols = []
        for a_index, area in enumerate(areas):
            if a_index in missing:
                continue
            column_id += 1
            col_name = area.name
            if hostile and i == 0 and not cols:
                col_name = f"{area.name}{HOSTILE}"
            url = f"{host}/xxgk/c{a_index:02d}/"
            if hostile and i == 0 and len(cols) == 1:
                url = "javascript:window.__zwgk_pwned=2"
            cols.append({"id": column_id, "name": col_name, "url": url, "area": area.name})
            column_rows.append((column_id, site_id, url, col_name, f"法定主动公开内容/{col_name}", area.name, "discovered", 1, runs))
        for extra in UNMAPPED[: 1 + i % len(UNMAPPED)]:
            column_id += 1
            url = f"{host}/xxgk/{len(cols):02d}x/"
            cols.append({"id": column_id, "name": extra, "url": url, "area": None})
            column_rows.append((column_id, site_id, url, extra, extra, None, "discovered", 1, runs))
        mapped = [c for c in cols if c["area"]]
        # One empty column a site; every seventh site has five (a single veto: 空白栏目).
        empties = mapped[-(5 if i % 7 == 3 else 1):] if len(mapped) > 7 else mapped[-1:] if len(mapped) > 2 else []
        stale = mapped[-len(empties) - 1] if len(mapped) > len(empties) + 2 else None
        plan.append({"id": site_id, "name": name, "host": host, "cols": cols, "empties": empties, "stale": stale,
                     "missing": [areas[m] for m in sorted(missing)]})
    with conn:
        conn.executemany("insert into sites (id, name, level, region, url, config, first_run, last_run, status, error) "
                         "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", site_rows)
        conn.executemany("insert into columns (id, site_id, url, name, path, catalog, source, first_run, last_run) "
                         "values (?, ?, ?, ?, ?, ?, ?, ?, ?)", column_rows)

    # Documents: site 0 holds a tenth (more when there are few sites), the rest share the others evenly.
    big = max(documents // 10, 3 * documents // (sites + 2)) if sites > 1 else documents
    sizes = [big] + [(documents - big) // max(sites - 1, 1)] * (sites - 1)
    sizes[-1] += documents - sum(sizes)
    body = ("根据有关规定，现将有关事项公开如下。" * (body_chars // 18 + 1))[:body_chars]
    doc_sql = ("insert into documents (url, site_id, column_id, title, list_title, list_date, published, written, "
               "doc_number, index_number, publisher, category, date_source, body, body_hash, attachments, "
               "http_status, content_type, fetched_at, first_run, last_run) "
               "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'meta', ?, ?, '[]', 200, 'text/html', ?, ?, ?)")
    entry_sql = ("insert into column_entries (column_id, url, site_id, title, list_date, first_run, last_run) "
                 "values (?, ?, ?, ?, ?, ?, ?)")
    number = 0
    for site, size in zip(plan, sizes):
        fillable = [c for c in site["cols"] if c not in site["empties"]]
        doc_rows, entry_rows = [], []
        for n in range(size):
            number += 1
            col = fillable[n % len(fillable)]
            roll = (number * 2654435761) % 1000
            first = runs if roll < 15 else (runs - 1 if roll < 30 and runs > 1 else 1)
            last = runs - 1 if 990 <= roll and runs > 1 and first < runs else runs
            if col is site["stale"]:
                published = as_of - timedelta(days=400 + n % 300)
            else:
                published = as_of - timedelta(days=(number * 7919) % 1000 + (runs - first) * 7)
            late = number % 50 == 0
            written = published - timedelta(days=45 if late else number % 15)
            # Titles speak of their column's area; one in forty speaks of another topic (misfiled).
            topic = TOPICS[number % len(TOPICS)] if number % 40 == 0 or not col["area"] else col["area"]
            title = f"关于{topic}的{KINDS[number % len(KINDS)]}（{n + 1}）"
            if hostile and site is plan[0] and n < 3:
                title = f"{HOSTILE}{HOSTILE_IMG}{title}"
            url = f"{site['host']}/xxgk/{col['url'].rstrip('/').rsplit('/', 1)[-1]}/t{published:%Y%m%d}_{n}.html"
            no_date = number % 97 == 1
            doc_rows.append((url, site["id"], col["id"], title, title, published.isoformat(),
                             None if no_date else published.isoformat(), written.isoformat(),
                             f"示政发〔{published.year}〕{n % 90 + 1}号", f"11{number:012d}/{published.year}-{n:05d}",
                             site["name"][:20], col["area"] or col["name"], body, f"{number:016x}",
                             f"{as_of}T03:00:00+08:00", first, last))
            entry_rows.append((col["id"], url, site["id"], title, published.isoformat(), first, last))
        with conn:
            conn.executemany(doc_sql, doc_rows)
            conn.executemany(entry_sql, entry_rows)

    # What each column showed in each run, aggregated from its listings as the crawl does.
    with conn:
        conn.execute(
            "insert into column_runs (run_id, column_id, entries, new_entries, pages, newest_date) "
            "select r.id, e.column_id, count(*), sum(e.first_run = r.id), (count(*) + 19) / 20, max(e.list_date) "
            "from runs r join column_entries e on e.first_run <= r.id and e.last_run >= r.id group by r.id, e.column_id")
        conn.execute(
            "insert or ignore into column_runs (run_id, column_id, entries, new_entries, pages, newest_date, empty_evidence) "
            "select r.id, c.id, 0, 0, 1, null, '暂无信息' from runs r cross join columns c")  # shown empty, as portals print it

    errors = []
    for r in range(1, runs + 1):
        for site in plan:
            errors.append((r, site["id"], None, f"{site['host']}/xxgk/missing.html", "detail", "http", 404,
                           "HTTP 404", f"{run_dates[r - 1]}T02:30:00+08:00"))
    with conn:
        conn.executemany(
            "insert into fetch_errors (run_id, site_id, column_id, url, target, kind, status, message, at) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?)", errors)
        conn.execute(
            "update runs set errors = (select count(*) from fetch_errors e where e.run_id = runs.id), "
            "columns = (select count(*) from column_runs c where c.run_id = runs.id), "
            "documents = (select count(*) from documents d where d.first_run <= runs.id and d.last_run >= runs.id), "
            "new_documents = (select count(*) from documents d where d.first_run = runs.id)")
    # The findings, mappings and site statistics are the checks' own, as after a real crawl.
    findings = 0
    for r, day in zip(range(1, runs + 1), run_dates):
        findings = len(run_checks(db, r, day, catalog))
    db.conn.close()
    return {"run_id": runs, "sites": sites, "documents": documents, "findings": findings, "path": path}


def archive_pages(path, *, runs=None) -> dict[int, dict]:
    """Give a synthetic store what a crawl with the evidence archive gives it: for each run, a WARC
    file beside the store (``zwgk-warc/run-N.warc.gz``) holding the entry page of every site, the
    list page of every column and the detail page of every document a finding rests on, indexed in
    ``warc_records``; then each finding's page and record, as ``checks.run`` stores them after such a
    crawl. ``runs``: the runs to archive (default: all). Returns
    {run: {"records", "bytes", "path"}}."""
    from datetime import datetime, timezone

    from checks.evidence import archived_records
    from crawler.archive import WarcFile, warc_path

    path = Path(path)
    db = store.connect(path)
    conn = db.conn
    out = {}
    all_runs = [r[0] for r in conn.execute("select id from runs order by id")]
    for run in (runs or all_runs):
        moment = datetime.fromisoformat(conn.execute("select started_at from runs where id = ?", [run]).fetchone()[0])
        pages = {}
        for url, name in conn.execute("select url, name from sites where ? between first_run and last_run", [run]):
            pages[url] = f"{name} 政府信息公开"
        for url, name in conn.execute("select url, name from columns where ? between first_run and last_run", [run]):
            pages[url] = name
        # the pages the checks said the findings rest on (findings.page_url)
        for url, title in conn.execute(
                "select p.page_url, d.title from (select distinct page_url from findings where run_id = ? "
                "and page_url is not null) p left join documents d on d.url = p.page_url", [run]):
            pages.setdefault(url, title or url)
        file = warc_path(path, run)
        file.unlink(missing_ok=True)
        warc = WarcFile(file, software="zwgk synthetic store")
        relative = f"{file.parent.name}/{file.name}"
        index = []
        for url, title in pages.items():
            if not url.startswith("http"):
                continue
            body = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>"
                    f"<h1>{title}</h1><p>根据有关规定，现将有关事项公开如下。</p></body></html>").encode("utf-8")
            req_at, offset, length = warc.write_pair(
                "GET", url, [("User-Agent", "zwgk")], b"", 200, [("Content-Type", "text/html; charset=utf-8")],
                body, moment)
            index.append((run, url, url, relative, offset, length, req_at, 200, "text/html; charset=utf-8",
                          moment.astimezone(timezone.utc).isoformat(timespec="seconds")))
        warc.close()
        with conn:
            conn.executemany("insert into warc_records (run_id, url, target_uri, file, offset, length, request_offset, "
                             "status, content_type, fetched_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", index)
            records = archived_records(db, run, pages)
            rows = conn.execute("select id, page_url from findings where run_id = ?", [run]).fetchall()
            conn.executemany("update findings set record_id = ? where id = ?",
                             ((records[page], fid) for fid, page in rows if page in records))
        out[run] = {"records": len(index), "bytes": file.stat().st_size, "path": file}
    conn.close()
    return out
