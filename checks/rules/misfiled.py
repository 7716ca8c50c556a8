"""misfiled: an entry of one area's column whose title clearly belongs to another area that has its
own column on the site (the title names exactly one area, not the column's). Columns already found
content-mismatched are left to that rule. Only titles without a keyword of their own column's area
reach the classifier: that test runs in SQL, in the run's one pass over its documents."""
from checks.findings import Finding
from checks.rules import content_mismatch
from checks.rules._common import area_basis, column_fields
from checks.zh import titled

RULE = "misfiled"
NAME = "信息发布错栏"  # the rule as a notice names it
SEVERITY = "low"
BASIS = ("《中华人民共和国政府信息公开条例》第二十条、第二十六条；《国务院办公厅关于全面推进基层政务公开标准化规范化工作的"
         "指导意见》（国办发〔2019〕54号）：按标准目录分类公开")

# Each document once, in the column it was first listed in (documents.column_id). The run's documents
# are read once for every rule (CheckContext.document_table); those whose title holds no keyword of their
# own column's area (the classifier's fast path, tested there in SQL) are the candidates classified here.
SQL = """
select d.column_id, d.site_id, d.url, d.title, coalesce(d.published, d.list_date) as day
from temp.ck_docs d where d.f_misfiled = 1
order by d.column_id, d.url
"""


def check(ctx):
    ctx.document_table()
    skip = {col.id for site, col in ctx.mapped_columns() if content_mismatch.mismatched(ctx, site, col) is not None}
    for row in ctx.db.query(SQL):
        col = ctx.columns.get(row["column_id"])
        if col is None or col.id in skip:
            continue
        site = ctx.site(col.site_id)
        other = ctx.classifier(site).other_area(row["title"], col.mapping.area)
        if other is None:
            continue
        row = {**row, "other": other}
        target = site.column_for(row["other"])
        if target is None:
            continue
        yield Finding(
            site.id, RULE, SEVERITY,
            f"“{row['title']}”发布在“{col.name}”栏目（{col.mapping.area}），应属“{row['other']}”",
            area_basis(site, row["other"], BASIS),
            **column_fields(col), url=row["url"],
            evidence={"title": row["title"], "date": row["day"], "belongs_to": row["other"],
                      "belongs_to_column": target.url, "column_url": col.url},
        )


def describe(ev: dict, finding: dict) -> list:
    lines = [titled(ev.get("title"), finding.get("url"), ev.get("date")) + [("发布在本栏目", None)],
             [(f"应属“{ev.get('belongs_to')}”，本站该事项栏目：", None),
              (ev.get("belongs_to_column") or "", ev.get("belongs_to_column"))]]
    return lines
