"""column-empty: a column mapped to a catalog area lists no entries (空白栏目)."""
from checks.findings import Finding

RULE = "column-empty"
SEVERITY = "high"
BASIS = "《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）：空白栏目；《中华人民共和国政府信息公开条例》第二十六条"


def check(ctx):
    for site in ctx.sites:
        for col in site.columns:
            # entries is None when the list page could not be read: that is a fetch error, not emptiness.
            if not col.mapping or col.entries != 0:
                continue
            yield Finding(
                site.id, RULE, SEVERITY,
                f"栏目“{col.name}”（对应标准目录“{col.mapping.area}”）没有任何信息",
                BASIS, column_id=col.id, column_name=col.name, column_url=col.url,
                catalog_area=col.mapping.area, url=col.url,
                evidence={"column_url": col.url, "pages_read": col.pages, "entries": 0,
                          "mapping": col.mapping.reason},
            )
