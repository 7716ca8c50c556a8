"""Which catalog area (and item) each column of a portal stands for, and why.

In order: explicit config (the sites config ``columns: - catalog:``), then the column's own name
against area names/aliases/former names/seed names and item aliases (exact after normalising, then
contained), then the parent segments of its path, then URL path slugs, and last — for columns no
name matched — the content: the newest entry titles against the areas' keywords. Every mapping keeps
its reason and a confidence, so an inspector can see why a column counts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlparse

# Words that decorate column names without changing what they are about.
NOISE = re.compile(r"[\s　·•、，,（）()【】\[\]「」“”\"'/\\-]|信息公开|信息|公开|专栏|栏目|领域|目录")
AREA_SECTION = "基层政务公开标准目录"


@lru_cache(maxsize=65536)
def normalize(name: str) -> str:
    """A column or catalog name without its decoration (the same few names recur for every column)."""
    return NOISE.sub("", name or "")


@dataclass(frozen=True)
class Mapping:
    area: str
    reason: str        # config | name | alias | item-alias | name-contains | path | slug | content
    confidence: float
    matched: str       # the configured value, the name/slug that matched, or "k/n titles"
    item: str | None = None

    def as_dict(self) -> dict:
        return {"area": self.area, "item": self.item, "reason": self.reason, "confidence": self.confidence,
                "matched": self.matched}


# Why a column stands for an area, as the report and a notice say it (``{matched}`` is Mapping.matched).
REASONS = {
    "config": "站点配置指定对应“{area}”",
    "name": "栏目名称与目录事项“{area}”一致",
    "alias": "栏目名称“{matched}”为目录事项“{area}”的常用名称",
    "item-alias": "栏目名称“{matched}”为目录事项“{area}”的子项名称",
    "name-contains": "栏目名称含“{matched}”，对应目录事项“{area}”",
    "path": "上级栏目“{matched}”对应目录事项“{area}”",
    "slug": "栏目地址含“{matched}”，对应目录事项“{area}”",
    "content": "栏目最新信息标题多属“{area}”（{matched}）",
}


def explain(mapping) -> str:
    """Why a column stands for its area, in Chinese, from a ``Mapping`` or its stored dict."""
    data = mapping.as_dict() if isinstance(mapping, Mapping) else dict(mapping or {})
    reason = data.get("reason") or ""
    matched = str(data.get("matched") or "").replace(" titles", "条标题")
    text = REASONS.get(reason, "对应目录事项“{area}”")
    return text.format(area=data.get("area") or "", matched=matched)


_EXACT: dict = {}   # per catalog (by identity, the catalog kept with it): its name table, its leaf areas


def _exact(norm: str, areas) -> Mapping | None:
    """The first area name, then alias, then item alias (in catalog order) equal to ``norm``: a table per
    catalog, built once (every column of every site looks its name up in it)."""
    hit = _EXACT.get(id(areas))
    if hit is None or hit[0] is not areas:
        hit = _EXACT[id(areas)] = (areas, _exact_table(areas))
    return hit[1].get(norm)


def _exact_table(areas) -> dict[str, Mapping]:
    table: dict[str, Mapping] = {}
    for area in areas:
        table.setdefault(normalize(area.name), Mapping(area.name, "name", 0.95, area.name))
    for area in areas:
        for alias in area.names[1:]:
            table.setdefault(normalize(alias), Mapping(area.name, "alias", 0.9, alias))
    for area in areas:
        for item in area.items:
            for alias in item.aliases:
                table.setdefault(normalize(alias), Mapping(area.name, "item-alias", 0.9, alias, item.id))
    return table


def _without_containers(areas) -> tuple:
    """The areas that are not parent columns, as one stable tuple per catalog (so _exact's table is reused)."""
    hit = _EXACT.get(("leaves", id(areas)))
    if hit is None or hit[0] is not areas:
        hit = _EXACT[("leaves", id(areas))] = (areas, tuple(a for a in areas if not a.container))
    return hit[1]


def _contains(norm: str, areas) -> Mapping | None:
    # "2024年财政预决算公开" still names the area; the longest name wins ("社会救助" over "救助").
    best = None
    for n, area, cand, item_id in _contains_table(areas):
        if n in norm and (best is None or len(n) > best[0]):
            best = (len(n), area, cand, item_id)
    if best:
        return Mapping(best[1].name, "name-contains", 0.7, best[2], best[3])
    return None


def _contains_table(areas) -> list[tuple]:
    """(normalised name, area, name, item id) of every name an area goes by, in catalog order: a list per
    catalog, built once. Aliases must be 3+ characters once normalised: "指南" must not claim "办事指南"."""
    hit = _EXACT.get(("contains", id(areas)))
    if hit is None or hit[0] is not areas:
        table = []
        for area in areas:
            cands = [(area.name, None, 2)] + [(a, None, 3) for a in area.names[1:]]
            cands += [(a, item.id, 3) for item in area.items for a in item.aliases]
            table += [(normalize(cand), area, cand, item_id) for cand, item_id, min_len in cands
                      if len(normalize(cand)) >= min_len]
        hit = _EXACT[("contains", id(areas))] = (areas, table)
    return hit[1]


def map_column(name: str, catalog_value: str | None, areas, path: str | None = None,
               url: str | None = None) -> Mapping | None:
    if catalog_value:
        for area in areas:
            if catalog_value in (area.name, area.id) or catalog_value in area.names:
                return Mapping(area.name, "config", 1.0, catalog_value)
            for item in area.items:
                if catalog_value == item.id or catalog_value in item.aliases:
                    return Mapping(area.name, "config", 1.0, catalog_value, item.id)
        return None
    col = normalize(name)
    if col:
        found = _exact(col, areas) or _contains(col, areas)
        if found:
            return found
    # A generic column name under an area's parent column: 社会救助/低保对象名单. Parents that are
    # containers (法定主动公开内容) say nothing about their children.
    parents = [p for p in (path or "").split("/")[:-1] if p.strip()]
    for parent in reversed(parents):
        hit = _exact(normalize(parent), _without_containers(areas))
        if hit:
            return Mapping(hit.area, "path", 0.8, parent, hit.item)
    if url:
        segments = [s.lower() for s in urlparse(url).path.split("/") if s]
        for area in areas:
            for slug in area.slugs:
                if slug.lower() in segments:
                    return Mapping(area.name, "slug", 0.6, slug)
    return None


class KeywordClassifier:
    """Which catalog areas a title speaks of, by the areas' keywords (longest keyword first).

    Only the areas of the 基层政务公开标准目录 take part: the sections of the disclosure column
    (指南, 制度, 年报, 法定主动公开内容) hold documents of every subject.
    """

    def __init__(self, areas):
        self.area_of: dict[str, str] = {}
        for area in areas:
            if area.section != AREA_SECTION:
                continue
            for word in area.all_keywords:
                self.area_of.setdefault(word, area.name)
        words = sorted(self.area_of, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, words))) if words else None
        self._own: dict[str, re.Pattern | None] = {}

    def areas(self, title: str | None) -> set[str]:
        if not title or self.pattern is None:
            return set()
        return {self.area_of[m.group(0)] for m in self.pattern.finditer(title)}

    def own_words(self, own: str | None) -> tuple[str, ...]:
        """The keywords of area ``own`` (longest first): a title holding one is its area's."""
        return tuple(sorted((w for w, a in self.area_of.items() if a == own), key=len, reverse=True))

    def other_area(self, title: str | None, own: str | None) -> str | None:
        """The one other area a title clearly belongs to: it contains no keyword of its own area and
        the keywords it contains name exactly one other area."""
        if not title or self.pattern is None:
            return None
        own_pattern = self._own.get(own, False)
        if own_pattern is False:
            words = self.own_words(own)
            own_pattern = self._own[own] = re.compile("|".join(map(re.escape, words))) if words else None
        if own_pattern is not None and own_pattern.search(title):
            return None   # the fast path: most titles carry a keyword of their own column's area
        found = self.areas(title)
        if len(found) == 1 and own not in found:
            return next(iter(found))
        return None


def map_by_content(titles: list[str], classifier: KeywordClassifier, min_entries: int, share: float) -> Mapping | None:
    """An unnamed column whose newest titles mostly speak of one area stands for it (low confidence)."""
    if len(titles) < max(1, min_entries):
        return None
    counts: dict[str, int] = {}
    for title in titles:
        for area in classifier.areas(title):
            counts[area] = counts.get(area, 0) + 1
    if not counts:
        return None
    area, hits = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    if hits / len(titles) >= share:
        return Mapping(area, "content", round(0.6 * hits / len(titles), 2), f"{hits}/{len(titles)} titles")
    return None
