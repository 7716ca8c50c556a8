"""The standard disclosure catalog as data: one YAML file per area in ``checks/catalog/``, province
overlays in ``checks/catalog/provinces/``. The file format is documented in ``checks/catalog/README.md``.

Loading validates everything; a mistake is one ``CatalogError`` line naming the file, the area or
item and the field.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from crawler.exceptions import ZwgkError
from crawler.sites import LEVELS, YAML_LOADER, Site, identified

CATALOG_DIR = Path(__file__).parent / "catalog"
PROVINCE_DIR = CATALOG_DIR / "provinces"

SECTIONS = ("政府信息公开专栏", "基层政务公开标准目录")
AREA_KEYS = {"area", "section", "aliases", "former_names", "seeds", "slugs", "levels", "required", "container",
             "verified", "basis", "guideline", "keywords", "time_limit", "time_rule", "sources", "note", "items"}
ITEM_KEYS = {"id", "l1", "l2", "content", "basis", "time_limit", "time_rule", "subject", "channels", "audience",
             "mode", "levels", "aliases", "keywords", "verified", "required", "sources", "note"}
RULE_KEYS = {"within", "from", "annual", "update_every", "keep", "event_driven", "permanent"}
RULE_UNITS = {
    "within": ("workdays", "days", "hours", "months"),
    "update_every": ("days", "weeks", "months", "years"),
    "keep": ("workdays", "days"),
}
STARTS = ("formed", "approval", "decision", "issued", "event")
LEVEL_WORDS = {
    "省级": "province", "省": "province", "市级": "municipal", "市": "municipal", "县级": "county", "县": "county",
    "区级": "county", "乡级": "township", "乡镇级": "township", "镇级": "township", "乡": "township",
    "乡镇": "township", "街道": "township", "部门": "department",
}
LEVEL_NAMES = {"province": "省级", "municipal": "市级", "county": "县级", "township": "乡镇", "department": "部门"}
# The order inspectors read the catalog in: the 政府信息公开专栏 first, then the 26 areas of the
# 基层政务公开标准目录 in the order of the 2017 pilot plan (国办发〔2017〕42号), then anything else
# (province overlays) by section and name.
SECTION_ORDER = ("政府信息公开专栏", "基层政务公开标准目录")
AREA_ORDER = (
    "政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报",
    "自然资源", "重大建设项目", "公共资源交易", "财政预决算", "安全生产", "税收管理", "国有土地上房屋征收与补偿",
    "生态环境", "公共文化服务", "公共体育", "乡村振兴", "救灾", "社会救助", "养老服务", "户籍管理", "涉农补贴", "就业",
    "社会保险", "卫生健康", "食品药品监管", "城市综合执法", "义务教育", "公共法律服务", "市政服务", "农村危房改造",
    "保障性住房",
)
DURATION = re.compile(r"^\s*(\d+)\s*([a-z]+?)s?\s*$")
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class CatalogError(ZwgkError, ValueError):
    """A catalog file (or a site's catalog names) that cannot be used; the message is one line for the user."""
    exit_code = 2


# --------------------------------------------------------------------------------------------- model

@dataclass(frozen=True)
class TimeRule:
    """A machine-readable 公开时限. Units: workdays are statutory working days (checks/workdays.py)."""
    within: tuple[int, str] | None = None        # (20, "workdays"): publish within N units of `start`
    start: str = "formed"                        # what the period counts from
    annual_by: str | None = None                 # "01-31": a yearly item due by this day of the next year
    update_every: tuple[int, str] | None = None  # (6, "months"): the column must show something this fresh
    keep: tuple[int, str] | None = None          # (7, "workdays"): 公示 stays up at least this long
    event_driven: bool = False                   # 按进展情况及时公开: no fixed period
    permanent: bool = False                      # 永久公开/长期公开: presence only

    def describe(self) -> str:
        parts = []
        unit_zh = {"workdays": "个工作日", "days": "日", "hours": "小时", "months": "个月", "weeks": "周", "years": "年"}
        start_zh = {"formed": "信息形成或变更之日起", "approval": "批准（批复）后", "decision": "决定作出之日起",
                    "issued": "印发之日起", "event": "事件发生后"}
        if self.within:
            parts.append(f"{start_zh[self.start]}{self.within[0]}{unit_zh[self.within[1]]}内")
        if self.keep:
            parts.append(f"公示{self.keep[0]}{unit_zh[self.keep[1]]}")
        if self.annual_by:
            month, day = self.annual_by.split("-")
            parts.append(f"每年{int(month)}月{int(day)}日前公开上一年度")
        if self.update_every:
            parts.append(f"至少每{self.update_every[0]}{unit_zh[self.update_every[1]]}更新")
        if self.event_driven:
            parts.append("按进展情况及时公开")
        if self.permanent:
            parts.append("长期公开")
        return "；".join(parts)

    def as_dict(self) -> dict:
        out = {}
        if self.within:
            out["within"] = f"{self.within[0]} {self.within[1]}"
            out["from"] = self.start
        if self.annual_by:
            out["annual"] = {"by": self.annual_by}
        if self.update_every:
            out["update_every"] = f"{self.update_every[0]} {self.update_every[1]}"
        if self.keep:
            out["keep"] = f"{self.keep[0]} {self.keep[1]}"
        if self.event_driven:
            out["event_driven"] = True
        if self.permanent:
            out["permanent"] = True
        return out


@dataclass(frozen=True)
class Item:
    """One row of a 标准目录: 公开事项 (一级/二级) with its official columns and what the machine needs."""
    id: str
    area: str
    l1: str                                  # 公开事项 一级事项
    l2: str | None = None                    # 二级事项
    content: str | None = None               # 公开内容（要素）
    basis: str | None = None                 # 公开依据
    time_limit: str | None = None            # 公开时限, as the guideline words it
    time_rule: TimeRule | None = None
    subject: str | None = None               # 公开主体
    channels: tuple[str, ...] = ()           # 公开渠道和载体
    audience: tuple[str, ...] = ()           # 公开对象: 全社会 / 特定群体
    mode: tuple[str, ...] = ()               # 公开方式: 主动 / 依申请
    levels: tuple[str, ...] = ()             # 公开层级
    aliases: tuple[str, ...] = ()            # column names that stand for this item
    keywords: tuple[str, ...] = ()
    verified: bool = True
    required: bool = False                   # a column must stand for the item where its area is required
    sources: tuple[str, ...] = ()
    note: str | None = None

    @property
    def name(self) -> str:
        return f"{self.l1}/{self.l2}" if self.l2 else self.l1


@dataclass(frozen=True)
class Area:
    name: str
    section: str
    aliases: tuple[str, ...]
    levels: tuple[str, ...]
    basis: str
    keywords: tuple[str, ...]
    source: str
    id: str = ""
    former_names: tuple[str, ...] = ()       # 2017 pilot names, matched like aliases
    seeds: tuple[str, ...] = ()              # Heilongjiang 2018 seed areas mapped onto this area
    slugs: tuple[str, ...] = ()              # URL path segments that stand for the area
    required: bool = True                    # a column must exist where the area applies
    container: bool = False                  # a parent column: present when any column path passes it
    verified: bool = True
    guideline: str | None = None
    time_limit: str | None = None
    time_rule: TimeRule | None = None
    items: tuple[Item, ...] = ()
    sources: tuple[str, ...] = ()
    note: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases, *self.former_names, *self.seeds)

    @property
    def all_keywords(self) -> tuple[str, ...]:
        seen = dict.fromkeys(self.keywords)
        for item in self.items:
            seen.update(dict.fromkeys(item.keywords))
        return tuple(seen)

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def rule_for(self, item: Item | None = None) -> TimeRule | None:
        return (item.time_rule if item and item.time_rule else None) or self.time_rule

    def is_required(self, level: str) -> bool:
        """Whether a portal at ``level`` must have a column for the area (before a site narrows it)."""
        return self.required and self.verified and level in self.levels


@dataclass(frozen=True)
class Overlay:
    key: str                                 # the file stem: heilongjiang
    province: str                            # 黑龙江省
    names: tuple[str, ...]                   # what a site's province/region may say
    source: str
    settings: dict = field(default_factory=dict)
    path: str = ""
    data: dict = field(default_factory=dict)  # the raw add/change sections, applied by apply_overlay


# --------------------------------------------------------------------------------------------- parsing

def _text(value, where: str, name: str, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise CatalogError(f"{where}: field '{name}' is required and must be text")
        return None
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f"{where}: field '{name}' must be text")
    return value.strip()


def _strings(value, where: str, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CatalogError(f"{where}: field '{name}' must be a list of text")
    return tuple(v.strip() for v in value)


def _bool(value, where: str, name: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise CatalogError(f"{where}: field '{name}' must be true or false")
    return value


def parse_levels(value, where: str, name: str = "levels") -> tuple[str, ...]:
    out = []
    for level in _strings(value, where, name):
        level = LEVEL_WORDS.get(level, level)
        if level not in LEVELS:
            raise CatalogError(f"{where}: field '{name}': unknown level '{level}' (use {', '.join(LEVELS)})")
        out.append(level)
    return tuple(dict.fromkeys(out))


def parse_duration(value, where: str, name: str) -> tuple[int, str]:
    match = DURATION.match(str(value)) if isinstance(value, (str, int)) else None
    units = RULE_UNITS[name]
    unit = match and (match.group(2) if match.group(2).endswith("s") else match.group(2) + "s")
    if unit == "workdayss":
        unit = "workdays"
    if not match or unit not in units or int(match.group(1)) <= 0:
        raise CatalogError(f"{where}: field 'time_rule.{name}': bad duration {value!r} "
                           f"(expected 'N {'|'.join(units)}')")
    return int(match.group(1)), unit


def parse_time_rule(value, where: str) -> TimeRule | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        raise CatalogError(f"{where}: field 'time_rule' must be a mapping, e.g. {{within: 20 workdays}}")
    unknown = set(value) - RULE_KEYS
    if unknown:
        raise CatalogError(f"{where}: field 'time_rule.{sorted(unknown)[0]}' is unknown "
                           f"(use {', '.join(sorted(RULE_KEYS))})")
    within = parse_duration(value["within"], where, "within") if "within" in value else None
    start = value.get("from", "formed")
    if start not in STARTS:
        raise CatalogError(f"{where}: field 'time_rule.from' must be one of {', '.join(STARTS)}, got {start!r}")
    if "from" in value and not within:
        raise CatalogError(f"{where}: field 'time_rule.from' needs 'within'")
    annual_by = None
    if "annual" in value:
        annual = value["annual"]
        by = annual.get("by") if isinstance(annual, dict) and set(annual) == {"by"} else None
        try:
            month, day = (int(p) for p in str(by).split("-"))
            date(2001, month, day)
            annual_by = f"{month:02d}-{day:02d}"
        except (TypeError, ValueError):
            raise CatalogError(f"{where}: field 'time_rule.annual' must be {{by: \"MM-DD\"}}, got {annual!r}") from None
    update_every = parse_duration(value["update_every"], where, "update_every") if "update_every" in value else None
    keep = parse_duration(value["keep"], where, "keep") if "keep" in value else None
    event_driven = _bool(value.get("event_driven"), where, "time_rule.event_driven", False)
    permanent = _bool(value.get("permanent"), where, "time_rule.permanent", False)
    rule = TimeRule(within, start, annual_by, update_every, keep, event_driven, permanent)
    if not (within or annual_by or update_every or event_driven or permanent):
        raise CatalogError(f"{where}: field 'time_rule' says nothing (give within, annual, update_every, "
                           f"event_driven or permanent)")
    return rule


def parse_item(data, area: str, area_levels: tuple[str, ...], where: str) -> Item:
    item_id, where = identified(data, where, what="item", needs="id and l1", pattern=ID, keys=ITEM_KEYS,
                                error=CatalogError, parent=": items")
    return Item(
        id=item_id, area=area,
        l1=_text(data.get("l1"), where, "l1", required=True),
        l2=_text(data.get("l2"), where, "l2"),
        content=_text(data.get("content"), where, "content"),
        basis=_text(data.get("basis"), where, "basis"),
        time_limit=_text(data.get("time_limit"), where, "time_limit"),
        time_rule=parse_time_rule(data.get("time_rule"), where),
        subject=_text(data.get("subject"), where, "subject"),
        channels=_strings(data.get("channels"), where, "channels"),
        audience=_strings(data.get("audience"), where, "audience"),
        mode=_strings(data.get("mode"), where, "mode"),
        levels=parse_levels(data.get("levels"), where) or area_levels,
        aliases=_strings(data.get("aliases"), where, "aliases"),
        keywords=_strings(data.get("keywords"), where, "keywords"),
        verified=_bool(data.get("verified"), where, "verified", True),
        required=_bool(data.get("required"), where, "required", False),
        sources=_strings(data.get("sources"), where, "sources"),
        note=_text(data.get("note"), where, "note"),
    )


def parse_area(data, source: str) -> Area:
    if not isinstance(data, dict):
        raise CatalogError(f"{source}: expected a mapping with area, section, levels, basis")
    name = data.get("area")
    if not isinstance(name, str) or not name.strip():
        raise CatalogError(f"{source}: field 'area' is required and must be text")
    name = name.strip()
    where = f"{source}: area '{name}'"
    unknown = set(data) - AREA_KEYS
    if unknown:
        raise CatalogError(f"{where}: unknown field '{sorted(unknown)[0]}'")
    section = _text(data.get("section"), where, "section", required=True)
    if section not in SECTIONS:
        raise CatalogError(f"{where}: field 'section' must be one of {', '.join(SECTIONS)}, got {section!r}")
    basis = _text(data.get("basis"), where, "basis", required=True)
    levels = parse_levels(data.get("levels"), where)
    if not levels:
        raise CatalogError(f"{where}: field 'levels' must list some of {', '.join(LEVELS)}")
    verified = _bool(data.get("verified"), where, "verified", True)
    raw_items = data.get("items") or []
    if not isinstance(raw_items, list):
        raise CatalogError(f"{where}: field 'items' must be a list")
    items = tuple(parse_item(raw, name, levels, f"{where}: items[{i}]") for i, raw in enumerate(raw_items))
    seen: dict[str, int] = {}
    for item in items:
        if item.id in seen:
            raise CatalogError(f"{where}: item '{item.id}': duplicate item id")
        seen[item.id] = 1
    return Area(
        name=name, section=section, aliases=_strings(data.get("aliases"), where, "aliases"), levels=levels,
        basis=basis, keywords=_strings(data.get("keywords"), where, "keywords"), source=source,
        id=Path(source).stem if source.endswith(".yaml") else name,
        former_names=_strings(data.get("former_names"), where, "former_names"),
        seeds=_strings(data.get("seeds"), where, "seeds"),
        slugs=_strings(data.get("slugs"), where, "slugs"),
        required=_bool(data.get("required"), where, "required", True),
        container=_bool(data.get("container"), where, "container", False),
        verified=verified,
        guideline=_text(data.get("guideline"), where, "guideline"),
        time_limit=_text(data.get("time_limit"), where, "time_limit"),
        time_rule=parse_time_rule(data.get("time_rule"), where),
        items=items if verified else tuple(replace(i, verified=False) for i in items),
        sources=_strings(data.get("sources"), where, "sources"),
        note=_text(data.get("note"), where, "note"),
    )


def _norm(text: str) -> str:
    from checks.mapping import normalize  # the one normalisation column names go through
    return normalize(text)


def validate(areas) -> tuple[Area, ...]:
    """Cross-area checks: unique area names, item ids, column aliases and title keywords."""
    names: dict[str, Area] = {}
    items: dict[str, Area] = {}
    aliases: dict[str, tuple[Area, str]] = {}
    keywords: dict[str, Area] = {}
    for area in areas:
        where = f"{area.source}: area '{area.name}'"
        if area.name in names:
            raise CatalogError(f"{where}: duplicate area (also in {names[area.name].source})")
        names[area.name] = area
        for item in area.items:
            if item.id in items:
                raise CatalogError(f"{area.source}: item '{item.id}': duplicate item id "
                                   f"(also in {items[item.id].source})")
            items[item.id] = area
        candidates = [(n, None) for n in area.names] + [(a, i.id) for i in area.items for a in i.aliases]
        for alias, item_id in candidates:
            key = _norm(alias)
            if not key:
                raise CatalogError(f"{where}: name '{alias}' is empty once normalised")
            other = aliases.get(key)
            if other and other[0].name != area.name:
                raise CatalogError(f"{where}: field 'aliases': '{alias}' also names area '{other[0].name}' "
                                   f"({other[0].source})")
            aliases.setdefault(key, (area, item_id))
        for word in area.all_keywords:
            other = keywords.get(word)
            if other and other.name != area.name:
                raise CatalogError(f"{where}: field 'keywords': '{word}' is also a keyword of area "
                                   f"'{other.name}' ({other.source})")
            keywords[word] = area
    return tuple(areas)


def _read_yaml(path: Path):
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise CatalogError(f"{path}:{line} not valid YAML: {getattr(exc, 'problem', exc)}") from None
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read: {exc.strerror}") from None


def load_catalog(directory: str | Path = CATALOG_DIR) -> tuple[Area, ...]:
    directory = Path(directory)
    if not directory.is_dir():
        raise CatalogError(f"{directory}: no such catalog directory")
    areas = [parse_area(_read_yaml(path), str(path)) for path in sorted(directory.glob("*.yaml"))]
    if not areas:
        raise CatalogError(f"{directory}: no catalog files (*.yaml)")
    return validate(areas)


@lru_cache(maxsize=None)
def default_catalog() -> tuple[Area, ...]:
    return load_catalog()


def areas_for_level(areas, level: str) -> list[Area]:
    return [a for a in areas if level in a.levels]


def find_area(areas, name: str) -> Area | None:
    """An area by its name, id, alias, former name or seed name."""
    key = _norm(name)
    for area in areas:
        if name == area.id or name == area.name:
            return area
    for area in areas:
        if any(_norm(n) == key for n in area.names):
            return area
    return None


# --------------------------------------------------------------------------------------------- overlays

OVERLAY_KEYS = {"province", "names", "source", "settings", "areas", "items", "change"}
CHANGE_KEYS = {"area", "item", "set"}
CHANGEABLE_AREA = {"aliases", "keywords", "levels", "required", "basis", "time_limit", "time_rule", "note"}
CHANGEABLE_ITEM = {"time_limit", "time_rule", "basis", "levels", "aliases", "keywords", "verified", "required", "note",
                   "sources"}


def parse_overlay(data, path: Path) -> Overlay:
    where = str(path)
    if not isinstance(data, dict):
        raise CatalogError(f"{where}: expected a mapping with province, names, source")
    unknown = set(data) - OVERLAY_KEYS
    if unknown:
        raise CatalogError(f"{where}: unknown field '{sorted(unknown)[0]}'")
    province = _text(data.get("province"), where, "province", required=True)
    settings = data.get("settings") or {}
    if not isinstance(settings, dict):
        raise CatalogError(f"{where}: field 'settings' must be a mapping")
    from checks.thresholds import validate_settings  # late: checks.thresholds imports CatalogError from here
    validate_settings(settings, f"{where}: field 'settings'")
    for key in ("areas", "items", "change"):
        if data.get(key) is not None and not isinstance(data[key], list):
            raise CatalogError(f"{where}: field '{key}' must be a list")
    return Overlay(path.stem, province, (province, *_strings(data.get("names"), where, "names"), path.stem),
                   _text(data.get("source"), where, "source", required=True), dict(settings), where, dict(data))


def load_overlays(directory: str | Path = PROVINCE_DIR) -> dict[str, Overlay]:
    directory = Path(directory)
    if not directory.is_dir():
        return {}
    return {path.stem: parse_overlay(_read_yaml(path), path) for path in sorted(directory.glob("*.yaml"))}


@lru_cache(maxsize=None)
def default_overlays() -> dict[str, Overlay]:
    return load_overlays()


def apply_overlay(areas, overlay: Overlay | None) -> tuple[Area, ...]:
    """The catalog as it applies in the overlay's province: areas and items added or changed."""
    if overlay is None:
        return tuple(areas)
    where = overlay.path
    by_name = {a.name: a for a in areas}
    order = [a.name for a in areas]
    for i, raw in enumerate(overlay.data.get("areas") or []):
        area = parse_area(raw, f"{where}: areas[{i}]")
        area = replace(area, source=where, id=area.id if area.id != area.name else f"{overlay.key}-{i}")
        if area.name in by_name:
            raise CatalogError(f"{where}: area '{area.name}': already in the national catalog (use change)")
        by_name[area.name] = area
        order.append(area.name)
    for i, raw in enumerate(overlay.data.get("items") or []):
        iwhere = f"{where}: items[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("area"), str):
            raise CatalogError(f"{iwhere}: field 'area' is required (the area the item is added to)")
        area = find_area(by_name.values(), raw["area"])
        if area is None:
            raise CatalogError(f"{iwhere}: field 'area': unknown area '{raw['area']}'")
        item = parse_item({k: v for k, v in raw.items() if k != "area"}, area.name, area.levels, iwhere)
        by_name[area.name] = replace(area, items=(*area.items, item))
    for i, raw in enumerate(overlay.data.get("change") or []):
        cwhere = f"{where}: change[{i}]"
        if not isinstance(raw, dict) or set(raw) - CHANGE_KEYS or not isinstance(raw.get("set"), dict):
            raise CatalogError(f"{cwhere}: expected {{area: NAME, set: {{...}}}} or {{item: ID, set: {{...}}}}")
        if "item" in raw:
            target = next(((a, it) for a in by_name.values() for it in a.items if it.id == raw["item"]), None)
            if target is None:
                raise CatalogError(f"{cwhere}: field 'item': unknown item '{raw['item']}'")
            area, item = target
            bad = set(raw["set"]) - CHANGEABLE_ITEM
            if bad:
                raise CatalogError(f"{cwhere}: item '{item.id}': field '{sorted(bad)[0]}' cannot be changed")
            merged = {**_item_dict(item), **raw["set"]}
            new = parse_item(merged, area.name, area.levels, f"{cwhere}: items[0]")
            by_name[area.name] = replace(area, items=tuple(new if it.id == item.id else it for it in area.items))
        else:
            area = find_area(by_name.values(), str(raw.get("area")))
            if area is None:
                raise CatalogError(f"{cwhere}: field 'area': unknown area '{raw.get('area')}'")
            bad = set(raw["set"]) - CHANGEABLE_AREA
            if bad:
                raise CatalogError(f"{cwhere}: area '{area.name}': field '{sorted(bad)[0]}' cannot be changed")
            awhere = f"{cwhere}: area '{area.name}'"
            values = {}
            for key, value in raw["set"].items():
                if key in ("aliases", "keywords"):
                    values[key] = _strings(value, awhere, key)
                elif key == "levels":
                    values[key] = parse_levels(value, awhere)
                elif key == "required":
                    values[key] = _bool(value, awhere, key, True)
                elif key == "time_rule":
                    values[key] = parse_time_rule(value, awhere)
                else:
                    values[key] = _text(value, awhere, key)
            by_name[area.name] = replace(area, **values)
    return validate([by_name[n] for n in order])


def _item_dict(item: Item) -> dict:
    out = {"id": item.id, "l1": item.l1, "levels": list(item.levels), "verified": item.verified,
           "required": item.required}
    for key in ("l2", "content", "basis", "time_limit", "subject", "note"):
        if getattr(item, key):
            out[key] = getattr(item, key)
    for key in ("channels", "audience", "mode", "aliases", "keywords", "sources"):
        if getattr(item, key):
            out[key] = list(getattr(item, key))
    if item.time_rule:
        out["time_rule"] = item.time_rule.as_dict()
    return out


def province_key(site: Site, overlays: dict[str, Overlay] | None = None) -> str | None:
    """The overlay a site falls under: its config ``province:`` (the overlay key or a province name),
    else the first segment of its ``region`` (黑龙江省/哈尔滨市 -> heilongjiang). None: no overlay."""
    overlays = default_overlays() if overlays is None else overlays
    wanted = (site.province or "").strip()
    if wanted:
        for key, overlay in overlays.items():
            if wanted == key or wanted in overlay.names:
                return key
        return None
    region = (site.region or "").strip()
    first = re.split(r"[/／\s·,，]", region, maxsplit=1)[0] if region else ""
    for key, overlay in overlays.items():
        if first and (first in overlay.names or any(first.startswith(n) for n in overlay.names if len(n) >= 2)):
            return key
    return None


# --------------------------------------------------------------------------------------------- per site

@dataclass(frozen=True)
class SiteCatalog:
    """The catalog as it applies to one site: province overlay, level and the site's own narrowing."""
    level: str
    province: str | None
    areas: tuple[Area, ...]                  # every area of the (overlaid) catalog
    applicable: tuple[Area, ...]             # areas whose levels include the site's
    required: tuple[Area, ...]               # areas the site must have a column for
    narrowed: bool                           # the site config listed catalog_areas
    settings: dict                           # thresholds with the overlay's settings applied
    overlay_settings: dict = field(default_factory=dict)
    province_name: str | None = None         # 黑龙江省
    province_source: str | None = None       # the provincial document(s) the overlay follows

    def area(self, name: str) -> Area | None:
        return self._by_name.get(name)

    @cached_property
    def _by_name(self) -> dict[str, Area]:
        by_name: dict[str, Area] = {}
        for a in self.areas:
            by_name.setdefault(a.name, a)   # the first of a name
        return by_name

    @property
    def required_items(self) -> tuple[Item, ...]:
        """Items that need a column of their own (``required: true``), in the site's required areas."""
        return tuple(i for a in self.required for i in a.items
                     if i.required and i.verified and self.level in i.levels)


_OVERLAID: dict[tuple[int, int], tuple] = {}


def _overlaid(catalog, overlay: Overlay | None) -> tuple[Area, ...]:
    """apply_overlay, once per catalog and overlay object (a check builds the same province's catalog for
    each of its sites); the pair is kept with the result so the ids stay theirs."""
    key = (id(catalog), id(overlay))
    hit = _OVERLAID.get(key)
    if hit is None or hit[0] is not catalog or hit[1] is not overlay:
        hit = _OVERLAID[key] = (catalog, overlay, apply_overlay(catalog, overlay))
    return hit[2]


def site_catalog(site: Site, catalog=None, overlays=None) -> SiteCatalog:
    """Required at the site's level = the catalog requires the area at that level (required, verified,
    level listed) AND, when the site config lists ``catalog_areas:``, the area is among them. A listed
    area the catalog does not know is an error (the catalog may have changed since the crawl stored the
    site: ``check_sites`` refuses it before a crawl); a listed area is required even off its levels."""
    from checks.thresholds import default_thresholds

    catalog = default_catalog() if catalog is None else catalog
    overlays = default_overlays() if overlays is None else overlays
    level = site.level
    key = province_key(site, overlays)
    areas = _overlaid(catalog, overlays.get(key)) if key else tuple(catalog)
    applicable = tuple(a for a in areas if level in a.levels)
    listed = site.catalog_areas
    if listed is not None:
        chosen = []
        for name in listed:
            area = find_area(areas, name)
            if area is None:
                raise CatalogError(f"site '{site.id}': field 'catalog_areas': unknown area '{name}'")
            chosen.append(area.name)
        required = tuple(a for a in areas if a.name in chosen)
    else:
        required = tuple(a for a in applicable if a.is_required(level))
    settings = dict(default_thresholds())
    if key:
        settings.update(overlays[key].settings)
    overlay = overlays.get(key) if key else None
    return SiteCatalog(level, key, areas, applicable, required, listed is not None, settings,
                       dict(overlay.settings) if overlay else {}, overlay.province if overlay else None,
                       overlay.source if overlay else None)


def check_sites(sites, source: str) -> None:
    """Refuse, before anything is fetched, a sites config whose ``province:`` names no overlay or whose
    ``catalog_areas:`` names an area the catalog (with the site's overlay) does not know: one
    CatalogError line naming the file, the site and the field. ``sites``: ``crawler.sites.Site``s.

    The crawler never reads the catalog (it sits below checks/), so this runs where the command line
    loads the config, and checking a run later can no longer fail on a name after a whole crawl."""
    overlays = default_overlays()
    catalogs: dict[str | None, tuple[Area, ...]] = {}
    for site in sites:
        where = f"{source}: site '{site.id}'"
        key = province_key(site, overlays)
        if site.province and key is None:
            known = "、".join(f"{k}（{o.province}）" for k, o in sorted(overlays.items())) or "无"
            raise CatalogError(f"{where}: field 'province': unknown province '{site.province}' (known overlays: {known})")
        if not site.catalog_areas:
            continue
        if key not in catalogs:
            catalogs[key] = apply_overlay(default_catalog(), overlays[key]) if key else default_catalog()
        for name in site.catalog_areas:
            if find_area(catalogs[key], name) is None:
                raise CatalogError(f"{where}: field 'catalog_areas': unknown area '{name}' "
                                   f"(see: zwgk catalog --level {site.level})")


CATALOG_COLUMNS = (
    ("section", "栏目"), ("area", "领域"), ("item", "事项编号"), ("l1", "一级事项"), ("l2", "二级事项"),
    ("content", "公开内容（要素）"), ("basis", "公开依据"), ("time_limit", "公开时限"), ("time_rule", "机器时限"),
    ("subject", "公开主体"), ("channels", "公开渠道和载体"), ("audience", "公开对象"), ("mode", "公开方式"),
    ("levels", "公开层级"), ("required", "本站必设栏目"), ("verified", "已核实"),
)


def catalog_for_site(site: Site) -> list[dict]:
    """Printable rows (one per catalog item; one per area without items) of the catalog as it applies
    to a site, keys as in ``CATALOG_COLUMNS`` (key, Chinese header). For ``zwgk catalog``."""
    sc = site_catalog(site)
    required = {a.name for a in sc.required}
    rows = []
    for area in sc.areas:
        if area not in sc.applicable and area.name not in required:
            continue
        base = {"section": area.section, "area": area.name, "required": "是" if area.name in required else "否"}
        for item in area.items or (None,):
            rule = area.rule_for(item)
            rows.append({
                **base,
                "item": item.id if item else "",
                "l1": item.l1 if item else "", "l2": (item.l2 or "") if item else "",
                "content": (item.content or "") if item else "",
                "basis": (item.basis if item and item.basis else area.basis),
                "time_limit": (item.time_limit if item and item.time_limit else area.time_limit) or "",
                "time_rule": rule.describe() if rule else "",
                "subject": (item.subject or "") if item else "",
                "channels": "、".join(item.channels) if item else "",
                "audience": "、".join(item.audience) if item else "",
                "mode": "、".join(item.mode) if item else "",
                "levels": "、".join(LEVEL_NAMES[lv] for lv in (item.levels if item else area.levels)),
                "verified": "是" if (item.verified if item else area.verified) else "否（待核实）",
            })
    return rows


def catalog_order(names, catalog=None) -> list[str]:
    """Area names in the catalog's reading order (``AREA_ORDER``; unknown names last, by section)."""
    sections = {a.name: a.section for a in (catalog or default_catalog())}

    def key(name):
        if name in AREA_ORDER:
            return (0, AREA_ORDER.index(name), "", name)
        section = sections.get(name, "")
        return (1, SECTION_ORDER.index(section) if section in SECTION_ORDER else len(SECTION_ORDER), section, name)
    return sorted(set(names), key=key)
