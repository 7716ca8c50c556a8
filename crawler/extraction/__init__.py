"""Pure extraction functions: (page text, URL) -> plain data. No Scrapy objects, no I/O.

``extract_page`` is what ``zwgk extract`` prints; the spider calls the module functions directly.
"""
from __future__ import annotations

from datetime import date


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def extract_page(body: bytes, url: str, kind: str, content_type: str | None = None,
                 overrides: dict | None = None) -> dict:
    """The JSON-ready result of ``zwgk extract`` for one saved page.

    list   -> {"kind": "list", "entries": [{"title", "url", "date"}], "next_pages": [url, …]}
    detail -> {"kind": "detail", "fields": {…}, "attachments": [{"title", "url"}]}
    Dates are ISO strings or null; POST pages are given by their URL.
    """
    from .detail import extract_detail
    from .encoding import decode_html
    from .listing import extract_entries
    from .pagination import next_pages

    text = decode_html(body, content_type) if isinstance(body, (bytes, bytearray)) else (body or "")
    if kind == "list":
        entries = extract_entries(text, url, overrides=overrides)
        pages = next_pages(text, url, overrides=overrides)
        return {
            "kind": "list",
            "entries": [{"title": e["title"], "url": e["url"], "date": _iso(e["date"])} for e in entries],
            "next_pages": list(dict.fromkeys(p.url for p in pages)),
        }
    if kind == "detail":
        data = extract_detail(text, url, overrides=overrides)
        return {
            "kind": "detail",
            "fields": {k: _iso(v) for k, v in data["fields"].items()},
            "attachments": data["attachments"],
        }
    raise ValueError(f"kind must be 'list' or 'detail', not {kind!r}")
