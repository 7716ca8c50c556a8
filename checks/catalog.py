"""The standard disclosure catalog as data: one YAML file per area in ``checks/catalog/``.

Loading validates every file; a mistake is one ``CatalogError`` line naming the file, the area
and the field.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from crawler.sites import LEVELS

CATALOG_DIR = Path(__file__).parent / "catalog"
AREA_KEYS = {"area", "section", "aliases", "levels", "basis", "keywords"}


class CatalogError(ValueError):
    """A catalog file that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class Area:
    name: str
    section: str
    aliases: tuple[str, ...]
    levels: tuple[str, ...]
    basis: str
    keywords: tuple[str, ...]
    source: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _strings(value, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CatalogError(f"{where}: field '{field}' must be a list of text")
    return tuple(v.strip() for v in value)


def parse_area(data, source: str) -> Area:
    if not isinstance(data, dict):
        raise CatalogError(f"{source}: expected a mapping with area, section, levels, basis")
    name = data.get("area")
    if not isinstance(name, str) or not name.strip():
        raise CatalogError(f"{source}: field 'area' is required and must be text")
    where = f"{source}: area '{name}'"
    unknown = set(data) - AREA_KEYS
    if unknown:
        raise CatalogError(f"{where}: unknown field '{sorted(unknown)[0]}'")
    for field in ("section", "basis"):
        if not isinstance(data.get(field), str) or not data[field].strip():
            raise CatalogError(f"{where}: field '{field}' is required and must be text")
    levels = _strings(data.get("levels"), where, "levels")
    if not levels or any(level not in LEVELS for level in levels):
        raise CatalogError(f"{where}: field 'levels' must list some of {', '.join(LEVELS)}")
    return Area(name.strip(), data["section"].strip(), _strings(data.get("aliases"), where, "aliases"), levels,
                data["basis"].strip(), _strings(data.get("keywords"), where, "keywords"), source)


def load_catalog(directory: str | Path = CATALOG_DIR) -> tuple[Area, ...]:
    directory = Path(directory)
    if not directory.is_dir():
        raise CatalogError(f"{directory}: no such catalog directory")
    areas, seen = [], {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise CatalogError(f"{path}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
        area = parse_area(data, str(path))
        if area.name in seen:
            raise CatalogError(f"{path}: area '{area.name}': duplicate of {seen[area.name]}")
        seen[area.name] = path.name
        areas.append(area)
    if not areas:
        raise CatalogError(f"{directory}: no catalog files (*.yaml)")
    return tuple(areas)


@lru_cache(maxsize=None)
def default_catalog() -> tuple[Area, ...]:
    return load_catalog()


def areas_for_level(areas, level: str) -> list[Area]:
    return [a for a in areas if level in a.levels]
