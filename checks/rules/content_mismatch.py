"""content-mismatch: the newest entries of a catalog column do not belong to its area — none (or
at most ``mismatch_max_own``) of the newest ``recent_entries`` titles carries a keyword of the
column's area ("两张皮": the column exists in name only)."""
from checks.context import is_area_column
from checks.findings import Finding
from checks.rules._common import area_basis, column_fields
from checks.zh import page, titled

RULE = "content-mismatch"
NAME = "栏目内容与目录不符"  # the rule as a notice names it
SEVERITY = "medium"
BASIS = ("《国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见》（国办发〔2019〕54号）：杜绝事项目录与公开内容"
         "“两张皮”；《中华人民共和国政府信息公开条例》第二十条")


def mismatched(ctx, site, col):
    """The classified newest entries when the column's content does not match, else None."""
    if not col.mapping or col.mapping.reason == "content" or not is_area_column(site, col):
        return None
    settings = site.settings
    recent = col.recent[:int(settings["recent_entries"])]
    if len(recent) < int(settings["mismatch_min_entries"]):
        return None
    classifier = ctx.classifier(site)
    rows = [{**e, "areas": sorted(classifier.areas(e["title"]))} for e in recent]
    own = sum(1 for r in rows if col.mapping.area in r["areas"])
    if own > int(settings["mismatch_max_own"]):
        return None
    return rows


def check(ctx):
    for site, col in ctx.mapped_columns():
        rows = mismatched(ctx, site, col)
        if rows is None:
            continue
        others = sorted({a for r in rows for a in r["areas"]})
        yield Finding(
            site.id, RULE, SEVERITY,
            f"栏目“{col.name}”（对应标准目录“{col.mapping.area}”）最新{len(rows)}条信息均不属于该领域"
            + (f"（涉及{'、'.join(others)}）" if others else ""),
            area_basis(site, col.mapping.area, BASIS), url=col.url, **column_fields(col),
            evidence={"column_url": col.url, "recent": [
                {"url": r["url"], "title": r["title"], "date": r["day"], "areas": r["areas"]} for r in rows]},
        )


def describe(ev: dict, finding: dict) -> list:
    recent = ev.get("recent") or []
    lines = [page("栏目地址", ev.get("column_url")), [(f"最新{len(recent)}条信息：", None)]]
    for r in recent:
        areas = r.get("areas") or []
        lines.append(titled(r.get("title"), r.get("url"), r.get("date"))
                     + [("：属于" + "、".join(f"“{a}”" for a in areas) if areas else "：不属于任何目录事项", None)])
    return [line for line in lines if line]
