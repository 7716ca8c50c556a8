"""Pagers that exist only in a script: jQuery pager plugins and inline page-count variables.

The list page has no ``<a>`` to page 2; a script holds the page count and the URL of a page as an
expression::

    $(".pagination").pagination({totalPage: 54, currentPage: 1, …,
        callBack: function (i) { location.href = i > 0 ? 'index_' + i + '.html' : 'index.html'; }});
    var countPage = 12; … window.location = "list_" + (page) + ".shtml";

What is read: the page count (``totalPage``/``totalPages``/``pageCount``/``countPage``/``page_count``/
``pageTotal``, written ``: N`` or ``= N``) and the URL template (a string literal, ``+ variable +``, a
string literal). Which numbers exist follows the template's stem: when the current page is the
template's stem without a number (``index.html`` for ``'index_'+i+'.html'``), that page is page 1 and
the others are ``stem_1`` … ``stem_{N-1}`` (the TRS static-page convention the plugins drive);
otherwise every page is numbered, ``stem_1`` … ``stem_N``.
Candidates only: the spider de-duplicates and stops on pages that repeat entries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

MAX_PAGES = 2000
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.I | re.S)
_COUNT = re.compile(
    r"""["']?\b(?:totalPages?|pageCount|countPage|page_count|pageTotal|totalPageNum|pageNum(?:ber)?s)\b["']?"""
    r"""\s*[:=]\s*["']?(\d{1,5})\b""", re.I)
# 'index_' + i + '.html'  /  "list_" + (page) + ".shtml"  /  'index_' + (n - 1) + '.htm'
_TEMPLATE = re.compile(
    r"""(["'])(?P<prefix>[^"'\s<>]*?[_-])\1\s*\+\s*\(?\s*[A-Za-z_$][\w$.]*(?:\(\))?\s*(?:[-+]\s*\d+\s*)?\)?\s*\+\s*"""
    r"""(["'])(?P<ext>\.(?:s?html?|jsp|aspx?|php))\3""", re.I)


@dataclass(frozen=True)
class ScriptPager:
    count: int          # pages of the column, as the script says
    prefix: str         # "index_" (may carry a directory: "../list/index_")
    ext: str            # ".html"


def find(html: str) -> ScriptPager | None:
    """The script-only pager of a list page; None when no script holds both a count and a URL template."""
    if not html:
        return None
    for script in _SCRIPT.findall(html):
        count = _COUNT.search(script)
        template = _TEMPLATE.search(script)
        if count and template:
            return ScriptPager(int(count.group(1)), template.group("prefix"), template.group("ext"))
    return None


def page_urls(pager: ScriptPager, url: str) -> list[str]:
    """Every page of the column but this one."""
    if pager.count < 2:
        return []
    directory = url.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[0] + "/"
    stem_path = urljoin(directory, pager.prefix)
    stem_dir, stem = stem_path.rsplit("/", 1)[0] + "/", stem_path.rsplit("/", 1)[1][:-1]
    current = urlsplit(url).path.rsplit("/", 1)[-1]
    # index.html is page 1 beside index_1.html …; list.html is when it is the page we are on.
    unnumbered_first = stem_dir == directory and (stem == "index" or current == f"{stem}{pager.ext}")
    sep = pager.prefix[-1]
    if unnumbered_first:
        numbers = range(1, min(pager.count, MAX_PAGES))
        out = [f"{stem_dir}{stem}{pager.ext}"]
    else:
        numbers = range(1, min(pager.count, MAX_PAGES) + 1)
        out = []
    out += [f"{stem_dir}{stem}{sep}{n}{pager.ext}" for n in numbers]
    own = url.split("#", 1)[0]
    return [u for u in out if u != own]
