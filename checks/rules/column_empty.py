"""column-empty: a column mapped to a catalog area lists no entries (空白栏目)."""
from checks.findings import Finding
from checks.rules._common import INDICATORS, area_basis, column_fields

RULE = "column-empty"
SEVERITY = "high"
BASIS = f"{INDICATORS}：空白栏目；《中华人民共和国政府信息公开条例》第二十六条"


def check(ctx):
    for site in ctx.sites:
        for col in site.columns:
            # entries is None when the list page could not be read: that is a fetch error, not emptiness.
            if not col.mapping or col.entries != 0:
                continue
            area = site.area(col.mapping.area)
            if area and area.container and not col.mapping.item:
                continue  # a parent column holds sub-columns, not entries
            yield Finding(
                site.id, RULE, SEVERITY,
                f"栏目“{col.name}”（对应标准目录“{col.mapping.area}”）没有任何信息",
                area_basis(site, col.mapping.area, BASIS), url=col.url, **column_fields(col),
                evidence={"column_url": col.url, "pages_read": col.pages, "entries": 0,
                          "mapping": col.mapping.as_dict()},
            )
