"""dead-link: a link the portal shows that does not work — a listed document answering HTTP ≥ 400
(documents.http_status) or a detail/attachment fetch that failed in this run (fetch_errors). One
finding per URL. A document no longer listed anywhere is item-removed's, not a dead link.

The evidence names the page that shows the link (``linked_from``): a document's column list page,
an attachment's document (the one of that column whose attachments list it)."""
from checks.findings import Finding
from checks.rules._common import INDICATORS, column_fields
from checks.zh import page
from crawler.errors import TARGET_NAMES

RULE = "dead-link"
NAME = "链接不可用"  # the rule as a notice names it
SEVERITY = "medium"
BASIS = f"{INDICATORS}：链接不可用（错链、死链）；《政府网站发展指引》（国办发〔2017〕47号）"

SQL = """
select d.url, d.site_id, d.column_id, coalesce(d.title, d.list_title) as title, 'detail' as target,
       d.http_status as status, null as kind, null as message, null as parent
from temp.ck_docs d
where d.f_dead = 1   -- in the run, answered >= 400
  and exists (select 1 from column_entries e where e.url = d.url and :run between e.first_run and e.last_run)
union all
select f.url, f.site_id, f.column_id, null, f.target, f.status, f.kind, f.message, null
from fetch_errors f
where f.run_id = :run and f.target in ('detail', 'attachment')
"""

# The document of the run that lists an attachment (its column's first, then any of the site's).
PARENT_SQL = """
select d.url, coalesce(d.title, d.list_title) from documents d
where d.site_id = :site and :run between d.first_run and d.last_run and instr(d.attachments, :url) > 0
order by d.column_id is distinct from :column, d.url limit 1
"""


def check(ctx):
    ctx.document_table()
    seen = {}
    for row in ctx.db.query(SQL, {"run": ctx.run_id}):
        if row["site_id"] not in ctx.sites_by_id:
            continue
        key = (row["site_id"], row["url"])
        if key in seen:
            seen[key]["sources"].append(row["target"])
            for field in ("title", "status", "kind", "message", "column_id"):
                seen[key][field] = seen[key][field] or row[field]
            continue
        seen[key] = {**row, "sources": [row["target"]]}
    # The list a document came from: its column; an attachment's: the document that links it.
    for (site_id, url), row in sorted(seen.items()):
        col = ctx.columns.get(row["column_id"])
        linked_from, linked_title = (col.url if col else None), None
        if row["target"] == "attachment":
            parent = ctx.db.execute(PARENT_SQL, {"site": site_id, "column": row["column_id"], "url": url,
                                                 "run": ctx.run_id}).fetchone()
            if parent:
                linked_from, linked_title = parent[0], parent[1]
        what = "附件" if row["target"] == "attachment" else "信息"
        status = f"HTTP {row['status']}" if row["status"] else (row["kind"] or "无法访问")
        yield Finding(
            site_id, RULE, SEVERITY,
            f"{what}链接不可用（{status}）：{row['title'] or url}",
            BASIS, **column_fields(col), url=url,
            evidence={"status": row["status"], "kind": row["kind"], "message": row["message"],
                      "target": row["target"], "seen_in": sorted(set(row["sources"])),
                      "column_url": col.url if col else None, "linked_from": linked_from,
                      "linked_from_title": linked_title},
        )


def describe(ev: dict, finding: dict) -> list:
    what = TARGET_NAMES.get(ev.get("target"), "链接")
    if ev.get("status"):
        answer = f"返回HTTP {ev['status']}"
    else:
        answer = ev.get("message") or "无法访问"
    lines = [page(what, finding.get("url")), [(f"本次采集访问该{what}：{answer}", None)]]
    if ev.get("column_url"):
        lines.append(page("所在栏目", ev["column_url"]))
    if ev.get("linked_from") and ev["linked_from"] != ev.get("column_url"):
        lines.append(page("链接所在页面", ev["linked_from"])
                     + ([(f"（{ev['linked_from_title']}）", None)] if ev.get("linked_from_title") else []))
    return [line for line in lines if line]
