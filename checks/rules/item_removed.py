"""item-removed: a document listed in a column at the column's previous read is gone from it now,
is not listed in any other column of the site, and (when its URL was fetched again) no longer
answers. Reads only the store: column_runs says when each column was read, column_entries.last_run
when each listing was last seen, documents.http_status what the URL answered last. Entries older
than anything the column lists now are not reported (they may only have dropped out of the pages
read), and a column whose walk did not conclude in this run (partial: a list page failed, was not
a list, or the pager was cut at the page cap) reports nothing."""
from checks.findings import Finding
from checks.rules._common import LAW, column_fields
from checks.zh import page, zh_date

RULE = "item-removed"
NAME = "信息被撤下"  # the rule as a notice names it
SEVERITY = "medium"
BASIS = f"{LAW}第二十六条、第二十条；《政府网站发展指引》（国办发〔2017〕47号）：信息修改、废止、失效应予公开并在原文标注"

# Removed listings are few: one pass over the listings finds those last seen at their column's previous
# read; the oldest date each such column lists now is looked up for those columns only.
SQL = """
with prev as (
  select r.column_id, max(p.run_id) as prev_run
  from column_runs r
  join column_runs p on p.column_id = r.column_id and p.run_id < r.run_id and p.pages > 0
  where r.run_id = :run and r.pages > 0 and coalesce(r.walk, 'complete') in ('complete', 'incremental')
  group by r.column_id
),
gone as materialized (
  select e.column_id, e.url, e.site_id, e.title, e.list_date, e.last_run, prev.prev_run
  from column_entries e not indexed
  join prev on prev.column_id = e.column_id and e.last_run = prev.prev_run
  where e.last_run < :run          -- tested on the row before its column is looked up
),
cur as materialized (
  select c.column_id, (select o.list_date from column_entries o            -- the oldest by the date index
                       where o.column_id = c.column_id and o.last_run = :run and o.list_date is not null
                       order by o.list_date limit 1) as oldest
  from (select distinct column_id from gone) c
)
select e.column_id, e.url, e.site_id, e.title, e.list_date, e.last_run, e.prev_run,
       d.http_status, d.last_run as doc_last_run, d.published
from gone e
join cur on cur.column_id = e.column_id
left join documents d on d.url = e.url
where (e.list_date is null or cur.oldest is null or e.list_date >= cur.oldest)
  and not exists (select 1 from column_entries o where o.url = e.url and o.site_id = e.site_id and o.last_run = :run)
  and (d.url is null or d.last_run < :run or d.http_status >= 400)
order by e.site_id, e.url, e.column_id
"""


def check(ctx):
    for row in ctx.db.query(SQL, {"run": ctx.run_id}):
        col = ctx.columns.get(row["column_id"])
        if row["site_id"] not in ctx.sites_by_id or col is None:
            continue
        status = row["http_status"] if row["doc_last_run"] == ctx.run_id else None
        yield Finding(
            row["site_id"], RULE, SEVERITY,
            f"“{row['title'] or row['url']}”已从栏目“{col.name}”撤下"
            + (f"，原链接返回 HTTP {status}" if status and status >= 400 else "，本次未在任何栏目中出现"),
            BASIS, **column_fields(col), url=row["url"],
            evidence={"last_listed_run": row["last_run"], "run": ctx.run_id, "list_date": row["list_date"],
                      "published": row["published"], "http_status_now": status, "column_url": col.url},
        )


def describe(ev: dict, finding: dict) -> list:
    line = f"第{ev.get('last_listed_run')}次采集时仍在栏目中列出"
    if ev.get("list_date"):
        line += f"（列表日期{zh_date(ev['list_date'])}）"
    line += f"，第{ev.get('run')}次采集时各栏目均未再列出"
    lines = [page("原链接", finding.get("url")), [(line, None)]]
    if ev.get("http_status_now"):
        lines.append([(f"原链接现返回HTTP {ev['http_status_now']}", None)])
    if ev.get("column_url"):
        lines.append(page("原栏目", ev["column_url"]))
    return [line for line in lines if line]
