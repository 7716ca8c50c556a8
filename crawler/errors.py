"""Turn a failed request into a short, stable kind and a one-line message.

Kinds recorded in ``fetch_errors.kind`` (named for the report and exports in KIND_NAMES below):
network and HTTP failures (``http``, ``dns``, ``refused``, ``timeout``, ``connection``, ``too-large``,
``robots``, ``unreachable``, ``other``), and what the spider finds an answer to be instead of the page
it asked for (``blocked``, ``offsite-redirect``, ``not-html``, ``too-complex``,
``selector-matched-nothing``, ``truncated``, ``no-columns``, ``no-entries``).
"""
from __future__ import annotations

from scrapy import exceptions as scrapy_errors
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.internet.defer import TimeoutError as DeferTimeout
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

# Scrapy >= 2.14 wraps Twisted's errors in its own; both are listed so older Scrapy works too.
KINDS = (
    (HttpError, "http"),
    ((scrapy_errors.CannotResolveHostError, net.DNSLookupError), "dns"),
    ((scrapy_errors.DownloadConnectionRefusedError, net.ConnectionRefusedError), "refused"),
    ((scrapy_errors.DownloadTimeoutError, DeferTimeout, net.TimeoutError, net.TCPTimedOutError), "timeout"),
    ((scrapy_errors.ResponseDataLossError, scrapy_errors.DownloadFailedError, ResponseNeverReceived,
      ResponseFailed, net.ConnectionLost, net.ConnectionDone), "connection"),
    (scrapy_errors.DownloadCancelledError, "too-large"),
)

MESSAGES = {
    "dns": "域名无法解析",
    "refused": "连接被拒绝",
    "timeout": "请求超时",
    "connection": "连接中断，未收到完整响应",
    "too-large": "页面超过大小上限",
}

# Every kind a fetch error is stored with, as the report and the exports name it (one source: a new
# kind gets its name here).
KIND_NAMES = {
    "http": "HTTP错误", "dns": "域名无法解析", "refused": "连接被拒绝", "timeout": "请求超时",
    "connection": "连接中断", "too-large": "页面过大", "blocked": "访问被拦截", "no-columns": "未发现信息公开栏目",
    "no-entries": "列表无法识别", "not-html": "不是网页", "too-complex": "页面过于复杂",
    "selector-matched-nothing": "配置的选择器未匹配", "truncated": "列表页数超过上限", "offsite-redirect": "跳转到站外",
    "list-not-found": "未找到信息列表", "unreachable": "连续超时，未再请求", "robots": "robots.txt 禁止抓取",
    "other": "其他错误",
}
# What was being fetched (fetch_errors.target).
TARGET_NAMES = {"entry": "入口页", "list": "列表页", "detail": "信息页面", "attachment": "附件"}


class OffsiteRedirect(scrapy_errors.IgnoreRequest):
    """A redirect to a host outside the site's registrable domain and allowed_domains: not followed."""

    def __init__(self, target: str, status: int):
        super().__init__(f"redirect ({status}) to {target}")
        self.target, self.status = target, status


class HostUnreachable(scrapy_errors.IgnoreRequest):
    """Not asked: the host timed out too many times in a row in this run (ZWGK_HOST_TIMEOUTS)."""


def classify_exception(exc) -> str | None:
    """The network kind of a download exception (timeout, dns …), or None."""
    for types, kind in KINDS:
        if isinstance(exc, types):
            return kind
    return None


def classify(failure) -> tuple[str, int | None, str]:
    """(kind, HTTP status or None, message) for a Twisted failure from a Scrapy errback."""
    exc = failure.value
    if isinstance(exc, OffsiteRedirect):
        return "offsite-redirect", exc.status, f"重定向到本网站以外的地址 {exc.target}，未跟随"
    if isinstance(exc, HostUnreachable):
        return "unreachable", None, "该网站在本次采集中连续多次超时，其余页面未再请求"
    if isinstance(exc, scrapy_errors.IgnoreRequest):
        text = str(exc)
        if "robots.txt" in text:
            return "robots", None, "网站的 robots.txt 禁止抓取该页面"
        if "DOWNLOAD_MAXSIZE" in text:   # a compressed answer that inflates past the size limit
            return "too-large", None, MESSAGES["too-large"]
    for types, kind in KINDS:
        if isinstance(exc, types):
            if kind == "http":
                status = exc.response.status
                return kind, status, f"HTTP {status}"
            return kind, None, MESSAGES[kind]
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return "other", None, f"{type(exc).__name__}: {text}"[:300]
