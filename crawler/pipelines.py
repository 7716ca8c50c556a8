"""The store pipeline: hands each item the spider yields to the store's writers (crawler.store.Writer).

Rows are written as items arrive and committed in small batches (at most a second apart), so a
killed crawl loses at most the last second of work and never leaves a half-written row: every
write is an upsert keyed by URL, so the next run neither duplicates nor loses a document.

The SQL, the change history (versions and events) and what a finished column walk allows
concluding all live in the store; this module only dispatches items and keeps the run's counters.
Finished walks (``ColumnWalkItem``) are held until spider close, where they are concluded with the
walks still open (asked for through ``items.open_walks``: partial), and the documents still listed
are carried forward, all in one transaction. A killed run never gets there, and the next run
concludes nothing from it.
"""
from __future__ import annotations

import time

from scrapy import signals

from crawler import archive, store
from crawler.items import (ColumnItem, ColumnWalkItem, DocumentItem, FetchErrorItem, ListingItem, SiteItem,
                           TemplateItem, UnchangedItem, open_walks)
from crawler.runner import runner_pid


class StorePipeline:
    COMMIT_EVERY_SECONDS = 1.0

    def __init__(self, db_path: str):
        self.db_path = db_path
        self.db = None
        self.spider = None
        self._writer: store.Writer | None = None
        self.walks: list[ColumnWalkItem] = []   # concluded together at close
        self.counts = {"documents": 0, "new_documents": 0, "errors": 0, "sites": 0, "columns": 0}
        self.last_commit = 0.0
        self.task: str | None = None            # ZWGK_RUN_TASK: one task of a distributed run
        self.seen_errors: set[tuple] = set()

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.settings["ZWGK_DB"])
        pipeline.crawler = crawler
        # The close reason ('finished', 'shutdown' on Ctrl-C/SIGTERM) only reaches signal handlers.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.record_archived, signal=archive.record_archived)
        return pipeline

    def open_spider(self, spider=None):
        self.spider = spider or self.crawler.spider
        self.db = store.connect(self.db_path)
        # One task of a distributed run (zwgk.distributed): the run is the coordinator's, this crawl
        # neither claims nor closes it. A retried task finds the faults its earlier attempt recorded,
        # and records each once.
        crawler = getattr(self, "crawler", None)
        self.task = (crawler.settings.get("ZWGK_RUN_TASK") or None) if crawler else None
        self.seen_errors: set[tuple] = set()

    @property
    def writer(self) -> store.Writer | None:
        """The writers of the spider's run: the spider holds the run id (given by crawler.runner, or
        started by the spider itself for a direct crawl, before its first request)."""
        if self._writer is None and getattr(self.spider, "run_id", None) is not None:
            if self.task is None:
                store.claim_run(self.db, self.spider.run_id)
            else:
                self.seen_errors = store.error_keys(self.db, self.spider.run_id, (s.id for s in self.spider.sites))
            # A task's crawl is the child of the worker process that claimed the task (its pid).
            self._writer = store.Writer(self.db, self.spider.run_id, self.task, runner_pid() if self.task else None)
        return self._writer

    def process_item(self, item, spider=None):
        self.HANDLERS[type(item)](self, item)
        if time.monotonic() - self.last_commit > self.COMMIT_EVERY_SECONDS:
            self.flush()
        return item

    # -- one handler per item type ----------------------------------------------------------------

    def _column_id(self, item) -> int | None:
        return self.writer.column_id(item.site_id, item.column_url) if item.column_url else None

    def _site(self, item: SiteItem):
        self.writer.sites({**item.site.as_row(), "status": item.status, "error": item.error})
        self.counts["sites"] += 1

    def _column(self, item: ColumnItem):
        self.writer.columns(vars(item))
        self.counts["columns"] += 1

    def _listing(self, item: ListingItem):
        column_id, site_id = self._column_id(item), item.site_id
        self.writer.entries([{"column_id": column_id, "url": e.url, "site_id": site_id, "title": e.title,
                              "list_date": e.list_date} for e in item.entries])

    def _document(self, item: DocumentItem):
        row = vars(item).copy()
        del row["column_url"]
        row["column_id"] = self._column_id(item)
        self.counts["new_documents"] += self.writer.document(row)
        self.counts["documents"] += 1

    def _unchanged(self, item: UnchangedItem):
        self.writer.unchanged(item.url, item.fetched_at)
        self.counts["documents"] += 1

    def _error(self, item: FetchErrorItem):
        key = (item.site_id, item.url, item.target, item.kind)
        if key in self.seen_errors:
            return
        self.writer.errors({"site_id": item.site_id, "column_id": self._column_id(item), "url": item.url,
                            "target": item.target, "kind": item.kind, "status": item.status, "message": item.message})
        self.counts["errors"] += 1

    def _template(self, item: TemplateItem):
        self.writer.template(item.site_id, pages=item.pages, list_region=item.list_region, pager=item.pager,
                             boilerplate_links=item.boilerplate_links, examples=item.boilerplate_examples)

    def _walk(self, item: ColumnWalkItem):
        self.walks.append(item)

    def _conclude(self, item: ColumnWalkItem):
        column_id = self._column_id(item)
        if column_id is not None:
            self.writer.conclude_column(item.site_id, column_id, walk=item.walk, pages=item.pages, total=item.total,
                                        empty_evidence=item.empty_evidence, validators=item.validators)

    HANDLERS = {
        SiteItem: _site, ColumnItem: _column, ListingItem: _listing, DocumentItem: _document,
        FetchErrorItem: _error, UnchangedItem: _unchanged, TemplateItem: _template, ColumnWalkItem: _walk,
    }

    def record_archived(self, rows):
        """Index rows of pages the WARC archive (crawler/archive.py) has just written."""
        if self.writer is not None:
            self.writer.archived(rows)

    # -- batching and the run row -------------------------------------------------------------------

    def flush(self):
        if self.writer is None:
            return
        stats = self.crawler.stats if getattr(self, "crawler", None) else None
        self.writer.counts(pages=stats.get_value("response_received_count", 0) if stats else 0,
                           requests=stats.get_value("downloader/request_count", 0) if stats else 0, **self.counts)
        self.writer.commit()
        self.last_commit = time.monotonic()

    def close_spider(self, spider=None):
        if self.writer is None:   # the crawl closed before it started its run
            return
        # Everything the items wrote is committed first; the conclusions follow in one transaction.
        self.flush()
        for _, items in self.crawler.signals.send_catch_log(signal=open_walks):
            self.walks.extend(items or ())
        for item in self.walks:
            self._conclude(item)
        current, new = self.writer.carry_forward()
        if self.task is None:   # the run's own counts; a task keeps its own (the run's are counted at its close)
            self.counts["documents"], self.counts["new_documents"] = current, new
        self.flush()

    def spider_closed(self, spider, reason):
        status = "interrupted" if reason == "shutdown" else "finished"
        note = None if reason in ("finished", "shutdown") else f"closed: {reason}"
        if self.writer is not None and self.task is not None:
            store.finish_task(self.db, self.writer.run, self.task, status, note=note, owner=runner_pid())
        elif self.writer is not None:
            store.finish_run(self.db, self.writer.run, status, note=note)
        self.db.conn.close()
