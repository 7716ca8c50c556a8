"""A site's column-page template, learned from column pages the crawl fetched anyway.

The column pages of one site are one template filled with different lists: the header bar, the
hot-news box, the left tree, the footer and the friend links repeat on most of them, and the list
region is the part that varies between columns. Given the profiles of a few column pages (one per
column, built by ``listing.read_list(..., profile=True)`` from the tree it parses anyway), ``learn``
returns which links are boilerplate — the same link at the same place of the page on most of them —
and where the list and the pager sit. ``listing.read_list(..., template=...)`` then never takes a
boilerplate link for an entry, and can tell a list region that is there but empty (the column is
empty) from a page where no list region exists at all (nothing can be concluded).

Places are element paths from the root, each step ``tag.class#id`` with digits and state classes
(``on``, ``current`` …) left out, so the same block of the template has the same path on every
page whichever column is current. Paths are kept as hashes; a readable tail is kept for display.
Pure: no I/O, no Scrapy; memory per site is a few hundred integers.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

# Classes that mark the current/hovered item: they differ between pages of one template.
_STATE = frozenset("on cur current active selected select hover now this checked open in show hide hidden "
                   "focus sel hov act".split())
_DIGITS = re.compile(r"\d+")
MIN_PAGES = 3        # fewer column pages than this teach nothing reliable
SHARE = 0.6          # a link on at least this share of the pages (and on two) is boilerplate
SAMPLE = 6           # column pages the spider profiles per site before learning
EXAMPLES = 8         # boilerplate links kept for the report
SHOWN_STEPS = 3      # path steps shown to a reader ("div.con > table.lb")


def step(el) -> str:
    """One path step of an element: tag, stable classes and id, digits removed."""
    tag = el.tag if isinstance(el.tag, str) else "?"
    classes = sorted({c for c in (_DIGITS.sub("", t).strip("_-") for t in (el.get("class") or "").split())
                      if c and c.lower() not in _STATE})
    out = tag.lower() + "".join("." + c for c in classes)
    ident = _DIGITS.sub("", el.get("id") or "").strip("_-")
    return out + ("#" + ident if ident else "")


class Paths:
    """Path ids of the elements of one tree, computed once per element (parents before children)."""

    def __init__(self):
        self.ids: dict = {}

    def of(self, el) -> int:
        ids = self.ids
        found = ids.get(el)
        if found is not None:
            return found
        chain = []
        node = el
        while node is not None and node not in ids:
            chain.append(node)
            node = node.getparent()
        current = ids[node] if node is not None else 0
        for node in reversed(chain):
            current = hash((current, step(node)))
            ids[node] = current
        return current

    def link_key(self, a, href: str) -> int:
        """The same link at the same place of the template has the same key on every page."""
        parent = a.getparent()
        return hash((self.of(parent) if parent is not None else 0, href))

    def all_ids(self, root) -> set[int]:
        return {self.of(el) for el in root.iter() if isinstance(el.tag, str)}


def shown(el, steps: int = SHOWN_STEPS) -> str:
    """A readable tail of an element's path: ``div.con > table.lb``."""
    parts = []
    node = el
    while node is not None and len(parts) < steps and isinstance(node.tag, str) and node.tag not in ("body", "html"):
        parts.append(step(node))
        node = node.getparent()
    return " > ".join(reversed(parts))


@dataclass
class PageProfile:
    """What one column page contributes to learning its site's template."""
    url: str
    links: dict[int, tuple[str, str]]           # link key -> (text, href)
    # The best lists of the page, best first, each (path id, readable path, keys of its entry links):
    # the best may be a box every page repeats, and the next the column's own list.
    lists: list[tuple[int, str, frozenset]] = field(default_factory=list)
    pager: int | None = None
    pager_shown: str | None = None


@dataclass
class SiteTemplate:
    pages: int                                   # column pages it was learned from
    boilerplate: frozenset                       # link keys that are never entries
    region: int | None = None                    # path id of the list region, when the pages agree
    region_shown: str | None = None
    pager: int | None = None
    pager_shown: str | None = None
    examples: list[dict] = field(default_factory=list)   # a few boilerplate links: text, url

    def as_dict(self) -> dict:
        return {"pages": self.pages, "list_region": self.region_shown, "pager": self.pager_shown,
                "boilerplate_links": len(self.boilerplate), "boilerplate_examples": self.examples}


def learn(profiles: list[PageProfile], *, share: float = SHARE, min_pages: int = MIN_PAGES) -> SiteTemplate | None:
    """The template of the site these column pages belong to; None with fewer than ``min_pages``."""
    profiles = [p for p in profiles if p is not None]
    if len(profiles) < min_pages:
        return None
    need = max(2, -(-int(share * 100) * len(profiles) // 100))
    counts: Counter = Counter()
    for p in profiles:
        counts.update(p.links.keys())
    common = {key for key, n in counts.items() if n >= need}
    # The list region: where most pages' best list that is not boilerplate sits (a box of latest
    # news on every page may outscore the column's own list; an empty column's page has none).
    own = [next(((path, text, keys) for path, text, keys in p.lists if keys and not keys <= common), None)
           for p in profiles]
    votes = Counter((o[0], o[1]) for o in own if o is not None)
    region, region_shown = None, None
    if votes:
        (region, region_shown), n = votes.most_common(1)[0]
        if n < 2:
            region, region_shown = None, None
    # Links of the list region are entries even when several columns list them.
    listed = set().union(*(o[2] for o in own if o is not None and o[0] == region)) if region is not None else set()
    boilerplate = frozenset(common - listed)
    pagers = Counter((p.pager, p.pager_shown) for p in profiles if p.pager is not None)
    pager, pager_shown = (pagers.most_common(1)[0][0] if pagers else (None, None))
    examples, seen = [], set()
    for p in profiles:
        for key, (text, href) in p.links.items():
            if key in boilerplate and href not in seen and len(examples) < EXAMPLES:
                seen.add(href)
                examples.append({"text": text, "url": href})
    return SiteTemplate(len(profiles), boilerplate, region, region_shown, pager, pager_shown, examples)
