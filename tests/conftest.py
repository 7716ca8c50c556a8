"""Shared fixtures: the demo portal on loopback, and one ``zwgk demo`` (crawl, check, report), done once
per test session.

Tests that change the portal (recrawl tests) must build their own ``DemoPortal``: the session
portal is shared and must stay as planted.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest

PG_ENV = "ZWGK_TEST_PG"   # .ci/run sets it to the PostgreSQL it starts


def pytest_addoption(parser):
    parser.addoption("--pg-url", default=os.environ.get(PG_ENV) or None,
                     help="postgresql+psycopg://user:password@host:port/db with CREATEDB: the store, checks and "
                          f"report tests also run on a PostgreSQL store (default: ${PG_ENV})")


def pytest_generate_tests(metafunc):
    """A test taking ``db_target`` runs on a SQLite file and on PostgreSQL (marked ``pg``)."""
    if "db_target" in metafunc.fixturenames:
        metafunc.parametrize("db_target", DB_KINDS, indirect=True)


@pytest.hookimpl(tryfirst=True)   # before xdist's own hook, which reads the groups into the node ids
def pytest_collection_modifyitems(items):
    """A test that reads the session's demo crawl (``demo_run``: a crawl in a subprocess) is slow; one that
    needs a PostgreSQL store is ``pg``.

    Under xdist (``--dist loadgroup``, pyproject.toml) an expensive shared fixture is built once: the
    tests reading the session's demo crawl run on one worker, and the tests of a module that share a
    module-scoped fixture (a module's own crawl or report) run on one worker; the rest spread freely."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "demo_run" in fixtures:
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group("demo_run"))
        elif _uses_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
        if {"pg_url", "pg_server"} & set(fixtures):
            item.add_marker(pytest.mark.pg)


def _uses_module_fixture(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    return bool(info) and any(d.scope == "module" for defs in info.name2fixturedefs.values() for d in defs)


@pytest.fixture(scope="session")
def demo_portal():
    """The demo portal served on loopback for the session, for tests that crawl a site or a column of it
    themselves: a quarter of its documents (every site, every column) is enough for them."""
    from zwgk.demoportal import DemoPortal, serve

    portal = DemoPortal(scale=0.25)
    with serve(portal) as base_url:
        yield SimpleNamespace(portal=portal, base_url=base_url)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """``zwgk demo`` run once per session as a user runs it (the README's first command, in a process
    of its own): the demo portal served, crawled, checked as of DEMO_AS_OF and reported into ``work``.
    (portal, base_url, db_path, run_id, sites_file, work, index, command).

    ``portal`` is a ``DemoPortal()`` built here: the portal is deterministic, so it is the ground truth
    of what the command served. ``base_url`` is the address the command served it at, as stored in
    the run's URLs; that server ended with the command (a test that crawls uses ``demo_portal``)."""
    from crawler import store
    from zwgk.demoportal import DemoPortal

    work = tmp_path_factory.mktemp("demo-run")
    command = subprocess.run([sys.executable, "-m", "zwgk.cli", "demo", "--out", str(work)],
                             capture_output=True, text=True, cwd=work, timeout=1800)
    assert command.returncode == 0, command.stderr
    db_path, sites_file = work / "zwgk.db", work / "sites.yaml"
    db = store.connect(db_path)
    [run_id] = [r["id"] for r in db.query("select id from runs")]
    db.conn.close()
    [base_url] = set(re.findall(r"url: (http://127\.0\.0\.1:\d+)/", sites_file.read_text(encoding="utf-8")))
    return SimpleNamespace(portal=DemoPortal(), base_url=base_url, db_path=db_path, run_id=run_id,
                           sites_file=sites_file, work=work, index=work / "index.html", command=command)


@pytest.fixture
def unreachable_site() -> str:
    """A sites config of one valid site nobody answers for (port 9, discard): for tests of the config,
    the command line and the store that must never reach a network."""
    return """
sites:
  - id: demo-county
    name: 示例县人民政府
    level: county
    region: 黑龙江省/示例市/示例县
    url: http://127.0.0.1:9/xxgk/
"""


@pytest.fixture(scope="session")
def pg_server(request):
    """A database of its own for this test session on the server of ``--pg-url`` (dropped at the end).
    Without a server the PostgreSQL tests are skipped — except under CI=true, where .ci/run starts one
    and its absence is a broken CI step."""
    url = request.config.getoption("--pg-url")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but no PostgreSQL: ${PG_ENV} is not set (.ci/run starts one and sets it)")
        pytest.skip(f"no PostgreSQL: pass --pg-url postgresql+psycopg://… or set ${PG_ENV}")
    import sqlalchemy as sa

    admin = sa.create_engine(sa.engine.make_url(url).set(drivername="postgresql+psycopg"),
                             poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    name = f"zwgk_test_{os.getpid()}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"drop database if exists {name}")
            conn.exec_driver_sql(f"create database {name}")
    except sa.exc.OperationalError as exc:
        pytest.fail(f"--pg-url {url}: cannot create a test database: {exc.orig}")
    test_url = admin.url.set(database=name)
    engine = sa.create_engine(test_url, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:   # database-wide: every test schema's full-text index uses it
        conn.exec_driver_sql("create extension if not exists pg_trgm")
    yield PgServer(test_url, engine)
    engine.dispose()
    _drop_database(admin, name)
    admin.dispose()


def _drop_database(admin, name: str, tries: int = 5) -> None:
    """Drop the session's database. Plain DROP DATABASE first: the server itself stops an autovacuum
    worker busy in it, which WITH (FORCE) may not (it checks the right to signal each backend, and a
    role that is not a superuser has none over the server's own workers). FORCE only for a connection
    of ours left open, e.g. by a test that failed half-way."""
    import sqlalchemy as sa

    for attempt in range(tries):
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"drop database if exists {name}" + (" with (force)" if attempt % 2 else ""))
            return
        except sa.exc.DBAPIError:
            if attempt == tries - 1:
                raise
            time.sleep(1)


class PgServer:
    """The session's PostgreSQL test database; ``new_store()`` gives the URL of a fresh, empty store
    (a schema of its own, left for the session's end: a test's store may still be open)."""

    def __init__(self, url, engine):
        self.url, self.engine, self.count = url, engine, 0

    def new_store(self) -> str:
        self.count += 1
        schema = f"t{self.count}"
        with self.engine.connect() as conn:
            conn.exec_driver_sql(f"create schema {schema}")
        return self.url.update_query_dict({"options": f"-csearch_path={schema},public"}).render_as_string(
            hide_password=False)


DB_KINDS = ["sqlite", pytest.param("pg", marks=pytest.mark.pg)]   # params of a fixture building a store


def new_target(request, folder, name: str = "z.db"):
    """A fixture's store for its param (``DB_KINDS``): a SQLite file in ``folder``, or a PostgreSQL store."""
    if request.param == "pg":
        return request.getfixturevalue("pg_server").new_store()
    return folder / name


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty PostgreSQL store."""
    return pg_server.new_store()


@pytest.fixture
def db_target(request, tmp_path):
    """Where a test's store lives: a SQLite file in tmp_path, or (param "pg") a fresh PostgreSQL store."""
    return new_target(request, tmp_path)
