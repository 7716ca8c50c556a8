"""missing-date: a document of the run shows no publication date — neither on its page nor in any
list that links it (未注明信息发布时间的视为不更新, 2015 普查; 条例第十二条: 目录 carries 生成日期)."""
from checks.findings import Finding
from checks.rules._common import INDICATORS, LAW, column_fields
from checks.zh import page

RULE = "missing-date"
NAME = "缺少发布日期"  # the rule as a notice names it
SEVERITY = "low"
BASIS = f"{INDICATORS}：未注明信息发布时间的视为不更新；{LAW}第十二条"

SQL = """
select d.url, d.site_id, d.column_id, coalesce(d.title, d.list_title) as title
from temp.ck_docs d
where d.f_undated = 1   -- in the run, answered, no publication or list date
  and not exists (select 1 from column_entries e where e.url = d.url and e.list_date is not null)
order by d.site_id, d.url
"""


def check(ctx):
    ctx.document_table()
    for row in ctx.db.query(SQL, {"run": ctx.run_id}):
        if row["site_id"] not in ctx.sites_by_id:
            continue
        col = ctx.columns.get(row["column_id"])
        yield Finding(
            row["site_id"], RULE, SEVERITY,
            f"“{row['title'] or row['url']}”页面及列表均未注明发布日期",
            BASIS, **column_fields(col), url=row["url"],
            evidence={"document_url": row["url"], "column_url": col.url if col else None},
        )


def describe(ev: dict, finding: dict) -> list:
    return [line for line in (page("信息页面", ev.get("document_url") or finding.get("url")),
                              [("页面正文及信息公开栏、所在列表均未注明发布日期", None)]) if line]
