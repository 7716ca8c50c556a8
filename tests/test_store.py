"""The store: migrations, runs left open by a killed crawl, and a database zwgk cannot use."""
import pytest

from crawler import store


def test_migrates_once_and_reopens(db_target):
    db = store.connect(db_target)
    assert store.schema_version(db) == len(store.MIGRATIONS)
    assert {"runs", "sites", "columns", "column_runs", "documents", "column_entries", "fetch_errors",
            "findings"} <= set(db.table_names())
    if db.dialect == "sqlite":
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.conn.close()
    db = store.connect(db_target)  # a second open runs no migration again
    assert store.schema_version(db) == len(store.MIGRATIONS)


def test_chinese_full_text_search_uses_trigrams(db_target):
    db = store.connect(db_target)
    with db.conn:
        store.Writer(db, store.record_run(db)).documents(
            {"url": "http://x/1", "site_id": "s", "title": "2023年财政预算公开", "body": "一般公共预算收入表"})
    assert [r["url"] for r in db["documents"].search("预算收入")] == ["http://x/1"]


def test_a_run_whose_process_died_is_marked_interrupted(db_target):
    db = store.connect(db_target)
    run_id = store.start_run(db, "crawl")
    with db.conn:
        db["runs"].update(run_id, {"pid": 2 ** 22 + 12345})  # no such process
    assert store.mark_interrupted_runs(db) == [run_id]
    assert db["runs"].get(run_id)["status"] == "interrupted"


def test_not_a_database(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(store.StoreError, match="cannot open as a zwgk database"):
        store.connect(bad)
    assert bad.read_bytes() == b"this is not sqlite" * 100  # nothing overwritten


def test_resolve_run(db_target):
    db = store.connect(db_target)
    with pytest.raises(store.StoreError, match="no finished crawl run"):
        store.resolve_run(db, "latest")
    first = store.start_run(db, "crawl")
    store.finish_run(db, first)
    assert store.resolve_run(db, "latest") == first
    assert store.resolve_run(db, str(first)) == first
    with pytest.raises(store.StoreError, match="no run 99"):
        store.resolve_run(db, "99")
