"""Turn a failed request into a short, stable kind and a one-line message."""
from __future__ import annotations

from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.internet.defer import TimeoutError as DeferTimeout
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

KINDS = (
    (HttpError, "http"),
    (net.DNSLookupError, "dns"),
    (net.ConnectionRefusedError, "refused"),
    ((DeferTimeout, net.TimeoutError, net.TCPTimedOutError), "timeout"),
    ((ResponseNeverReceived, ResponseFailed, net.ConnectionLost, net.ConnectionDone), "connection"),
)

MESSAGES = {
    "dns": "域名无法解析",
    "refused": "连接被拒绝",
    "timeout": "请求超时",
    "connection": "连接中断，未收到完整响应",
}


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
    if "maxsize" in text.lower() or "Cancelling download" in text:
        return "too-large", None, "页面超过大小上限"
    return "other", None, f"{type(exc).__name__}: {text}"[:300]
