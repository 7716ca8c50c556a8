"""normative-library-missing: the site's catalog requires a library of the normative documents in force
(现行有效行政规范性文件库: an item with ``required: true``, e.g. the Heilongjiang overlay after its 2022
要点第（8）项) and no column of the portal stands for it (现行有效规范性文件, 行政规范性文件, 规范性文件库 …).

Only where the item's area is required for the site (a county whose own catalog leaves out 法定主动公开内容
is not asked for it) and the portal was reached.
"""
from checks.catalog import LEVEL_NAMES
from checks.findings import Finding
from checks.rules._common import LAW
from checks.zh import page

RULE = "normative-library-missing"
NAME = "规范性文件库缺失"  # the rule as a notice names it
SEVERITY = "medium"
BASIS = f"{LAW}第二十条第（一）项：行政法规、规章和规范性文件应当主动公开"


def check(ctx):
    for site in ctx.reached_sites():
        if site.catalog is None:
            continue
        for item in site.catalog.required_items:
            if any(c.mapping and c.mapping.item == item.id for c in site.columns):
                continue
            by = site.catalog.province_name
            yield Finding(
                site.id, RULE, SEVERITY,
                f"未设置“{item.l2 or item.l1}”栏目" + (f"（{by}要求）" if by else ""),
                f"{BASIS}；{item.basis}" if item.basis and item.basis not in BASIS else BASIS,
                catalog_area=item.area, catalog_item=item.id, url=site.url,
                evidence={"entry_page": site.url, "columns_found": len(site.columns), "item": item.l2 or item.l1,
                          "names_tried": list(item.aliases), "level": site.level, "required_by": by},
            )


def describe(ev: dict, finding: dict) -> list:
    names = "、".join(f"“{n}”" for n in (ev.get("names_tried") or [])[:8])
    lines = [page("信息公开入口页", ev.get("entry_page")),
             [(f"入口页共列出{ev.get('columns_found', 0)}个栏目，"
               + (f"未见名为{names}的栏目" if names else "未见对应栏目"), None)]]
    level = LEVEL_NAMES.get(ev.get("level"), ev.get("level") or "")
    if ev.get("required_by"):
        lines.append([(f"{ev['required_by']}要求{level}政府设置“{ev.get('item')}”，并通过政府信息公开专栏动态更新", None)])
    return [line for line in lines if line]
