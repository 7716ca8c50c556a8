"""What a report shows about one run, read from the store with aggregating SQL.

Documents are only ever counted in SQL or fetched as the (small) list of this run's new ones: a
report of a million documents never loads them into Python.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from checks.catalog import catalog_order, default_catalog
from checks.mapping import explain
from checks.persistence import finding_key
from checks.score import site_scores
from crawler import sites as configured
from crawler.store import concluded
from reports.common import RULE_NAMES, ReportError, days_between, finding_date, load_evidence, rule_order, run_as_of, slug

TREND_RUNS = 12
# What one catalog area of one site shows, worst first: the rule whose finding decides it, else the
# mapping the check stored ("has"), a column whose list was not read ("unread"), or an area the
# site's catalog does not require and no column stands for ("na", 不适用). One status per cell.
AREA_STATUSES = ("missing", "empty", "stale", "mismatch", "problem", "unread", "has", "na")
# Findings about the area's column as a whole decide its cell; findings about single documents
# (late, misfiled, undated, dead, removed) are listed beside it, not shown as the area's status.
STATUS_RULES = {"column-missing": "missing", "column-empty": "empty", "column-stale": "stale",
                "content-mismatch": "mismatch", "annual-report-missing": "problem", "interpretation-missing": "problem"}


@dataclass
class Column:
    id: int
    site_id: str
    name: str
    url: str
    path: str | None
    area: str | None
    mapping_reason: str | None
    entries: int | None          # None: the column's list page was not read in this run
    new_entries: int | None
    pages: int
    newest_date: str | None
    days_since: int | None
    rules: list = field(default_factory=list)   # rule ids with a finding on this column
    empty_evidence: str | None = None           # what showed the list empty (暂无信息, 共0条 …)


@dataclass
class AreaRow:
    name: str
    section: str
    columns: list
    status: str                   # one of AREA_STATUSES
    findings: list                # the run's findings on this area
    link: str | None              # the column on the portal (or the entry page when missing)
    required: bool = True

    @property
    def entries(self) -> int | None:
        read = [c.entries for c in self.columns if c.entries is not None]
        return sum(read) if read else None

    @property
    def newest(self) -> str | None:
        return max((c.newest_date for c in self.columns if c.newest_date), default=None)

    @property
    def days_since(self) -> int | None:
        return min((c.days_since for c in self.columns if c.days_since is not None), default=None)


@dataclass
class Site(configured.OfSite):
    config: configured.Site       # the site as the crawl stored it (crawler.sites.stored_site)
    status: str
    error: str | None
    slug: str
    required_names: list = field(default_factory=list)   # the areas the check required of the site
    columns: list = field(default_factory=list)
    documents: int = 0
    new_documents: int = 0
    findings: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    score: dict | None = None
    areas: list = field(default_factory=list)
    required: int = 0
    covered: int = 0
    trend: list = field(default_factory=list)     # [(run_id, findings or None, score or None)]
    prev_run: int | None = None
    prev_checked: bool = False
    new_findings: list = field(default_factory=list)
    resolved_findings: list = field(default_factory=list)
    new_docs: list = field(default_factory=list)
    removed_entries: list = field(default_factory=list)
    rank: int = 0
    template: dict | None = None                  # the column-page template learned in this run

    @cached_property
    def by_rule(self) -> Counter:
        # Counted once: the overview reads it for every rule of every site. load_report sets
        # ``findings`` before anything reads this.
        return Counter(f["rule"] for f in self.findings)

    @property
    def coverage(self) -> float | None:
        return self.covered / self.required if self.required else None


@dataclass
class Report:
    run: dict
    as_of: date
    sites: list
    trend_runs: list
    overall_trend: list           # [(run_id, findings of these sites, mean score or None)]
    rules_seen: list
    has_scores: bool
    totals: dict
    regions: list = field(default_factory=list)     # one row per 市 (``regions``)
    run_stats: list = field(default_factory=list)   # per trend run: date, findings by rule, new, fixed

    @cached_property
    def by_rule(self) -> Counter:
        # Counted once, like Site.by_rule: the overview and the findings page read it per rule.
        return Counter(f["rule"] for s in self.sites for f in s.findings)

    @cached_property
    def sites_by_rule(self) -> Counter:
        return Counter(rule for s in self.sites for rule in s.by_rule)

    @property
    def failing(self) -> list:
        return [s for s in self.sites if s.score and not s.score["passed"]]

    @property
    def pass_rate(self) -> float | None:
        scored = [s for s in self.sites if s.score]
        return 100 * sum(1 for s in scored if s.score["passed"]) / len(scored) if scored else None


def stored_mappings(db, run_id: int) -> dict[int, tuple[str | None, str | None]]:
    """{column_id: (area, why in Chinese)} as the check of ``run_id`` stored them ({} for an unchecked run)."""
    return {r["column_id"]: (r["area"], explain(r)) for r in db.query(
        "select column_id, area, item, reason, matched from column_mappings where run_id = ?", [run_id])}


def _site_ids_in_run(db, run_id: int) -> set[str]:
    rows = db.execute(
        "select id from sites where :r between first_run and last_run "
        "union select c.site_id from column_runs cr join columns c on c.id = cr.column_id where cr.run_id = :r "
        "union select distinct site_id from findings where run_id = :r "
        "union select distinct site_id from fetch_errors where run_id = :r",
        {"r": run_id}).fetchall()
    return {r[0] for r in rows if r[0] is not None}


def load_scores(db, run_id: int) -> dict[str, dict] | None:
    """``checks.score.site_scores`` by site id; None when the run was never checked (an unchecked run
    has no findings to deduct, not a perfect score)."""
    run = db.execute("select checked_at from runs where id = ?", [run_id]).fetchone()
    if not run or not run[0]:
        return None
    return {row["site"]: row for row in site_scores(db, run_id)}


def previous_runs(db, run_id: int, site_ids) -> dict[str, int]:
    """For each site, the newest finished crawl run before ``run_id`` that included it."""
    todo, found = set(site_ids), {}
    candidates = [r[0] for r in db.execute(
        "select id from runs where id < ? and status = 'finished' and kind = 'crawl' order by id desc limit 200",
        [run_id])]
    for prev in candidates:
        if not todo:
            break
        for site_id in _site_ids_in_run(db, prev) & todo:
            found[site_id] = prev
            todo.discard(site_id)
    return found


def _finding_key(f: dict) -> str:
    return f.get("key") or finding_key(f["site_id"], f["rule"], f.get("column_url"), f.get("catalog_area"), f.get("url"))


class _Keys:
    """``_stored_keys`` of each run, read once: the changes against each site's previous run and the
    new and fixed findings of each run of the trend both compare them."""

    def __init__(self, db):
        self.db, self.runs = db, {}

    def __call__(self, run_ids: list) -> list[tuple[int, int, str, str, str]]:
        todo = [r for r in run_ids if r not in self.runs]
        if todo:
            for r in todo:
                self.runs[r] = []
            for row in _stored_keys(self.db, todo):
                self.runs[row[1]].append(row)
        return [row for r in run_ids for row in self.runs[r]]


def _stored_keys(db, run_ids: list) -> list[tuple[int, int, str, str, str]]:
    """(finding id, run id, site id, rule, key) of the findings of ``run_ids``: the key is a finding's
    identity across runs as the check stored it (checks/persistence.py), or built the same way for a
    run checked before keys were stored."""
    marks = ",".join("?" * len(run_ids))
    rows = db.execute(f"select id, run_id, site_id, rule, key from findings where run_id in ({marks}) "
                      "and key is not null", run_ids).fetchall()
    rows += [(fid, r, site_id, rule, finding_key(site_id, rule, *parts)) for fid, r, site_id, rule, *parts in db.execute(
        f"select id, run_id, site_id, rule, column_url, catalog_area, url from findings where run_id in ({marks}) "
        "and key is null", run_ids)]
    return rows


def _load_findings(db, run_id: int, site_ids=None) -> dict[str, list]:
    out = defaultdict(list)
    # The archived copy of the page each finding rests on (checks/evidence.py): its fetch time.
    for row in db.query("select f.*, w.fetched_at as page_fetched_at from findings f "
                        "left join warc_records w on w.id = f.record_id where f.run_id = ? order by f.site_id, f.id",
                        [run_id]):
        if site_ids is not None and row["site_id"] not in site_ids:
            continue
        row["evidence"] = load_evidence(row["evidence"])
        row["date"] = finding_date(row)
        out[row["site_id"]].append(row)
    for rows in out.values():
        rows.sort(key=lambda f: (rule_order(f["rule"]), f["id"]))
    return out


def load_aggregates(db, run_id: int, *, trend_runs: int = TREND_RUNS, documents: bool = True,
                    keys: _Keys | None = None) -> dict:
    """What ``load_report`` counts over whole tables rather than reads row by row, none of it needing
    the rest: {scores (``load_scores``), trend (``_trend``, for every site of the run), run_stats
    (``_run_stats``), documents ({site_id: (documents in the run, new in it)}, when ``documents``)}.
    Small, and picklable: a report's helper process counts them on a connection of its own while
    the report reads the findings (reports.render)."""
    scores = load_scores(db, run_id)
    trend = _trend(db, run_id, sorted(_site_ids_in_run(db, run_id)), trend_runs, scores)
    counts = {}
    if documents:
        # The index of (site_id, first_run, last_run) (store migration 9) is read, not the table.
        counts = {site_id: (in_run or 0, new or 0) for site_id, in_run, new in db.execute(
            "select site_id, sum(case when first_run <= ? and last_run >= ? then 1 else 0 end), "
            "sum(case when first_run = ? then 1 else 0 end) from documents group by site_id",
            [run_id, run_id, run_id])}
    return {"scores": scores, "trend": trend, "run_stats": _run_stats(db, trend["runs"], keys or _Keys(db)),
            "documents": counts}


def load_report(db, run_id: int, *, catalog=None, diff: bool = True, trend_runs: int = TREND_RUNS,
                documents: bool = True, aggregates=None) -> Report:
    """What the report shows of ``run_id``. ``diff``: what changed since each site's previous run;
    ``trend_runs``: how many runs the trends span; ``documents``: count each site's documents (one
    pass over the documents table, the largest; a notice draft that never cites them skips it).
    ``aggregates``: a function returning ``load_aggregates`` of this run with the same
    ``trend_runs`` and ``documents`` (counted elsewhere meanwhile), called once the findings are
    read; by default they are counted here."""
    row = db.execute("select * from runs where id = ?", [run_id]).fetchone()
    if row is None:
        raise ReportError(f"no run {run_id} in the database")
    run = dict(zip([d[0] for d in db.execute("select * from runs limit 0").description], row))
    as_of = run_as_of(run)
    catalog = catalog or default_catalog()
    site_ids = _site_ids_in_run(db, run_id)
    sites = {}
    if site_ids:
        marks = ",".join("?" * len(site_ids))
        for row in db.query(f"select * from sites where id in ({marks}) order by id", sorted(site_ids)):
            sites[row["id"]] = Site(configured.stored_site(row), row["status"] or "", row["error"], slug(row["id"]))
    # How the check mapped each column; an unchecked run has no mappings (and no findings).
    mappings = stored_mappings(db, run_id)
    # Columns as shown in this run, with what their list pages held.
    for row in db.query(
        "select c.id, c.site_id, c.name, c.url, c.path, c.catalog, r.entries, r.new_entries, r.pages, r.newest_date, "
        "r.empty_evidence, r.walk "
        "from columns c left join column_runs r on r.column_id = c.id and r.run_id = :r "
        "where r.run_id is not null or :r between c.first_run and c.last_run order by c.site_id, c.id", {"r": run_id}
    ):
        site = sites.get(row["site_id"])
        if site is None:
            continue
        area, reason = mappings.get(row["id"], (None, None))
        read = concluded(row["pages"], row["walk"])   # a partial walk shows as not read, as the checks see it
        site.columns.append(Column(
            row["id"], row["site_id"], row["name"] or "", row["url"] or "", row["path"], area, reason,
            row["entries"] if read else None, row["new_entries"] if read else None, row["pages"] or 0,
            row["newest_date"], days_between(row["newest_date"], as_of),
            empty_evidence=row["empty_evidence"] if read and not row["entries"] else None,
        ))
    for row in db.query("select * from site_templates where run_id = ?", [run_id]):
        if row["site_id"] in sites:
            sites[row["site_id"]].template = {**row, "examples": json.loads(row["examples"] or "[]")}
    # Documents: counted per site; this run's new ones listed for the sites that have a previous run
    # to compare with (a first crawl would list everything as new).
    prev = previous_runs(db, run_id, sites) if diff else {}
    compared = sorted(prev)
    new_docs = {}
    if documents:
        # Read from the index of (site_id, first_run, last_run) (store migration 9), not the table.
        for chunk in range(0, len(compared), 500):
            part = compared[chunk:chunk + 500]
            for site_id, *doc in db.execute(
                "select site_id, url, title, list_title, published, written, list_date, column_id from documents "
                f"where first_run = ? and site_id in ({','.join('?' * len(part))})", [run_id, *part]
            ):
                new_docs.setdefault(site_id, []).append(doc)
    for site_id, rows in _load_findings(db, run_id, sites).items():
        sites[site_id].findings = rows
    for row in db.query("select * from fetch_errors where run_id = ? order by site_id, id", [run_id]):
        if row["site_id"] in sites:
            sites[row["site_id"]].errors.append(row)

    keys = _Keys(db)
    counted = aggregates() if aggregates else load_aggregates(db, run_id, trend_runs=trend_runs,
                                                              documents=documents, keys=keys)
    for site_id, (in_run, new) in counted["documents"].items():
        if site_id in sites:
            sites[site_id].documents, sites[site_id].new_documents = in_run, new
    scores = counted["scores"]
    for site_id, required, covered, stats in db.execute(
            "select site_id, required_areas, covered_areas, stats from site_checks where run_id = ?", [run_id]):
        if site_id in sites:
            site = sites[site_id]
            site.required, site.covered = required or 0, covered or 0
            site.required_names = (json.loads(stats or "{}") or {}).get("required") or []
    for site in sites.values():
        site.score = (scores or {}).get(site.id)
        _areas(site, catalog)

    trend = counted["trend"]
    for site in sites.values():
        site.trend = trend["sites"].get(site.id, [])
    if diff:
        _diff(db, run_id, sites, prev, new_docs, keys)

    ordered = rank(list(sites.values()))
    overall = []
    for i, r in enumerate(trend["runs"]):
        points = [s.trend[i] for s in ordered if s.trend and s.trend[i][1] is not None]
        scored = [p[2] for p in points if p[2] is not None]
        overall.append((r, sum(p[1] for p in points) if points else None,
                        sum(scored) / len(scored) if scored else None))
    # Every rule gets its column, found or not, so runs and sites compare at a glance.
    rules_seen = sorted(set(RULE_NAMES) | {f["rule"] for s in ordered for f in s.findings}, key=rule_order)
    totals = {
        "sites": len(ordered), "documents": sum(s.documents for s in ordered),
        "new_documents": sum(s.new_documents for s in ordered),
        "findings": sum(len(s.findings) for s in ordered), "errors": sum(len(s.errors) for s in ordered),
        "new_findings": sum(len(s.new_findings) for s in ordered),
        "resolved_findings": sum(len(s.resolved_findings) for s in ordered),
        "new_docs_listed": sum(len(s.new_docs) for s in ordered),
        "removed_entries": sum(len(s.removed_entries) for s in ordered),
        "compared": sum(1 for s in ordered if s.prev_run),
    }
    return Report(run, as_of, ordered, trend["runs"], overall, rules_seen, scores is not None, totals,
                  regions(ordered), counted["run_stats"])


def rank(sites: list) -> list:
    """Worst first: failed before passed, then by score (lowest first), then by findings (most first);
    without scores (an unchecked run) by findings. Each site gets its 1-based ``rank``."""
    def key(s):
        score = s.score["score"] if s.score else None
        passed = s.score["passed"] if s.score else True
        return (passed, score if score is not None else 101, -len(s.findings), s.id)
    ordered = sorted(sites, key=key)
    for n, site in enumerate(ordered, start=1):
        site.rank = n
    return ordered


def region_of(site) -> str:
    """The 市 a site belongs to: the first two parts of its region path (省/市), or the region itself."""
    parts = [p for p in (site.region or "").split("/") if p]
    return "/".join(parts[:2]) if len(parts) > 1 else (parts[0] if parts else "")


def regions(sites: list) -> list[dict]:
    """One row per 市: sites, passed, failed, pass rate, findings (by severity), in rank order of rate."""
    rows: dict[str, dict] = {}
    for site in sites:
        row = rows.setdefault(region_of(site), {"name": region_of(site), "sites": 0, "passed": 0, "failed": 0,
                                                "findings": 0, "high": 0, "medium": 0, "low": 0, "scored": 0})
        row["sites"] += 1
        row["findings"] += len(site.findings)
        for f in site.findings:
            if f.get("severity") in ("high", "medium", "low"):
                row[f["severity"]] += 1
        if site.score:
            row["scored"] += 1
            row["passed" if site.score["passed"] else "failed"] += 1
    for row in rows.values():
        row["rate"] = 100 * row["passed"] / row["scored"] if row["scored"] else None
    return sorted(rows.values(), key=lambda r: (r["rate"] if r["rate"] is not None else 101, -r["findings"], r["name"]))


def _run_stats(db, runs: list, keys: _Keys) -> list[dict]:
    """Per run of the trend: its date, findings by rule, findings new and fixed against the run before."""
    if not runs:
        return []
    marks = ",".join("?" * len(runs))
    dates = {r: (a or (s or "")[:10]) for r, a, s in db.execute(
        f"select id, as_of, started_at from runs where id in ({marks})", runs)}
    by_rule, found = defaultdict(Counter), defaultdict(set)
    for _, r, _, rule, key in keys(runs):
        by_rule[r][rule] += 1
        found[r].add(key)
    out = []
    for i, r in enumerate(runs):
        new = fixed = None
        if i:
            prev = runs[i - 1]
            new, fixed = len(found[r] - found[prev]), len(found[prev] - found[r])
        out.append({"run": r, "date": dates.get(r) or "", "by_rule": by_rule[r], "total": sum(by_rule[r].values()),
                    "new": new, "fixed": fixed})
    return out


def _areas(site: Site, catalog) -> None:
    """One row per catalog area the check required of the site, or that one of its columns stands for
    (as the check mapped it), in catalog order. Each area has one status, decided by the run's
    findings on it (the worst), else by the stored mapping: nothing here re-judges a column."""
    by_area_cols = defaultdict(list)
    for col in site.columns:
        if col.area:
            by_area_cols[col.area].append(col)
    by_col_rules = defaultdict(set)
    area_findings = defaultdict(list)
    for f in site.findings:
        if f.get("column_id") is not None:
            by_col_rules[f["column_id"]].add(f["rule"])
        if f.get("catalog_area"):
            area_findings[f["catalog_area"]].append(f)
    for col in site.columns:
        col.rules = sorted(by_col_rules.get(col.id, ()), key=rule_order)
    required = set(site.required_names)
    names = catalog_order(required | set(by_area_cols) | set(area_findings), catalog)
    sections = {a.name: a.section for a in catalog}
    site.areas = []
    for name in names:
        cols, found = by_area_cols.get(name, []), area_findings.get(name, [])
        ruled = [STATUS_RULES[f["rule"]] for f in found if f["rule"] in STATUS_RULES]
        if ruled:
            status = min(ruled, key=AREA_STATUSES.index)
        elif cols and all(c.entries is None for c in cols):
            status = "unread"
        elif cols:
            status = "has"
        else:
            status = "na"
        link = cols[0].url if cols else (site.url or None)
        site.areas.append(AreaRow(name, sections.get(name, ""), cols, status, found, link, name in required))


def _trend(db, run_id: int, site_ids, limit: int, scores_now) -> dict:
    """Findings (and scores, when scored) per site over the last ``limit`` checked runs up to this one."""
    runs = [r[0] for r in db.execute(
        "select id from runs where id <= ? and kind = 'crawl' and status != 'running' "
        "and (checked_at is not null or id = ?) order by id desc limit ?", [run_id, run_id, limit])]
    runs.reverse()
    if not runs:
        return {"runs": [], "sites": {}}
    marks = ",".join("?" * len(runs))
    counts = {(r, s): n for r, s, n in db.execute(
        f"select run_id, site_id, count(*) from findings where run_id in ({marks}) group by run_id, site_id", runs)}
    present = set(counts)
    for r in runs:
        if r != run_id:
            present |= {(r, s) for s in _site_ids_in_run(db, r)}
    score_by_run = {run_id: scores_now or {}}
    if scores_now is not None:
        for r in runs:
            if r != run_id:
                score_by_run[r] = load_scores(db, r) or {}
    out = {}
    for site_id in site_ids:
        series = []
        for r in runs:
            if r == run_id or (r, site_id) in present:
                score = (score_by_run.get(r) or {}).get(site_id, {}).get("score")
                series.append((r, counts.get((r, site_id), 0), score))
            else:
                series.append((r, None, None))
        out[site_id] = series
    return {"runs": runs, "sites": out}


def _diff(db, run_id: int, sites: dict, prev: dict[str, int], new_docs: dict[str, list], keys: _Keys) -> None:
    """New and resolved findings, new documents and removed listings against each site's previous run."""
    if not prev:
        return
    runs = sorted(set(prev.values()))
    checked = {r: bool(c) for r, c in db.execute(
        f"select id, checked_at from runs where id in ({','.join('?' * len(runs))})", runs)}
    by_prev = defaultdict(set)
    for site_id, prev_run in prev.items():
        sites[site_id].prev_run = prev_run
        sites[site_id].prev_checked = checked.get(prev_run, False)
        by_prev[prev_run].add(site_id)
    for prev_run, group in by_prev.items():
        if not checked.get(prev_run):
            continue
        # Keys first; full rows only for the (few) findings that are gone.
        old_keys, gone = defaultdict(set), []
        for fid, _, site_id, _, key in keys([prev_run]):
            if site_id in group:
                old_keys[site_id].add(key)
                gone.append((fid, key))
        now = {site_id: [_finding_key(f) for f in sites[site_id].findings] for site_id in group}
        now_keys = {k for site_keys in now.values() for k in site_keys}
        gone_ids = [fid for fid, key in gone if key not in now_keys]
        resolved = defaultdict(list)
        for chunk in range(0, len(gone_ids), 500):
            ids = gone_ids[chunk:chunk + 500]
            for row in db.query(f"select * from findings where id in ({','.join('?' * len(ids))})", ids):
                row["evidence"] = load_evidence(row["evidence"])
                row["date"] = finding_date(row)
                resolved[row["site_id"]].append(row)
        for site_id in group:
            site = sites[site_id]
            site.new_findings = [f for f, key in zip(site.findings, now[site_id]) if key not in old_keys[site_id]]
            site.resolved_findings = sorted(resolved.get(site_id, []), key=lambda f: (rule_order(f["rule"]), f["id"]))
    columns = {c.id: c for s in sites.values() for c in s.columns}
    missing = {d[6] for docs in new_docs.values() for d in docs if d[6] is not None and d[6] not in columns}
    extra = {}
    if missing:
        extra = {r[0]: (r[1], r[2]) for r in db.execute(
            f"select id, name, url from columns where id in ({','.join('?' * len(missing))})", sorted(missing))}
    for site_id, docs in new_docs.items():
        rows = []
        for url, title, list_title, published, written, list_date, column_id in docs:
            col = columns.get(column_id)
            name, col_url = (col.name, col.url) if col else extra.get(column_id, (None, None))
            rows.append({"url": url, "site_id": site_id, "title": title, "list_title": list_title,
                         "published": published, "written": written, "list_date": list_date,
                         "column_id": column_id, "column_name": name, "column_url": col_url})
        sites[site_id].new_docs = sorted(rows, key=lambda d: (d["column_name"] or "", d["url"]))
    # Listings gone from their column: as the crawler recorded them (removed-from-column events, for
    # columns read to their last page), or, in a store without events, listings last seen in the
    # previous run whose column was read again now.
    if db.execute(
            "select 1 from document_events where run_id = ? limit 1", [run_id]).fetchone():
        for row in db.query(
            "select ev.column_id, ev.url, ev.site_id, coalesce(ev.title, e.title) as title, e.list_date, "
            "c.name as column_name, c.url as column_url from document_events ev "
            "left join columns c on c.id = ev.column_id "
            "left join column_entries e on e.column_id = ev.column_id and e.url = ev.url "
            "where ev.run_id = ? and ev.event = 'removed-from-column' order by ev.site_id, c.name, ev.url", [run_id]
        ):
            if row["site_id"] in prev:
                sites[row["site_id"]].removed_entries.append(row)
        return
    read_now = {c.id for s in sites.values() for c in s.columns if c.entries is not None}
    for prev_run, group in by_prev.items():
        g_marks = ",".join("?" * len(group))
        for row in db.query(
            "select e.column_id, e.url, e.site_id, e.title, e.list_date, c.name as column_name, c.url as column_url "
            "from column_entries e join columns c on c.id = e.column_id "
            f"where e.last_run = ? and e.site_id in ({g_marks}) order by e.site_id, c.name, e.url",
            [prev_run, *sorted(group)],
        ):
            if row["column_id"] in read_now:
                sites[row["site_id"]].removed_entries.append(row)
