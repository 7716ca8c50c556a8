"""Parsing and tree walking shared by the extractors.

Everything here tolerates hostile input: empty strings, binary garbage and unclosed tags all
give a (possibly empty) tree. The one exception is nesting deeper than MAX_DEPTH: libxml2 drops
what lies deeper than its limit (so the tree would silently lack the list), and every extractor
that reads an element's text costs time in proportion to the depth. Such a page raises
``PageTooComplex``: the spider records it as a fetch error of kind ``too-complex``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree

# Characters libxml2 refuses in a Python string (NUL and the C0 controls other than tab/newline).
# An index page is its directory: /a/index.html, /a/index.jsp, /a/default.aspx and /a/ are one page
# (TRS pagers link page 1 as index.html; JSP and ASP.NET portals name it index.jsp, default.aspx).
_INDEX_PAGE = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|aspx?|php)(?=$|\?)", re.I)


def index_as_directory(url: str) -> str:
    """A URL (or a path) naming a directory's index page, as the directory: ``/a/index.html`` -> ``/a/``."""
    return _INDEX_PAGE.sub("/", url, count=1)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)

BLOCK_TAGS = frozenset("""
address article aside blockquote body br caption center dd details dialog dir div dl dt fieldset
figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 header hr html iframe label legend li
main menu nav ol p pre section summary table tbody td tfoot th thead title tr ul
""".split())
SKIP_TAGS = frozenset("script style noscript template head select option textarea object embed svg".split())

# Containers that are never the article or the main list: footers, navigation, breadcrumbs,
# related/hot boxes, sharing. Matched against class and id tokens, so "footer" hits "footer",
# "g-footer", "footer_box"; "right", "left", "header" and "top" are deliberately absent (old layouts
# put the main column in "right", and an article's own header holds its title and date).
NOISE_TOKEN = re.compile(
    r"(?:^|[\s_-])(?:foot(?:er)?|copy(?:right)?|banquan|bottom|related|relate|xgwz|xgxx|xglj|xgwd|"
    r"hot(?:news)?|rmtj|rdtj|rdxw|rdzt|rank(?:ing)?|recommend|tuijian|share|bdshare|sidebar|aside|"
    r"reldocuments|reldocs?|glgj|xgwj|"
    r"yqlj|friend(?:link)?s?|wzdt|sitemap|crumbs?|breadcrumbs?|location|position|dqwz|"
    r"nav(?:bar)?|menu)(?=$|[\s_-]|\d)",
    re.I,
)
NOISE_TAGS = frozenset({"footer", "nav", "aside"})


MAX_DEPTH = 256   # libxml2's own limit without XML_PARSE_HUGE; real portal pages stay below 60


class PageTooComplex(ValueError):
    """The page's elements nest deeper than MAX_DEPTH: its tree is not read."""


def _over_limit(parser) -> bool:
    return any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


def _depth_over(root, limit: int) -> bool:
    depth = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > limit:
            return True
    return False


# The last text parsed and its tree. No extractor modifies a tree, so the readers of one page (its
# list and its pager, in the spider and in `zwgk extract`) share one parse of it.
_LAST: list = [None, None]


def parse(html) -> etree._Element:
    """An lxml HTML root for any input: text, bytes, an lxml element or a parsel Selector.

    The same text object given again (the next extractor on the same page) gets the same tree."""
    if hasattr(html, "root") and isinstance(getattr(html, "root"), etree._Element):
        return html.root
    if isinstance(html, etree._Element):
        return html
    if isinstance(html, str) and html is _LAST[0]:
        return _LAST[1]
    root = _parse(html)
    if isinstance(html, str):
        _LAST[:] = [html, root]
    return root


def _parse(html) -> etree._Element:
    if isinstance(html, bytes):
        from .encoding import decode_html
        html = decode_html(html)
    text = _CONTROL.sub("", html or "")
    text = _XML_DECL.sub("", text, count=1)
    if not text or text.isspace():   # what strip() would empty, without copying the page
        return _empty()
    try:
        root = _document(text, _PARSER)
        if _over_limit(_PARSER):
            # Too deep, or a text node over 10 MB (an inline image): the huge parser tells them apart.
            root = _document(text, _HUGE_PARSER)
            if _over_limit(_HUGE_PARSER) or _depth_over(root, MAX_DEPTH):
                raise PageTooComplex(f"elements nested more than {MAX_DEPTH} deep")
    except (etree.ParserError, etree.XMLSyntaxError):
        root = None
    except PageTooComplex:
        raise
    except ValueError:
        root = None
    if root is None:
        return _empty()
    _merge_stray_documents(root)
    return root


def _document(text: str, parser) -> etree._Element:
    """lxml.html's document_fromstring, with plain lxml elements (see _PARSER)."""
    root = etree.fromstring(text, parser)
    if root is None:
        raise etree.ParserError("Document is empty")
    return root


def _empty() -> etree._Element:
    return _document("<html><body></body></html>", _PARSER)


def _merge_stray_documents(root) -> None:
    """Content after a stray ``</html>`` (a server-side include that brings a whole document of its
    own, as on www.gov.cn's 公报 pages) becomes a second top-level tree in lxml; browsers render it
    in the one body, so it is moved there — otherwise every walk from the root misses it."""
    strays = [el for el in root.itersiblings() if isinstance(el.tag, str)]
    if not strays:
        return
    head = root.find("head")
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    for stray in strays:
        parts = list(stray) if stray.tag == "html" else [stray]
        for part in parts:
            if part.tag == "head" and head is not None:
                head.extend(list(part))
            elif part.tag == "body":
                body.extend(list(part))
            else:
                body.append(part)  # an emptied stray <html> stays behind, childless


# The default parser stops at MAX_DEPTH and reports it (ERR_RESOURCE_LIMIT), which costs nothing;
# only such pages are parsed again with the huge parser to see which limit they hit.
# Plain lxml elements, not lxml.html's HtmlElement: lxml.html looks up a Python class for every
# element the extractors touch (about a tenth of a detail page's extraction), and nothing here
# uses the methods that class adds.
_PARSER = etree.HTMLParser(recover=True, remove_comments=True, remove_pis=True)
_HUGE_PARSER = etree.HTMLParser(recover=True, remove_comments=True, remove_pis=True, huge_tree=True)


_SPACE_CHARS = r"\s\u3000\xa0\u200b\ufeff"
_SPACES = re.compile(f"[{_SPACE_CHARS}]+")
FIRST_SHOWN = re.compile(f"[^{_SPACE_CHARS}]")   # .search(text): the first character squash(text) keeps


def squash(text: str | None) -> str:
    """Whitespace (ASCII, full-width, nbsp) collapsed to single spaces and trimmed."""
    if not text:
        return ""
    return _SPACES.sub(" ", text).strip()


def classes(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


class ClassIdTest(dict):
    """Whether an element's (class, id) pair matches ``pattern``, remembered by the pair: a site's
    pages repeat the same few hundred. ``test[(cls, ident)]``; a dict, so that a remembered pair costs
    one lookup on paths run for every element. Bounded: a hostile page's made-up names do not grow it
    without end."""

    LIMIT = 4096

    def __init__(self, pattern: re.Pattern):
        super().__init__()
        self.pattern = pattern

    def __missing__(self, pair: tuple) -> bool:
        if len(self) >= self.LIMIT:
            self.clear()
        found = self[pair] = bool(self.pattern.search(f"{pair[0] or ''} {pair[1] or ''}"))
        return found


# Whether a class and id pair is noise (see is_noise).
_NOISY_ATTRS = ClassIdTest(NOISE_TOKEN)


def is_noise(el) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in NOISE_TAGS:
        return True
    cls, ident = el.get("class"), el.get("id")
    if not cls and not ident:
        return False   # most elements: nothing to search (run for every element of every page)
    return _NOISY_ATTRS[(cls, ident)]


def in_noise(el) -> bool:
    while el is not None:
        if isinstance(el.tag, str) and el.tag not in ("html", "body") and is_noise(el):
            return True
        el = el.getparent()
    return False


def any_ancestor(el, test, memo: dict) -> bool:
    """Whether ``test`` holds for ``el`` or one of its ancestors below <body>, memoised per element
    in ``memo`` (siblings share most ancestors; iterative: deep malformed trees exceed the recursion
    limit)."""
    chain = []
    result = False
    node = el
    while node is not None and isinstance(node.tag, str) and node.tag not in ("html", "body"):
        if node in memo:
            result = memo[node]
            break
        chain.append(node)
        node = node.getparent()
    for node in reversed(chain):
        result = result or bool(test(node))
        memo[node] = result
    return result


def base_url(root, url: str) -> str:
    """The URL relative links resolve against: a <base href> when the page has one."""
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            return urljoin(url, href)
        break
    return url


def absolute(base: str, href: str | None) -> str | None:
    """Absolute http(s) URL of a link, or None for javascript:, mailto:, bare anchors and junk."""
    if not href:
        return None
    if type(base) is str and type(href) is str:
        # A list page's links are resolved again for each container scored (about five times
        # each): remembered. Plain strings only: an lxml "smart" string would keep its tree alive.
        return _absolute(base, href)
    return _absolute.__wrapped__(base, href)


@lru_cache(maxsize=4096)
def _absolute(base: str, href: str) -> str | None:
    href = href.strip().replace("\\", "/")
    if not href or href.startswith("#"):
        return None
    low = href.lower()
    if low.startswith(("javascript:", "mailto:", "tel:", "data:", "about:", "vbscript:")):
        return None
    try:
        out = urljoin(base, href)
    except ValueError:
        return None
    if not out.lower().startswith(("http://", "https://")):
        return None
    return out.split("#", 1)[0] or None


def meta_tags(root) -> dict[str, str]:
    """<meta name|property=…> contents by lower-cased name; the first non-empty one wins."""
    out: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip().lower()
        if name and name not in out:
            content = squash(meta.get("content"))
            if content:
                out[name] = content
    return out


@dataclass(slots=True)
class Line:
    """A run of text between two block boundaries, as a reader sees it on screen.

    ``text`` keeps a SOFT mark where inline elements meet, so a label in one <span> and its value
    in the next can be told apart from one value written across several inline elements.
    """
    text: str
    el: etree._Element  # innermost block element the line started in
    noise: bool


SOFT = "\x1f"


# lines() is run over every element of every page: its patterns are compiled once.
_SOFT_RUN = re.compile(SOFT + "+")
_SOFT_TWICE = SOFT + SOFT
_SHOWN = re.compile(r"[^\s\u3000\xa0\u200b\ufeff" + SOFT + "]")   # what squash() would keep
_STRIP = " \t\r\n" + SOFT

# What lines() needs to know of a tag, by the tag as the parser wrote it: (skipped, block, a noise
# tag, html or body). Looked up once per element instead of lower-casing and testing four sets.
_INLINE, _BLOCK, _SKIP = 0, 1, 2
_TAG_KINDS: dict[str, tuple[int, bool, bool]] = {}


def _tag_kind(tag: str) -> tuple[int, bool, bool]:
    low = tag.lower()
    kind = (_SKIP if low in SKIP_TAGS else _BLOCK if low in BLOCK_TAGS else _INLINE,
            tag in NOISE_TAGS, low in ("html", "body"))
    if len(_TAG_KINDS) < 512:   # bounded, as _NOISY_ATTRS
        _TAG_KINDS[tag] = kind
    return kind


def lines(root, *, skip_noise: bool = False) -> list[Line]:
    """Visible text of ``root`` split into lines at block elements (iterative: no recursion limit)."""
    # One pass over every element of every page read: the line being built and the innermost open
    # element's noise flag and block element are kept in locals (the stack holds the outer ones'),
    # not in closures or objects, which costs a third of the time per element.
    out: list[Line] = []
    parts: list[str] = []
    line_el, line_noise = None, False
    append = parts.append
    kinds = _TAG_KINDS
    noisy_attrs = _NOISY_ATTRS

    # (noise flag, innermost block element, kind) of each open element but the innermost.
    stack: list[tuple] = []
    noise, block_el, kind = False, root, _INLINE   # the innermost open element's (none yet: root's)
    depth = 0          # open elements, the root's included
    skip_depth = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if event == "start":
            if skip_depth:
                skip_depth += 1
                continue
            if type(tag) is not str:
                continue
            tag_kind = kinds.get(tag) or _tag_kind(tag)
            if depth:
                stack.append((noise, block_el, kind))
            depth += 1
            if tag_kind[0] == _SKIP:
                skip_depth = 1
                noise, block_el, kind = False, None, _SKIP
                continue
            if not noise and not tag_kind[2]:   # is_noise(el), inline: run for every element
                if tag_kind[1]:
                    noise = True
                else:
                    cls, ident = el.get("class"), el.get("id")
                    if cls or ident:
                        noise = noisy_attrs[(cls, ident)]
            kind = tag_kind[0]
            if kind == _BLOCK:
                block_el = el
            if skip_noise and noise:
                skip_depth = 1
                continue
            if kind == _BLOCK:
                if parts:   # the line so far ends here
                    if (line := _ended_line(parts, line_el, line_noise)) is not None:
                        out.append(line)
                    line_el = None
            else:
                append(SOFT)
            text = el.text
            if text:
                if line_el is None and text.strip():
                    line_el, line_noise = block_el, noise
                append(text)
        else:
            if skip_depth > 1:
                skip_depth -= 1
                continue
            if type(tag) is not str:
                # Comments and PIs were removed by the parser; a leftover keeps its tail.
                if depth and not skip_depth:
                    text = el.tail
                    if text:
                        if line_el is None and text.strip():
                            line_el, line_noise = block_el, noise
                        append(text)
                continue
            if skip_depth == 1:
                skip_depth = 0
            elif kind == _BLOCK:
                if parts:
                    if (line := _ended_line(parts, line_el, line_noise)) is not None:
                        out.append(line)
                    line_el = None
            else:
                append(SOFT)
            depth -= 1
            if depth:
                noise, block_el, kind = stack.pop()
                text = el.tail
                if text:
                    if line_el is None and text.strip():
                        line_el, line_noise = block_el, noise
                    append(text)
    if parts and (line := _ended_line(parts, line_el, line_noise)) is not None:
        out.append(line)
    return out


def _ended_line(parts: list[str], el, noise: bool) -> Line | None:
    """The line ``parts`` make (``parts`` is emptied), or None when it shows nothing. Most runs
    between two blocks are only the markup's whitespace: tested before anything is built (_SHOWN
    finds the same in either)."""
    text = "".join(parts)
    parts.clear()
    if not _SHOWN.search(text):
        return None
    if _SOFT_TWICE in text:
        text = _SOFT_RUN.sub(SOFT, text)
    return Line(text.strip(_STRIP), el, noise)


def text_of(el) -> str:
    """Squashed visible text of an element (scripts and styles left out)."""
    if el is None:
        return ""
    return squash(" ".join(l.text.replace(SOFT, "") for l in lines(el)))


def inline_text(el) -> str:
    """Squashed text of a small element, inline pieces joined without spaces."""
    if el is None:
        return ""
    if not len(el):
        return squash(el.text)   # a leaf: its own text (most elements asked for their text are)
    try:
        raw = "".join(el.itertext())
    except (ValueError, TypeError):
        raw = el.text or ""
    return squash(raw)


# The Public Suffix List as bundled with tldextract: never fetched (no network during a crawl or a
# test), so gov.cn, com.cn … are suffixes and yichun.gov.cn is a registrable domain.
_PSL = None


def site_of(url: str) -> str:
    """Registrable domain of a URL (yichun.gov.cn for www.yichun.gov.cn); the host for IPs and
    names without a public suffix (localhost)."""
    global _PSL
    from urllib.parse import urlsplit
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    if not host or re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return host
    if _PSL is None:
        import tldextract
        _PSL = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    parts = _PSL(host)
    return f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix else host


_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef])\s+(?=[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef])")


def close_cjk(text: str) -> str:
    """Drop layout whitespace between Chinese characters ("政府信息<br>公开指南" -> 政府信息公开指南)."""
    return _CJK_GAP.sub("", text)
