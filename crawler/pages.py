"""The text of an answer, decoded once, the way ``zwgk extract`` decodes a saved page.

``response.text`` trusts the declared charset, and county portals lie about it (GBK bytes sent as
``charset=utf-8``, UTF-8 templates declared gb2312): every page the crawl reads is decoded by
``crawler.extraction.encoding.decode_html`` instead, here, for the block detector and the spider alike.

Bytes that are not a page at all — a binary file, random bytes served as text/html — are told
apart before any decoding or parsing, so that they cost microseconds and are recorded as
``not-html`` instead of being read as an empty list. ``cpu_budget`` bounds what one page may cost.
"""
from __future__ import annotations

import re
import signal
import threading
from contextlib import contextmanager

from scrapy.http import Response, TextResponse

from crawler.extraction.dom import PageTooComplex
from crawler.extraction.encoding import decode_html

SAMPLE = 8192
# C0 controls other than tab, newline, form feed and carriage return (and ESC, used by ISO-2022):
# an HTML, XML, JSON or script answer has practically none; binary data has about one byte in ten.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
# Every other byte: deleting them (bytes.translate) leaves the control bytes to count, at a tenth of
# the cost of a regex's findall over the sample.
_OTHER_BYTES = bytes(b for b in range(256) if not _CONTROL_BYTES.match(bytes((b,))))
MAX_CONTROL_SHARE = 0.01
MAX_REPLACEMENT_SHARE = 0.05   # U+FFFD after the best decoding: the bytes are in no text encoding
_TEXTUAL = re.compile(r"^(?:text/|application/(?:[\w.+-]*\+)?(?:json|xml|javascript|x-javascript|xhtml\+xml)\b)", re.I)

NOT_HTML_MESSAGES = {
    "binary": "返回的是文件或二进制数据（{content_type}），不是网页",
    "garbage": "返回的内容无法识别为网页（大量不可显示的字节）",
    "undecodable": "返回的内容无法按任何中文编码解码",
}


def content_type(response: Response) -> str:
    value = response.headers.get("Content-Type") or b""
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def not_text(response: Response) -> str | None:
    """Why this answer is not a text page ('binary' or 'garbage'), or None; looks at a sample only."""
    if not isinstance(response, TextResponse) and not _TEXTUAL.match(content_type(response)):
        return "binary"
    sample = response.body[:SAMPLE]
    if sample and len(sample.translate(None, _OTHER_BYTES)) > MAX_CONTROL_SHARE * len(sample):
        return "garbage"
    return None


def _read(response: Response) -> tuple[str | None, str | None]:
    """(``not_text``'s reason, the decoded text): worked out once per answer and kept in its meta, so
    that the block detector, the redirect policy and the spider callback share them."""
    meta = response.meta if response.request is not None else {}
    cached = meta.get("zwgk_text")
    if cached is not None and cached[0] is response.body:   # not a copy carried over to a new request
        return cached[1], cached[2]
    text = None
    reason = not_text(response)
    if reason is None:
        text = decode_html(response.body, content_type(response) or None)
        if text and text.count("\ufffd") > MAX_REPLACEMENT_SHARE * len(text):
            text = None
    if response.request is not None:
        meta["zwgk_text"] = (response.body, reason, text)
    return reason, text


def page_text(response: Response) -> str | None:
    """The decoded text of a page, or None when the answer is not text (see ``not_html``).

    Decoded once per answer: the block detector and the spider callback share the result."""
    return _read(response)[1]


def not_html(response: Response) -> str | None:
    """A one-line Chinese message when the answer cannot be read as a page, else None."""
    reason, text = _read(response)
    if reason is None and text is None and response.body:
        reason = "undecodable"
    if reason is None:
        return None
    return NOT_HTML_MESSAGES[reason].format(content_type=content_type(response) or "未注明类型")


@contextmanager
def cpu_budget(seconds: float):
    """Raise PageTooComplex inside the block once it has used ``seconds`` of CPU time.

    A process CPU timer (ITIMER_VIRTUAL) interrupts the extraction wherever it is, so a page that
    defeats every linear-time guarantee still costs at most the budget. Signals reach only the main
    thread: elsewhere (or with a budget of 0) the block runs unbounded."""
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    # The handler stays installed between blocks (installing it takes two system calls and a Python
    # call of its own per page); out of a block it does nothing.
    if signal.getsignal(signal.SIGVTALRM) is not _expire:
        signal.signal(signal.SIGVTALRM, _expire)
    outer = _budget[0]
    _budget[0] = seconds
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        _budget[0] = outer
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)


_budget: list[float | None] = [None]   # the budget of the block running now, if any


def _expire(signum, frame):
    seconds, _budget[0] = _budget[0], None
    if seconds is not None:
        raise PageTooComplex(f"extraction used more than {seconds:g} s of CPU")
