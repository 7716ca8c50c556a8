"""Apply the rules to one crawl run and store its findings (replacing any earlier check of that run),
with the column mappings (``column_mappings``) and per-site statistics (``site_checks``) the report
and the site scores read. A check depends only on the store and ``as_of``."""
from __future__ import annotations

from collections import Counter
from datetime import date
from operator import attrgetter

from checks.context import load_context
from checks.evidence import archived_records, page_of
from checks.persistence import finding_key, update_persistence
from checks.rules import RULES
from checks.rules.column_missing import present
from crawler import store

FINDING_COLUMNS = ("site_id", "rule", "severity", "message", "basis", "column_id", "column_name", "column_url",
                   "catalog_area", "catalog_item", "url", "evidence")
# Per site, its answered documents of the run (by the site index: no sort), and those whose publication
# period is measured: published on or after forming, by as_of, in a column with a limit (looked up last,
# only for the rows whose dates pass).
TIMED_SQL = """
select d.site_id, count(*) as documents,
       sum(case when d.published >= d.written and d.published <= :as_of
                     and d.column_id in (select column_id from temp.ck_columns where limit_n is not null)
                then 1 else 0 end) as timed
from documents d
where :run between d.first_run and d.last_run and coalesce(d.http_status, 200) < 400
group by d.site_id
"""


def run_checks(db, run_id: int, as_of: date | None = None, catalog=None, rules=None) -> list:
    as_of = as_of or date.today()
    ctx = load_context(db, run_id, as_of, catalog)
    findings = []
    for rule_id in rules or RULES:
        findings.extend(RULES[rule_id].check(ctx))
    ctx.column_table()   # the columns' publication limits
    timed = {r["site_id"]: r for r in db.query(TIMED_SQL, {"run": run_id, "as_of": as_of.isoformat()})}
    counts = Counter((f.site_id, f.rule) for f in findings)
    pages = [page_of(f) for f in findings]
    records = archived_records(db, run_id, pages)
    fields, day = attrgetter(*FINDING_COLUMNS[:-1]), as_of.isoformat()
    with db.conn:
        db.execute("delete from findings where run_id = ?", [run_id])
        db.execute("delete from column_mappings where run_id = ?", [run_id])
        db.execute("delete from site_checks where run_id = ?", [run_id])
        db.conn.executemany(
            f"insert into findings ({', '.join(FINDING_COLUMNS)}, run_id, as_of, page_url, record_id, key, first_run, "
            f"streak) values ({', '.join('?' * (len(FINDING_COLUMNS) + 7))})",
            # first found now, one run in a row: update_persistence changes only those that stood before
            ((*fields(f), store.dumps(f.evidence), run_id, day, page, records.get(page),
              finding_key(f.site_id, f.rule, f.column_url, f.catalog_area, f.url), run_id, 1)
             for f, page in zip(findings, pages)),
        )
        db.conn.executemany(
            "insert into column_mappings (run_id, column_id, site_id, area, item, reason, confidence, matched) "
            "values (?, ?, ?, ?, ?, ?, ?, ?)",
            ([run_id, c.id, s.id, c.mapping.area, c.mapping.item, c.mapping.reason, c.mapping.confidence,
              c.mapping.matched] for s in ctx.sites for c in s.columns if c.mapping),
        )
        site_rows = []
        for site in ctx.sites:
            required = ctx.required_areas(site)
            row = timed.get(site.id) or {"documents": 0, "timed": 0}
            site_rows.append({
                "run_id": run_id, "site_id": site.id, "as_of": as_of.isoformat(), "province": site.catalog.province,
                "required_areas": len(required), "covered_areas": sum(1 for a in required if present(site, a)),
                "documents": row["documents"], "timed_documents": row["timed"] or 0,
                "late_documents": counts[(site.id, "late-publication")],
                "undated_documents": counts[(site.id, "missing-date")],
                "stats": store.dumps({
                    "columns": len(site.columns), "mapped_columns": sum(1 for c in site.columns if c.mapping),
                    "status": site.status, "level": site.level,
                    "required": [a.name for a in required], "narrowed": site.catalog.narrowed,
                    "settings": site.settings,
                }),
            })
        if site_rows:   # one statement for all sites (sqlite-utils' insert() reads the schema on each call)
            keys = list(site_rows[0])
            db.conn.executemany(f"insert into site_checks ({', '.join(keys)}) values ({', '.join('?' * len(keys))})",
                                ([r[k] for k in keys] for r in site_rows))
        db["runs"].update(run_id, {"checked_at": store.now(), "as_of": as_of.isoformat(), "findings": len(findings)})
        update_persistence(db, run_id)
    return findings
