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

    list   -> {"kind": "list", "entries": [{"title", "url", "date"}], "list_found": bool,
               "empty": the empty-list evidence or null, "total": the total the page shows or null,
               "next_pages": [url, …]}
    detail -> {"kind": "detail", "fields": {…}, "attachments": [{"title", "url"}]}
    Dates are ISO strings or null; POST pages are given by their URL.
    """
    from .detail import extract_detail
    from .encoding import decode_html
    from .listing import read_list
    from .pagination import next_pages

    text = decode_html(body, content_type) if isinstance(body, (bytes, bytearray)) else (body or "")
    if kind == "list":
        return _list_result(read_list(text, url, overrides=overrides), next_pages(text, url, overrides=overrides))
    if kind == "detail":
        data = extract_detail(text, url, overrides=overrides)
        return {
            "kind": "detail",
            "fields": {k: _iso(v) for k, v in data["fields"].items()},
            "attachments": data["attachments"],
        }
    raise ValueError(f"kind must be 'list' or 'detail', not {kind!r}")


def _list_result(reading, pages) -> dict:
    return {
        "kind": "list",
        "entries": [{"title": e["title"], "url": e["url"], "date": _iso(e["date"])} for e in reading.entries],
        "list_found": reading.found,
        "empty": reading.empty,
        "total": reading.total,
        "next_pages": list(dict.fromkeys(p.url for p in pages)),
    }


def extract_site_pages(pages: list[tuple[str, bytes, str]], overrides: dict | None = None) -> dict:
    """``zwgk extract --site-pages``: the template learned from saved column pages of one site
    (name, body, URL), and each page read with it as the spider reads it.

    -> {"template": {"pages", "list_region", "pager", "boilerplate_links", "boilerplate_examples"} or null,
        "pages": [{"file", "url", <the list result of extract_page>}]}
    """
    from .encoding import decode_html
    from .listing import read_list
    from .pagination import next_pages
    from .template import learn

    texts = [(name, decode_html(body) if isinstance(body, (bytes, bytearray)) else body, url)
             for name, body, url in pages]
    template = learn([read_list(text, url, overrides=overrides, profile=True).profile for _, text, url in texts])
    out = []
    for name, text, url in texts:
        result = _list_result(read_list(text, url, overrides=overrides, template=template),
                              next_pages(text, url, overrides=overrides))
        out.append({"file": name, "url": url, **{k: v for k, v in result.items() if k != "kind"}})
    return {"template": template.as_dict() if template is not None else None, "pages": out}
