"""What every rule reads: one crawl run's sites and columns, each column's catalog mapping, the
catalog as it applies to each site (province overlay, level, the site's own narrowing), the
thresholds and the working-day calendar — plus a few temp tables the SQL-driven rules join on.

Nothing here looks at today's date: a check depends only on the store and ``as_of``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from checks.catalog import Area, SiteCatalog, areas_for_level, default_catalog, default_overlays, site_catalog
from checks.mapping import AREA_SECTION, KeywordClassifier, Mapping, map_by_content, map_column
from checks.workdays import Calendar, default_calendar
from crawler.sites import OfSite, Site, stored_site
from crawler.store import concluded

# The newest entries of one column in a run (dated on or before as_of), for content checks: read from
# the (column_id, list_date) index, newest first, the URL breaking ties.
RECENT_SQL = """
select t.url, coalesce(d.title, t.title) as title, t.list_date as day
from (select url, title, list_date from column_entries
      where column_id = :column and list_date <= :as_of and :run between first_run and last_run
      order by list_date desc, url limit :n) t
left join documents d on d.url = t.url
"""
# The newest entries are ordered by the date the list shows (what an inspector sees on the column
# page); undated listings take no part in content checks.

# The catalog item of the library of normative documents in force (现行有效行政规范性文件库).
LIBRARY_ITEM = "fdzd-gfxwjk"
# The run's listings in the library's columns with their answered documents of the run (by the
# listings' column index, then each document by its URL): the listing's column and site, the
# document's own (the column and site it was first listed in).
LIBRARY_SQL = """
create temp table ck_library as
select e.column_id, e.site_id, e.url, e.title as list_title, e.list_date, d.title, d.published, d.doc_number,
       d.validity, d.content_type, d.site_id as doc_site_id, d.column_id as doc_column_id
from column_entries e
join documents d on d.url = e.url
where e.column_id in (select column_id from temp.ck_columns where item = :item)
  and :run between e.first_run and e.last_run and :run between d.first_run and d.last_run
  and coalesce(d.http_status, 200) < 400
"""


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
class SiteState(OfSite):
    config: Site                # the site as the crawl stored it: id, name, level, region, url, catalog_areas …
    status: str
    error: str | None
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
        return self.sites_by_id.get(site_id)

    # -- what most rules walk: one way to look up a row's site and column, and to go over them --------

    @cached_property
    def sites_by_id(self) -> dict[str, SiteState]:
        return {s.id: s for s in self.sites}

    @cached_property
    def columns(self) -> dict[int, ColumnState]:
        """Every column of the run's sites by id: the rules that read rows in SQL look their column up here
        (a row whose column or site is not among them is not the run's to judge)."""
        return {col.id: col for site in self.sites for col in site.columns}

    def reached_sites(self):
        """The sites whose portal answered: an unreachable portal is reported as a fetch error, never as
        missing columns, a missing report or a missing library."""
        return (site for site in self.sites if site.status == "ok")

    def mapped_columns(self):
        """(site, column) for every column the check mapped to a catalog area, site by site."""
        return ((site, col) for site in self.sites for col in site.columns if col.mapping)

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

    def document_table(self) -> str:
        """temp.ck_docs: the run's documents some rule looks at, each flagged with why — read in ONE pass
        over ``documents`` for every document-level rule (a store's largest table is scanned once, not
        once per rule). The flags are each rule's cheap first test; the rules decide on these rows:

        - f_misfiled: in a column of a 基层政务公开标准目录 area and its title holds no keyword of that
          area (the classifier's own fast path, as instr over the area's keywords);
        - f_late: in a column with a publication limit, published after written, on or before as_of,
          and at least as many calendar days later as the fewest in which the limit can be exceeded
          (``late_days``: N calendar days + 1; for N working days, counted on the working-day calendar);
        - f_undated: no publication date and no list date; f_dead: HTTP status >= 400;
        - f_annual: a title with 年度报告 or 年报; f_repealer: says it repeals or amends others, dated;
        - f_marked: it shows a validity mark (有效, 失效, 废止 …).
        Rows are documents of the run; every flag but f_dead also needs an answer below 400."""
        if "ck_docs" in self._tables:
            return "temp.ck_docs"
        self.column_table()
        groups: dict[tuple[str, ...], int] = {}
        hits: dict[tuple[str, ...], dict[str, int]] = {}
        rows = []
        for site in self.sites:
            classifier = self.classifier(site)
            for col in site.columns:
                area = site.area(col.mapping.area) if col.mapping else None
                group = None
                if area is not None and area.section == AREA_SECTION:
                    words = classifier.own_words(area.name)
                    group = groups.setdefault(words, len(groups))
                    seen = hits.setdefault(words, dict.fromkeys(words, 0))
                    for entry in col.recent:
                        for w in words:
                            if w in (entry["title"] or ""):
                                seen[w] += 1
                                break
                rows.append((col.id, group))
        late_days = {}
        for column_id, n, unit in self.db.execute("select column_id, limit_n, limit_unit from temp.ck_columns "
                                                  "where limit_n is not null"):
            late_days[column_id] = (self.calendar.fewest_days_over(n, CALENDAR_FLOOR, self.as_of)
                                    if unit == "workdays" else n + 1)   # after the deadline, itself >= formed + N
        self.db.execute("drop table if exists temp.ck_doccols")
        self.db.execute("create temp table ck_doccols (column_id integer primary key, kwgrp integer, "
                        "late_days integer)")
        self.db.conn.executemany("insert into temp.ck_doccols values (?, ?, ?)",
                                 [(column_id, group, late_days.get(column_id)) for column_id, group in rows])
        branches = []
        for words, i in groups.items():
            # the words the columns' newest titles use most are tried first (the test stops at the first)
            words = sorted(words, key=lambda w: -hits[words][w])
            # CASE WHEN stops at the first word found (an OR in a value would test every word)
            test = " ".join(f"when instr(d.title, '{w.replace(chr(39), chr(39) * 2)}') > 0 then 1" for w in words)
            branches.append(f"when {i} then (case {test} else 0 end)" if words else f"when {i} then 0")
        own = f"(case c.kwgrp {' '.join(branches)} else 0 end)" if branches else "0"
        # every flag but f_dead also needs an answer below 400: tested once per row, before the others
        answered = "coalesce(d.http_status, 200) < 400"
        flags = {
            "f_undated": "d.published is null and d.list_date is null",
            "f_repealer": "d.repeals is not null and d.published is not null and d.published <= :as_of",
            "f_marked": "d.validity is not null",
            "f_annual": "instr(d.title, '报') > 0 "   # one test settles most titles
                        "and (instr(d.title, '年度报告') > 0 or instr(d.title, '年报') > 0)",
            "f_late": "c.late_days is not null and d.published > d.written and d.published <= :as_of "
                      "and julianday(d.published) - julianday(d.written) >= c.late_days",
            "f_misfiled": f"c.kwgrp is not null and {own} = 0",
        }
        self.db.execute("drop table if exists temp.ck_docs")
        self.db.execute(
            "create temp table ck_docs as select d.url, d.site_id, d.column_id, d.title, d.list_title, d.list_date, "
            "d.published, d.written, d.doc_number, d.http_status, d.validity, d.repeals, "
            "case when d.http_status >= 400 then 1 else 0 end as f_dead, "
            + ", ".join(f"case when {answered} and {cond} then 1 else 0 end as {name}" for name, cond in flags.items())
            + " from documents d not indexed left join temp.ck_doccols c on c.column_id = d.column_id "
            f"where :run between d.first_run and d.last_run and (d.http_status >= 400 or ({answered} and ("
            + " or ".join(f"({cond})" for cond in flags.values()) + ")))",
            {"run": self.run_id, "as_of": self.as_of.isoformat()})
        self._tables.add("ck_docs")
        return "temp.ck_docs"

    def library_table(self) -> str:
        """temp.ck_library: the library's listings of the run with their documents (LIBRARY_SQL)."""
        if "ck_library" not in self._tables:
            self.column_table()
            self.db.execute("drop table if exists temp.ck_library")
            self.db.execute(LIBRARY_SQL, {"run": self.run_id, "item": LIBRARY_ITEM})
            self.db.execute("create index ck_library_url on ck_library (url)")
            self._tables.add("ck_library")
        return "temp.ck_library"

    def calendar_table(self) -> str:
        """temp.ck_calendar(d, n, wd, next_wd): cumulative working days over the run's date range."""
        if "ck_calendar" in self._tables:
            return "temp.ck_calendar"
        # Every day the late-publication candidates (temp.ck_docs f_late) are measured on: from the earliest
        # of their written dates (not before 1990, parse_date's floor) up to as_of — working-day counts are
        # differences, so where the table starts changes no result.
        self.document_table()
        lo = self.db.execute("select min(written) from temp.ck_docs where f_late = 1").fetchone()[0]
        first = min(max(_day(lo) or self.as_of, CALENDAR_FLOOR), self.as_of)
        last = self.as_of
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


CALENDAR_FLOOR = date(1990, 1, 1)


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


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
        config = stored_site(row)
        catalogs[row["id"]] = (config, site_catalog(config, catalog, overlays))
    n_recent = max([max(int(sc.settings["recent_entries"]), int(sc.settings["content_mapping_min_entries"]))
                    for _, sc in catalogs.values()] or [0])
    recent_args = {"run": run_id, "as_of": as_of.isoformat(), "n": n_recent}
    for row in site_rows:
        config, sc = catalogs[row["id"]]
        site = SiteState(config, row["status"], row["error"])
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
            newest = [{"url": r[0], "title": r[1], "day": r[2]}
                      for r in db.execute(RECENT_SQL, {**recent_args, "column": col["id"]})] if n_recent else []
            col_recent = sorted(newest, key=lambda e: (e["day"] or "", e["url"]), reverse=True)
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
