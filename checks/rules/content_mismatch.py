"""content-mismatch: the newest entries of a catalog column do not belong to its area — none (or
at most ``mismatch_max_own``) of the newest ``recent_entries`` titles carries a keyword of the
column's area ("两张皮": the column exists in name only)."""
from checks.context import is_area_column
from checks.findings import Finding
from checks.rules._common import area_basis, column_fields

RULE = "content-mismatch"
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
    for site in ctx.sites:
        for col in site.columns:
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
