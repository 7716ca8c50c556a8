"""annual-report-missing: last year's 政府信息公开工作年度报告 not published by its deadline
(条例第四十九条: departments 1-31, county-or-higher governments 3-31; the catalog items of
政府信息公开年报 carry the deadlines per level). The year checked is the latest one whose deadline
is on or before the check date. Found by title in any column of the run; a report published after
the deadline is reported as late."""
import re
from datetime import date

from checks.findings import Finding
from checks.rules._common import LAW, column_fields
from checks.zh import page, titled, zh_date

RULE = "annual-report-missing"
NAME = "年度报告未按时公开"  # the rule as a notice names it
SEVERITY = "high"
BASIS = f"{LAW}第四十九条、第五十条"
AREA = "政府信息公开年报"
DIGITS = "〇一二三四五六七八九"

# Titles with 年度报告 or 年报 (from the run's one pass) that also name a year some site's report is due
# for (``{years}``: one instr per way year_pattern writes a year; the pattern decides).
SQL = """
select d.site_id, d.url, d.title, coalesce(d.published, d.list_date) as day, d.column_id
from temp.ck_docs d
where d.f_annual = 1 and ({years})
order by d.site_id, d.url
"""


def year_variants(year: int) -> set[str]:
    chinese = "".join(DIGITS[int(c)] for c in str(year))
    return {str(year), chinese, chinese.replace("〇", "○"), chinese.replace("〇", "零"), chinese.replace("〇", "0")}


def year_pattern(year: int) -> re.Pattern:
    return re.compile("(" + "|".join(map(re.escape, sorted(year_variants(year)))) + r")\s*年")


def due_year(as_of: date, by: str) -> tuple[int, date]:
    month, day = (int(p) for p in by.split("-"))
    deadline = date(as_of.year, month, day)
    if as_of >= deadline:
        return as_of.year - 1, deadline
    return as_of.year - 2, date(as_of.year - 1, month, day)


def check(ctx):
    ctx.document_table()
    due = {}   # site id -> (catalog item, year due, deadline)
    for site in ctx.reached_sites():
        area = site.area(AREA)
        if area is None or area not in site.catalog.required:
            continue
        items = [i for i in area.items if i.time_rule and i.time_rule.annual_by and site.level in i.levels
                 and i.verified]
        if items:
            due[site.id] = (items[0], *due_year(ctx.as_of, items[0].time_rule.annual_by))
    variants = sorted({v for _, year, _ in due.values() for v in year_variants(year)})
    candidates: dict[str, list] = {}
    if variants:
        for r in ctx.db.query(SQL.format(years=" or ".join(["instr(d.title, ?) > 0"] * len(variants))), variants):
            candidates.setdefault(r["site_id"], []).append(r)
    for site in ctx.sites:
        if site.id not in due:
            continue
        item, year, deadline = due[site.id]
        pattern = year_pattern(year)
        reports = [r for r in candidates.get(site.id, [])
                   if pattern.search(r["title"] or "") and ("信息公开" in (r["title"] or "") or "政务公开" in (r["title"] or ""))]
        on_time = [r for r in reports if not r["day"] or r["day"][:10] <= deadline.isoformat()]
        if on_time:
            continue
        col = site.column_for(AREA)
        late = min(reports, key=lambda r: r["day"]) if reports else None
        message = (f"{year}年度政府信息公开工作年度报告于{zh_date(late['day'])}才公开，晚于法定期限{zh_date(deadline)}"
                   if late else f"截至{zh_date(ctx.as_of)}未找到{year}年度政府信息公开工作年度报告（法定期限{zh_date(deadline)}）")
        yield Finding(
            site.id, RULE, SEVERITY, message,
            f"{BASIS}（{item.time_limit}）" if item.time_limit else BASIS,
            **column_fields(col, catalog_area=AREA, catalog_item=item.id),
            url=late["url"] if late else (col.url if col else site.url),
            evidence={"year": year, "deadline": deadline.isoformat(), "as_of": ctx.as_of.isoformat(),
                      "found": [{"url": r["url"], "title": r["title"], "date": r["day"]} for r in reports],
                      "searched": "titles of every column of the run", "column_url": col.url if col else None},
        )


def describe(ev: dict, finding: dict) -> list:
    year, found = ev.get("year"), ev.get("found") or []
    lines = [[(f"应公开：{year}年度政府信息公开工作年度报告；法定期限：{zh_date(ev.get('deadline'))}前", None)]]
    for r in found:
        lines.append([("已找到：", None)] + titled(r.get("title"), r.get("url"), r.get("date")))
    if not found:
        lines.append([(f"检索范围：截至{zh_date(ev.get('as_of'))}本站各栏目全部信息标题，未找到", None)])
    if ev.get("column_url"):
        lines.append(page("年报栏目", ev["column_url"]))
    return lines
