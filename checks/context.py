"""What every rule reads: one crawl run's sites and columns, each column's catalog mapping, the
catalog as it applies to each site (province overlay, level, the site's own narrowing), the
thresholds and the working-day calendar — plus a few temp tables the SQL-driven rules join on.

Nothing here looks at today's date: a check depends only on the store and ``as_of``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from checks.catalog import Area, SiteCatalog, areas_for_level, default_catalog, default_overlays, site_catalog
from checks.mapping import AREA_SECTION, KeywordClassifier, Mapping, map_by_content, map_column
from checks.workdays import Calendar, default_calendar
from crawler.store import concluded

# The newest entries of every column of a run (dated on or before as_of), for content checks.
RECENT_SQL = """
with top as (
  select column_id, url, title, list_date from (
    select e.column_id, e.url, e.title, e.list_date,
           row_number() over (partition by e.column_id order by e.list_date desc, e.url) as rn
    from column_entries e
    where :run between e.first_run and e.last_run and e.list_date <= :as_of
  ) where rn <= :n
)
select t.column_id, t.url, coalesce(d.title, t.title) as title, t.list_date as day
from top t left join documents d on d.url = t.url
"""
# The newest entries are ordered by the date the list shows (what an inspector sees on the column
# page); undated listings take no part in content checks.


@dataclass
class ColumnState:
    id: int
    site_id: str
    name: str
    url: str
    path: str
    entries: int | None         # None: the column's list was not read to a conclusion in this run
    pages: int
    newest_date: str | None     # as the crawler recorded it (may lie after as_of)
    mapping: Mapping | None
    recent: list[dict] = field(default_factory=list)  # newest entries up to as_of: url, title, day
    empty_evidence: str | None = None  # what showed the list empty (暂无信息, 共0条 …); None: no evidence


@dataclass
class SiteState:
    id: str
    name: str
    level: str
    url: str
    status: str
    error: str | None
    config: dict
    columns: list[ColumnState] = field(default_factory=list)
    catalog: SiteCatalog | None = None

    @property
    def settings(self) -> dict:
        return self.catalog.settings

    def column_for(self, area: str) -> ColumnState | None:
        return next((c for c in self.columns if c.mapping and c.mapping.area == area), None)

    def area(self, name: str | None) -> Area | None:
        return self.catalog.area(name) if name and self.catalog else None


@dataclass
class CheckContext:
    db: object
    run_id: int
    as_of: date
    catalog: tuple[Area, ...]
    sites: list[SiteState]
    calendar: Calendar = field(default_factory=default_calendar)
    _tables: set = field(default_factory=set)

    def required_areas(self, site: SiteState) -> list[Area]:
        if site.catalog is None:
            return areas_for_level(self.catalog, site.level)
        return list(site.catalog.required)

    def site(self, site_id: str) -> SiteState | None:
        return next((s for s in self.sites if s.id == site_id), None)

    def classifier(self, site: SiteState) -> KeywordClassifier:
        key = site.catalog.province if site.catalog else None
        cache = self.__dict__.setdefault("_classifiers", {})
        if key not in cache:
            cache[key] = KeywordClassifier(site.catalog.areas if site.catalog else self.catalog)
        return cache[key]

    # -- temp tables for the SQL rules -------------------------------------------------------------

    def column_table(self) -> str:
        """temp.ck_columns: every column of the run with its mapping and publication limit."""
        if "ck_columns" in self._tables:
            return "temp.ck_columns"
        db = self.db
        db.execute("drop table if exists temp.ck_columns")
        db.execute("create temp table ck_columns (column_id integer primary key, site_id text, area text, "
                   "item text, section text, container integer, limit_n integer, limit_unit text, limit_from text, "
                   "limit_source text)")
        rows = []
        for site in self.sites:
            general = parse_within(site.settings["publish_within"])
            provincial = site.catalog.province is not None and "publish_within" in site.catalog.overlay_settings
            for col in site.columns:
                area = site.area(col.mapping.area) if col.mapping else None
                item = area.item(col.mapping.item) if area and col.mapping.item else None
                limit = publication_limit(area, item, general, provincial)
                rows.append((col.id, site.id, area.name if area else None, item.id if item else None,
                             area.section if area else None, int(bool(area and area.container)), *limit))
        db.conn.executemany("insert into temp.ck_columns values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self._tables.add("ck_columns")
        return "temp.ck_columns"

    def calendar_table(self) -> str:
        """temp.ck_calendar(d, n, wd, next_wd): cumulative working days over the run's date range."""
        if "ck_calendar" in self._tables:
            return "temp.ck_calendar"
        lo, hi = self.db.execute(
            "select min(min(coalesce(written, published)), min(coalesce(published, written))), "
            "max(max(coalesce(written, published)), max(coalesce(published, written))) "
            "from documents where ? between first_run and last_run", [self.run_id]).fetchone()
        first = _clamp(lo, date(1990, 1, 1), self.as_of)
        last = _clamp(hi, date(1990, 1, 1), self.as_of)
        first, last = min(first, last), max(first, last)
        self.db.execute("drop table if exists temp.ck_calendar")
        self.db.execute("create temp table ck_calendar (d text primary key, n integer, wd integer, next_wd text) "
                        "without rowid")
        # one year of margin past the last date, for 'N days' deadlines moved to the next working day
        rows = self.calendar.table(first, date(last.year + 1, 12, 31))
        self.db.conn.executemany("insert into temp.ck_calendar values (?, ?, ?, ?)", rows)
        self._tables.add("ck_calendar")
        return "temp.ck_calendar"

    def calendar_sources(self, *years: int) -> dict[int, str]:
        return {y: self.calendar.source(y) for y in sorted(set(years))}


def _clamp(value, lo: date, hi: date) -> date:
    try:
        d = date.fromisoformat(value[:10]) if value else hi
    except ValueError:
        d = hi
    return min(max(d, lo), hi)


def parse_within(text: str) -> tuple[int, str]:
    from checks.thresholds import parse_span
    return parse_span(text)


def publication_limit(area: Area | None, item, general: tuple[int, str], province: bool = False) -> tuple:
    """(n, unit, from, source) of the late-publication rule for a column; n is None when not measured.

    source: "catalog" (the item's/area's own period), "national" (条例第二十六条 for unmapped columns
    and areas without a period) or "province" (a province's shorter general limit). A rule counted
    from something the page does not show (人大 approval, an enforcement decision) cannot be measured
    from 成文日期 and is skipped, as are unverified areas and items without a period."""
    national = (general[0], general[1], "formed", "province" if province else "national")
    if area is not None and not area.verified:
        return (None, None, "unverified", None)
    rule = area.rule_for(item) if area else None
    if rule is None or rule.within is None:
        if rule is not None and (rule.event_driven or rule.permanent or rule.annual_by):
            return (None, None, "no-period", None)
        return national
    if rule.start != "formed" or rule.within[1] not in ("workdays", "days"):
        return (None, None, rule.start, None)
    n, unit = rule.within
    if unit == general[1] == "workdays" and general[0] < n:
        return national   # a province's shorter general limit wins over a longer catalog period
    return (n, unit, "formed", "catalog")


def load_context(db, run_id: int, as_of: date, catalog=None, overlays=None, calendar: Calendar | None = None) -> CheckContext:
    catalog = default_catalog() if catalog is None else catalog
    overlays = default_overlays() if overlays is None else overlays
    ctx = CheckContext(db, run_id, as_of, catalog, [], calendar or default_calendar())
    site_rows = list(db.query("select * from sites where ? between first_run and last_run order by id", [run_id]))
    catalogs = {}
    for row in site_rows:
        config = json.loads(row["config"] or "{}")
        config.setdefault("region", row["region"])
        config.setdefault("id", row["id"])
        catalogs[row["id"]] = (config, site_catalog(config, row["level"], catalog, overlays))
    # The newest entries of every column in one pass (window function over the run's listings).
    n_recent = max([max(int(sc.settings["recent_entries"]), int(sc.settings["content_mapping_min_entries"]))
                    for _, sc in catalogs.values()] or [0])
    recent: dict[int, list[dict]] = {}
    for r in db.query(RECENT_SQL, {"run": run_id, "as_of": as_of.isoformat(), "n": n_recent}):
        recent.setdefault(r["column_id"], []).append({"url": r["url"], "title": r["title"], "day": r["day"]})
    for row in site_rows:
        config, sc = catalogs[row["id"]]
        site = SiteState(row["id"], row["name"], row["level"], row["url"], row["status"], row["error"], config)
        site.catalog = sc
        areas = site.catalog.areas
        settings = site.catalog.settings
        classifier = ctx.classifier(site)
        for col in db.query(
            "select c.*, r.entries, r.pages, r.newest_date, r.empty_evidence, r.walk from columns c "
            "left join column_runs r on r.column_id = c.id and r.run_id = ? "
            "where c.site_id = ? and ? between c.first_run and c.last_run order by c.id",
            [run_id, site.id, run_id],
        ):
            col_recent = sorted(recent.get(col["id"], []), key=lambda e: (e["day"] or "", e["url"]), reverse=True)
            mapping = map_column(col["name"], col["catalog"], areas, col["path"], col["url"])
            if mapping is None and not col["catalog"]:
                mapping = map_by_content([e["title"] for e in col_recent], classifier,
                                         int(settings["content_mapping_min_entries"]),
                                         float(settings["content_mapping_share"]))
            site.columns.append(ColumnState(
                col["id"], site.id, col["name"], col["url"], col["path"],
                col["entries"] if concluded(col["pages"], col["walk"]) else None, col["pages"] or 0,
                col["newest_date"], mapping, col_recent, col["empty_evidence"],
            ))
        ctx.sites.append(site)
    return ctx


def is_area_column(site: SiteState, col: ColumnState) -> bool:
    """A column standing for one of the 26 areas (not a section of the disclosure column)."""
    area = site.area(col.mapping.area) if col.mapping else None
    return bool(area and area.section == AREA_SECTION)
