"""column-empty: a column mapped to a catalog area lists no entries (空白栏目), shown as such.

Emptiness needs positive evidence recorded by the crawl (column_runs.empty_evidence): the page's
own empty-list marker (暂无信息, 共0条, an empty datastore, a JSON total of 0) or the site's list
region present and empty. A page on which no list was found is a fetch error (list-not-found),
never an empty column."""
from checks.findings import Finding
from checks.rules._common import INDICATORS, area_basis, column_fields
from checks.mapping import explain
from checks.zh import page

RULE = "column-empty"
NAME = "空白栏目"  # the rule as a notice names it
SEVERITY = "high"
BASIS = f"{INDICATORS}：空白栏目；《中华人民共和国政府信息公开条例》第二十六条"


def check(ctx):
    for site, col in ctx.mapped_columns():
        # entries is None when the list page could not be read: that is a fetch error, not emptiness.
        if col.entries != 0 or not col.empty_evidence:
            continue
        area = site.area(col.mapping.area)
        if area and area.container and not col.mapping.item:
            continue  # a parent column holds sub-columns, not entries
        yield Finding(
            site.id, RULE, SEVERITY,
            f"栏目“{col.name}”（对应标准目录“{col.mapping.area}”）没有任何信息",
            area_basis(site, col.mapping.area, BASIS), url=col.url, **column_fields(col),
            evidence={"column_url": col.url, "pages_read": col.pages, "entries": 0,
                      "shown_empty": col.empty_evidence, "mapping": col.mapping.as_dict()},
        )


def describe(ev: dict, finding: dict) -> list:
    lines = [page("栏目地址", ev.get("column_url")),
             [(f"已读取该栏目列表页{ev.get('pages_read') or 0}页，未列出任何信息", None)]]
    if ev.get("shown_empty"):
        lines.append([(f"页面显示为空：{ev['shown_empty']}", None)])
    if ev.get("mapping"):
        lines.append([(explain(ev["mapping"]), None)])
    return [line for line in lines if line]
