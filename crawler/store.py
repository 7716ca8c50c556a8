"""The store: schema, numbered migrations, the writers and the few helpers every layer shares.

Two databases, one API. By default a SQLite file, opened through sqlite-utils, in WAL mode so a
report or a progress poll can read while the crawl (the one writer) writes; ``PRAGMA user_version``
records which migrations ran. A ``postgresql+psycopg://`` URL opens a PostgreSQL store instead
(crawler/store_pg.py: the same calls, and every SQL difference between the two). A migration is
appended to ``MIGRATIONS`` and never edited once released; it runs on both databases.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from crawler.exceptions import ZwgkError
from crawler.settings import ZWGK_DB as DEFAULT_DB   # the one default of the store's path


class StoreError(ZwgkError, RuntimeError):
    """The database cannot be used; the message is one line for the user."""


class SqliteStore(sqlite_utils.Database):
    """A SQLite store: sqlite-utils' Database, naming its dialect as ``PgStore`` does."""

    dialect = "sqlite"


def is_url(target) -> bool:
    """Is ``--db`` a database URL (``postgresql+psycopg://…``) rather than a SQLite file's path?"""
    return isinstance(target, str) and "://" in target


def describe(target) -> str:
    """The store as messages name it: the file's path, or the URL without its password."""
    if is_url(target):
        from crawler import store_pg
        return store_pg.describe(target)
    return str(target)


def files_base(target) -> Path:
    """What the store's files beside it (``<stem>-logs``, ``<stem>-warc``) are named after: the SQLite
    file itself; for a PostgreSQL store, ``<database>`` in the current folder."""
    if is_url(target):
        from sqlalchemy.engine import make_url   # only for a PostgreSQL store: SQLite never loads it
        name = make_url(target).database or "zwgk"
        return Path.cwd() / f"{name}.pg"
    return Path(target)


def files_base_of(db) -> Path:
    """``files_base`` of an open store."""
    if db.dialect == "postgresql":
        return files_base(db.url)
    return Path(db.execute("PRAGMA database_list").fetchone()[2])


# Walks that read a column's list to a conclusion (crawler/spiders/portal.py ColumnWalk): a partial
# walk (a list page blocked, not HTML, too complex, redirected off the site, cut at the page cap …)
# concludes nothing. Stores written before walks were recorded have none: their reads count.
CONCLUSIVE_WALKS = ("complete", "incremental")


def concluded(pages: int | None, walk: str | None) -> bool:
    """Was the column's list read to a conclusion (so that emptiness or staleness can be judged)?"""
    return bool(pages) and (walk is None or walk in CONCLUSIVE_WALKS)


def _m1_initial(db: sqlite_utils.Database) -> None:
    db["runs"].create(
        {
            "id": int, "kind": str, "status": str, "started_at": str, "finished_at": str,
            "sites_file": str, "pid": int, "log_path": str,
            "sites": int, "columns": int, "pages": int, "documents": int, "new_documents": int,
            "errors": int, "checked_at": str, "as_of": str, "findings": int, "note": str,
        },
        pk="id",
    )
    db["sites"].create(
        {
            "id": str, "name": str, "level": str, "region": str, "url": str, "config": str,
            "first_run": int, "last_run": int, "status": str, "error": str,
        },
        pk="id",
    )
    db["columns"].create(
        {
            "id": int, "site_id": str, "url": str, "name": str, "path": str, "catalog": str,
            "source": str, "first_run": int, "last_run": int,
        },
        pk="id",
        foreign_keys=[("site_id", "sites", "id")],
    )
    db["columns"].create_index(["site_id", "url"], unique=True)
    # What a column showed in one run: the basis of column-empty/stale checks and of trends.
    db["column_runs"].create(
        {"run_id": int, "column_id": int, "entries": int, "new_entries": int, "pages": int, "newest_date": str},
        pk=("run_id", "column_id"),
        foreign_keys=[("run_id", "runs", "id"), ("column_id", "columns", "id")],
    )
    db["documents"].create(
        {
            "url": str, "site_id": str, "column_id": int, "title": str, "list_title": str,
            "list_date": str, "published": str, "written": str, "doc_number": str,
            "index_number": str, "publisher": str, "category": str, "column_meta": str,
            "date_source": str, "body": str, "body_hash": str, "attachments": str,
            "http_status": int, "content_type": str, "fetched_at": str,
            "first_run": int, "last_run": int,
        },
        pk="url",
        foreign_keys=[("site_id", "sites", "id"), ("column_id", "columns", "id")],
    )
    db["documents"].create_index(["site_id"])
    db["documents"].create_index(["column_id"])
    # A document may be listed in several columns; this records each listing.
    db["column_entries"].create(
        {
            "column_id": int, "url": str, "site_id": str, "title": str, "list_date": str,
            "first_run": int, "last_run": int,
        },
        pk=("column_id", "url"),
        foreign_keys=[("column_id", "columns", "id")],
    )
    db["column_entries"].create_index(["url"])
    db["fetch_errors"].create(
        {
            "id": int, "run_id": int, "site_id": str, "column_id": int, "url": str,
            "target": str, "kind": str, "status": int, "message": str, "at": str,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db["fetch_errors"].create_index(["run_id", "site_id"])
    # target: what failed — "entry" (the site's disclosure entry page), "list" (a column page),
    # "detail" (a listed document) or "attachment" (a file linked from a document).
    db["findings"].create(
        {
            "id": int, "run_id": int, "site_id": str, "rule": str, "severity": str,
            "column_id": int, "column_name": str, "column_url": str, "catalog_area": str,
            "catalog_item": str, "url": str, "message": str, "evidence": str, "basis": str,
            "as_of": str,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db["findings"].create_index(["run_id", "site_id"])
    # Chinese has no spaces between words: the trigram tokenizer makes substring search work.
    db["documents"].enable_fts(["title", "body"], tokenize="trigram", create_triggers=True)


def _m2_check_tables(db: sqlite_utils.Database) -> None:
    """Owned by checks/: how each column was mapped to the catalog, and per-site check statistics."""
    db["column_mappings"].create(
        {"run_id": int, "column_id": int, "site_id": str, "area": str, "item": str, "reason": str,
         "confidence": float, "matched": str},
        pk=("run_id", "column_id"),
        foreign_keys=[("run_id", "runs", "id"), ("column_id", "columns", "id")],
    )
    db["site_checks"].create(
        {"run_id": int, "site_id": str, "as_of": str, "province": str, "required_areas": int,
         "covered_areas": int, "documents": int, "timed_documents": int, "late_documents": int,
         "undated_documents": int, "stats": str},
        pk=("run_id", "site_id"),
        foreign_keys=[("run_id", "runs", "id")],
    )


def _m3_change_history(db: sqlite_utils.Database) -> None:
    """Owned by the crawler: incremental recrawl state and the change history of documents.

    - runs.requests: requests the crawl sent (Scrapy's downloader/request_count);
    - column_runs.walk: how the column was read — complete (every list page), incremental (stopped
      at entries already known), partial (a list page failed or was blocked: nothing concluded);
      column_runs.total: the entry total the list displayed (Hanweb totalrecord), when it shows one;
    - documents.etag/last_modified: validators for conditional revisits;
    - document_versions: each distinct body of a document (hash); the text of a superseded version
      is kept in ``body``, the current one lives in documents;
    - document_events: what changed per run — new, edited, removed-from-column, failing, recovered, gone;
    - page_validators: ETag/Last-Modified of list pages, written only for columns read to the end.
    """
    db["runs"].add_column("requests", int)
    db["column_runs"].add_column("walk", str)
    db["column_runs"].add_column("total", int)
    db["column_runs"].create_index(["column_id", "run_id"])   # a column's previous read, per column walk
    db["documents"].add_column("etag", str)
    db["documents"].add_column("last_modified", str)
    db["document_versions"].create(
        {"id": int, "url": str, "site_id": str, "version": int, "body_hash": str, "title": str,
         "published": str, "first_run": int, "last_run": int, "body": str},
        pk="id",
    )
    db["document_versions"].create_index(["url", "version"], unique=True)
    db["document_events"].create(
        {"id": int, "run_id": int, "site_id": str, "column_id": int, "url": str, "event": str,
         "old_hash": str, "new_hash": str, "http_status": int, "title": str, "note": str, "at": str},
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db["document_events"].create_index(["run_id", "site_id"])
    db["document_events"].create_index(["url"])
    db["page_validators"].create(
        {"column_id": int, "url": str, "etag": str, "last_modified": str, "run_id": int},
        pk=("column_id", "url"),
    )
    # Carrying documents.last_run forward every run must not re-index their text: the full-text
    # trigger fires only when the title or body really changes (SQLite's FTS5 table; PostgreSQL's
    # pg_trgm indexes are maintained by the server).
    if db.dialect != "sqlite":
        return
    db.execute("drop trigger if exists documents_au")
    db.execute(
        'create trigger "documents_au" after update of "title", "body" on "documents" '
        'when old."title" is not new."title" or old."body" is not new."body" begin '
        'insert into "documents_fts" ("documents_fts", rowid, "title", "body") '
        "values('delete', old.rowid, old.\"title\", old.\"body\"); "
        'insert into "documents_fts" (rowid, "title", "body") values (new.rowid, new."title", new."body"); end'
    )


def _m4_evidence(db: sqlite_utils.Database) -> None:
    """Evidence that survives the portal's fix, and how long each finding has stood.

    - warc_records: where each archived page lies in the run's WARC file (crawler/archive.py): the
      URL asked for (one row per URL of a redirect chain), the URL answered, the file (relative to
      the store's folder), the byte offset and length of the response record's gzip member (the request
      record lies just before it, from request_offset), the status and fetch time;
    - findings.page_url / record_id: the page the finding rests on and its archived copy, chosen by
      the checks (checks/evidence.py);
    - findings.key / first_run / streak / fixed_run: the finding's identity across runs, the first
      checked run of its unbroken streak, the number of checked runs in a row it was found, and the
      first later checked run of the site without it (checks/persistence.py).
    """
    db["warc_records"].create(
        {"id": int, "run_id": int, "url": str, "target_uri": str, "file": str, "offset": int, "length": int,
         "request_offset": int, "status": int, "content_type": str, "fetched_at": str},
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db["warc_records"].create_index(["url", "run_id"])
    db["warc_records"].create_index(["run_id"])
    for name, kind in (("page_url", str), ("record_id", int), ("key", str), ("first_run", int), ("streak", int),
                       ("fixed_run", int)):
        db["findings"].add_column(name, kind)
    db["findings"].create_index(["run_id", "key"])



def _m5_list_evidence(db: sqlite_utils.Database) -> None:
    """Owned by the crawler: how a column's emptiness was established, and each site's template.

    - column_runs.empty_evidence: for a column read with no entries, what showed the list empty —
      the marker as the page prints it (暂无信息, 共0条), an empty datastore or JSON total, or the
      site's list region present and empty. NULL otherwise: no evidence, no column-empty;
    - site_templates: per run and site, the column-page template learned from the column pages
      (crawler.extraction.template): where the list and the pager sit, how many links are
      boilerplate (never entries), a few of them as examples (JSON).
    """
    db["column_runs"].add_column("empty_evidence", str)
    db["site_templates"].create(
        {"run_id": int, "site_id": str, "pages": int, "list_region": str, "pager": str,
         "boilerplate_links": int, "examples": str},
        pk=("run_id", "site_id"),
        foreign_keys=[("run_id", "runs", "id")],
    )


def _m6_validity(db: sqlite_utils.Database) -> None:
    """Owned by the crawler: what a normative document says about its own force and others'.

    - documents.validity / document_versions.validity: the validity mark the page shows (有效, 失效,
      废止, 已修改, 部分失效; crawler.extraction.validity), NULL where it shows none — per version,
      like the title and the publication date;
    - documents.repeals: the documents its text says it repeals or amends (JSON list of
      ``{doc_number, title, action}``), NULL when it names none.
    """
    db["documents"].add_column("validity", str)
    db["documents"].add_column("repeals", str)
    db["document_versions"].add_column("validity", str)


def _m7_listing_dates(db: sqlite_utils.Database) -> None:
    """Owned by the checks: a column's listings by date, so the newest entries of each column (the
    content checks, column-stale) are read from an index instead of sorting every listing of a run."""
    db["column_entries"].create_index(["column_id", "list_date"])


def _m8_run_tasks(db: sqlite_utils.Database) -> None:
    """Owned by the crawler: the tasks of a run crawled by Celery workers (``--engine celery``).

    - run_tasks: one row per task (a group of sites sharing hosts) of a distributed run: its sites
      (``site_ids``, a JSON list), status ``queued|running|finished|interrupted|failed``, the worker (host name)
      and process of its latest attempt, how many attempts, when its crawl last reported
      (``seen_at``: the lease a retried delivery respects), its log, and its counters like a run's.
      A local run has none.
    """
    db["run_tasks"].create(
        {"run_id": int, "task": str, "site_ids": str, "status": str, "worker": str, "pid": int, "attempts": int,
         "started_at": str, "seen_at": str, "finished_at": str, "note": str, "log_path": str,
         "sites": int, "columns": int, "pages": int, "requests": int, "documents": int,
         "new_documents": int, "errors": int},
        pk=("run_id", "task"),
        foreign_keys=[("run_id", "runs", "id")],
    )


def _m9_document_runs(db: sqlite_utils.Database) -> None:
    """Owned by the reports: each site's documents by the runs that saw them, so a report counts a
    site's documents of a run from this index and finds the run's new ones without reading the
    documents table (whose rows carry the bodies). It serves every lookup by site_id as the index it
    replaces did."""
    db.execute("create index if not exists idx_documents_site_id_first_run_last_run "
               "on documents (site_id, first_run, last_run)")
    db.execute("drop index if exists idx_documents_site_id")


MIGRATIONS = [_m1_initial, _m2_check_tables, _m3_change_history, _m4_evidence, _m5_list_evidence, _m6_validity,
              _m7_listing_dates, _m8_run_tasks, _m9_document_runs]


def now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def connect(path: str | os.PathLike = DEFAULT_DB, *, create: bool = True, init: bool = False,
            verify: bool = False):
    """Open (and if needed create and migrate) the store at ``path``: a SQLite file's path, or a
    ``postgresql+psycopg://user[:password]@host[:port]/database`` URL (the database must exist; a
    fresh one gets zwgk's tables). Returns a ``SqliteStore`` or a ``store_pg.PgStore``.

    ``init``: a SQLite file holding other applications' tables may get zwgk's tables too (without
    it such a file is refused: zwgk does not silently add 39 tables to someone else's database).
    ``verify``: the caller is about to write (a crawl, a check): the file must be writable and pass
    ``PRAGMA quick_check`` first, so nothing is ever written into a corrupt file. ``create`` and
    ``verify`` concern a SQLite file; a PostgreSQL server keeps its database intact itself, and the
    database a URL names must exist (zwgk creates its tables, never a database)."""
    if is_url(path):
        return _connect_pg(path, init)
    path = Path(path)
    if not create and not path.exists():
        raise StoreError(f"{path}: no such database (run 'zwgk crawl' first, or pass --db)")
    try:
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        if verify and path.exists():
            _verify(path)
        db = SqliteStore(path)
        _refuse_foreign(db, path, init)
        # The wait first: switching to WAL and migrating take locks that a second process opening the
        # same new store (two Celery workers, a test polling a run) may hold for a moment.
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        migrate(db)
    except Exception as exc:  # sqlite3.DatabaseError and OSError both mean: not usable
        if isinstance(exc, StoreError):
            raise
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise StoreError(f"{path}: read-only, zwgk cannot write to it ({exc})") from None
        raise StoreError(f"{path}: cannot open as a zwgk database: {exc}") from None
    return db


def location_of(db):
    """What ``connect`` opens the store ``db`` is open on with: a second connection to it, for a
    forked process or a thread (neither a SQLite nor a PostgreSQL connection may be shared with one)."""
    return db.url if db.dialect == "postgresql" else files_base_of(db)


def _connect_pg(url: str, init: bool):
    from crawler import store_pg
    db = store_pg.open_store(url, StoreError)
    shown = store_pg.describe(url)
    try:
        if not init and db.schema_version() == 0:
            tables = db.table_names()
            if tables:
                shown_tables = "、".join(tables[:5]) + (f" 等 {len(tables)} 个表" if len(tables) > 5 else "")
                raise StoreError(f"{shown}: not a zwgk store: it holds another application's tables "
                                 f"({shown_tables}); pass --init to add zwgk's tables to it anyway, or choose another --db")
        db.migrate(MIGRATIONS, lambda v: StoreError(f"{shown}: made by a newer zwgk (schema {v})"))
    except StoreError:
        db.conn.close()
        raise
    except Exception as exc:  # psycopg's errors: permissions, a server going away …
        db.conn.close()
        first = " ".join(str(exc).split())
        raise StoreError(f"{shown}: cannot open as a zwgk database: {first}") from None
    return db


def lock_connection(url: str):
    """A connection of its own to the PostgreSQL store at ``url`` for its run lock (store_pg.PgStore's
    ``try_run_lock``); the store must exist and be zwgk's (it is opened by ``connect`` first)."""
    from crawler import store_pg
    return store_pg.open_store(url, StoreError)


def open_reader(target):
    """A read-only connection to the store for the spider (the pipeline stays the only writer), with
    ``execute`` and ``close``; None while the store does not exist or has not been migrated to the
    incremental recrawl state (migration 3) yet: nothing is known then."""
    if is_url(target):
        from crawler import store_pg
        db = store_pg.open_store(target, StoreError)
        if db.schema_version() < 3:
            db.conn.close()
            return None
        return db.conn
    path = Path(target)
    if not path.exists():
        return None
    conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=30)
    conn.execute("PRAGMA busy_timeout=30000")
    try:
        conn.execute("select walk, total from column_runs limit 0")
        conn.execute("select etag, last_modified from documents limit 0")
    except sqlite3.Error:
        conn.close()
        return None
    return conn


def _verify(path: Path) -> None:
    """Before any write: writable, and intact (``PRAGMA quick_check``, read-only connection)."""
    for needed in (path, path.parent):
        if not os.access(needed, os.W_OK):
            raise StoreError(f"{needed}: read-only, zwgk cannot write the store there (check its permissions)")
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=30)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):   # not SQLite at all, rather than a damaged store
            raise StoreError(f"{path}: cannot open as a zwgk database: {exc}") from None
        problems = [str(exc)]
    if problems != ["ok"]:
        first = " ".join(str(problems[0]).split())   # quick_check's rows may span lines: the message is one
        raise StoreError(f"{path}: the database is damaged (PRAGMA quick_check: {first}); nothing was written. "
                         f"Restore a backup or start a new store with --db")


def _refuse_foreign(db: sqlite_utils.Database, path: Path, init: bool) -> None:
    """A file with tables but no zwgk schema belongs to another application: refuse it unless ``init``."""
    if init:
        return
    tables = [t for t in db.table_names() if not t.startswith("sqlite_")]
    ours = "runs" in tables and db.execute("PRAGMA user_version").fetchone()[0] > 0
    if tables and not ours:
        shown = "、".join(tables[:5]) + (f" 等 {len(tables)} 个表" if len(tables) > 5 else "")
        raise StoreError(f"{path}: not a zwgk store: it holds another application's tables ({shown}); "
                         f"pass --init to add zwgk's tables to it anyway, or choose another --db")


def schema_version(db) -> int:
    """How many of ``MIGRATIONS`` the store has run."""
    if db.dialect == "postgresql":
        return db.schema_version()
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise StoreError(f"{db.conn.execute('PRAGMA database_list').fetchone()[2]}: made by a newer zwgk (schema {version})")
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        with db.conn:
            step(db)
            db.execute(f"PRAGMA user_version={number}")


# What a finding says, without what differs between two stores of the same crawl: row ids (its own,
# the column's, the archived record's) and run numbers (first_run, fixed_run; run_id selects).
CANONICAL_FINDING = ("site_id", "rule", "severity", "column_name", "column_url", "catalog_area", "catalog_item", "url",
                     "message", "evidence", "basis", "as_of", "page_url", "key", "streak")


def canonical_findings(db, run_id: int) -> list[tuple]:
    """The findings of ``run_id`` as sorted tuples of ``CANONICAL_FINDING`` plus whether the page they
    rest on was archived: equal for two stores (SQLite, PostgreSQL; one machine or many workers)
    that crawled and checked the same portal alike."""
    rows = db.execute(f"select {', '.join(CANONICAL_FINDING)}, record_id is not null from findings "
                      "where run_id = ?", [run_id]).fetchall()
    return sorted((*row[:-1], bool(row[-1])) for row in rows)


def json_rows(db, columns: str, where: str) -> str:
    """The SQL aggregate of ``columns`` (comma-separated) of the rows matching ``where`` into a JSON
    array of arrays, as text (NULL or '[]' when none match)."""
    if db.dialect == "postgresql":
        return f"(json_agg(json_build_array({columns})) filter (where {where}))::text"
    return f"json_group_array(json_array({columns})) filter (where {where})"


# One encoder for every call (json.dumps with options builds a new one each time).
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


def dumps(value) -> str:
    return _ENCODER.encode(value)


# --- runs ---------------------------------------------------------------------------------------

def start_run(db, kind: str, sites_file: str | None = None, log_path: str | None = None) -> int:
    mark_interrupted_runs(db)
    with db.conn:
        return db["runs"].insert(
            {"kind": kind, "status": "running", "started_at": now(), "sites_file": sites_file,
             "pid": os.getpid(), "log_path": log_path, "pages": 0, "documents": 0, "new_documents": 0,
             "errors": 0, "sites": 0, "columns": 0}
        ).last_pk


def start_crawl_run(path, sites_file: str | None = None) -> int:
    """``start_run`` for a crawl that has not opened the store yet (a direct ``scrapy crawl``)."""
    db = connect(path)
    try:
        return start_run(db, "crawl", sites_file=sites_file)
    finally:
        db.conn.close()


def finish_run(db, run_id: int, status: str = "finished", **counts) -> None:
    with db.conn:
        db["runs"].update(run_id, {"status": status, "finished_at": now(), **counts})


def _alive(pid) -> bool:
    """Whether the process still runs. A zombie (exited, not yet reaped because its parent was killed
    too) answers kill(pid, 0) but holds nothing once its last thread is gone: it counts as dead then.
    While another of its threads is still exiting (the main thread is a zombie first) the process
    still holds its descriptors, the run lock among them: alive."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{int(pid)}/stat", encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # fields[0] is the state, fields[17] num_threads (proc(5): fields 3 and 20)
        return fields[0] != "Z" or int(fields[17]) > 1
    except (OSError, ValueError, IndexError):
        return True


def mark_interrupted_runs(db) -> list[int]:
    """Runs still 'running' whose process is gone were killed: say so instead of leaving them open."""
    stale = [r["id"] for r in db.query("select id, pid from runs where status = 'running'") if not _alive(r["pid"])]
    if stale:
        with db.conn:
            for run_id in stale:
                db["runs"].update(run_id, {"status": "interrupted", "finished_at": now()})
    return stale


def latest_run(db, kind: str = "crawl") -> dict | None:
    """The newest run of ``kind`` (any status), or None."""
    return next(iter(db.query("select * from runs where kind = ? order by id desc limit 1", [kind])), None)


def resolve_run(db, run: str | int | None, kinds=("crawl",)) -> int:
    """``latest`` (or None) -> the newest finished-or-interrupted crawl run; a number -> that run."""
    if run in (None, "latest"):
        marks = ",".join("?" * len(kinds))
        row = db.execute(
            f"select id from runs where kind in ({marks}) and status != 'running' order by id desc limit 1", list(kinds)
        ).fetchone()
        if not row:
            raise StoreError("no finished crawl run in the database yet (run 'zwgk crawl' first)")
        return row[0]
    try:
        run_id = int(run)
    except (TypeError, ValueError):
        raise StoreError(f"--run must be a run number or 'latest', got {run!r}") from None
    if not db.execute("select 1 from runs where id = ?", [run_id]).fetchone():
        raise StoreError(f"no run {run_id} in the database")
    return run_id


def without_search_index(db) -> None:
    """A store that is never searched (a synthetic one for reports and benchmarks): documents are
    written without maintaining the full-text index, which would triple the time to build it."""
    if db.dialect == "postgresql":
        for index in ("trgm_documents_title", "trgm_documents_body"):
            db.conn.execute(f"drop index if exists {index}")
        return
    for trigger in ("documents_ai", "documents_ad", "documents_au"):
        db.conn.execute(f"drop trigger if exists {trigger}")


def record_run(db, **row) -> int:
    """A run row as given (its id, status, dates, counts): for stores built by tests and benchmarks.
    A crawl starts its run with ``start_run`` instead."""
    with db.conn:
        return db["runs"].insert({"kind": "crawl", "status": "finished", **row}).last_pk


def claim_run(db, run_id: int) -> None:
    """This process writes run ``run_id`` (started by ``crawler.runner``): its pid marks it alive."""
    with db.conn:
        db["runs"].update(run_id, {"pid": os.getpid()})


# --- the tasks of a distributed run (zwgk.distributed) ------------------------------------------
#
# A run crawled by Celery workers is one ``runs`` row (started and closed by the coordinator, which
# holds the store's run lock) and one ``run_tasks`` row per task. A task's delivery claims its row
# before crawling: a row another attempt is still running (its crawl reported within the lease) is
# not claimed, so a message the broker delivers twice never crawls the same sites twice at once.

def utc_now() -> str:
    """``run_tasks.seen_at``: compared across hosts, so in UTC whatever each host's time zone."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def add_run_tasks(db, run_id: int, tasks: dict[str, list[str]]) -> None:
    """The tasks of a distributed run: task name -> its site ids, all queued."""
    with db.conn:
        db["run_tasks"].insert_all({"run_id": run_id, "task": name, "site_ids": dumps(ids), "status": "queued",
                                    "attempts": 0, "sites": 0, "columns": 0, "pages": 0, "requests": 0,
                                    "documents": 0, "new_documents": 0, "errors": 0}
                                   for name, ids in tasks.items())


def run_task(db, run_id: int, task: str) -> dict | None:
    return next(iter(db.query("select * from run_tasks where run_id = ? and task = ?", [run_id, task])), None)


def run_tasks(db, run_id: int) -> list[dict]:
    return list(db.query("select * from run_tasks where run_id = ? order by task", [run_id]))


def claim_task(db, run_id: int, task: str, *, worker: str, pid: int, stale_before: str, dead: bool = False) -> bool:
    """Take a task for an attempt on ``worker``: when it is queued, ended unfinished, or its running
    attempt last reported before ``stale_before`` (or is known ``dead``). Returns whether it was taken."""
    with db.conn:
        taken = db.execute(
            "update run_tasks set status = 'running', worker = ?, pid = ?, attempts = attempts + 1, "
            "started_at = ?, seen_at = ?, finished_at = null, note = null "
            "where run_id = ? and task = ? and status not in ('finished', 'failed') "
            "and (status != 'running' or seen_at is null or seen_at < ? or ?)",
            [worker, pid, now(), utc_now(), run_id, task, stale_before, bool(dead)]).rowcount
    return taken == 1


def touch_task(db, run_id: int, task: str, **fields) -> None:
    """The attempt running a task is alive (and ``fields`` of its row, e.g. its log path)."""
    with db.conn:
        db.execute(f"update run_tasks set {''.join(f'{k} = ?, ' for k in fields)}seen_at = ? "
                   f"where run_id = ? and task = ?", [*fields.values(), utc_now(), run_id, task])


def finish_task(db, run_id: int, task: str, status: str, note: str | None = None, *, owner: int | None = None) -> None:
    """A task's attempt is over. ``owner``: the pid of the attempt that claimed it; an attempt that
    was taken over (its crawl closing late) then changes nothing."""
    with db.conn:
        db.execute("update run_tasks set status = ?, note = ?, finished_at = ?, seen_at = ? "
                   "where run_id = ? and task = ? and (? is null or pid = ?)",
                   [status, note, now(), utc_now(), run_id, task, owner, owner])


def task_totals(db, run_id: int) -> dict:
    """A distributed run's counters so far: its tasks' summed (for the coordinator's progress)."""
    row = db.execute(
        "select coalesce(sum(sites), 0), coalesce(sum(columns), 0), coalesce(sum(pages), 0), "
        "coalesce(sum(requests), 0), coalesce(sum(documents), 0), coalesce(sum(new_documents), 0), "
        "coalesce(sum(errors), 0) from run_tasks where run_id = ?", [run_id]).fetchone()
    return dict(zip(("sites", "columns", "pages", "requests", "documents", "new_documents", "errors"), row))


def close_distributed_run(db, run_id: int) -> str:
    """Close a distributed run once its tasks are over: finished when every task finished, else failed
    (a task failed) or interrupted. Its counters: pages and requests summed over the tasks' last
    attempts; sites, columns, documents and errors counted in the store, where a retried task's
    sites are counted once. Returns the run's status."""
    tasks = run_tasks(db, run_id)
    statuses = {t["status"] for t in tasks}
    status = "finished" if statuses <= {"finished"} else "failed" if "failed" in statuses else "interrupted"
    unfinished = [t for t in tasks if t["status"] != "finished"]
    note = "; ".join(f"task {t['task']} {t['status']}" + (f": {t['note']}" if t["note"] else "")
                     for t in unfinished) or None
    totals = task_totals(db, run_id)
    counted = db.execute(
        "select (select count(*) from sites where last_run = :run), "
        "(select count(*) from columns where last_run = :run), "
        "(select count(*) from documents where last_run = :run), "
        "(select count(*) from documents where first_run = :run), "
        "(select count(*) from fetch_errors where run_id = :run)", {"run": run_id}).fetchone()
    finish_run(db, run_id, status, note=note, pages=totals["pages"], requests=totals["requests"],
               **dict(zip(("sites", "columns", "documents", "new_documents", "errors"), counted)))
    return status


def error_keys(db, run_id: int, site_ids) -> set[tuple]:
    """The fetch errors a run recorded for these sites: a retried task records each fault once."""
    ids = list(site_ids)
    marks = ",".join("?" * len(ids))
    return {tuple(r) for r in db.execute(
        f"select site_id, url, target, kind from fetch_errors where run_id = ? and site_id in ({marks})",
        [run_id, *ids]).fetchall()} if ids else set()


# --- the writers --------------------------------------------------------------------------------
#
# Every row of the crawl's tables is written here, by the crawl's pipeline and by the builders of
# test and benchmark stores alike: one statement per fact, in SQL both SQLite and PostgreSQL run
# (``insert … on conflict … do update``; placeholders are rewritten by crawler/store_pg.py).

DOC_FIELDS = (
    "site_id", "column_id", "title", "list_title", "list_date", "published", "written", "doc_number",
    "index_number", "publisher", "category", "column_meta", "date_source", "body", "body_hash",
    "attachments", "http_status", "content_type", "fetched_at", "etag", "last_modified", "validity", "repeals",
)
UPSERT_DOCUMENT = (
    f"insert into documents (url, {', '.join(DOC_FIELDS)}, first_run, last_run) "
    f"values (:url, {', '.join(':' + f for f in DOC_FIELDS)}, :first_run, :last_run) "
    f"on conflict(url) do update set {', '.join(f'{f} = excluded.{f}' for f in DOC_FIELDS if f != 'column_id')}, "
    "column_id = coalesce(documents.column_id, excluded.column_id), last_run = excluded.last_run"
)
UPSERT_ENTRY = (
    "insert into column_entries (column_id, url, site_id, title, list_date, first_run, last_run) "
    "values (:column_id, :url, :site_id, :title, :list_date, :first_run, :last_run) "
    "on conflict(column_id, url) do update set title = excluded.title, list_date = excluded.list_date, "
    "last_run = excluded.last_run"
)
UPSERT_COLUMN = (
    "insert into columns (id, site_id, url, name, path, catalog, source, first_run, last_run) "
    "values (:id, :site_id, :url, :name, :path, :catalog, :source, :first_run, :last_run) "
    "on conflict(site_id, url) do update set name = excluded.name, path = excluded.path, "
    "catalog = excluded.catalog, source = excluded.source, last_run = excluded.last_run"
)
UPSERT_SITE = (
    "insert into sites (id, name, level, region, url, config, first_run, last_run, status, error) "
    "values (:id, :name, :level, :region, :url, :config, :first_run, :last_run, :status, :error) "
    "on conflict(id) do update set name = excluded.name, level = excluded.level, region = excluded.region, "
    "url = excluded.url, config = excluded.config, last_run = excluded.last_run, status = excluded.status, "
    "error = excluded.error"
)
# What a column showed in a run (from its listings of the run), and how it was walked.
COLUMN_RUN_STATS = """
insert into column_runs (run_id, column_id, entries, new_entries, pages, newest_date, walk, total, empty_evidence)
select :run, c.id,
       (select count(*) from column_entries e where e.column_id = c.id and e.last_run = :run),
       (select count(*) from column_entries e where e.column_id = c.id and e.first_run = :run),
       :pages,
       (select max(coalesce(d.published, e.list_date)) from column_entries e
          left join documents d on d.url = e.url
         where e.column_id = c.id and e.last_run = :run),
       :walk, :total, :empty_evidence
from columns c where c.id = :column_id
on conflict (run_id, column_id) do update set entries = excluded.entries, new_entries = excluded.new_entries,
   pages = excluded.pages, newest_date = excluded.newest_date, walk = excluded.walk, total = excluded.total,
   empty_evidence = excluded.empty_evidence
"""
INSERT_COLUMN_RUN = (
    "insert into column_runs (run_id, column_id, entries, new_entries, pages, newest_date, walk, total, "
    "empty_evidence) values (:run_id, :column_id, :entries, :new_entries, :pages, :newest_date, :walk, :total, "
    ":empty_evidence) on conflict (run_id, column_id) do update set entries = excluded.entries, "
    "new_entries = excluded.new_entries, pages = excluded.pages, newest_date = excluded.newest_date, "
    "walk = excluded.walk, total = excluded.total, empty_evidence = excluded.empty_evidence"
)
# The newest earlier read of a column (rows exist only for runs that reached spider close).
PREV_READ = "select max(run_id) from column_runs where column_id = ? and pages > 0 and run_id < ?"
INSERT_EVENT = (
    "insert into document_events (run_id, site_id, column_id, url, event, old_hash, new_hash, http_status, "
    "title, note, at) values (:run_id, :site_id, :column_id, :url, :event, :old_hash, :new_hash, :http_status, "
    ":title, :note, :at)"
)
INSERT_ERROR = (
    "insert into fetch_errors (run_id, site_id, column_id, url, target, kind, status, message, at) "
    "values (:run_id, :site_id, :column_id, :url, :target, :kind, :status, :message, :at)"
)
INSERT_WARC_RECORD = (
    "insert into warc_records (run_id, url, target_uri, file, \"offset\", length, request_offset, status, content_type, "
    "fetched_at) values (:run_id, :url, :target_uri, :file, :offset, :length, :request_offset, :status, "
    ":content_type, :fetched_at)"
)
UPSERT_TEMPLATE = (
    "insert into site_templates (run_id, site_id, pages, list_region, pager, boilerplate_links, examples) "
    "values (:run_id, :site_id, :pages, :list_region, :pager, :boilerplate_links, :examples) "
    "on conflict (run_id, site_id) do update set pages = excluded.pages, list_region = excluded.list_region, "
    "pager = excluded.pager, boilerplate_links = excluded.boilerplate_links, examples = excluded.examples"
)
UPSERT_VALIDATOR = (
    "insert into page_validators (column_id, url, etag, last_modified, run_id) values (?, ?, ?, ?, ?) "
    "on conflict (column_id, url) do update set etag = excluded.etag, last_modified = excluded.last_modified, "
    "run_id = excluded.run_id"
)
GONE_STATUSES = (404, 410)


def body_hash(text: str | None) -> str | None:
    """Hash of the body with whitespace removed, so re-indentation is not an edit."""
    if not text:
        return None
    return hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest()[:16]


def _rows(rows, defaults: dict):
    """Each row (a dict) with the missing fields from ``defaults``: one row or an iterable of them."""
    if isinstance(rows, dict):
        rows = (rows,)
    return ({**defaults, **row} for row in rows)


class Writer:
    """The writes of one run ``run``: one method per fact, each given rows as dicts (one or many).
    ``task``: this crawl is one task of a distributed run (its counters go to that task's row, while
    ``owner``, the pid of the attempt that claimed it, still holds it).

    ``first_run``/``last_run`` default to the run; a builder of a multi-run store gives them. Nothing is
    committed here except by ``commit``; a caller writing many rows wraps them in one transaction.
    """

    def __init__(self, db, run: int, task: str | None = None, owner: int | None = None):
        self.db, self.conn, self.run, self.task, self.owner = db, db.conn, run, task, owner
        self._columns: dict[tuple[str, str], int] = {}

    def commit(self) -> None:
        self.conn.commit()

    def _span(self) -> dict:
        return {"first_run": self.run, "last_run": self.run}

    # -- identity: sites and columns --------------------------------------------------------------

    def sites(self, rows) -> None:
        """Keys: id, name, level, region, url, config (a dict, or JSON text), status, error."""
        base = {**self._span(), "region": None, "config": None, "status": "ok", "error": None}

        def ready(row):
            if not isinstance(row["config"], (str, type(None))):
                row["config"] = dumps(row["config"])
            return row
        self.conn.executemany(UPSERT_SITE, map(ready, _rows(rows, base)))

    def columns(self, rows) -> None:
        """Keys: site_id, url, name, path, catalog, source (and ``id`` for a builder that numbers them)."""
        base = {**self._span(), "id": None, "path": None, "catalog": None, "source": "discovered"}
        self.conn.executemany(UPSERT_COLUMN, _rows(rows, base))

    def column_id(self, site_id: str, url: str) -> int | None:
        """The id of a column written before (None: never written)."""
        key = (site_id, url)
        if key not in self._columns:
            row = self.conn.execute("select id from columns where site_id = ? and url = ?", key).fetchone()
            if row is None:
                return None
            self._columns[key] = row[0]
        return self._columns[key]

    # -- what the lists showed, and the documents -------------------------------------------------

    def entries(self, rows) -> None:
        """Listings: column_id, url, site_id, title, list_date."""
        self.conn.executemany(UPSERT_ENTRY, _rows(rows, {**self._span(), "title": None, "list_date": None}))

    def documents(self, rows) -> None:
        """Documents as they are, without history (a builder's store); the crawl calls ``document``."""
        base = {**self._span(), **dict.fromkeys(DOC_FIELDS), "http_status": 200}

        def ready(row):
            if not isinstance(row["attachments"], (str, type(None))):
                row["attachments"] = dumps(row["attachments"])
            if not isinstance(row["repeals"], (str, type(None))):   # the documents it repeals, JSON; none: NULL
                row["repeals"] = dumps(row["repeals"]) if row["repeals"] else None
            return row
        self.conn.executemany(UPSERT_DOCUMENT, map(ready, _rows(rows, base)))

    def document(self, row: dict) -> bool:
        """A detail page as the crawl read it, with its history: versions and events (new, edited,
        failing, gone, recovered). A page that fails now keeps what was extracted when it last
        answered. Returns whether the document is new to the store."""
        url, site_id, column_id, status = row["url"], row["site_id"], row.get("column_id"), row.get("http_status", 200)
        prev = self.conn.execute(
            "select http_status, body_hash, body, title, published from documents where url = ?", [url]).fetchone()
        old_status = (prev[0] or 200) if prev else None
        if status >= 400 and prev:
            self.conn.execute("update documents set http_status = ?, fetched_at = ?, last_run = ? where url = ?",
                              [status, row.get("fetched_at"), self.run, url])
            now_gone = status in GONE_STATUSES
            if old_status < 400 or (now_gone and old_status not in GONE_STATUSES):
                self.event("gone" if now_gone else "failing", site_id, url, column_id=column_id, old_hash=prev[1],
                           status=status, title=prev[3])
            return False
        new_hash = body_hash(row.get("body"))
        self.documents({**row, "body_hash": new_hash})
        if prev is None:
            self.event("new", site_id, url, column_id=column_id, new_hash=new_hash, status=status, title=row.get("title"))
            self._version(row, new_hash, None)
            return True
        if status < 400 <= old_status:
            self.event("recovered", site_id, url, column_id=column_id, old_hash=prev[1], new_hash=new_hash,
                       status=status, title=row.get("title"))
        if new_hash and prev[1] and new_hash != prev[1]:
            self.event("edited", site_id, url, column_id=column_id, old_hash=prev[1], new_hash=new_hash,
                       status=status, title=row.get("title"))
            self._version(row, new_hash, prev)
        elif new_hash:
            self.conn.execute("update document_versions set last_run = ? where url = ? and body_hash = ? "
                              "and version = (select max(version) from document_versions where url = ?)",
                              [self.run, url, new_hash, url])
        return False

    def _version(self, row: dict, new_hash: str | None, prev) -> None:
        """A new version row; the superseded one keeps its text (the current text lives in documents)."""
        if new_hash is None:
            return
        url, site_id = row["url"], row["site_id"]
        if prev is not None:
            self.conn.execute(
                "update document_versions set body = ? where url = ? and version = "
                "(select max(version) from document_versions where url = ?)", [prev[2], url, url])
            exists = self.conn.execute("select 1 from document_versions where url = ?", [url]).fetchone()
            if not exists:  # stored before versions were kept: record the old one first
                self.conn.execute(
                    "insert into document_versions (url, site_id, version, body_hash, title, published, body) "
                    "values (?, ?, 1, ?, ?, ?, ?)", [url, site_id, prev[1], prev[3], prev[4], prev[2]])
        self.conn.execute(
            "insert into document_versions (url, site_id, version, body_hash, title, published, validity, first_run, "
            "last_run) values (?, ?, coalesce((select max(version) from document_versions where url = ?), 0) + 1, "
            "?, ?, ?, ?, ?, ?)",
            [url, site_id, url, new_hash, row.get("title"), row.get("published"), row.get("validity"), self.run,
             self.run])

    def unchanged(self, url: str, fetched_at: str) -> None:
        """A revisited page answered 304 Not Modified: still there, unchanged."""
        self.conn.execute("update documents set fetched_at = ?, last_run = ? where url = ?", [fetched_at, self.run, url])

    def event(self, event: str, site_id: str, url: str, *, column_id=None, old_hash=None, new_hash=None,
              status=None, title=None, note=None) -> None:
        self.conn.execute(INSERT_EVENT, {
            "run_id": self.run, "site_id": site_id, "column_id": column_id, "url": url, "event": event,
            "old_hash": old_hash, "new_hash": new_hash, "http_status": status, "title": title, "note": note,
            "at": now()})

    # -- faults, templates, the archive index -----------------------------------------------------

    def errors(self, rows) -> None:
        """Fetch errors: site_id, url, target, kind, message, status, column_id (and ``at``)."""
        base = {"run_id": self.run, "column_id": None, "status": None, "at": now()}
        self.conn.executemany(INSERT_ERROR, _rows(rows, base))

    def template(self, site_id: str, *, pages: int, list_region, pager, boilerplate_links: int, examples) -> None:
        self.conn.execute(UPSERT_TEMPLATE, {
            "run_id": self.run, "site_id": site_id, "pages": pages, "list_region": list_region, "pager": pager,
            "boilerplate_links": boilerplate_links, "examples": dumps(examples)})

    def archived(self, rows) -> None:
        """Index rows of pages the WARC archive (crawler/archive.py) has written."""
        self.conn.executemany(INSERT_WARC_RECORD, _rows(rows, {"run_id": self.run}))

    # -- what a column showed: the conclusion of its walk -----------------------------------------

    def column_runs(self, rows) -> None:
        """What columns showed, as given (a builder's store): column_id, entries, new_entries, pages,
        newest_date, walk, total, empty_evidence (and ``run_id``)."""
        base = {"run_id": self.run, "entries": 0, "new_entries": 0, "pages": 0, "newest_date": None, "walk": None,
                "total": None, "empty_evidence": None}
        self.conn.executemany(INSERT_COLUMN_RUN, _rows(rows, base))

    def conclude_column(self, site_id: str, column_id: int, *, walk: str | None, pages: int, total: int | None = None,
                        empty_evidence: str | None = None, validators: dict | None = None) -> None:
        """A column's walk is over: its ``column_runs`` row from its listings of the run, and what the
        walk allows concluding. ``walk``: complete (every list page read), incremental (stopped at
        known entries), partial (a list page not read: nothing concluded) or None (no page read)."""
        prev_run = self.conn.execute(PREV_READ, [column_id, self.run]).fetchone()[0]
        if walk == "complete" and prev_run is not None:
            # Read to its last page: what the previous read listed and this one did not, was removed.
            for url, title in self.conn.execute(
                    "select url, title from column_entries where column_id = ? and last_run >= ? and last_run < ?",
                    [column_id, prev_run, self.run]).fetchall():
                self.event("removed-from-column", site_id, url, column_id=column_id, title=title,
                           note=f"listed at run {prev_run}, not in the complete read of run {self.run}")
        elif walk in ("incremental", "partial") and prev_run is not None:
            # Not every page was read: what was listed before and not seen now is still listed.
            self.conn.execute(
                "update column_entries set last_run = ? where column_id = ? and last_run >= ? and last_run < ?",
                [self.run, column_id, prev_run, self.run])
        self.conn.execute(COLUMN_RUN_STATS, {"run": self.run, "column_id": column_id, "pages": pages, "walk": walk,
                                             "total": total, "empty_evidence": empty_evidence})
        if walk in CONCLUSIVE_WALKS:
            self.conn.executemany(UPSERT_VALIDATOR, ((column_id, url, etag, modified, self.run)
                                                     for url, (etag, modified) in (validators or {}).items()))

    # -- the run row ------------------------------------------------------------------------------

    def counts(self, **counts) -> None:
        """The run's counters so far (pages, requests, documents, new_documents, errors, sites, columns);
        a task of a distributed run (``task``) keeps its own in its ``run_tasks`` row instead."""
        if counts and self.task is None:
            self.conn.execute(f"update runs set {', '.join(f'{k} = ?' for k in counts)} where id = ?",
                              [*counts.values(), self.run])
        elif counts:
            self.conn.execute(f"update run_tasks set {', '.join(f'{k} = ?' for k in counts)}, seen_at = ? "
                              f"where run_id = ? and task = ? and (? is null or pid = ?)",
                              [*counts.values(), utc_now(), self.run, self.task, self.owner, self.owner])

    def carry_forward(self) -> tuple[int, int]:
        """At the end of a crawl: documents listed in this run (seen, or carried forward with their
        listing) are current. Returns (current documents, new documents) of the run."""
        self.conn.execute(
            "update documents set last_run = :run where last_run < :run and url in "
            "(select url from column_entries where last_run = :run)", {"run": self.run})
        current, new = self.conn.execute(
            "select count(*), coalesce(sum(case when first_run = :run then 1 else 0 end), 0) from documents "
            "where last_run = :run",
            {"run": self.run}).fetchone()
        return current, new
