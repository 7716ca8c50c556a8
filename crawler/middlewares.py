"""Downloader middlewares of zwgk.

RedirectPolicy (before Scrapy's RedirectMiddleware) lets a redirect be followed only within the
site it was asked for (``Site.allows``: its hosts, its registrable domain, its allowed_domains).
A redirect anywhere else is not followed: the request fails with ``OffsiteRedirect`` (kind
``offsite-redirect``, naming the target), for entry, list, detail and attachment requests alike —
the spider's ``dont_filter=True`` requests would otherwise bypass Scrapy's off-site filter.

HostTimeouts: after ZWGK_HOST_TIMEOUTS timeouts in a row from one host, the remaining requests to
that host fail at once with ``HostUnreachable`` (kind ``unreachable``) instead of each waiting
DOWNLOAD_TIMEOUT (times the retries): one dead portal cannot stretch a run by hours.

BlockDetector marks every answer that is a WAF challenge or a login wall (``crawler.blocking``) with
``response.meta["zwgk_blocked"] = reason``, so the spider records a fetch error of kind ``blocked``
instead of reading it as content. After ZWGK_BLOCKED_MAX_PER_HOST such answers from one host, the
remaining requests to that host are dropped for the rest of the run (BlockedHost): a portal that
has started blocking us is not hammered further, and nothing is concluded from what it did not show.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils import response as scrapy_response
from w3lib import html as w3lib_html
from w3lib.url import safe_url_string

from crawler.blocking import CHALLENGE_STATUSES, is_block_page
from crawler.errors import HostUnreachable, OffsiteRedirect, classify_exception
from crawler.pages import page_text


class BlockedHost(IgnoreRequest):
    """Dropped without asking: this host answered with block pages too often in this run."""


class HostCutoff(ABC):
    """A host is asked no more once its count reaches ``limit`` (the setting ``SETTING``; 0: never). What
    is counted is the subclass's (block pages in the run, timeouts in a row); the cut-off is this."""
    SETTING = ""

    def __init__(self, limit: int, stats=None):
        self.limit = limit
        self.count: Counter = Counter()   # host -> what the subclass counts
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint(cls.SETTING), crawler.stats)

    def process_request(self, request, spider=None):
        host = urlsplit(request.url).hostname
        if self.limit and self.count[host] >= self.limit:
            raise self.refusal(host, self.count[host])
        return None

    @abstractmethod
    def refusal(self, host: str, count: int) -> Exception:
        """The exception a request to a host cut off fails with (naming the host and its count)."""


class BlockDetector(HostCutoff):
    SETTING = "ZWGK_BLOCKED_MAX_PER_HOST"

    def refusal(self, host: str, count: int) -> Exception:
        return BlockedHost(f"{host} answered {count} block pages in this run")

    def process_response(self, request, response, spider=None):
        text = None
        if isinstance(response, TextResponse):
            text = page_text(response)   # None for binary or undecodable bytes: judged by status and headers
        elif response.status not in CHALLENGE_STATUSES and not (300 <= response.status < 400):
            request.meta["zwgk_block_checked"] = True
            return response
        reason = is_block_page(response.status, response.headers, text, response.url)
        request.meta["zwgk_block_checked"] = True
        if reason:
            request.meta["zwgk_blocked"] = reason
            host = urlsplit(request.url).hostname
            self.count[host] += 1
            if self.stats:
                self.stats.inc_value("zwgk/blocked")
        return response


REDIRECT_STATUSES = {301, 302, 303, 307, 308}
HEAD_CHARS = 4096   # where Scrapy looks for <base> and <meta http-equiv=refresh>


def meta_refresh(response: HtmlResponse, ignore_tags=()) -> tuple[float | None, str | None]:
    """Scrapy's ``get_meta_refresh``, read from the page as the project's decoder decodes it.

    Scrapy's own reads ``response.text``: a second decoding of every page, by the declared charset,
    held with the response until it is done with. The answer is put into Scrapy's per-response
    cache, which its MetaRefreshMiddleware reads (it runs after this middleware on the way back), so
    the page is decoded once. Should that cache move, Scrapy decodes the page again: slower, same result."""
    cache = getattr(scrapy_response, "_metaref_cache", None)
    if cache is not None and response in cache:
        return cache[response]
    head = (page_text(response) or "")[:HEAD_CHARS]
    declared = getattr(response, "_declared_encoding", lambda: None)() or "utf-8"
    base = w3lib_html.get_base_url(head, response.url, declared)
    found = w3lib_html.get_meta_refresh(head, base, declared, ignore_tags=ignore_tags)
    if cache is not None:
        cache[response] = found
    return found


class RedirectPolicy:
    """Follow a redirect (HTTP 3xx, or a <meta http-equiv=refresh> that Scrapy would follow) only
    within the site the request was made for (see the module docstring)."""

    def __init__(self, meta_refresh: bool = True, ignore_tags=(), max_delay: float = 100):
        self.meta_refresh, self.ignore_tags, self.max_delay = meta_refresh, list(ignore_tags), max_delay

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(settings.getbool("METAREFRESH_ENABLED"), settings.getlist("METAREFRESH_IGNORE_TAGS"),
                   settings.getfloat("METAREFRESH_MAXDELAY"))

    def process_response(self, request, response, spider=None):
        site = request.cb_kwargs.get("site") if request.cb_kwargs else None
        if site is None or request.meta.get("dont_redirect"):
            return response
        target, status = None, response.status
        location = response.headers.get("Location")
        if status in REDIRECT_STATUSES and location:
            target = urljoin(request.url, safe_url_string(location))
        elif self.meta_refresh and isinstance(response, HtmlResponse) and request.method != "HEAD":
            delay, url = meta_refresh(response, self.ignore_tags)
            if url and delay is not None and delay < self.max_delay:
                target = url
        if target is None or urlsplit(target).scheme not in ("http", "https") or site.allows(target):
            return response
        raise OffsiteRedirect(target, status)


class HostTimeouts(HostCutoff):
    """Stop asking a host that keeps timing out (ZWGK_HOST_TIMEOUTS in a row): counts timeouts in a row."""
    SETTING = "ZWGK_HOST_TIMEOUTS"

    def refusal(self, host: str, count: int) -> Exception:
        return HostUnreachable(f"{host} timed out {count} times in a row")

    def process_response(self, request, response, spider=None):
        self.count.pop(urlsplit(request.url).hostname, None)
        return response

    def process_exception(self, request, exception, spider=None):
        host = urlsplit(request.url).hostname
        if classify_exception(exception) == "timeout":
            self.count[host] += 1
            if self.stats and self.count[host] == self.limit:
                self.stats.inc_value("zwgk/unreachable_hosts")
        return None
