"""validity-unmarked: a normative document (listed in a column that stands for the library of normative
documents in force) whose page shows no validity mark (有效性/效力状态/是否有效, 现行有效 beside the
title), where the site's pages show such marks on other documents or its province overlay sets
``validity_marks_required`` (no shipped overlay does: no provincial text requiring it was retrieved).

The 《政府网站发展指引》 asks a document that was amended, repealed or lapsed to say so on the original;
a library that marks some documents and not others leaves a reader unable to tell which are in force.
SQL-driven: the run's library listings joined with their documents, only unmarked ones returned.
"""
from checks.findings import Finding
from checks.rules._common import column_fields
from checks.zh import page, titled

RULE = "validity-unmarked"
NAME = "规范性文件未标注有效性"  # the rule as a notice names it
SEVERITY = "low"
BASIS = ("《政府网站发展指引》（国办发〔2017〕47号）：文件资料修改、废止、失效的，应予公开并在原文上醒目标注；"
         "《中华人民共和国政府信息公开条例》第二十条第（一）项")
LIBRARY_ITEM = "fdzd-gfxwjk"

# How many documents of one site show a mark, and one of them (the site's documents, by its index).
MARKED = """
select count(*) as marked, min(d.url) as example from documents d
where d.site_id = :site and :run between d.first_run and d.last_run and d.validity is not null
  and coalesce(d.http_status, 200) < 400
"""
# The library's listings of the run (its columns' entries, by their primary key), unmarked ones only.
UNMARKED = """
select e.column_id, e.site_id, d.url, coalesce(d.title, e.title) as title, coalesce(d.published, e.list_date) as day,
       d.doc_number
from column_entries e
join documents d on d.url = e.url
where e.column_id in (select column_id from temp.ck_columns where item = :item)
  and :run between e.first_run and e.last_run and :run between d.first_run and d.last_run
  and coalesce(d.http_status, 200) < 400 and d.validity is null
  and (d.content_type is null or d.content_type like '%html%')   -- a PDF shows no mark we could read
order by e.site_id, e.column_id, d.url
"""


def check(ctx):
    ctx.column_table()
    marked = {}
    sites = {s.id: s for s in ctx.sites}
    columns = {col.id: col for s in ctx.sites for col in s.columns}
    for row in ctx.db.query(UNMARKED, {"run": ctx.run_id, "item": LIBRARY_ITEM}):
        site, col = sites.get(row["site_id"]), columns.get(row["column_id"])
        if site is None or col is None:
            continue
        if site.id not in marked:
            marked[site.id] = ctx.db.execute(MARKED, {"site": site.id, "run": ctx.run_id}).fetchone()
        shown = marked[site.id] if marked[site.id][0] else None
        required = bool(site.settings.get("validity_marks_required"))
        if not shown and not required:
            continue
        basis = BASIS + (f"；{site.catalog.province_source}" if required and site.catalog.province_source else "")
        yield Finding(
            site.id, RULE, SEVERITY,
            f"规范性文件“{row['title'] or row['url']}”未标注有效性（有效、失效、废止或已修改）",
            basis, **column_fields(col), url=row["url"],
            evidence={"title": row["title"], "date": row["day"], "doc_number": row["doc_number"],
                      "column_url": col.url, "marked_documents": shown[0] if shown else 0,
                      "marked_example": shown[1] if shown else None, "required_by_province": required},
        )


def describe(ev: dict, finding: dict) -> list:
    line = titled(ev.get("title"), finding.get("url"), ev.get("date"))
    if ev.get("doc_number"):
        line.append((f"（{ev['doc_number']}）", None))
    lines = [line + [("：页面未标注有效性", None)], page("所在栏目", ev.get("column_url"))]
    if ev.get("marked_documents"):
        lines.append([(f"本站另有{ev['marked_documents']}件文件标注了有效性，例如：", None),
                      (ev.get("marked_example") or "", ev.get("marked_example"))])
    if ev.get("required_by_province"):
        lines.append([("本省要求规范性文件逐件标注有效性", None)])
    return [l for l in lines if l]
