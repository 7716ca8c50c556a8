"""Downloader middlewares of zwgk.

BlockDetector marks every answer that is a WAF challenge or a login wall (``crawler.blocking``) with
``response.meta["zwgk_blocked"] = reason``, so the spider records a fetch error of kind ``blocked``
instead of reading it as content. After ZWGK_BLOCKED_MAX_PER_HOST such answers from one host, the
remaining requests to that host are dropped for the rest of the run (BlockedHost): a portal that
has started blocking us is not hammered further, and nothing is concluded from what it did not show.
"""
from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse

from crawler.blocking import CHALLENGE_STATUSES, is_block_page


class BlockedHost(IgnoreRequest):
    """Dropped without asking: this host answered with block pages too often in this run."""


class BlockDetector:
    def __init__(self, max_per_host: int, stats=None):
        self.max_per_host = max_per_host
        self.blocked: Counter = Counter()
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("ZWGK_BLOCKED_MAX_PER_HOST", 10), crawler.stats)

    def process_request(self, request, spider=None):
        host = urlsplit(request.url).hostname
        if self.max_per_host and self.blocked[host] >= self.max_per_host:
            raise BlockedHost(f"{host} answered {self.blocked[host]} block pages in this run")
        return None

    def process_response(self, request, response, spider=None):
        text = None
        if isinstance(response, TextResponse):
            try:
                text = response.text
            except Exception:  # undecodable: judge by status and headers only
                text = None
        elif response.status not in CHALLENGE_STATUSES and not (300 <= response.status < 400):
            request.meta["zwgk_block_checked"] = True
            return response
        reason = is_block_page(response.status, response.headers, text, response.url)
        request.meta["zwgk_block_checked"] = True
        if reason:
            request.meta["zwgk_blocked"] = reason
            host = urlsplit(request.url).hostname
            self.blocked[host] += 1
            if self.stats:
                self.stats.inc_value("zwgk/blocked")
        return response
