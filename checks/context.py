"""What every rule reads: one crawl run's sites and columns, with each column's catalog mapping."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from checks.catalog import Area, areas_for_level
from checks.mapping import Mapping, map_column


@dataclass
class ColumnState:
    id: int
    site_id: str
    name: str
    url: str
    path: str
    entries: int | None         # None: the column's list page was never read in this run
    pages: int
    newest_date: str | None
    mapping: Mapping | None


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


@dataclass
class CheckContext:
    db: object
    run_id: int
    as_of: date
    catalog: tuple[Area, ...]
    sites: list[SiteState]

    def required_areas(self, site: SiteState) -> list[Area]:
        return areas_for_level(self.catalog, site.level)


def load_context(db, run_id: int, as_of: date, catalog) -> CheckContext:
    sites = []
    for row in db.query("select * from sites where last_run = ? order by id", [run_id]):
        site = SiteState(row["id"], row["name"], row["level"], row["url"], row["status"], row["error"],
                         json.loads(row["config"] or "{}"))
        site_areas = areas_for_level(catalog, site.level)
        for col in db.query(
            "select c.*, r.entries, r.pages, r.newest_date from columns c "
            "left join column_runs r on r.column_id = c.id and r.run_id = ? "
            "where c.site_id = ? and c.last_run = ? order by c.id",
            [run_id, site.id, run_id],
        ):
            mapping = map_column(col["name"], col["catalog"], site_areas)
            site.columns.append(ColumnState(
                col["id"], site.id, col["name"], col["url"], col["path"],
                col["entries"] if col["pages"] else None, col["pages"] or 0, col["newest_date"], mapping,
            ))
        sites.append(site)
    return CheckContext(db, run_id, as_of, catalog, sites)
