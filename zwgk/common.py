"""What the command line and the scheduler share: the sites config checked whole and -s NAME=VALUE parsing."""
from __future__ import annotations

from crawler.exceptions import ZwgkError


class UserError(ZwgkError):
    """A mistake in what the user typed (an option, a schedule file): one line, no traceback."""


def load_config(sites_file) -> list:
    """The sites config, loaded once and checked whole before anything is fetched: its own fields and
    selectors (crawler.sites) and its province and catalog_areas names against the catalog
    (checks.catalog). A mistake is a ConfigError or CatalogError (exit code 2), one line naming file,
    site and field."""
    from checks.catalog import check_sites
    from crawler.sites import load_sites

    sites = load_sites(sites_file)
    check_sites(sites, str(sites_file))
    return sites


# Scrapy reads these with getfloat although their defaults are whole numbers.
FLOAT_SETTINGS = {"DOWNLOAD_DELAY", "DOWNLOAD_TIMEOUT", "DNS_TIMEOUT", "CLOSESPIDER_TIMEOUT",
                  "LOGSTATS_INTERVAL", "AUTOTHROTTLE_START_DELAY", "AUTOTHROTTLE_MAX_DELAY"}
KINDS = {bool: ("getbool", "true or false"), int: ("getint", "a whole number"), float: ("getfloat", "a number"),
         dict: ("getdict", "a JSON object")}


def setting_problem(name: str, value) -> str | None:
    """Why ``value`` does not fit the known setting ``name`` (None: it fits, or the setting is unknown).

    The kind of a setting is the type of its default, zwgk's own (crawler.settings) before Scrapy's;
    the value is read with the same Scrapy getter the crawl will use, so what passes here cannot make
    the crawl process fail on start."""
    from scrapy.settings import Settings, default_settings

    from crawler import settings as zwgk_settings

    default = getattr(zwgk_settings, name, getattr(default_settings, name, None)) if name.isupper() else None
    kind = type(default)
    if kind is int and name in FLOAT_SETTINGS:
        kind = float
    if kind not in KINDS:
        return None
    getter, wanted = KINDS[kind]
    try:
        getattr(Settings({name: value}), getter)(name)
    except (TypeError, ValueError):
        return f"-s {name}={value}: {name} must be {wanted} (default {default!r})"
    return None


def parse_settings(pairs) -> dict[str, str]:
    """Scrapy setting overrides given as ``-s NAME=VALUE`` (repeatable), type-checked (exit 2) for the
    settings zwgk and Scrapy know, before any crawl starts."""
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UserError(f"-s expects NAME=VALUE, got {pair!r}", 2)
        settings[name.strip()] = value
    check_settings(settings)
    return settings


def check_settings(settings: dict) -> None:
    for name, value in settings.items():
        problem = setting_problem(name, value)
        if problem:
            raise UserError(problem, 2)
