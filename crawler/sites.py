"""The sites config: a YAML list of portals to crawl, validated on load.

A mistake is reported as one ``ConfigError`` line naming the file, the site and the field, so the
command line can print it and exit 2 before anything is crawled.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from urllib.parse import urlparse

import yaml

from crawler.exceptions import ZwgkError
from crawler.extraction.dom import site_of
from crawler.extraction.selectors import selector_problem

# libyaml's parser when PyYAML was built with it: several times faster on a big sites file.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

LEVELS = ("province", "municipal", "county", "township", "department")
SITE_ID = re.compile(r"^[a-z0-9-]+$")
OVERRIDE_KEYS = ("list_container", "entry", "entry_title", "entry_date", "next_page", "metadata")
SITE_KEYS = {"id", "name", "level", "region", "url", "columns", "extract", "province", "allowed_domains", "catalog_areas",
             "code"}
# 网站标识码 (政府网站发展指引, 国办发〔2017〕47号): 10 characters — the 6-digit administrative division
# code and 4 digits for a local government site, "bm" with 8 digits for a State Council department's.
SITE_CODE = re.compile(r"^(?:\d{10}|bm\d{8})$")
COLUMN_KEYS = {"name", "url", "catalog"}
# What names a site, as the store's sites table keeps it in columns of their own (beside its config).
IDENTITY = ("id", "name", "level", "region", "url")


class ConfigError(ZwgkError, ValueError):
    """A sites config that cannot be used; the message is one line for the user."""
    exit_code = 2


@dataclass(frozen=True)
class Column:
    name: str
    url: str
    catalog: str | None = None


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    level: str
    region: str
    url: str
    columns: tuple[Column, ...] = ()
    extract: dict = field(default_factory=dict)
    province: str | None = None
    allowed_domains: tuple[str, ...] = ()
    catalog_areas: tuple[str, ...] | None = None   # narrows the catalog areas the site must carry
    code: str | None = None                        # 网站标识码, named in the notice's annex

    @property
    def domains(self) -> tuple[str, ...]:
        """Hosts the crawl may visit: the entry page's, configured columns' and any listed extra."""
        hosts = [urlparse(self.url).hostname]
        hosts += [urlparse(c.url).hostname for c in self.columns]
        hosts += list(self.allowed_domains)
        return tuple(dict.fromkeys(h for h in hosts if h))

    def allows(self, url: str) -> bool:
        """May the crawl go to ``url`` for this site: one of its hosts, a host of the entry page's
        registrable domain (http→https, www↔bare, xxgk.<domain>), or a subdomain of allowed_domains?"""
        try:
            parts = urlparse(url)
            host = (parts.hostname or "").lower()
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not host:
            return False
        if host in self.domains or any(host.endswith("." + d) for d in self.allowed_domains):
            return True
        own = site_of(self.url)
        return bool(own) and site_of(url) == own

    def as_row(self) -> dict:
        """The site as the store's ``sites`` table keeps it: its identity, and its config (``stored_site``
        reads it back)."""
        config = self.as_config()
        return {**{key: config[key] for key in IDENTITY}, "config": config}

    def as_config(self) -> dict:
        """The site as it appears in the YAML, for storing beside crawl results."""
        out = {key: getattr(self, key) for key in IDENTITY}
        if self.columns:
            out["columns"] = [{k: v for k, v in vars(c).items() if v is not None} for c in self.columns]
        if self.extract:
            out["extract"] = dict(self.extract)
        if self.province:
            out["province"] = self.province
        if self.allowed_domains:
            out["allowed_domains"] = list(self.allowed_domains)
        if self.catalog_areas is not None:
            out["catalog_areas"] = list(self.catalog_areas)
        if self.code:
            out["code"] = self.code
        return out


class OfSite:
    """Base of what a later layer keeps about one configured site beside it (its state in a check, its
    page in a report): the ``Site`` itself is ``config``, and the site's identity is read from it, never
    copied into fields of its own."""
    config: Site

    # read-only: site.name is site.config.name
    id, name, level, region, url = (property(attrgetter(f"config.{key}")) for key in IDENTITY)


def stored_site(row) -> Site:
    """The site a crawl stored (a row of the store's ``sites`` table): its identity from the row's own
    columns, the rest from the config JSON ``Site.as_config`` wrote (a test or synthetic store may keep
    only part of it, or none). It was validated when the sites config was loaded, so it is taken as
    stored: a store outlives changes to the config's rules, and a report of it must still open."""
    try:
        config = json.loads(row["config"] or "{}")
    except ValueError:
        config = {}
    config = config if isinstance(config, dict) else {}
    areas = config.get("catalog_areas")
    return Site(
        id=row["id"], name=row["name"] or row["id"], level=row["level"] or "",
        region=row.get("region") or config.get("region") or "", url=row["url"] or "",
        columns=tuple(Column(c["name"], c["url"], c.get("catalog")) for c in config.get("columns") or ()),
        extract=dict(config.get("extract") or {}), province=config.get("province"),
        allowed_domains=tuple(config.get("allowed_domains") or ()),
        catalog_areas=tuple(areas) if areas is not None else None, code=config.get("code"))


def _http_url(value, where: str) -> str:
    if not isinstance(value, str) or urlparse(value).scheme not in ("http", "https") or not urlparse(value).hostname:
        raise ConfigError(f"{where}: not an http(s) URL: {value!r}")
    return value


def _text(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: field '{key}' is required and must be text")
    return value.strip()


def identified(entry, where: str, *, what: str, needs: str, pattern: re.Pattern, keys: set, error: type,
               parent: str = ":") -> tuple[str, str]:
    """An entry of a YAML list that must be a mapping with an ``id`` matching ``pattern`` and only
    ``keys``: its id, and ``where`` naming it (``file: site 'x'``) for every later message.
    Shared by the sites config and the catalog (checks.catalog), each with its own ``error``."""
    if not isinstance(entry, dict):
        raise error(f"{where}: each {what} must be a mapping with {needs}")
    entry_id = entry.get("id")
    if not isinstance(entry_id, str) or not pattern.match(entry_id):
        raise error(f"{where}: field 'id' must match [a-z0-9-]+, got {entry_id!r}")
    where = f"{where.rsplit(parent, 1)[0]}: {what} '{entry_id}'"
    unknown = set(entry) - keys
    if unknown:
        raise error(f"{where}: unknown field '{sorted(unknown)[0]}'")
    return entry_id, where


def parse_site(entry, where: str) -> Site:
    site_id, where = identified(entry, where, what="site", needs="id, name, level, region, url", pattern=SITE_ID,
                                keys=SITE_KEYS, error=ConfigError)
    level = entry.get("level")
    if level not in LEVELS:
        raise ConfigError(f"{where}: field 'level' must be one of {', '.join(LEVELS)}, got {level!r}")
    columns = []
    raw_columns = entry.get("columns") or []
    if not isinstance(raw_columns, list):
        raise ConfigError(f"{where}: field 'columns' must be a list")
    for i, col in enumerate(raw_columns):
        cwhere = f"{where}: columns[{i}]"
        if not isinstance(col, dict):
            raise ConfigError(f"{cwhere}: must be a mapping with name and url")
        unknown = set(col) - COLUMN_KEYS
        if unknown:
            raise ConfigError(f"{cwhere}: unknown field '{sorted(unknown)[0]}'")
        catalog = col.get("catalog")
        if catalog is not None and not isinstance(catalog, str):
            raise ConfigError(f"{cwhere}: field 'catalog' must be text")
        columns.append(Column(_text(col, "name", cwhere), _http_url(col.get("url"), f"{cwhere}: field 'url'"), catalog))
    extract = entry.get("extract") or {}
    if not isinstance(extract, dict):
        raise ConfigError(f"{where}: field 'extract' must be a mapping")
    for key, value in extract.items():
        if key not in OVERRIDE_KEYS:
            raise ConfigError(f"{where}: field 'extract.{key}' is not one of {', '.join(OVERRIDE_KEYS)}")
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: field 'extract.{key}' must be a CSS or XPath selector")
        problem = selector_problem(value)
        if problem:
            raise ConfigError(f"{where}: field 'extract.{key}': not a valid CSS or XPath selector {value!r}: {problem}")
    extra_domains = entry.get("allowed_domains") or []
    if not isinstance(extra_domains, list) or not all(isinstance(d, str) for d in extra_domains):
        raise ConfigError(f"{where}: field 'allowed_domains' must be a list of host names")
    province = entry.get("province")
    if province is not None and not isinstance(province, str):
        raise ConfigError(f"{where}: field 'province' must be text")
    catalog_areas = entry.get("catalog_areas")
    if catalog_areas is not None and (
        not isinstance(catalog_areas, list) or not all(isinstance(a, str) and a.strip() for a in catalog_areas)
    ):
        raise ConfigError(f"{where}: field 'catalog_areas' must be a list of catalog area names")
    code = entry.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)  # YAML reads an unquoted 1506000140 as a number
    if code is not None and (not isinstance(code, str) or not SITE_CODE.match(code.strip())):
        raise ConfigError(f"{where}: field 'code' (网站标识码) must be 10 digits, or 'bm' and 8 digits "
                          f"for a department site, got {code!r}")
    return Site(
        id=site_id,
        name=_text(entry, "name", where),
        level=level,
        region=_text(entry, "region", where),
        url=_http_url(entry.get("url"), f"{where}: field 'url'"),
        columns=tuple(columns),
        extract=dict(extract),
        province=province,
        allowed_domains=tuple(extra_domains),
        catalog_areas=tuple(a.strip() for a in catalog_areas) if catalog_areas is not None else None,
        code=code.strip() if code else None,
    )


def parse_sites(text: str, source: str = "<sites>") -> list[Site]:
    try:
        data = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{source}:{line} not valid YAML: {getattr(exc, 'problem', exc)}") from None
    return sites_from_data(data, source)


def sites_from_data(data, source: str = "<sites>") -> list[Site]:
    """Validate an already parsed sites config (``{"sites": [...]}``, as YAML or JSON gives it)."""
    if not isinstance(data, dict) or not isinstance(data.get("sites"), list) or not data["sites"]:
        raise ConfigError(f"{source}: expected a top-level 'sites:' list with at least one site")
    sites, seen = [], set()
    for i, entry in enumerate(data["sites"]):
        site = parse_site(entry, f"{source}: sites[{i}]")
        if site.id in seen:
            raise ConfigError(f"{source}: site '{site.id}': duplicate id")
        seen.add(site.id)
        sites.append(site)
    return sites


def load_sites(path: str | Path) -> list[Site]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_sites(text, str(path))


def dump_sites(sites: list[Site]) -> str:
    """Validated sites as JSON, for handing them to the crawl process without parsing the YAML again."""
    return json.dumps({"sites": [s.as_config() for s in sites]}, ensure_ascii=False)


def load_sites_json(path: str | Path, source: str) -> list[Site]:
    """Sites written by ``dump_sites`` (``source``: the YAML file they came from, for messages)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read the validated sites: {exc}") from None
    return sites_from_data(data, source)
