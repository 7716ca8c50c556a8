"""Request fingerprints on disk: the crawl's memory must not grow with the number of pages.

Scrapy's ``RFPDupeFilter`` keeps every fingerprint in a Python set (about 85 bytes per request,
even with JOBDIR, where it also writes them to a file). ``DiskDupeFilter`` keeps them in a SQLite
table in a temporary file (in JOBDIR when set): one indexed insert per request, a bounded page
cache, and nothing left behind when the crawl closes.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile

from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.job import job_dir

CACHE_KB = 2048   # SQLite page cache: what the filter may hold in memory, whatever the crawl's size


class DiskDupeFilter(RFPDupeFilter):
    def __init__(self, path: str | None = None, debug: bool = False, *, fingerprinter=None) -> None:
        # The parent's file (requests.seen) and in-memory set are not used: fingerprints go to SQLite.
        super().__init__(None, debug, fingerprinter=fingerprinter)
        fd, self.db_path = tempfile.mkstemp(prefix="fingerprints-", suffix=".sqlite", dir=path or None)
        os.close(fd)
        self.conn = sqlite3.connect(self.db_path, isolation_level=None, check_same_thread=False)
        # A scratch file: no journal, no fsync; it is deleted when the crawl closes.
        for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{CACHE_KB}", "temp_store=FILE"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.conn.execute("create table seen (fp blob primary key) without rowid")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(job_dir(crawler.settings), crawler.settings.getbool("DUPEFILTER_DEBUG"),
                   fingerprinter=crawler.request_fingerprinter)

    def request_seen(self, request) -> bool:
        cursor = self.conn.execute("insert or ignore into seen (fp) values (?)", (self.fingerprinter.fingerprint(request),))
        return cursor.rowcount == 0

    def close(self, reason: str) -> None:
        self.conn.close()
        try:
            os.unlink(self.db_path)
        except OSError:
            pass
