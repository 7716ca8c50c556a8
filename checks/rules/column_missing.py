"""column-missing: a catalog area required at the site's level has no column on the portal.

Required = the catalog requires the area at the site's level (required, verified, level listed),
narrowed by the site config's ``catalog_areas:`` when given. A parent area (法定主动公开内容) is
present when any column's path passes through it.
"""
from checks.findings import Finding
from checks.mapping import normalize
from checks.zh import page
from checks.catalog import LEVEL_NAMES

RULE = "column-missing"
NAME = "栏目缺失"  # the rule as a notice names it
SEVERITY = "high"
BASIS = ("《中华人民共和国政府信息公开条例》第二十条、第二十一条；《国务院办公厅关于全面推进基层政务公开标准化规范化工作的"
         "指导意见》（国办发〔2019〕54号）：按标准目录公开，杜绝事项目录与公开内容“两张皮”")


def present(site, area) -> bool:
    if any(c.mapping and c.mapping.area == area.name for c in site.columns):
        return True
    if area.container:
        names = {normalize(n) for n in area.names}
        return any(normalize(seg) in names for c in site.columns for seg in (c.path or "").split("/"))
    return False


def check(ctx):
    for site in ctx.reached_sites():   # an unreachable portal is reported as such, not as 26 missing columns
        for area in ctx.required_areas(site):
            if present(site, area):
                continue
            yield Finding(
                site.id, RULE, SEVERITY,
                f"标准目录“{area.name}”在信息公开栏目中没有对应栏目",
                f"{BASIS}；{area.basis}",
                catalog_area=area.name, url=site.url,
                evidence={"entry_page": site.url, "columns_found": len(site.columns),
                          "names_tried": list(area.names),
                          "required_by": "site catalog_areas" if site.catalog.narrowed else f"catalog level {site.level}"},
            )


def describe(ev: dict, finding: dict) -> list:
    names = "、".join(f"“{n}”" for n in (ev.get("names_tried") or [])[:8])
    required = str(ev.get("required_by") or "")
    level = required.rsplit(" ", 1)[-1] if required.startswith("catalog level") else None
    lines = [page("信息公开入口页", ev.get("entry_page"))]
    lines.append([(f"入口页共列出{ev.get('columns_found', 0)}个栏目，"
                   + (f"未见名为{names}的栏目" if names else "未见对应栏目"), None)])
    if "catalog_areas" in required:
        lines.append([("该目录事项为本站配置的必设事项", None)])
    elif level:
        lines.append([(f"该目录事项为{LEVEL_NAMES.get(level, level)}政府应设事项", None)])
    return [line for line in lines if line]
