"""column-stale: a catalog column whose newest dated entry (on or before the check date) is older
than its update rule: the item's/area's ``update_every``, else the ``stale_after`` threshold
(国办秘函〔2019〕19号: 政策文件类一级栏目 6 个月). Event-driven, permanent and annual items
(年报: see annual-report-missing) are not judged by age. Entries without a date count as not
updated (2015 普查 rule), so a column whose entries are all undated is stale.
"""
from datetime import date

from checks.findings import Finding
from checks.rules._common import INDICATORS, area_basis, column_fields
from checks.thresholds import parse_span, span_before
from checks.zh import page, zh_date, zh_duration

RULE = "column-stale"
NAME = "栏目长期未更新"  # the rule as a notice names it
SEVERITY = "medium"
BASIS = f"{INDICATORS}：栏目不更新；《中华人民共和国政府信息公开条例》第二十六条"
UNIT_ZH = {"days": "天", "weeks": "周", "months": "个月", "years": "年"}

# The date of a listing: the one the list shows, else the one on the document's page. Per column, from
# the (column_id, list_date) index: the newest dated listing on or before as_of, whether any is dated
# after it, and the undated listings joined to their documents.
NEWEST_DATED = """
select max(list_date) from column_entries
where column_id = :column and list_date is not null and list_date <= :as_of and :run between first_run and last_run
"""
FUTURE_DATED = """
select 1 from column_entries
where column_id = :column and list_date > :as_of and :run between first_run and last_run limit 1
"""
UNDATED = """
select max(case when d.published <= :as_of then d.published end),
       max(case when d.published > :as_of then 1 else 0 end)
from column_entries e left join documents d on d.url = e.url
where e.column_id = :column and e.list_date is null and :run between e.first_run and e.last_run
"""


def newest(ctx, column_id: int) -> tuple[str | None, bool]:
    """(the newest date on or before as_of, whether something is dated after it) of a column's listings."""
    args = {"column": column_id, "as_of": ctx.as_of.isoformat(), "run": ctx.run_id}
    dated = ctx.db.execute(NEWEST_DATED, args).fetchone()[0]
    undated, undated_future = ctx.db.execute(UNDATED, args).fetchone()
    last = max((d for d in (dated, undated) if d is not None), default=None)
    future = bool(undated_future) or ctx.db.execute(FUTURE_DATED, args).fetchone() is not None
    return last, future


def check(ctx):
    for site, col in ctx.mapped_columns():
        if not col.entries:
            continue
        area = site.area(col.mapping.area)
        if area is None or (area.container and not col.mapping.item):
            continue
        rule = area.rule_for(area.item(col.mapping.item) if col.mapping.item else None)
        if rule and (rule.event_driven or rule.permanent or rule.annual_by):
            continue
        span = rule.update_every if rule and rule.update_every else parse_span(site.settings["stale_after"])
        cutoff = span_before(ctx.as_of, span)
        last, future = newest(ctx, col.id)
        if last is not None and date.fromisoformat(last[:10]) >= cutoff:
            continue
        if last is None and future:
            continue  # everything it lists is dated after the check date: nothing to judge yet
        text = f"{span[0]}{UNIT_ZH[span[1]]}"
        message = (f"栏目“{col.name}”（对应标准目录“{col.mapping.area}”）最近一次更新为{zh_date(last)}，"
                   f"截至{zh_date(ctx.as_of)}已超过{zh_duration(last, ctx.as_of)}未更新（更新要求：每{text}）") if last else \
                  (f"栏目“{col.name}”（对应标准目录“{col.mapping.area}”）的信息均未注明发布日期，视为未更新")
        yield Finding(
            site.id, RULE, SEVERITY, message, area_basis(site, col.mapping.area, BASIS),
            url=col.url, **column_fields(col),
            evidence={"column_url": col.url, "newest_date": last[:10] if last else None,
                      "update_rule": text, "cutoff": cutoff.isoformat(), "as_of": ctx.as_of.isoformat(),
                      "entries": col.entries,
                      "newest_entry": col.recent[0]["url"] if col.recent else None},
        )


def describe(ev: dict, finding: dict) -> list:
    newest, as_of = ev.get("newest_date"), ev.get("as_of")
    lines = [page("栏目地址", ev.get("column_url"))]
    if newest:
        line = [("最近一次更新：", None), (zh_date(newest), ev.get("newest_entry"))]
        if as_of:
            line.append((f"；截至{zh_date(as_of)}已超过{zh_duration(newest, as_of)}未更新", None))
        lines.append(line)
    else:
        lines.append([(f"栏目所列{ev.get('entries') or ''}条信息均未注明发布日期，视为未更新", None)])
    if ev.get("update_rule"):
        lines.append([(f"更新要求：至少每{ev['update_rule']}更新一次"
                       + (f"（应有{zh_date(ev['cutoff'])}以后的信息）" if ev.get("cutoff") else ""), None)])
    return [line for line in lines if line]
