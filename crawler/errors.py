"""Turn a failed request into a short, stable kind and a one-line message."""
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
    "selector-matched-nothing": "配置的选择器未匹配", "truncated": "页面不完整", "offsite-redirect": "跳转到站外",
    "list-not-found": "未找到信息列表", "unreachable": "无法访问", "other": "其他错误",
}
# What was being fetched (fetch_errors.target).
TARGET_NAMES = {"entry": "入口页", "list": "列表页", "detail": "信息页面", "attachment": "附件"}


def classify(failure) -> tuple[str, int | None, str]:
    """(kind, HTTP status or None, message) for a Twisted failure from a Scrapy errback."""
    exc = failure.value
    for types, kind in KINDS:
        if isinstance(exc, types):
            if kind == "http":
                status = exc.response.status
                return kind, status, f"HTTP {status}"
            return kind, None, MESSAGES[kind]
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return "other", None, f"{type(exc).__name__}: {text}"[:300]
