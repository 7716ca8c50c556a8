"""Helpers the rules share."""
from __future__ import annotations

LAW = "《中华人民共和国政府信息公开条例》"
INDICATORS = "《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）"
# The validity rules': a document amended, repealed or lapsed says so on the original.
VALIDITY_BASIS = ("《政府网站发展指引》（国办发〔2017〕47号）：文件资料修改、废止、失效的，应予公开并在原文上醒目标注；"
                  f"{LAW}第二十条第（一）项")


def area_basis(site, area_name: str | None, base: str) -> str:
    """The rule's own basis followed by the catalog area's (the guideline the area comes from)."""
    area = site.area(area_name)
    if area and area.basis and area.basis not in base:
        return f"{base}；{area.basis}"
    return base


def column_fields(col, **override) -> dict:
    """A finding's column fields from the column it is about (None: a finding on no known column, e.g. a
    document whose first listing is not among the run's columns); ``override`` names a catalog area or
    item the rule knows better than the column's mapping."""
    mapping = col.mapping if col else None
    return {"column_id": col.id if col else None, "column_name": col.name if col else None,
            "column_url": col.url if col else None, "catalog_area": mapping.area if mapping else None,
            "catalog_item": mapping.item if mapping else None, **override}
