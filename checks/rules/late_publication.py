"""late-publication: published − written exceeds the limit that applies to the document's column.

Limit: the column's catalog item/area ``within`` (社会救助 10 working days …), else the general
limit — 20 working days (条例第二十六条) or a province's shorter one. Working days follow the State
Council calendar with 调休 (checks/workdays.py). Counting per 民法典 第二百零一条: the day of
forming is not counted; "N 个工作日内" ends on the N-th working day after it. Rules counted from
something the page does not show (人大 approval for budgets) are not measured. SQL-driven: one join
of the run's documents with a cumulative working-day table.
"""
from datetime import date

from checks.findings import Finding
from checks.rules._common import LAW, column_fields
from checks.zh import zh_date

RULE = "late-publication"
NAME = "发布超期"  # the rule as a notice names it
SEVERITY = "medium"
BASIS = f"{LAW}第二十六条：属于主动公开范围的政府信息，应当自该政府信息形成或者变更之日起20个工作日内及时公开"
UNIT_ZH = {"workdays": "个工作日", "days": "日"}

SQL = """
select d.url, d.site_id, d.column_id, d.title, d.written, d.published, x.area, x.item,
       x.limit_n, x.limit_unit, x.limit_source, cp.n - cw.n as workdays, cp.wd as published_is_workday,
       (select next_wd from temp.ck_calendar where d = date(d.written, '+' || x.limit_n || ' days')) as day_deadline
from temp.ck_docs d
join temp.ck_columns x on x.column_id = d.column_id
join temp.ck_calendar cw on cw.d = d.written
join temp.ck_calendar cp on cp.d = d.published
where d.f_late = 1   -- in the run, answered, limited, published after written by at least the limit in days
  and ((x.limit_unit = 'workdays' and (cp.n - cw.n) + (1 - cp.wd) > x.limit_n)
       or (x.limit_unit = 'days' and d.published > (select next_wd from temp.ck_calendar
                                                     where d = date(d.written, '+' || x.limit_n || ' days'))))
order by d.site_id, d.url
"""


def check(ctx):
    ctx.document_table()
    ctx.calendar_table()
    bases, calendars = {}, {}   # per column, per pair of years
    for row in ctx.db.query(SQL, {"run": ctx.run_id, "as_of": ctx.as_of.isoformat()}):
        site, col = ctx.site(row["site_id"]), ctx.columns.get(row["column_id"])
        if site is None or col is None:
            continue
        written, published = date.fromisoformat(row["written"]), date.fromisoformat(row["published"])
        n, unit = row["limit_n"], row["limit_unit"]
        deadline = ctx.calendar.add_workdays(written, n) if unit == "workdays" else ctx.calendar.add_days(written, n)
        basis = bases.get(col.id)
        if basis is None:
            basis = bases[col.id] = column_basis(site, row)
        years = (written.year, published.year)
        calendar = calendars.get(years)
        if calendar is None:
            calendar = calendars[years] = sorted(set(ctx.calendar_sources(*range(years[0], years[1] + 1)).values()))
        yield Finding(
            site.id, RULE, SEVERITY,
            f"“{row['title'] or row['url']}”成文于{zh_date(written)}，{zh_date(published)}才发布，"
            f"超过{n}{UNIT_ZH[unit]}的公开时限（应于{zh_date(deadline)}前公开）",
            basis, **column_fields(col, catalog_area=row["area"], catalog_item=row["item"]), url=row["url"],
            evidence={"written": written.isoformat(), "published": published.isoformat(),
                      "deadline": deadline.isoformat(), "limit": f"{n} {unit}",
                      "workdays_elapsed": row["workdays"], "calendar": calendar,
                      "column_url": col.url},
        )


def column_basis(site, row) -> str:
    """The basis of a column's findings: the law, and where the limit comes from (the catalog's item or
    area, or the province's shorter general limit)."""
    area = site.area(row["area"])
    item = area.item(row["item"]) if area and row["item"] else None
    if row["limit_source"] == "catalog":
        rule = area.rule_for(item)
        limit_text = (item.time_limit if item and item.time_limit else area.time_limit) or rule.describe()
        return f"{BASIS}；{area.basis}（公开时限：{limit_text}）"
    if row["limit_source"] == "province":
        return (f"{BASIS}；{site.catalog.province_source}（{site.catalog.province_name}："
                f"{row['limit_n']}{UNIT_ZH[row['limit_unit']]}内公开）")
    return BASIS


def describe(ev: dict, finding: dict) -> list:
    n, _, unit = str(ev.get("limit") or "").partition(" ")
    limit = f"{n}{UNIT_ZH.get(unit, unit)}"
    used = ev.get("workdays_elapsed")
    calendar = [c for c in ev.get("calendar") or [] if c]
    line = [f"成文日期：{zh_date(ev.get('written'))}", f"发布日期：{zh_date(ev.get('published'))}", f"期限：{limit}"]
    if used is not None and unit == "workdays":
        line.append(f"已用{used}个工作日" + ("（含调休）" if "chinesecalendar" in calendar or "override" in calendar
                                          else "（仅扣除周末）" if calendar else ""))
    if ev.get("deadline"):
        line.append(f"应于{zh_date(ev['deadline'])}前公开")
    return [[("；".join(line), None)]]
