"""Scrapy extensions of zwgk."""
from __future__ import annotations

import gc
import logging
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.logformatter import LogFormatter
from twisted.internet import task


class RequestLog:
    """With ZWGK_LOG_REQUESTS=1, write every answered request (method, URL, body) beside the log,
    as ``run-N.requests.tsv``: the benchmark replays it with a bare spider."""

    def __init__(self, path: Path):
        self.file = path.open("w", encoding="utf-8")

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("ZWGK_LOG_REQUESTS") or not settings.get("LOG_FILE"):
            raise NotConfigured
        ext = cls(Path(settings["LOG_FILE"]).with_suffix(".requests.tsv"))
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def response_received(self, response, request, spider):
        body = request.body.decode("utf-8", "replace") if request.body else ""
        self.file.write(f"{request.method}\t{request.url}\t{body}\n")

    def spider_closed(self, spider):
        self.file.close()


class CollectorTuning:
    """Python's cyclic garbage collector, set for a crawl process once the crawl has started.

    A crawl allocates a few hundred objects per page (requests, responses, deferreds, items), almost
    all freed by reference counting; with the default thresholds the collector still ran about two
    thousand times in a 5,000-page crawl and walked every object of the process (Scrapy, Twisted,
    lxml, the compiled patterns of the extraction) in each full collection: some 6 % of the crawl's
    CPU. At engine start the objects alive (modules, settings, the spider and its sites) are moved out
    of the collector's view for good (``gc.freeze``), and the youngest generation is collected every
    ``GEN0_THRESHOLD`` allocations instead of 700: garbage cycles still go, in fewer, larger passes."""

    GEN0_THRESHOLD = 20_000

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls()
        crawler.signals.connect(ext.engine_started, signal=signals.engine_started)
        return ext

    def engine_started(self):
        gc.collect()
        gc.freeze()
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(self.GEN0_THRESHOLD, older, oldest)


class TimerPurge:
    """Cancelled timed calls dropped every second.

    Every request schedules its download timeout on the Twisted reactor and cancels it when the
    answer comes; every pooled connection does the same with its idle timeout. The reactor drops
    cancelled calls from its heap only when it runs its due timed calls, and under the asyncio reactor
    it does that only when one falls due: with nothing else due, about DOWNLOAD_TIMEOUT seconds of
    cancelled calls pile up (some 21,000 at 450 pages a second: about 6 MB of the crawl's peak RSS),
    so the crawl's peak memory grew with its speed and length. A timed call of nothing every ``INTERVAL`` seconds
    makes the reactor run its due calls, and drop the cancelled ones (once they are half its heap)."""

    INTERVAL = 1.0

    def __init__(self):
        self.tick = task.LoopingCall(lambda: None)

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls()
        crawler.signals.connect(ext.engine_started, signal=signals.engine_started)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def engine_started(self):
        self.tick.start(self.INTERVAL, now=False)

    def engine_stopped(self):
        if self.tick.running:
            self.tick.stop()


class PageLogFormatter(LogFormatter):
    """Scrapy's log messages, without the two DEBUG ones of every page and item ("Crawled (200)",
    "Scraped from") when the log shows nothing below INFO: Scrapy builds a log record for each
    before the handler's level drops it, a few per cent of the crawl's CPU on tens of thousands of
    pages and items. With LOG_LEVEL=DEBUG they are logged as always."""

    def __init__(self, debug: bool = True):
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler):
        level = crawler.settings.get("LOG_LEVEL")
        level = logging.getLevelName(level.upper()) if isinstance(level, str) else level
        return cls(not isinstance(level, int) or level <= logging.DEBUG)

    def crawled(self, request, response, spider):
        return super().crawled(request, response, spider) if self.debug else None

    def scraped(self, item, response, spider):
        return super().scraped(item, response, spider) if self.debug else None
