"""What the portal spider yields. The pipeline hands each to the store's writers (crawler.store.Writer)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from crawler.sites import Site


@dataclass
class SiteItem:
    """A site whose entry page was reached (status ok) or not (status error, with the reason)."""
    site: Site
    status: str = "ok"
    error: str | None = None


@dataclass
class ColumnItem:
    site_id: str
    url: str
    name: str
    path: str
    catalog: str | None = None
    source: str = "discovered"  # or "config"


class ListEntry(NamedTuple):
    """One entry seen on a column's list page."""
    url: str
    title: str | None
    list_date: str | None


@dataclass
class ListingItem:
    """The entries one list page showed, in page order. One item per page, not per entry: each item
    costs Scrapy's item machinery (a task, the pipeline chain, a signal), and the store writes the
    page's entries in one batch."""
    site_id: str
    column_url: str
    entries: list[ListEntry]


@dataclass
class DocumentItem:
    site_id: str
    column_url: str
    url: str
    title: str | None
    list_title: str | None = None
    list_date: str | None = None
    published: str | None = None
    written: str | None = None
    doc_number: str | None = None
    index_number: str | None = None
    publisher: str | None = None
    category: str | None = None
    column_meta: str | None = None
    date_source: str | None = None
    body: str | None = None
    attachments: list = field(default_factory=list)
    validity: str | None = None        # the validity mark the page shows (有效, 废止 …)
    repeals: list = field(default_factory=list)  # documents it says it repeals or amends
    http_status: int = 200
    content_type: str | None = None
    fetched_at: str | None = None
    etag: str | None = None            # validators for the next conditional revisit
    last_modified: str | None = None


@dataclass
class FetchErrorItem:
    site_id: str
    url: str
    target: str  # entry | list | detail | attachment
    kind: str    # dns | refused | timeout | connection | http | too-large | no-columns | blocked | list-not-found | other
    message: str
    status: int | None = None
    column_url: str | None = None


@dataclass
class TemplateItem:
    """A site's column-page template, learned from its column pages in this run."""
    site_id: str
    pages: int                     # column pages it was learned from
    list_region: str | None        # where the list sits (readable path), when the pages agree
    pager: str | None
    boilerplate_links: int         # links that repeat across the column pages and are never entries
    boilerplate_examples: list = field(default_factory=list)   # a few of them: text, url


@dataclass
class UnchangedItem:
    """A revisited detail page answered 304 Not Modified: it is still there, unchanged."""
    site_id: str
    column_url: str
    url: str
    fetched_at: str


@dataclass
class ColumnWalkItem:
    """A column's walk of its list pages is over (or the crawl closed before it was): how it went.

    ``walk``: complete (every list page read), incremental (stopped at entries already known), partial
    (a list page not read, or the page cap reached: nothing is concluded) or None (no list page read).
    """
    site_id: str
    column_url: str
    walk: str | None
    pages: int                                     # list pages read
    total: int | None = None                       # the entry total the list displays, when it shows one
    empty_evidence: str | None = None              # what showed the list empty (only for a walk with no entries)
    validators: dict = field(default_factory=dict)  # list page URL -> (etag, last-modified)


# Sent by the store pipeline as the crawl closes: a spider answers with a ColumnWalkItem for each walk
# still open (the crawl was interrupted, or a list request was dropped before its callback ran).
open_walks = object()
