"""How long a finding has stood: first found in run N, found in K checked runs in a row, fixed in run M.

A finding's identity across runs is its ``key``: site, rule, column (or catalog area when there is
no column) and URL — the same problem on the same page. Runs are compared per site: a site's
previous run is the newest earlier checked run that included it, so a run of other sites in between
neither breaks a streak nor counts as a fix. Stored on each finding at check time:

- ``first_run``: the first run of the unbroken streak that ends in this run;
- ``streak``: how many checked runs of the site in a row found it, this one included;
- ``fixed_run``: the next checked run of the site that did not find it (none while it stands).

Re-checking a run re-derives it and every later checked run, so the chain stays consistent.
"""
from __future__ import annotations

from collections import defaultdict

SEP = "\x1f"


def finding_key(site_id, rule, column_url, catalog_area, url) -> str:
    return SEP.join((site_id or "", rule or "", column_url or catalog_area or "", url or ""))


def _checked_runs(db) -> list[int]:
    return [r[0] for r in db.execute("select id from runs where checked_at is not null order by id")]


def _sites_of(db, run_id: int) -> set[str]:
    sites = {r[0] for r in db.execute("select site_id from site_checks where run_id = ?", [run_id])}
    if not sites:  # a store filled without site_checks (synthetic): the sites the run included
        sites = {r[0] for r in db.execute("select id from sites where ? between first_run and last_run", [run_id])}
        sites |= {r[0] for r in db.execute("select distinct site_id from findings where run_id = ?", [run_id])}
    return sites


def fill_keys(db, run_id: int) -> None:
    rows = db.execute("select id, site_id, rule, column_url, catalog_area, url from findings "
                      "where run_id = ? and key is null", [run_id]).fetchall()
    db.conn.executemany("update findings set key = ? where id = ?",
                        ((finding_key(*r[1:]), r[0]) for r in rows))


def update_persistence(db, run_id: int) -> None:
    """Derive first_run/streak/fixed_run for ``run_id`` and every later checked run (in the caller's
    transaction)."""
    runs = _checked_runs(db)
    if run_id not in runs:
        runs = sorted({*runs, run_id})
    todo = [r for r in runs if r >= run_id]
    sites_by_run = {r: _sites_of(db, r) for r in runs}
    for cur in todo:
        fill_keys(db, cur)
        earlier = [r for r in runs if r < cur]
        prev_of = {}
        for site in sites_by_run[cur]:
            prev_of[site] = next((r for r in reversed(earlier) if site in sites_by_run[r]), None)
        by_prev = defaultdict(set)
        for site, prev in prev_of.items():
            if prev is not None:
                by_prev[prev].add(site)
        before, previous = {}, []
        for prev, sites in by_prev.items():
            fill_keys(db, prev)
            for fid, site_id, key, first, streak, fixed in db.execute(
                    "select id, site_id, key, first_run, streak, fixed_run from findings where run_id = ?", [prev]):
                if site_id in sites:
                    before[key] = (first or prev, streak or 1)
                    previous.append((fid, key, fixed))
        now = db.execute("select id, key, first_run, streak, fixed_run from findings where run_id = ?", [cur]).fetchall()
        keys = {row[1] for row in now}
        updates = []
        for fid, key, stored_first, stored_streak, stored_fixed in now:
            first, streak = before.get(key, (cur, 0))
            if (stored_first, stored_streak, stored_fixed) != (first, streak + 1, None):   # write only what changes
                updates.append((first, streak + 1, fid))
        db.conn.executemany("update findings set first_run = ?, streak = ?, fixed_run = null where id = ?", updates)
        # The previous runs' findings this run no longer has are fixed in it; the others are not
        # (any more: a re-check may have found one again). Again only what changes is written.
        fixed = [(value, fid) for fid, key, stored in previous
                 if stored != (value := cur if key not in keys else None)]
        db.conn.executemany("update findings set fixed_run = ? where id = ?", fixed)
