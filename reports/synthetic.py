"""A synthetic store of several checked runs, written by the store's own writers: for report tests and benchmarks.

    build_store(path, sites=150, documents=1_000_000, runs=3)

The crawl's tables (sites, columns, column_runs, documents, column_entries, fetch_errors) are filled
deterministically from ``seed`` through the store's own writers (``crawler.store.Writer``, the crawl
pipeline's), many rows a call in one transaction per table; then each run is
checked by ``checks.run.run_checks``, so findings, mappings and site scores are the checks' own. Site 0 is the largest (a tenth of the documents) so
its evidence lists run over several pages. Documents change between runs: some are new in each
run, some are taken down, so "what changed" has content.
``hostile=True`` puts markup and quotes into a site name, a column name, document titles and a ``javascript:`` URL, to show the report renders them as text.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from checks.catalog import areas_for_level, default_catalog
from checks.run import run_checks
from crawler import store
from crawler.sites import Site

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
    if not store.is_url(path):
        path = Path(path)
        if path.exists():
            raise FileExistsError(path)
    db = store.connect(path)
    conn = db.conn
    if not fts:  # the report never searches; the trigram index would triple the build time
        store.without_search_index(db)
    rng = random.Random(seed)
    catalog = default_catalog()
    run_dates = [as_of - timedelta(days=7 * (runs - r)) for r in range(1, runs + 1)]
    for r, d in zip(range(1, runs + 1), run_dates):
        store.record_run(db, id=r, started_at=f"{d}T02:00:00+08:00", finished_at=f"{d}T03:00:00+08:00", sites=sites,
                         checked_at=f"{d}T03:05:00+08:00", as_of=d.isoformat(), pages=0, findings=0)
    writer = store.Writer(db, runs)   # rows span runs 1..runs unless they say otherwise

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
        site_rows.append({**Site(site_id, name, level, region, f"{host}/xxgk/").as_row(), "first_run": 1})
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
            column_rows.append({"id": column_id, "site_id": site_id, "url": url, "name": col_name,
                                "path": f"法定主动公开内容/{col_name}", "catalog": area.name, "first_run": 1})
        for extra in UNMAPPED[: 1 + i % len(UNMAPPED)]:
            column_id += 1
            url = f"{host}/xxgk/{len(cols):02d}x/"
            cols.append({"id": column_id, "name": extra, "url": url, "area": None})
            column_rows.append({"id": column_id, "site_id": site_id, "url": url, "name": extra, "path": extra,
                                "first_run": 1})
        mapped = [c for c in cols if c["area"]]
        # One empty column a site; every seventh site has five (a single veto: 空白栏目).
        empties = mapped[-(5 if i % 7 == 3 else 1):] if len(mapped) > 7 else mapped[-1:] if len(mapped) > 2 else []
        stale = mapped[-len(empties) - 1] if len(mapped) > len(empties) + 2 else None
        plan.append({"id": site_id, "name": name, "host": host, "cols": cols, "empties": empties, "stale": stale,
                     "missing": [areas[m] for m in sorted(missing)]})
    with conn:
        writer.sites(site_rows)
        writer.columns(column_rows)

    # Documents: site 0 holds a tenth (more when there are few sites), the rest share the others evenly.
    big = max(documents // 10, 3 * documents // (sites + 2)) if sites > 1 else documents
    sizes = [big] + [(documents - big) // max(sites - 1, 1)] * (sites - 1)
    sizes[-1] += documents - sum(sizes)
    body = ("根据有关规定，现将有关事项公开如下。" * (body_chars // 18 + 1))[:body_chars]
    number = 0
    shown = {}   # (run, column id) -> [entries, new entries, newest list date]: what the column showed
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
            day = published.isoformat()
            doc_rows.append({
                "url": url, "site_id": site["id"], "column_id": col["id"], "title": title, "list_title": title,
                "list_date": day, "published": None if no_date else day, "written": written.isoformat(),
                "doc_number": f"示政发〔{published.year}〕{n % 90 + 1}号",
                "index_number": f"11{number:012d}/{published.year}-{n:05d}", "publisher": site["name"][:20],
                "category": col["area"] or col["name"], "date_source": "meta", "body": body,
                "body_hash": f"{number:016x}", "attachments": "[]", "content_type": "text/html",
                "fetched_at": f"{as_of}T03:00:00+08:00", "first_run": first, "last_run": last})
            entry_rows.append({"column_id": col["id"], "url": url, "site_id": site["id"], "title": title,
                               "list_date": day, "first_run": first, "last_run": last})
            for r in range(first, last + 1):
                seen = shown.setdefault((r, col["id"]), [0, 0, day])
                seen[0] += 1
                seen[1] += r == first
                seen[2] = max(seen[2], day)
        with conn:
            writer.documents(doc_rows)
            writer.entries(entry_rows)

    # What each column showed in each run, from its listings (20 a list page); a column that listed
    # nothing was shown empty, as portals print it.
    with conn:
        writer.column_runs(
            {"run_id": r, "column_id": c["id"], "entries": seen[0], "new_entries": seen[1],
             "pages": (seen[0] + 19) // 20, "newest_date": seen[2]} if (seen := shown.get((r, c["id"]))) else
            {"run_id": r, "column_id": c["id"], "pages": 1, "empty_evidence": "暂无信息"}
            for r in range(1, runs + 1) for site in plan for c in site["cols"])

    with conn:
        for r in range(1, runs + 1):
            run_writer = store.Writer(db, r)
            run_writer.errors({"site_id": site["id"], "url": f"{site['host']}/xxgk/missing.html", "target": "detail",
                               "kind": "http", "status": 404, "message": "HTTP 404",
                               "at": f"{run_dates[r - 1]}T02:30:00+08:00"} for site in plan)
            listed = [seen for (run, _), seen in shown.items() if run == r]
            run_writer.counts(errors=len(plan), columns=sum(len(site["cols"]) for site in plan),
                              documents=sum(seen[0] for seen in listed), new_documents=sum(seen[1] for seen in listed))
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
            index.append({"url": url, "target_uri": url, "file": relative, "offset": offset, "length": length,
                          "request_offset": req_at, "status": 200, "content_type": "text/html; charset=utf-8",
                          "fetched_at": moment.astimezone(timezone.utc).isoformat(timespec="seconds")})
        warc.close()
        with conn:
            store.Writer(db, run).archived(index)
            records = archived_records(db, run, pages)
            rows = conn.execute("select id, page_url from findings where run_id = ?", [run]).fetchall()
            conn.executemany("update findings set record_id = ? where id = ?",
                             ((records[page], fid) for fid, page in rows if page in records))
        out[run] = {"records": len(index), "bytes": file.stat().st_size, "path": file}
    conn.close()
    return out
