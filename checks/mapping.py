"""Which catalog area each column of a portal stands for, and why.

Explicit config wins; then the column's own name (or its path) against the area names and aliases.
Every mapping keeps its reason and a confidence, so an inspector can see why a column counts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from checks.catalog import Area

# Words that decorate column names without changing what they are about.
NOISE = re.compile(r"[\s　·•、，,（）()【】\[\]「」“”\"'/\\-]|信息公开|信息|公开|专栏|栏目|领域|目录")


def normalize(name: str) -> str:
    return NOISE.sub("", name or "")


@dataclass(frozen=True)
class Mapping:
    area: str
    reason: str        # "config" | "name" | "alias" | "name-contains"
    confidence: float
    matched: str       # the configured value or the name that matched


def map_column(name: str, catalog_value: str | None, areas) -> Mapping | None:
    by_name = {a.name: a for a in areas}
    if catalog_value:
        if catalog_value in by_name:
            return Mapping(catalog_value, "config", 1.0, catalog_value)
        for area in areas:
            if catalog_value in area.aliases:
                return Mapping(area.name, "config", 1.0, catalog_value)
        return None
    col = normalize(name)
    if not col:
        return None
    for area in areas:
        if col == normalize(area.name):
            return Mapping(area.name, "name", 0.95, area.name)
    for area in areas:
        for alias in area.aliases:
            if col == normalize(alias):
                return Mapping(area.name, "alias", 0.9, alias)
    # "2024年财政预决算公开" still names the area; the longest matching name wins ("社会救助" over "救助").
    best: tuple[int, Area, str] | None = None
    for area in areas:
        for candidate in area.names:
            norm = normalize(candidate)
            if len(norm) >= 2 and norm in col and (best is None or len(norm) > best[0]):
                best = (len(norm), area, candidate)
    if best:
        return Mapping(best[1].name, "name-contains", 0.7, best[2])
    return None
