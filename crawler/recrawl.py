"""Incremental recrawl: what the store already knows about a column, and when to look again.

The spider reads the store (read-only; the pipeline stays the only writer) at the start of each
column walk:

- the column's *previous read* P: its newest ``column_runs`` row with pages > 0. Rows are written
  at spider close only, so a killed run leaves none and P stays the last closed run's;
- the column's *known entries*: ``column_entries`` listed at P (first listed at or before P and
  not removed since), with whether their document is stored. Entries first listed by a run killed
  after P are not known: that run may have read the top pages of a column and not the ones below,
  and stopping at its entries would skip what it never reached;
- the *mark*: the newest list date among them, and the list total P displayed (Hanweb totalrecord).

A column is walked incrementally (one list page after the other, stopping at a page that holds only
known entries no newer than the mark, with the displayed total accounting for every new entry) when
P's walk ended properly (complete or incremental). It is walked completely — every page, which is what
detects entries removed from it — when it is new, when P was partial, when the displayed total does
not add up, and every ZWGK_REVISIT_DAYS (spread per column so that not all columns of a province come
due in the same week). Known detail pages are fetched again on the same period (spread per URL), at
once when they answered an error last time, and never otherwise.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from crawler import store


@dataclass
class Known:
    """A document URL the store knows."""
    list_date: str | None = None
    stored: bool = False          # a documents row exists (its detail page was answered once)
    fetched_at: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    first_run: int | None = None


@dataclass
class ColumnPrior:
    column_id: int | None
    prev_run: int | None = None        # P: the column's newest read with pages > 0
    prev_walk: str | None = None       # complete | incremental | partial | None (before walks were recorded)
    prev_total: int | None = None
    prev_empty: str | None = None      # P's evidence that the list was empty (kept when a 304 says unchanged)
    last_complete_at: str | None = None  # when the newest complete walk's run started
    known: dict[str, Known] = field(default_factory=dict)
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    @property
    def mark_date(self) -> str | None:
        dates = [k.list_date for k in self.known.values() if k.list_date]
        return max(dates) if dates else None


def spread(key: str) -> float:
    """A stable factor in [0.75, 1.25) per URL: spreads revisits over weeks instead of one big run."""
    h = int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) / 2 ** 32
    return 0.75 + 0.5 * h


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.astimezone()


def due(last: str | None, key: str, days: float, now: datetime) -> bool:
    """Is something last done at ``last`` (ISO time) due again, on a period of ``days`` spread by ``key``?"""
    if days <= 0:
        return True
    moment = _parse_time(last)
    if moment is None:
        return True
    return (now - moment).total_seconds() >= days * 86400 * spread(key)


_NUMBER = re.compile(r"\d+")


def page_order(url: str, body: bytes | str | None = None) -> tuple:
    """Sort key putting the list pages of one column in page order (index_2 < index_10, startrecord=46 < 91)."""
    text = url + "?" + (body.decode("latin-1") if isinstance(body, bytes) else (body or ""))
    return tuple(int(n) for n in _NUMBER.findall(text)), text


class UrlSet:
    """A set of URLs held as 96-bit digests: about 70 bytes an entry instead of 150+ for the URL string,
    so a walk's memory stays small however long its column (a collision among a million URLs has a
    probability of about 1e-17)."""
    __slots__ = ("_keys",)

    def __init__(self):
        self._keys: set[int] = set()

    @staticmethod
    def _key(url: str) -> int:
        return int.from_bytes(hashlib.blake2b(url.encode("utf-8"), digest_size=12).digest(), "big")

    def add(self, url: str) -> None:
        self._keys.add(self._key(url))

    def __contains__(self, url: str) -> bool:
        return self._key(url) in self._keys

    def __len__(self) -> int:
        return len(self._keys)


class PriorState:
    """Read-only view of the store for the spider. Every method is safe when the store is empty."""

    def __init__(self, db_path: str | Path):
        self.conn = store.open_reader(db_path)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def column(self, site_id: str, url: str) -> ColumnPrior:
        if self.conn is None:
            return ColumnPrior(None)
        row = self.conn.execute("select id from columns where site_id = ? and url = ?", [site_id, url]).fetchone()
        if not row:
            return ColumnPrior(None)
        prior = ColumnPrior(row[0])
        prev = self.conn.execute(
            "select run_id, walk, total from column_runs where column_id = ? and pages > 0 "
            "order by run_id desc limit 1", [prior.column_id]).fetchone()
        if not prev:
            return prior
        prior.prev_run, prior.prev_walk, prior.prev_total = prev
        try:
            row = self.conn.execute("select empty_evidence from column_runs where column_id = ? and run_id = ?",
                                    [prior.column_id, prior.prev_run]).fetchone()
            prior.prev_empty = row[0] if row else None
        except sqlite3.Error:
            pass  # a store from before empty evidence was recorded
        complete = self.conn.execute(
            "select r.started_at from column_runs c join runs r on r.id = c.run_id "
            "where c.column_id = ? and c.pages > 0 and (c.walk is null or c.walk = 'complete') "
            "order by c.run_id desc limit 1", [prior.column_id]).fetchone()
        prior.last_complete_at = complete[0] if complete else None
        for url, list_date, stored, fetched_at, status, etag, modified, first_run in self.conn.execute(
            "select e.url, e.list_date, d.url is not null, d.fetched_at, d.http_status, d.etag, d.last_modified, "
            "d.first_run from column_entries e left join documents d on d.url = e.url "
            "where e.column_id = ? and e.last_run >= ? and e.first_run <= ?",
            [prior.column_id, prior.prev_run, prior.prev_run]):
            prior.known[url] = Known(list_date, bool(stored), fetched_at, status, etag, modified, first_run)
        for url, etag, modified in self.conn.execute(
                "select url, etag, last_modified from page_validators where column_id = ?", [prior.column_id]):
            prior.validators[url] = (etag, modified)
        return prior

    def document(self, url: str) -> Known | None:
        if self.conn is None:
            return None
        row = self.conn.execute(
            "select fetched_at, http_status, etag, last_modified, first_run from documents where url = ?", [url]
        ).fetchone()
        if not row:
            return None
        return Known(None, True, *row)
