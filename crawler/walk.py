"""The walk of one column's list pages: what to ask next, when to stop, and what the walk concludes.

Pure state, no Scrapy objects and no I/O: the spider (``crawler.spiders.portal``) reads each answer
with the extraction functions and tells the walk what the page showed; the walk answers with the
list pages to ask now, the entries it has not seen before, and, once its last page is in, its
outcome. Requests are opaque payloads to the walk (the spider passes Scrapy requests, the tests
strings); it only keeps them in order and never looks inside.

Two modes (see ``crawler.recrawl`` for when each is chosen):

- ``full``: every list page the pager shows is asked at once, up to ``max_pages``
  (ZWGK_MAX_PAGES_PER_COLUMN). A page whose entries were all seen in this walk is a pager looping
  back (or a "page 999" repeating the last page): its links are not followed.
- ``incremental``: one page after the other, in page order, stopping at a page whose entries are
  all known from the previous read (none newer than its newest list date); when the displayed
  total does not account for exactly the new entries, the walk escalates to ``full``.

Outcomes: ``complete`` (every page read), ``incremental`` (stopped at known entries), ``partial``
(a list page not read, or pages left unread at the page cap: kind ``truncated``), or None (no list
page read at all). Only ``complete`` lets the store infer removals; nothing at all is concluded
from a ``partial`` walk.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urldefrag

from crawler.extraction.dom import index_as_directory
from crawler.recrawl import ColumnPrior, Known, UrlSet, due, page_order
from crawler.sites import Site

# With at least this many entries known from the previous read, a list region that is merely
# empty by the site's template (no "暂无信息" on the page itself) is not trusted as an empty list.
TEMPLATE_EMPTY_DOUBT = 3


def page_key(method: str, url: str, body: bytes | str | None = None) -> tuple:
    """Identity of a list page within a walk."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    return method.upper(), index_as_directory(url), body or None


def detail_fetch(known: Known | None, url: str, *, run_id: int | None, days: float, now: datetime,
                 force: bool = False) -> str | None:
    """Whether to ask a listed detail page: ``fetch``, ``conditional`` (known and due: ask with its
    validators) or None (stored earlier in this run, or known, answered last time and not due: the
    list says it is still there). ``force``: ask whatever is known (a complete walk no longer lists it)."""
    if known is None or not known.stored or force:
        return "fetch"
    if known.first_run is not None and known.first_run == run_id:
        return None
    if (known.http_status or 200) < 400:
        return "conditional" if due(known.fetched_at, url, days, now) else None
    return "fetch"


@dataclass
class Listed:
    """An entry a list page shows that this walk had not seen yet."""
    url: str                 # fragment removed
    entry: dict              # title, url, date as extracted
    known: Known | None      # what the previous read knew of it
    on_site: bool            # its detail page may be fetched (the site's domains)


@dataclass
class Conclusion:
    """What a walk concluded when its last list page was in."""
    outcome: str | None                          # complete | incremental | partial | None (no page read)
    truncated: bool                              # pages were left unread at the page cap
    # Known entries this walk did not see, still on the site: (url, known, ask it even if not due).
    # A complete walk asks each (no longer listed: is the page gone too?); any other asks the due ones.
    revisit: list[tuple[str, Known, bool]] = field(default_factory=list)


@dataclass
class ColumnWalk:
    """One column's list pages in this run: how it is walked and what was seen."""
    site: Site
    url: str
    prior: ColumnPrior
    mode: str                                    # incremental | full
    max_pages: int = 500                         # list requests per column (ZWGK_MAX_PAGES_PER_COLUMN)
    requested: set = field(default_factory=set)  # page keys of list requests sent or queued
    queue: list = field(default_factory=list)    # incremental: (order, payload) not yet sent
    pending: int = 0                             # list requests in flight (or their callback running)
    pages: int = 0                               # list pages read
    failed: bool = False                         # a list page failed, was blocked or was not a list
    capped: bool = False                         # a list page was not asked: the page cap
    seen: UrlSet = field(default_factory=UrlSet)  # entry URLs seen in this walk (compact)
    listed: int = 0                              # entries seen in this walk (kept after release)
    unknown: int = 0                             # entries not listed in this column before
    total: int | None = None                     # the total the list displays
    stopped: bool = False                        # incremental: stopped at known entries
    escalated: str | None = None                 # why an incremental walk became a full one
    done: bool = False
    outcome: str | None = None                   # complete | incremental | partial | None (unread)
    validators: dict = field(default_factory=dict)  # list page URL -> (etag, last-modified)
    answers: int = 0                             # list answers received (the first is the column page)
    empty: str | None = None                     # the evidence that the list is empty, as the page shows it

    @property
    def known(self) -> dict[str, Known]:
        return self.prior.known

    # -- what to ask ---------------------------------------------------------------------------

    def accept(self, method: str, url: str, body=None) -> bool:
        """A list page of this column not asked for yet, on the site, within the page cap."""
        key = page_key(method, url, body)
        if key in self.requested or not self.site.allows(url):
            return False
        if len(self.requested) >= self.max_pages:
            self.capped = True
            return False
        self.requested.add(key)
        return True

    def start(self, payload, url: str) -> list:
        """The column page itself: always the first list page asked."""
        return self.found([(payload, "GET", url, None)], now=True)

    def found(self, pages, *, now: bool = False) -> list:
        """List pages (``(payload, method, url, body)``) a page leads to: the payloads to send now.
        A full walk sends each new one; an incremental walk queues them in page order and goes on
        one at a time (``now``: send at once whatever the mode)."""
        send = []
        for payload, method, url, body in pages:
            if not self.accept(method, url, body):
                continue
            if now or self.mode == "full":
                send.append(payload)
            else:
                self.queue.append((page_order(url, body), payload))
        if self.queue:
            self.queue.sort(key=lambda item: item[0])
        self.pending += len(send)
        return send

    def next(self) -> list:
        """Incremental: the next queued page (in page order), if any."""
        if not self.queue:
            return []
        _, payload = self.queue.pop(0)
        self.pending += 1
        return [payload]

    def escalate(self, why: str) -> list:
        """An incremental walk that cannot stop safely becomes a full one: every queued page, at once."""
        self.mode, self.escalated = "full", why
        queued, self.queue = self.queue, []
        self.pending += len(queued)
        return [payload for _, payload in queued]

    def consistent(self) -> bool:
        """Does the displayed total account for exactly the new entries seen (no deeper insertion or removal)?"""
        if self.total is None or self.prior.prev_total is None:
            return True
        return self.total - self.prior.prev_total == self.unknown

    # -- what a page showed --------------------------------------------------------------------

    def no_list(self, entries: list, found: bool, evidence: str | None) -> bool:
        """The page shows no list to conclude from: none at all, or only the template's word for an
        empty one where the column listed entries before."""
        return not found or (not entries and evidence == "template" and len(self.known) >= TEMPLATE_EMPTY_DOUBT)

    def read(self, entries: list[dict], *, total: int | None, empty: str | None,
             validators: tuple[str | None, str | None] | None = None, page_url: str | None = None) -> list[Listed]:
        """A list page was read: count it and return the entries not seen before in this walk."""
        if not entries and self.empty is None:
            self.empty = empty
        self.pages += 1
        self.total = total
        if validators and any(validators) and page_url:
            self.validators[page_url] = validators
        out = []
        for entry in entries:
            url = urldefrag(entry["url"])[0]
            if url in self.seen:
                continue
            self.seen.add(url)
            self.listed += 1
            out.append(Listed(url, entry, self.known.get(url), self.site.allows(url)))
        return out

    def follow(self, entries: list, listed: list[Listed], pages) -> tuple[list, str | None]:
        """After a page was read (``listed``: what ``read`` returned): the list pages to send now, and
        why an incremental walk escalates (None when it does not)."""
        if self.mode == "full":
            # A page all of whose entries were seen is a pager looping back: its links only repeat.
            # A page without entries may still lead on (a gkmlpt shell page to its JSON API).
            if entries and not listed:
                return [], None
            return self.found(pages), None
        self.found(pages)
        mark = self.prior.mark_date
        all_known = bool(entries)
        for item in listed:
            if item.known is None:
                self.unknown += 1
                all_known = False
            else:
                date = item.entry.get("date")
                date = date.isoformat() if hasattr(date, "isoformat") else date
                if (item.on_site and not item.known.stored) or (mark and date and date > mark):
                    all_known = False
        # A page repeating entries already seen in this walk tells nothing: go on to the next one.
        # An empty page ends the list.
        return self.stop_or_continue((all_known and bool(listed)) or not entries)

    def unchanged(self, page_url: str) -> tuple[list, str | None]:
        """A 304 for a list page: unchanged since the last walk that read it to the end (all known, same total)."""
        self.pages += 1
        self.total = self.total if self.total is not None else self.prior.prev_total
        self.validators[page_url] = self.prior.validators.get(page_url, (None, None))
        if not self.known:
            self.empty = self.empty or self.prior.prev_empty
        return self.stop_or_continue(True)

    def stop_or_continue(self, all_known: bool) -> tuple[list, str | None]:
        if self.mode != "incremental":
            return [], None
        if not all_known:
            return self.next(), None
        if self.consistent():
            self.stopped = True
            return [], None
        why = f"total {self.prior.prev_total} -> {self.total}, {self.unknown} new entries seen"
        return self.escalate(why), why

    def shell(self, pages) -> list | None:
        """A page showing no list: the pages it leads to (a shell whose list a script's API serves), or
        None when it leads nowhere — the page is then a recorded ``list-not-found``."""
        before = self.pending + len(self.queue)
        send = self.found(pages)
        if self.pending + len(self.queue) == before:
            self.failed = True
            return None
        return send if self.mode == "full" else self.next()

    def not_read(self) -> None:
        """A list page that failed, was blocked or is no list: the walk concludes nothing."""
        self.failed = True

    # -- the end -------------------------------------------------------------------------------

    @property
    def truncated(self) -> bool:
        """Pages were left unread at the page cap (an incremental walk that stopped needed none of them)."""
        return self.capped and not (self.mode == "incremental" and self.stopped)

    def finish(self) -> str | None:
        self.done = True
        if self.listed:
            self.empty = None   # emptiness needs evidence the page showed; a walk that saw entries has none
        if not self.pages:
            self.outcome = None
        elif self.failed or self.truncated:
            self.outcome = "partial"
        elif self.mode == "incremental" and self.stopped:
            self.outcome = "incremental"
        else:
            self.outcome = "complete"
        return self.outcome

    def answered(self) -> Conclusion | None:
        """A list request is done with (read, failed, or not a list). When it was the last one in
        flight, the walk is concluded: its outcome, and the known entries it did not see."""
        self.pending -= 1
        if self.done or self.pending > 0:
            return None
        outcome = self.finish()
        conclusion = Conclusion(outcome, self.truncated)
        if outcome is not None:
            conclusion.revisit = [(url, known, outcome == "complete") for url, known in self.known.items()
                                  if url not in self.seen and self.site.allows(url)]
        self.release()
        return conclusion

    def release(self) -> None:
        """Once the walk is concluded, only its outcome, counts and validators are read (by the
        pipeline at close): drop what grows with the column, so memory stays flat over a run."""
        self.seen, self.requested, self.queue = UrlSet(), set(), []
        self.prior.known = {}


@dataclass
class SiteLearning:
    """A site's column pages held until its template is learned from them (crawler.extraction.template).

    The first list page of each column is held (at most ``sample`` of them, or until every column of
    the site has answered), the template is learned from their profiles, and the held pages are then
    read with it, as every later page of the site is. No extra request is sent.
    """
    expected: int = 0                            # columns of the site whose first list page was sent
    answered: int = 0                            # of those, answered or failed
    held: list = field(default_factory=list)     # (walk, response, reading with profile)
    template: object = None                      # the learned SiteTemplate, or None
    done: bool = False

    def holds(self, walk: ColumnWalk) -> bool:
        """Is this answer (the walk's first) one to hold until the template is learned?"""
        if self.done or walk.answers != 1:
            return False
        self.answered += 1
        return True

    def ready(self, sample: int, force: bool = False) -> bool:
        return not self.done and (force or len(self.held) >= sample or self.answered >= self.expected)
