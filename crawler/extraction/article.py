"""Where a detail page keeps its article: the body container, its text and its attachments."""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from lxml import etree

from . import dom

# Body containers of the CMSs found on portals (TRS, UCAP/开普云, Hanweb, home-grown templates).
_BODY_HINT = re.compile(
    r"(?:^|[\s_-])(?:trs_editor|trs_editor_view|trs_ueditor|trs_paper_default|zoom|zoomcon|"
    r"ucap-?content|article[-_]?content|article[-_]?body|articlecontent|art[-_]?con(?:tent)?|"
    r"content[-_]?text|contenttext|con[-_]?text|news[-_]?content|newscontent|pages?[-_]content|"
    r"detail[-_]?content|xxgk[-_]?content|main[-_]?text|maintext|zwnr|wznr|zw[-_]?con|bt[-_]?content|"
    r"view[-_]?content|info[-_]?content|txt[-_]?content|text[-_]?content|nr[-_]?con|contentbox|"
    r"detail[-_]?text|arti[-_]?content|content[-_]?body|conTxt|wz[-_]?con)"
    r"(?=$|[\s_-]|\d)",
    re.I,
)
_BODY_TAGS = ("ucapcontent",)
# Elements with a class or an id, and the body tags, in document order: reached through their
# attributes (twice as fast in libxml2 as testing a predicate on every element).
_HINTED = etree.XPath("(descendant-or-self::*/@class | descendant-or-self::*/@id)/.. | "
                      + " | ".join(f"descendant-or-self::{t}" for t in _BODY_TAGS))
TRAFILATURA_MAX = 1_500_000  # characters; above it trafilatura takes seconds per page
ATTACHMENT_EXT = ("pdf", "doc", "docx", "xls", "xlsx", "wps", "zip", "rar", "ofd", "ppt", "pptx", "et", "7z")
_EXT = re.compile(r"\.(" + "|".join(ATTACHMENT_EXT) + r")$", re.I)


def find_body(root):
    """The element holding the article text, or None when no known container is on the page."""
    best, best_len = None, 0
    # Only elements with a class or an id can match the hint: lxml picks them out (in document
    # order), not a Python loop over every element of the page.
    for el in _HINTED(root):
        if el.tag not in _BODY_TAGS and not _BODY_HINTS[(el.get("class"), el.get("id"))]:
            continue
        if el.tag in ("body", "html", "meta", "link", "script", "style") or dom.in_noise(el):
            continue
        length = len(dom.inline_text(el))
        # Nested hints (div#zoom > div.TRS_Editor) hold the same text: keep the inner one.
        if length > best_len * 1.15 or (best is not None and _inside(el, best) and length >= best_len * 0.85):
            best, best_len = el, length
    return best if best_len >= 2 else None


_BODY_HINTS = dom.ClassIdTest(_BODY_HINT)   # whether a class and id name a body container


def _inside(el, ancestor) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.getparent()
    return False


def body_lines(el, page_lines: list | None = None) -> list:
    """``dom.lines(el)``. Given the page's own lines (``dom.lines`` of the whole page, which a detail
    page has already walked), a block element's lines are taken from them instead of walking its
    subtree again: a block starts and ends a line, so the page's lines that started inside it are
    exactly its own."""
    if page_lines is None or not isinstance(el.tag, str) or el.tag.lower() not in dom.BLOCK_TAGS:
        return dom.lines(el)
    inside = set(el.iter())
    return [line for line in page_lines if line.el in inside]


def trafilatura_body(html_text: str) -> str:
    """Main text by trafilatura, configured for speed: no metadata, no comments, no fallbacks."""
    try:
        import trafilatura
        text = trafilatura.extract(html_text, include_comments=False, favor_precision=True, fast=True,
                                   with_metadata=False, deduplicate=False)
    except Exception:  # trafilatura can trip on pathological markup; the body is then unknown
        return ""
    return text or ""


def common_ancestor(a, b):
    if a is None or b is None:
        return None
    ancestors = set()
    el = a
    while el is not None:
        ancestors.add(el)
        el = el.getparent()
    el = b
    while el is not None:
        if el in ancestors:
            return el
        el = el.getparent()
    return None


def attachments(area, base: str) -> list[dict]:
    """Document links (pdf, doc, xls, ofd …) inside ``area``, outside noise boxes."""
    out: list[dict] = []
    seen = set()
    if area is None:
        return out
    for a in area.iter("a"):
        url = dom.absolute(base, a.get("href"))
        if not url or url in seen:
            continue
        text = dom.inline_text(a) or dom.squash(a.get("title"))
        if not (_is_document(url) or _EXT.search(text or "")):
            continue
        if dom.in_noise(a):
            continue
        seen.add(url)
        title = text or dom.squash(a.get("title")) or _filename(url)
        out.append({"title": title, "url": url})
    return out


def _is_document(url: str) -> bool:
    parts = urlsplit(url)
    if _EXT.search(parts.path):
        return True
    # download.jsp?filename=通知.pdf
    return any(_EXT.search(unquote(value)) for value in re.findall(r"=([^&]+)", parts.query))


def _filename(url: str) -> str:
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])
