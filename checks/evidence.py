"""Which page a finding rests on, and its archived copy (crawler/archive.py).

The page an inspector would open to see the problem: the entry page of a missing column, the list
page of an empty, stale or mismatched column, the detail page of a late or undated item, the page
that links a dead link (a document's list page, an attachment's document), the list page that no
longer shows a removed item. Its copy is the newest WARC record of that URL fetched in this run or
before (an incremental recrawl does not fetch an unchanged page again: the copy it kept stands).
"""
from __future__ import annotations

from checks.findings import Finding

# Rules whose finding rests on the column's list page rather than on the page the finding names.
RESTS_ON_COLUMN = {"item-removed"}

RECORD_SQL = """
select p.url, (select w.id from warc_records w where w.url = p.url and w.run_id <= :run
               order by w.run_id desc, w.id desc limit 1) as record_id
from temp.ck_pages p
"""


def page_of(finding: Finding) -> str | None:
    """The URL of the page the finding rests on."""
    if finding.rule == "dead-link":
        return finding.evidence.get("linked_from") or finding.column_url
    if finding.rule in RESTS_ON_COLUMN:
        return finding.column_url or finding.url
    return finding.url or finding.column_url


def archived_records(db, run_id: int, urls) -> dict[str, int]:
    """{url: warc_records.id} of the newest archived copy of each URL fetched in ``run_id`` or before."""
    urls = {u for u in urls if u}
    if not urls or not db.execute("select 1 from warc_records limit 1").fetchone():
        return {}
    db.execute("drop table if exists temp.ck_pages")
    # No key: the URLs are a set already, and the lookups go the other way (into warc_records).
    db.execute("create temp table ck_pages (url text)")
    db.conn.executemany("insert into temp.ck_pages values (?)", ((u,) for u in urls))
    found = {url: rid for url, rid in db.execute(RECORD_SQL, {"run": run_id}) if rid is not None}
    db.execute("drop table temp.ck_pages")
    return found
