"""The store pipeline: the crawl's only writer.

Rows are written as items arrive and committed in small batches (at most a second apart), so a
killed crawl loses at most the last second of work and never leaves a half-written row: every
write is an upsert keyed by URL, so the next run neither duplicates nor loses a document.
"""
from __future__ import annotations

import hashlib
import time

from scrapy import signals

from crawler import store
from crawler.items import ColumnItem, DocumentItem, FetchErrorItem, ListingItem, SiteItem

DOC_FIELDS = (
    "site_id", "column_id", "title", "list_title", "list_date", "published", "written", "doc_number",
    "index_number", "publisher", "category", "column_meta", "date_source", "body", "body_hash",
    "attachments", "http_status", "content_type", "fetched_at",
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
COLUMN_RUN_STATS = """
insert or replace into column_runs (run_id, column_id, entries, new_entries, pages, newest_date)
select :run, c.id,
       (select count(*) from column_entries e where e.column_id = c.id and e.last_run = :run),
       (select count(*) from column_entries e where e.column_id = c.id and e.first_run = :run),
       :pages,
       (select max(coalesce(d.published, e.list_date)) from column_entries e
          left join documents d on d.url = e.url
         where e.column_id = c.id and e.last_run = :run)
from columns c where c.site_id = :site_id and c.url = :column_url
"""


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

    def _document(self, item: DocumentItem):
        known = self.conn.execute("select 1 from documents where url = ?", [item.url]).fetchone()
        if item.http_status >= 400 and known:
            # A page that fails now keeps what was extracted when it last answered.
            self.conn.execute(
                "update documents set http_status = ?, fetched_at = ?, last_run = ? where url = ?",
                [item.http_status, item.fetched_at, self.run_id, item.url],
            )
            self.counts["documents"] += 1
            return
        row = vars(item).copy()
        row["column_id"] = self.column_ids.get((item.site_id, item.column_url))
        del row["column_url"]
        row["attachments"] = store.dumps(item.attachments)
        row["body_hash"] = body_hash(item.body)
        row["run"] = self.run_id
        self.conn.execute(UPSERT_DOCUMENT, row)
        self.counts["documents"] += 1
        self.counts["new_documents"] += not known

    def _error(self, item: FetchErrorItem):
        column_id = self.column_ids.get((item.site_id, item.column_url)) if item.column_url else None
        self.conn.execute(
            "insert into fetch_errors (run_id, site_id, column_id, url, target, kind, status, message, at) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [self.run_id, item.site_id, column_id, item.url, item.target, item.kind, item.status, item.message,
             store.now()],
        )
        self.counts["errors"] += 1

    HANDLERS = {
        SiteItem: _site, ColumnItem: _column, ListingItem: _listing,
        DocumentItem: _document, FetchErrorItem: _error,
    }

    # -- batching and the run row -------------------------------------------------------------------

    def flush(self):
        stats = self.crawler.stats if getattr(self, "crawler", None) else None
        pages = stats.get_value("response_received_count", 0) if stats else 0
        self.conn.execute(
            "update runs set pages = ?, documents = ?, new_documents = ?, errors = ?, sites = ?, columns = ? "
            "where id = ?",
            [pages, self.counts["documents"], self.counts["new_documents"], self.counts["errors"],
             self.counts["sites"], self.counts["columns"], self.run_id],
        )
        self.conn.commit()
        self.last_commit = time.monotonic()

    def close_spider(self, spider=None):
        spider = spider or self.crawler.spider
        for (site_id, column_url), pages in getattr(spider, "column_pages", {}).items():
            self.conn.execute(COLUMN_RUN_STATS, {"run": self.run_id, "pages": pages, "site_id": site_id,
                                                 "column_url": column_url})
        self.flush()

    def spider_closed(self, spider, reason):
        status = "interrupted" if reason == "shutdown" else "finished"
        note = None if reason in ("finished", "shutdown") else f"closed: {reason}"
        store.finish_run(self.db, self.run_id, status, note=note)
        self.db.conn.close()
