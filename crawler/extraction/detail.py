"""A detail (article) page -> its disclosure fields, body text and attachments.

Date trust order, from the portals we have seen:
1. a labelled date in the page (the 信息公开 table, or 发布时间：… in the article header);
2. a ``<meta name=PubDate>``-like tag — often the page-generation time, so only when no label;
3. an unlabelled date right under the title (news-style pages: 来源：新华社 2023-12-01 14:43).
Never footers, related/hot boxes, URLs, or datelines inside the body; never after ``fetched_at``
or before 1990.
"""
from __future__ import annotations

import re
from datetime import date

from . import article, dom, validity
from .dates import china_today, find_dates, parse_date
from .metadata import Hit, is_media_outlet, label_runs, looks_like_government_body, resolve, scan
from .selectors import select

_META_DATES = ("pubdate", "publishdate", "publish_date", "publishtime", "pubtime", "article:published_time",
               "og:article:published_time", "dc.date.issued", "dcterms.issued", "dc.date", "firstpublishedtime",
               "releasedate", "publication_date")
_TITLE_HINT = re.compile(r"(?:^|[\s_-])(?:title|tit|bt|biaoti|headline|subject|wztit|art[-_]?tit|"
                         r"article[-_]?title|detail[-_]?title|news[-_]?title|con[-_]?title|ucaptitle)"
                         r"(?=$|[\s_-]|\d)", re.I)
_TITLE_HINTS = dom.ClassIdTest(_TITLE_HINT)   # whether a class and id name a title box
# "title | site", "title_column_site", "title - site": separators a title itself rarely holds.
_TITLE_SPLIT = re.compile(r"\s+[-–—－|｜]+\s+|\s*[|｜_]\s*")
# "title-中国科普网": a bare dash only separates when a site-like name follows it.
_SITE_TAIL = re.compile(r"[-–—－]+[^-–—－]{2,20}(?:网|网站|政府|门户|平台|局|委员会|委|厅|部|办公室|中心)$")
_STAMP = re.compile(r"(?:(?:页面|网站|网页|本页|本站)(?:更新|生成)|更新)(?:时间|日期)\s*[:：]")
_METADATA_KEYS = {"index_number", "category", "publisher", "doc_number", "written", "issued", "published",
                  "validity", "keywords", "title", "_other"}


def extract_detail(html, url: str, *, fetched_at: date | None = None, overrides: dict | None = None) -> dict:
    """Fields of a detail page; see ARCHITECTURE.md. Never raises on bad markup."""
    limit = fetched_at or china_today()
    overrides = overrides or {}
    root = dom.parse(html)
    base = dom.base_url(root, url)
    metas = dom.meta_tags(root)

    meta_root = None
    if overrides.get("metadata"):
        found = [el for el in select(root, overrides["metadata"]) if not isinstance(el, str)]
        meta_root = found[0] if found else None
    page_lines = dom.lines(root)
    if meta_root is not None:
        hits = [h for h in scan(meta_root) if not h.noise]
    else:
        hits = [h for h in scan(root, page_lines) if not h.noise]
    md = resolve(hits)

    body_el = article.find_body(root)
    title, title_el = _title(root, metas, md)
    title, badge = validity.split_title(title)
    published, source = _published(page_lines, hits, metas, title, body_el, limit)
    written = _first_date(hits, ("written",), limit) or _issued_as_written(hits, limit)

    publisher = md.get("publisher")
    if not publisher:
        for candidate in (md.get("source"), metas.get("contentsource")):
            if candidate and looks_like_government_body(candidate) and not is_media_outlet(candidate):
                publisher = candidate
                break

    body_lines = article.body_lines(body_el, page_lines) if body_el is not None else None
    if body_el is not None:
        body = "\n".join(dom.squash(l.text.replace(dom.SOFT, "")) for l in body_lines)
    elif isinstance(html, str) and len(html) <= article.TRAFILATURA_MAX:
        body = article.trafilatura_body(html)
    else:  # huge or pre-parsed input: the page's own non-chrome text rather than seconds of scoring
        body = "\n".join(dom.squash(l.text.replace(dom.SOFT, "")) for l in page_lines if not l.noise)
    under_title = _lines_under_title(page_lines, title_el, body_lines)
    doc_number = md.get("doc_number") or _doc_number_under_title(under_title)
    area = article.common_ancestor(title_el, body_el) if title_el is not None else None
    if area is None or area.tag in ("html", "body"):
        area = body_el.getparent() if body_el is not None and body_el.getparent() is not None else root
    return {
        "fields": {
            "title": title,
            "published": published,
            "written": written,
            "doc_number": doc_number,
            "index_number": md.get("index_number"),
            "publisher": publisher,
            "category": md.get("category"),
            "validity": _validity(hits, title, title_el, under_title) or badge,
            "repeals": validity.repealed(body, doc_number),
        },
        "column_name": metas.get("columnname") or None,
        "body": body,
        "attachments": article.attachments(area, base),
        "date_source": source,
    }


# -- 文号 printed without a label -------------------------------------------------------------

# A whole line that is only a document number: issuer abbreviation, bracketed year, serial + 号
# (岚综委干〔2024〕46号, 国发〔2023〕5号, 闽政办〔2022〕第3号).
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,16}[〔\[［【(（](?:19|20)\d{2}[〕\]］】)）]第?\d{1,5}号$")
_UNDER_TITLE = 6
_BESIDE_TITLE = 14   # a validity mark may sit at the end of a metadata block under the title


def _lines_under_title(page_lines, title_el, body_lines) -> list:
    """The few visible lines right under the title (the title's own line first), or the first
    lines of the body when the title is not found on the page."""
    if title_el is not None:
        start = next((i for i, line in enumerate(page_lines)
                      if line.el is not None and (line.el is title_el or title_el in line.el.iterancestors()
                                                  or line.el in title_el.iterancestors())), None)
        after = [l for l in page_lines[start + 1:] if not l.noise][:_BESIDE_TITLE] if start is not None else []
        if after:
            return [page_lines[start]] + after
    if body_lines is not None:
        return [None] + body_lines[:_UNDER_TITLE]
    return [None]


def _doc_number_under_title(under_title) -> str | None:
    """An official document prints its 文号 on a line of its own right under its title, often in
    the body and split over several <span>s; a 文号 cited inside a sentence is not it."""
    for line in under_title[1:_UNDER_TITLE + 1]:
        text = _WHITESPACE.sub("", line.text.replace(dom.SOFT, ""))
        if _DOC_NUMBER.match(text):
            return text
    return None


def _validity(hits: list[Hit], title, title_el, under_title) -> str | None:
    """The validity mark: the 信息公开 block's (有效性/效力状态/是否有效/时效), else one printed with
    the title — bracketed after it, or alone on a line under it (现行有效)."""
    for hit in hits:
        if hit.key == "validity" and hit.value:
            mark = validity.normalize(hit.value, hit.word)
            if mark:
                return mark
    lines = [dom.squash(l.text.replace(dom.SOFT, " ")) for l in under_title[1:]]
    if under_title[0] is not None:
        own = dom.squash(under_title[0].text.replace(dom.SOFT, " "))
        if title and own.startswith(title):
            lines.insert(0, own[len(title):])   # <h1>title <span>现行有效</span></h1>
    return validity.beside_title(title, lines)


# -- dates -------------------------------------------------------------------------------------

def _first_date(hits: list[Hit], keys: tuple[str, ...], limit: date) -> date | None:
    for hit in hits:
        if hit.key in keys and hit.value:
            value = parse_date(hit.value, not_after=limit)
            if value:
                return value
    return None


def _issued_as_written(hits: list[Hit], limit: date) -> date | None:
    """发文日期 is the written date only when a real publication-date label is also present."""
    if any(h.key == "published" and h.value and parse_date(h.value, not_after=limit) for h in hits):
        return _first_date(hits, ("issued",), limit)
    return None


def _published(page_lines, hits, metas, title, body_el, limit):
    for keys in (("published",), ("issued",), ("published_weak",)):
        for hit in hits:
            if hit.key in keys and hit.value:
                value = parse_date(hit.value, not_after=limit)
                if value:
                    return value, _label_kind(hit, hits)
    stamps = _generation_dates(page_lines, metas, limit)
    for name in _META_DATES:
        value = parse_date(metas.get(name), not_after=limit)
        if value and value not in stamps:
            return value, "meta"
    value = _header_date(page_lines, title, body_el, limit)
    if value:
        return value, "text"
    return None, None


def _label_kind(hit: Hit, hits: list[Hit]) -> str:
    """"table" when the date sits in a block of several disclosure labels, else "label"."""
    near = {h.word for h in hits if h.key in _METADATA_KEYS and abs(h.line - hit.line) <= 16}
    return "table" if len(near) >= 3 else "label"


def _generation_dates(page_lines, metas, limit) -> set:
    """Dates the page gives as its own generation/update time: a PubDate meta equal to one of
    them is the template's stamp (every page of the site carries it), not a publication date."""
    stamps = set()
    others = metas.get("others", "")
    if "生成" in others or "更新" in others:
        stamps.update(find_dates(others, not_after=limit))
    for line in page_lines:
        if ("更新" in line.text or "生成" in line.text) and (line.noise or _STAMP.search(line.text)):
            stamps.update(find_dates(line.text, not_after=limit))
    return stamps


def _header_date(all_lines, title, body_el, limit) -> date | None:
    """An unlabelled date in the few lines under the title, before the body starts."""
    start = None
    if title:
        for i, line in enumerate(all_lines):
            text = dom.squash(line.text.replace(dom.SOFT, ""))
            if not line.noise and text and (text == title or (len(title) >= 6 and title in text)):
                start = i
                break
    if start is None:
        return None
    body_ids = set()
    if body_el is not None:
        body_ids = {id(e) for e in body_el.iter()}
    for line in all_lines[start:start + 8]:
        if line.noise or id(line.el) in body_ids:
            if id(line.el) in body_ids:
                break
            continue
        text = _without_other_labels(line.text).replace(dom.SOFT, " ")
        if title and title in text:
            text = text.replace(title, " ")
        value = parse_date(text, not_after=limit)
        if value:
            return value
    return None


def _without_other_labels(text: str) -> str:
    """Drop ``label：value`` runs whose dates are not publication dates (更新时间, 有效期 …)."""
    out, pos = [], 0
    for key, start, end in label_runs(text):
        if key in ("_other", "written", "validity"):
            out.append(text[pos:start])
            pos = end
    out.append(text[pos:])
    return "".join(out)


# -- title -------------------------------------------------------------------------------------

def _title(root, metas, md):
    """(title, element holding it). ArticleTitle meta, a labelled 标题, the article heading, <title>."""
    head_title = ""
    for t in root.iter("title"):
        head_title = dom.squash(t.text_content() if hasattr(t, "text_content") else t.text)
        break
    site = metas.get("sitename", "")
    parts = [_SITE_TAIL.sub("", p).strip() for p in _TITLE_SPLIT.split(head_title)]
    parts = [p for p in parts if p and p != site]
    guess = max(parts, key=len) if parts else ""

    candidates = [dom.squash(c) for c in (metas.get("articletitle"), md.get("title"))]
    candidate = next((c for c in candidates if c and len(c) >= 2), "")
    element, element_text, own = _title_element(root, head_title, site, guess, set(parts) - {guess},
                                                 exact=candidate)
    if candidate:
        if own is not None and (element is None or _flat(element_text) != _flat(candidate)):
            # A <title> naming only the column and site ("人事任免_…管委会") best matches some
            # other line (a signature "…党工委"); the heading is the one holding this title.
            element = own
        return candidate, element if element is not None else _find_text(root, candidate)
    if element_text:
        return element_text, element
    if guess:
        return guess, _find_text(root, guess)
    return None, None


def _title_element(root, head_title: str, site: str, guess: str, other_parts: set, exact: str = ""):
    """(best heading, its text, the heading holding ``exact``). Best heading: one whose whole text
    the <title> contains wins (longest first); then one that starts with the <title>'s main part (a
    truncated <title>); else the first h1 that is not the site name. The heading holding ``exact``
    (the ArticleTitle, however laid out) is found in the same walk: a heading over a div, the first
    of equals."""
    best, best_text, best_score = None, "", 0
    fallback, fallback_text = None, ""
    own, own_score = None, 0
    stem = guess.rstrip(".…") if len(guess) >= 8 else ""
    flat_guess = _flat(guess)
    flat_exact = _flat(exact)
    # A text that scores starts with a character of the <title> or of ``exact``: an element whose
    # text starts otherwise, as its own text or its first descendants' show, is passed over unread
    # (only the first h1 counts regardless).
    firsts = set(head_title) | set(guess) | set(flat_exact[:1])
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        is_heading = tag in _HEADINGS
        if not is_heading and tag != "ucaptitle":
            cls, ident = el.get("class"), el.get("id")
            # Most elements have neither: nothing for the hint to find.
            if not ((cls or ident) and _TITLE_HINTS[(cls, ident)]):
                if not (head_title and tag in _SMALL_BLOCKS and len(el) <= 2):
                    continue
        if tag != "h1" and (lead := _first_shown(el)) is not None and lead not in firsts:
            continue
        text = dom.inline_text(el)
        if not (4 <= len(text) <= 200) or text == site or text in other_parts:
            continue  # the site or column name of a "title - column - site" <title>
        flat = _flat(text) if flat_exact or flat_guess else text
        if flat_exact and text != guess and flat == flat_exact:
            own_score_here = (2000 if text == exact else 1500) + (5 if is_heading else 0)
            if own_score_here > own_score and not dom.in_noise(el) and not _hidden(el):
                own, own_score = el, own_score_here
        score = 0
        if guess and text == guess:
            score = 2000
        elif flat_guess and flat == flat_guess:
            # The same title laid out differently: a heading broken by <br>, a <title> with a stray
            # full-width space ("2007　年末"). Chinese takes no spaces between characters.
            score = 1500
            text = _close_title(text)
        elif guess and text in guess:
            score = 1000 + len(text)
        elif stem and text.startswith(stem) and len(text) <= len(stem) * 3:
            score = 500 - (len(text) - len(stem))
        elif head_title and text in head_title:
            score = 200 + len(text)
        if score:
            if dom.in_noise(el) or _hidden(el):
                continue  # a share widget's display:none copy of the title is not the heading
            score += 5 if is_heading else 0
            if score > best_score:
                best, best_text, best_score = el, text, score
        elif fallback is None and tag == "h1" and not dom.in_noise(el) and next(el.iter("img"), None) is None:
            fallback, fallback_text = el, text
    if best is not None:
        return best, best_text, own
    return fallback, fallback_text, own


_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.I)


def _hidden(el) -> bool:
    while el is not None and isinstance(el.tag, str):
        if _DISPLAY_NONE.search(el.get("style") or ""):
            return True
        el = el.getparent()
    return False


_WHITESPACE = re.compile(r"\s+")
_HEADINGS = ("h1", "h2", "h3")
_SMALL_BLOCKS = ("div", "p", "span", "td", "strong", "font", "b")


_FIRST_SHOWN_STEPS = 8   # a bound, so that deeply nested markup costs no more per element


def _first_shown(el) -> str | None:
    """The first character ``dom.inline_text(el)`` keeps, when the element's own text or that of its
    first few descendants down the first-child line holds it; None when it lies further on (unknown)."""
    node = el
    for _ in range(_FIRST_SHOWN_STEPS):
        text = node.text
        if text and (lead := dom.FIRST_SHOWN.search(text)):
            return lead.group()
        if not len(node):
            return None
        node = node[0]
        if not isinstance(node.tag, str):
            return None
    return None


def _flat(text: str) -> str:
    return _WHITESPACE.sub("", text or "")


_CJK = "\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"
_GAP_BY_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


def _close_title(text: str) -> str:
    """Layout whitespace next to a Chinese character dropped; spaces between Latin words kept."""
    return _GAP_BY_CJK.sub("", text)


def _find_text(root, text: str):
    for el in root.iter("h1", "h2", "h3", "div", "p", "span", "td", "ucaptitle", "strong"):
        if dom.inline_text(el) == text:
            return el
    return None
