"""Bytes of a fetched page -> text.

Order: a byte-order mark (it cannot lie), bytes that are valid UTF-8, the HTTP header charset,
the page's own <meta>/XML declaration, then detection. A declared charset is only believed when the bytes decode under it
without error: county sites often send ``charset=utf-8`` in the header for GBK pages, or declare
gb2312 for pages full of GBK-only characters (堃, 珺, 镕) — gb2312/gbk are therefore read as
gb18030, its superset.
"""
from __future__ import annotations

import codecs

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312_80": "gb18030", "hz": "gb18030",
          "big5": "big5hkscs", "ascii": "utf-8", "latin_1": "cp1252", "iso8859_1": "cp1252"}


def _normal(name: str | None) -> str | None:
    if not name:
        return None
    resolved = resolve_encoding(name) or name
    try:
        resolved = codecs.lookup(resolved).name
    except LookupError:
        return None
    return _WIDEN.get(resolved.replace("-", "_"), resolved)


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(body: bytes) -> str | None:
    """Guess for undeclared pages: UTF-8 and GB18030 are the only likely answers on gov.cn."""
    for encoding in ("utf-8", "gb18030"):
        if _strict(body, encoding) is not None:
            return encoding
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(body[:200_000]).best()
    except Exception:  # detection is a guess; a failure just means "no opinion"
        return None
    return _normal(best.encoding) if best is not None else None


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Text of a page; never raises. Undecodable bytes become U+FFFD."""
    if not body:
        return ""
    if isinstance(body, str):
        return body
    body = bytes(body)
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        return body[len(bom):].decode(bom_encoding, errors="replace")

    # Bytes that are valid UTF-8 and not plain ASCII are UTF-8 whatever the header says: GBK text
    # is practically never valid UTF-8, while servers sending "charset=gbk" for re-encoded UTF-8
    # templates are common.
    if not body.isascii():
        text = _strict(body, "utf-8")
        if text is not None:
            return text

    declared = []
    for name in (http_content_type_encoding(content_type) if content_type else None,
                 html_body_declared_encoding(body)):
        encoding = _normal(name)
        if encoding and encoding not in declared:
            declared.append(encoding)
    for encoding in declared:
        text = _strict(body, encoding)
        if text is not None:
            return text
    # A declared page with a few broken bytes (a truncated character, a pasted fragment) is still
    # that encoding; reading it as something else would garble every character instead.
    for encoding in declared:
        text = _lenient(body, encoding)
        if text is not None and text.count("\ufffd") <= max(2, len(text) // 200):
            return text

    detected = _detect(body)
    if detected:
        text = _strict(body, detected)
        if text is not None:
            return text
    readings = [(t.count("\ufffd"), i, t) for i, e in enumerate(declared + [detected or "utf-8", "gb18030"])
                if (t := _lenient(body, e)) is not None]
    return min(readings)[2] if readings else body.decode("utf-8", errors="replace")


def _lenient(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:
        return None
