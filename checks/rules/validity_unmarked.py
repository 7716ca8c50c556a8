"""validity-unmarked: a normative document (listed in a column that stands for the library of normative
documents in force) whose page shows no validity mark (有效性/效力状态/是否有效, 现行有效 beside the
title), where the site's pages show such marks on other documents or its province overlay sets
``validity_marks_required`` (no shipped overlay does: no provincial text requiring it was retrieved).

The 《政府网站发展指引》 asks a document that was amended, repealed or lapsed to say so on the original;
a library that marks some documents and not others leaves a reader unable to tell which are in force.
SQL-driven: the run's library listings with their documents (``CheckContext.library_table``), unmarked
ones only; the marks a site shows are counted on the run's one pass over its documents.
"""
from checks.findings import Finding
from checks.rules._common import VALIDITY_BASIS, column_fields
from checks.zh import page, titled

RULE = "validity-unmarked"
NAME = "规范性文件未标注有效性"  # the rule as a notice names it
SEVERITY = "low"
BASIS = VALIDITY_BASIS

# Per site: how many documents of the run show a mark, and one of them (from the run's one pass).
MARKED = """
select d.site_id, count(*) as marked, min(d.url) as example from temp.ck_docs d where d.f_marked = 1
group by d.site_id
"""
# The library's listings of the run whose documents show no mark.
UNMARKED = """
select l.column_id, l.site_id, l.url, coalesce(l.title, l.list_title) as title,
       coalesce(l.published, l.list_date) as day, l.doc_number
from temp.ck_library l
where l.validity is null
  and (l.content_type is null or l.content_type like '%html%')   -- a PDF shows no mark we could read
order by l.site_id, l.column_id, l.url
"""


def check(ctx):
    ctx.library_table()
    ctx.document_table()
    marked = {row[0]: row[1:] for row in ctx.db.execute(MARKED)}
    for row in ctx.db.query(UNMARKED):
        site, col = ctx.site(row["site_id"]), ctx.columns.get(row["column_id"])
        if site is None or col is None:
            continue
        shown = marked.get(site.id)
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
