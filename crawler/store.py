"""The SQLite store: schema, numbered migrations and the few helpers every layer shares.

One file, opened through sqlite-utils, in WAL mode so a report or a progress poll can read while
the crawl (the one writer) writes. ``PRAGMA user_version`` records which migrations ran; a
migration is appended to ``MIGRATIONS`` and never edited once released.
"""
from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

DEFAULT_DB = "zwgk.db"


class StoreError(RuntimeError):
    """The database cannot be used; the message is one line for the user."""


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
    # trigger fires only when the title or body really changes.
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


MIGRATIONS = [_m1_initial, _m2_check_tables, _m3_change_history, _m4_evidence, _m5_list_evidence, _m6_validity]


def now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def connect(path: str | os.PathLike = DEFAULT_DB, *, create: bool = True, init: bool = False,
            verify: bool = False) -> sqlite_utils.Database:
    """Open (and if needed create and migrate) the store at ``path``.

    ``init``: a SQLite file holding other applications' tables may get zwgk's tables too (without
    it such a file is refused: zwgk does not silently add 39 tables to someone else's database).
    ``verify``: the caller is about to write (a crawl, a check): the file must be writable and pass
    ``PRAGMA quick_check`` first, so nothing is ever written into a corrupt file."""
    path = Path(path)
    if not create and not path.exists():
        raise StoreError(f"{path}: no such database (run 'zwgk crawl' first, or pass --db)")
    try:
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        if verify and path.exists():
            _verify(path)
        db = sqlite_utils.Database(path)
        _refuse_foreign(db, path, init)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA synchronous=NORMAL")
        migrate(db)
    except Exception as exc:  # sqlite3.DatabaseError and OSError both mean: not usable
        if isinstance(exc, StoreError):
            raise
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise StoreError(f"{path}: read-only, zwgk cannot write to it ({exc})") from None
        raise StoreError(f"{path}: cannot open as a zwgk database: {exc}") from None
    return db


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


def migrate(db: sqlite_utils.Database) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise StoreError(f"{db.conn.execute('PRAGMA database_list').fetchone()[2]}: made by a newer zwgk (schema {version})")
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        with db.conn:
            step(db)
            db.execute(f"PRAGMA user_version={number}")


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


# --- runs ---------------------------------------------------------------------------------------

def start_run(db, kind: str, sites_file: str | None = None, log_path: str | None = None) -> int:
    mark_interrupted_runs(db)
    with db.conn:
        return db["runs"].insert(
            {"kind": kind, "status": "running", "started_at": now(), "sites_file": sites_file,
             "pid": os.getpid(), "log_path": log_path, "pages": 0, "documents": 0, "new_documents": 0,
             "errors": 0, "sites": 0, "columns": 0}
        ).last_pk


def finish_run(db, run_id: int, status: str = "finished", **counts) -> None:
    with db.conn:
        db["runs"].update(run_id, {"status": status, "finished_at": now(), **counts})


def _alive(pid) -> bool:
    """Whether the process still runs. A zombie (exited, not yet reaped because its parent was killed
    too) answers kill(pid, 0) but holds nothing: it counts as dead."""
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
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
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
