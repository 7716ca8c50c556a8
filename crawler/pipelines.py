"""The store pipeline: the crawl's only writer.

Rows are written as items arrive and committed in small batches (at most a second apart), so a
killed crawl loses at most the last second of work and never leaves a half-written row: every
write is an upsert keyed by URL, so the next run neither duplicates nor loses a document.

Change history: each document's versions (``document_versions``, keyed by the hash of its
whitespace-free body) and what changed in which run (``document_events``: new, edited, failing,
gone, recovered as detail pages answer; removed-from-column at spider close, for columns read to
their last page). At spider close, in one transaction, each column's walk is concluded
(``column_runs``): entries an incremental walk did not reach are still listed, so their
``last_run`` — and their documents' — is carried forward to this run; a killed run never gets
there, and the next run concludes nothing from it.
"""
from __future__ import annotations

import hashlib
import time

from scrapy import signals

from crawler import archive, store
from crawler.items import (ColumnItem, DocumentItem, FetchErrorItem, ListingItem, SiteItem, TemplateItem,
                           UnchangedItem)

DOC_FIELDS = (
    "site_id", "column_id", "title", "list_title", "list_date", "published", "written", "doc_number",
    "index_number", "publisher", "category", "column_meta", "date_source", "body", "body_hash",
    "attachments", "http_status", "content_type", "fetched_at", "etag", "last_modified", "validity", "repeals",
)
UPSERT_DOCUMENT = (
    f"insert into documents (url, {', '.join(DOC_FIELDS)}, first_run, last_run) "
    f"values (:url, {', '.join(':' + f for f in DOC_FIELDS)}, :run, :run) "
    f"on conflict(url) do update set {', '.join(f'{f} = excluded.{f}' for f in DOC_FIELDS if f != 'column_id')}, "
    "column_id = coalesce(documents.column_id, excluded.column_id), last_run = excluded.last_run"
)
UPSERT_ENTRY = (
    "insert into column_entries (column_id, url, site_id, title, list_date, first_run, last_run) "
    "values (:column_id, :url, :site_id, :title, :list_date, :run, :run) "
    "on conflict(column_id, url) do update set title = excluded.title, list_date = excluded.list_date, "
    "last_run = excluded.last_run"
)
UPSERT_COLUMN = (
    "insert into columns (site_id, url, name, path, catalog, source, first_run, last_run) "
    "values (:site_id, :url, :name, :path, :catalog, :source, :run, :run) "
    "on conflict(site_id, url) do update set name = excluded.name, path = excluded.path, "
    "catalog = excluded.catalog, source = excluded.source, last_run = excluded.last_run"
)
UPSERT_SITE = (
    "insert into sites (id, name, level, region, url, config, first_run, last_run, status, error) "
    "values (:id, :name, :level, :region, :url, :config, :run, :run, :status, :error) "
    "on conflict(id) do update set name = excluded.name, level = excluded.level, region = excluded.region, "
    "url = excluded.url, config = excluded.config, last_run = excluded.last_run, status = excluded.status, "
    "error = excluded.error"
)
# What a column showed in a run, and how it was walked.
COLUMN_RUN_STATS = """
insert or replace into column_runs (run_id, column_id, entries, new_entries, pages, newest_date, walk, total,
                                    empty_evidence)
select :run, c.id,
       (select count(*) from column_entries e where e.column_id = c.id and e.last_run = :run),
       (select count(*) from column_entries e where e.column_id = c.id and e.first_run = :run),
       :pages,
       (select max(coalesce(d.published, e.list_date)) from column_entries e
          left join documents d on d.url = e.url
         where e.column_id = c.id and e.last_run = :run),
       :walk, :total, :empty_evidence
from columns c where c.id = :column_id
"""
# The newest earlier read of a column (rows exist only for runs that reached spider close).
PREV_READ = "select max(run_id) from column_runs where column_id = ? and pages > 0 and run_id < ?"
INSERT_EVENT = (
    "insert into document_events (run_id, site_id, column_id, url, event, old_hash, new_hash, http_status, "
    "title, note, at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
GONE_STATUSES = (404, 410)
INSERT_WARC_RECORD = (
    "insert into warc_records (run_id, url, target_uri, file, offset, length, request_offset, status, content_type, "
    "fetched_at) values (:run_id, :url, :target_uri, :file, :offset, :length, :request_offset, :status, "
    ":content_type, :fetched_at)"
)


def body_hash(text: str | None) -> str | None:
    """Hash of the body with whitespace removed, so re-indentation is not an edit."""
    if not text:
        return None
    return hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest()[:16]


class StorePipeline:
    COMMIT_EVERY_SECONDS = 1.0

    def __init__(self, db_path: str):
        self.db_path = db_path
        self.db = None
        self.run_id = None
        self.column_ids: dict[tuple[str, str], int] = {}
        self.counts = {"documents": 0, "new_documents": 0, "errors": 0, "sites": 0, "columns": 0}
        self.last_commit = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.settings.get("ZWGK_DB", store.DEFAULT_DB))
        pipeline.crawler = crawler
        # The close reason ('finished', 'shutdown' on Ctrl-C/SIGTERM) only reaches signal handlers.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.record_archived, signal=archive.record_archived)
        return pipeline

    def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        self.db = store.connect(self.db_path)
        run_id = getattr(spider, "run_id", None)
        if run_id:
            self.run_id = int(run_id)
            with self.db.conn:
                self.db["runs"].update(self.run_id, {"pid": store.os.getpid()})
        else:
            self.run_id = store.start_run(self.db, "crawl", sites_file=getattr(spider, "sites_file", None))
            spider.run_id = self.run_id
        self.conn = self.db.conn

    def process_item(self, item, spider=None):
        handler = self.HANDLERS[type(item)]
        handler(self, item)
        if time.monotonic() - self.last_commit > self.COMMIT_EVERY_SECONDS:
            self.flush()
        return item

    # -- one handler per item type ----------------------------------------------------------------

    def _site(self, item: SiteItem):
        self.conn.execute(UPSERT_SITE, {
            "id": item.site_id, "name": item.name, "level": item.level, "region": item.region,
            "url": item.url, "config": store.dumps(item.config), "run": self.run_id,
            "status": item.status, "error": item.error,
        })
        self.counts["sites"] += 1

    def _column(self, item: ColumnItem):
        self.conn.execute(UPSERT_COLUMN, {**vars(item), "run": self.run_id})
        row = self.conn.execute("select id from columns where site_id = ? and url = ?", [item.site_id, item.url]).fetchone()
        self.column_ids[(item.site_id, item.url)] = row[0]
        self.counts["columns"] += 1

    def _listing(self, item: ListingItem):
        self.conn.execute(UPSERT_ENTRY, {
            "column_id": self.column_ids[(item.site_id, item.column_url)], "url": item.url,
            "site_id": item.site_id, "title": item.title, "list_date": item.list_date, "run": self.run_id,
        })

    def _event(self, event: str, site_id: str, url: str, *, column_id=None, old_hash=None, new_hash=None,
               status=None, title=None, note=None):
        self.conn.execute(INSERT_EVENT, [self.run_id, site_id, column_id, url, event, old_hash, new_hash, status,
                                         title, note, store.now()])

    def _document(self, item: DocumentItem):
        prev = self.conn.execute(
            "select http_status, body_hash, body, title, published from documents where url = ?", [item.url]
        ).fetchone()
        column_id = self.column_ids.get((item.site_id, item.column_url))
        old_status = (prev[0] or 200) if prev else None
        if item.http_status >= 400 and prev:
            # A page that fails now keeps what was extracted when it last answered.
            self.conn.execute(
                "update documents set http_status = ?, fetched_at = ?, last_run = ? where url = ?",
                [item.http_status, item.fetched_at, self.run_id, item.url],
            )
            now_gone = item.http_status in GONE_STATUSES
            if old_status < 400 or (now_gone and old_status not in GONE_STATUSES):
                self._event("gone" if now_gone else "failing", item.site_id, item.url, column_id=column_id,
                            old_hash=prev[1], status=item.http_status, title=prev[3])
            self.counts["documents"] += 1
            return
        row = vars(item).copy()
        row["column_id"] = column_id
        del row["column_url"]
        row["attachments"] = store.dumps(item.attachments)
        row["repeals"] = store.dumps(item.repeals) if item.repeals else None
        row["body_hash"] = new_hash = body_hash(item.body)
        row["run"] = self.run_id
        self.conn.execute(UPSERT_DOCUMENT, row)
        self.counts["documents"] += 1
        self.counts["new_documents"] += not prev
        if prev is None:
            self._event("new", item.site_id, item.url, column_id=column_id, new_hash=new_hash,
                        status=item.http_status, title=item.title)
            self._version(item, new_hash, None)
            return
        if item.http_status < 400 <= old_status:
            self._event("recovered", item.site_id, item.url, column_id=column_id, old_hash=prev[1],
                        new_hash=new_hash, status=item.http_status, title=item.title)
        if new_hash and prev[1] and new_hash != prev[1]:
            self._event("edited", item.site_id, item.url, column_id=column_id, old_hash=prev[1], new_hash=new_hash,
                        status=item.http_status, title=item.title)
            self._version(item, new_hash, prev)
        elif new_hash:
            self.conn.execute("update document_versions set last_run = ? where url = ? and body_hash = ? "
                              "and version = (select max(version) from document_versions where url = ?)",
                              [self.run_id, item.url, new_hash, item.url])

    def _version(self, item: DocumentItem, new_hash: str | None, prev) -> None:
        """A new version row; the superseded one keeps its text (the current text lives in documents)."""
        if new_hash is None:
            return
        if prev is not None:
            self.conn.execute(
                "update document_versions set body = ? where url = ? and version = "
                "(select max(version) from document_versions where url = ?)", [prev[2], item.url, item.url])
            exists = self.conn.execute("select 1 from document_versions where url = ?", [item.url]).fetchone()
            if not exists:  # stored before versions were kept: record the old one first
                self.conn.execute(
                    "insert into document_versions (url, site_id, version, body_hash, title, published, body) "
                    "values (?, ?, 1, ?, ?, ?, ?)", [item.url, item.site_id, prev[1], prev[3], prev[4], prev[2]])
        self.conn.execute(
            "insert into document_versions (url, site_id, version, body_hash, title, published, validity, first_run, "
            "last_run) values (?, ?, coalesce((select max(version) from document_versions where url = ?), 0) + 1, "
            "?, ?, ?, ?, ?, ?)",
            [item.url, item.site_id, item.url, new_hash, item.title, item.published, item.validity, self.run_id,
             self.run_id])

    def _unchanged(self, item: UnchangedItem):
        self.conn.execute("update documents set fetched_at = ?, last_run = ? where url = ?",
                          [item.fetched_at, self.run_id, item.url])
        self.counts["documents"] += 1

    def _error(self, item: FetchErrorItem):
        column_id = self.column_ids.get((item.site_id, item.column_url)) if item.column_url else None
        self.conn.execute(
            "insert into fetch_errors (run_id, site_id, column_id, url, target, kind, status, message, at) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [self.run_id, item.site_id, column_id, item.url, item.target, item.kind, item.status, item.message,
             store.now()],
        )
        self.counts["errors"] += 1

    def record_archived(self, rows):
        """Index rows of pages the WARC archive (crawler/archive.py) has just written."""
        if self.db is None:
            return
        self.conn.executemany(INSERT_WARC_RECORD, rows)

    def _template(self, item: TemplateItem):
        self.conn.execute(
            "insert or replace into site_templates (run_id, site_id, pages, list_region, pager, boilerplate_links, "
            "examples) values (?, ?, ?, ?, ?, ?, ?)",
            [self.run_id, item.site_id, item.pages, item.list_region, item.pager, item.boilerplate_links,
             store.dumps(item.boilerplate_examples)])

    HANDLERS = {
        SiteItem: _site, ColumnItem: _column, ListingItem: _listing,
        DocumentItem: _document, FetchErrorItem: _error, UnchangedItem: _unchanged, TemplateItem: _template,
    }

    # -- batching and the run row -------------------------------------------------------------------

    def flush(self):
        stats = self.crawler.stats if getattr(self, "crawler", None) else None
        pages = stats.get_value("response_received_count", 0) if stats else 0
        requests = stats.get_value("downloader/request_count", 0) if stats else 0
        self.conn.execute(
            "update runs set pages = ?, requests = ?, documents = ?, new_documents = ?, errors = ?, sites = ?, "
            "columns = ? where id = ?",
            [pages, requests, self.counts["documents"], self.counts["new_documents"], self.counts["errors"],
             self.counts["sites"], self.counts["columns"], self.run_id],
        )
        self.conn.commit()
        self.last_commit = time.monotonic()

    def close_spider(self, spider=None):
        spider = spider or self.crawler.spider
        # Everything the items wrote is committed first; the conclusions follow in one transaction.
        self.flush()
        for (site_id, column_url), walk in getattr(spider, "walks", {}).items():
            column_id = self.column_ids.get((site_id, column_url))
            if column_id is not None:
                self._conclude_walk(site_id, column_id, walk)
        # Documents listed in this run (seen, or carried forward with their listing) are current.
        self.conn.execute(
            "update documents set last_run = :run where last_run < :run and url in "
            "(select url from column_entries where last_run = :run)", {"run": self.run_id})
        current, new = self.conn.execute(
            "select count(*), coalesce(sum(first_run = :run), 0) from documents where last_run = :run",
            {"run": self.run_id}).fetchone()
        self.counts["documents"], self.counts["new_documents"] = current, new
        self.flush()

    def _conclude_walk(self, site_id: str, column_id: int, walk) -> None:
        outcome = walk.outcome if walk.done else ("partial" if walk.pages else None)
        prev_run = self.conn.execute(PREV_READ, [column_id, self.run_id]).fetchone()[0]
        if outcome == "complete" and prev_run is not None:
            # Read to its last page: what the previous read listed and this one did not, was removed.
            for url, title in self.conn.execute(
                    "select url, title from column_entries where column_id = ? and last_run >= ? and last_run < ?",
                    [column_id, prev_run, self.run_id]).fetchall():
                self._event("removed-from-column", site_id, url, column_id=column_id, title=title,
                            note=f"listed at run {prev_run}, not in the complete read of run {self.run_id}")
        elif outcome in ("incremental", "partial") and prev_run is not None:
            # Not every page was read: what was listed before and not seen now is still listed.
            self.conn.execute(
                "update column_entries set last_run = ? where column_id = ? and last_run >= ? and last_run < ?",
                [self.run_id, column_id, prev_run, self.run_id])
        # Emptiness needs evidence the page showed; a walk that saw entries has none to give.
        empty = getattr(walk, "empty", None) if not walk.seen else None
        self.conn.execute(COLUMN_RUN_STATS, {"run": self.run_id, "column_id": column_id, "pages": walk.pages,
                                             "walk": outcome, "total": walk.total, "empty_evidence": empty})
        if outcome in ("complete", "incremental"):
            for url, (etag, modified) in walk.validators.items():
                self.conn.execute(
                    "insert or replace into page_validators (column_id, url, etag, last_modified, run_id) "
                    "values (?, ?, ?, ?, ?)", [column_id, url, etag, modified, self.run_id])

    def spider_closed(self, spider, reason):
        status = "interrupted" if reason == "shutdown" else "finished"
        note = None if reason in ("finished", "shutdown") else f"closed: {reason}"
        store.finish_run(self.db, self.run_id, status, note=note)
        self.db.conn.close()
