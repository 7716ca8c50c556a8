"""The PostgreSQL store: what only it does (its URL, its errors, its run lock) and a crawl of the demo
portal into it that finds, row for row, what the SQLite crawl of the same portal finds.

Tests taking ``pg_url`` are marked ``pg`` (tests/conftest.py): skipped without a server, failed
without one under CI=true."""
from __future__ import annotations

import json
import socket

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from crawler import store
from crawler.runner import RunLocked, run_lock
from crawler.store_pg import translate
from zwgk.cli import main


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_sqlite_statements_as_psycopg_runs_them():
    assert translate("select * from t where a = ? and b like '%?%' and c = :name") == (
        "select * from t where a = %s and b like '%%?%%' and c = %(name)s")
    assert translate("insert into temp.ck_pages values (?)") == "insert into pg_temp.ck_pages values (%s)"
    assert translate("select x::text, d from documents d not indexed where f = 1") == (
        "select x::text, d from documents d where f = 1")
    assert translate("create temp table c (d text primary key) without rowid") == "create temp table c (d text primary key)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_bad_url_is_one_line_naming_what_is_wrong(pg_url):
    url = sa.engine.make_url(pg_url)
    cases = {
        "postgresql+psycopg://zwgk@127.0.0.1:99999999/x": "not a database URL|cannot connect",
        "mysql://u@h/db": "SQLite .* or PostgreSQL",
        "postgresql+psycopg://u@127.0.0.1/": "names no database",
        f"postgresql+psycopg://zwgk@127.0.0.1:{_free_port()}/zwgk": "cannot connect to PostgreSQL: .*refused",
        url.set(password="not-the-password").render_as_string(hide_password=False): "password authentication failed",
        url.set(database="no_such_db_zwgk").render_as_string(hide_password=False): 'database "no_such_db_zwgk" does not exist',
    }
    for bad, expected in cases.items():
        with pytest.raises(store.StoreError, match=expected) as caught:
            store.connect(bad)
        message = str(caught.value)
        assert "\n" not in message and "not-the-password" not in message, message
        result = run_cli("report", "--db", bad, "--out", "/nonexistent/never-written")
        assert result.exit_code == 1 and result.output.startswith("错误：") and "Traceback" not in result.output
        assert result.output.count("\n") == 1, result.output


def test_a_fresh_database_gets_every_migration_once_and_full_text_search(pg_url):
    db = store.connect(pg_url)
    assert store.schema_version(db) == len(store.MIGRATIONS)
    indexes = {r[0] for r in db.execute("select indexname from pg_indexes where tablename = 'documents'")}
    assert {"trgm_documents_title", "trgm_documents_body"} <= indexes
    db.conn.close()
    again = store.connect(pg_url)
    assert store.schema_version(again) == len(store.MIGRATIONS)


def test_another_applications_database_is_refused_unless_init(pg_url):
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("create table invoices (id integer primary key)")
    with pytest.raises(store.StoreError, match="not a zwgk store: .*invoices"):
        store.connect(pg_url)
    db = store.connect(pg_url, init=True)
    assert "runs" in db.table_names() and "invoices" in db.table_names()
    engine.dispose()


def test_the_run_lock_is_a_server_lock_released_with_its_connection(pg_url):
    store.connect(pg_url).conn.close()
    with run_lock(pg_url) as held:
        assert held is None   # nothing for the crawl child to inherit
        with pytest.raises(RunLocked, match=r"正在被另一个采集任务使用（PostgreSQL 会话 \d+（客户端 .*）持有），本次未运行"):
            import threading   # another thread of this process is another holder, as another process is
            errors = []

            def other():
                try:
                    with run_lock(pg_url):
                        pass
                except RunLocked as exc:
                    errors.append(exc)
            thread = threading.Thread(target=other)
            thread.start()
            thread.join()
            raise errors[0]
    with run_lock(pg_url):   # released
        pass


@pytest.mark.slow
def test_a_postgresql_run_finds_what_the_sqlite_run_finds(pg_url, tmp_path, monkeypatch):
    """The demo portal crawled, checked and reported on PostgreSQL: its findings equal, row for row,
    those of a SQLite run of the same portal; the crawl's files go in the current folder. A tenth
    of the documents: every site, column and planted gap, so every kind of finding, is still there."""
    from checks.run import run_checks
    from crawler.runner import crawl
    from zwgk.demo import DEMO_SETTINGS
    from zwgk.demoportal import DEMO_AS_OF, DemoPortal, serve

    monkeypatch.chdir(tmp_path)
    portal = DemoPortal(scale=0.1)
    with serve(portal) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(portal.sites_yaml(base_url), encoding="utf-8")
        sqlite_run, code = crawl(sites_file, tmp_path / "z.db", settings=DEMO_SETTINGS)
        assert code == 0
        sqlite = store.connect(tmp_path / "z.db")
        run_checks(sqlite, sqlite_run, DEMO_AS_OF)
        result = run_cli("run", "--sites", sites_file, "--db", pg_url, "--out", tmp_path / "report",
                         "--as-of", DEMO_AS_OF.isoformat(), *[a for k, v in DEMO_SETTINGS.items() for a in ("-s", f"{k}={v}")])
    assert result.exit_code == 0, result.output
    db = store.connect(pg_url)
    run_id = store.resolve_run(db, "latest")
    expected = store.canonical_findings(sqlite, sqlite_run)
    assert store.canonical_findings(db, run_id) == expected and len(expected) > 10
    assert len({f[0] for f in expected}) == len(portal.sites)   # findings on every site
    assert (tmp_path / "report" / "index.html").exists()
    name = sa.engine.make_url(pg_url).database
    assert list((tmp_path / f"{name}-logs").glob("run-*.log")) and list((tmp_path / f"{name}-warc").glob("*.warc.gz"))
    # The evidence of a finding is read back from the archive the crawl wrote.
    finding = db.execute("select id from findings where run_id = ? and record_id is not null limit 1", [run_id]).fetchone()
    shown = run_cli("evidence", str(finding[0]), "--db", pg_url, "--out", tmp_path / "e.html")
    assert shown.exit_code == 0, shown.output
    listed = run_cli("findings", "--db", pg_url, "--format", "json")
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == len(expected)


def test_the_schedule_of_a_postgresql_store(pg_url, tmp_path, monkeypatch, unreachable_site):
    """Its jobs live beside the store's other files (the current folder); no password is shown."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sites.yaml").write_text(unreachable_site, encoding="utf-8")
    added = run_cli("schedule", "add", "--sites", "sites.yaml", "--db", pg_url, "--out", "report")
    assert added.exit_code == 0, added.output
    name = sa.engine.make_url(pg_url).database
    assert (tmp_path / f"{name}-schedule.db").exists()
    listed = run_cli("schedule", "list", "--db", pg_url)
    assert listed.exit_code == 0 and "weekly" in listed.output and "***" in listed.output
    password = sa.engine.make_url(pg_url).password
    assert not password or f":{password}@" not in added.output + listed.output
