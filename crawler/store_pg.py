"""The PostgreSQL side of the store (crawler/store.py): a handle used exactly like the SQLite one.

``crawler.store.connect("postgresql+psycopg://user@host/db")`` returns a ``PgStore``. It offers what the
rest of zwgk uses of a sqlite-utils Database — ``query`` (rows as dicts), ``execute``, ``conn`` (a
transaction as a context manager, ``commit``, ``executemany``, ``close``) and the table calls of the
migrations and the run rows (``db["runs"].insert/update/get``, ``create``, ``add_column``,
``create_index``, ``enable_fts``) — so one schema (``store.MIGRATIONS``) and one set of queries serve
both databases. SQLAlchemy parses the URL, opens the psycopg 3 connection and writes the tables' DDL.

The SQL zwgk writes is SQLite's; what differs on PostgreSQL is settled here and nowhere else:
- placeholders ``?`` and ``:name`` become psycopg's ``%s`` / ``%(name)s`` (one rewrite per distinct
  statement, cached; psycopg binds them, as the server could not type ``? is null``); ``temp.x`` is
  ``pg_temp.x``; SQLite's planner hints (``not indexed``, ``without rowid``) are dropped;
- ``instr``, ``julianday`` and ``date(day, '+N days')`` exist as SQL functions of the store's schema,
  with SQLite's results (NULL for a text that is not a date, where a cast would abort the transaction);
- an integer ``id`` key left NULL is numbered from a sequence, as SQLite numbers a rowid;
- full-text search is ``pg_trgm`` GIN indexes on the title and the body (substring search of
  Chinese, like SQLite's trigram FTS5);
- the schema version is the row of ``zwgk_schema`` (SQLite: ``PRAGMA user_version``), and migrations
  run under a transaction-level advisory lock, so two workers opening a new store migrate it once;
- the run lock is a session-level advisory lock (``pg_try_advisory_lock``): the server releases it
  when the holder's connection ends, however the holder died;
- foreign keys are not declared: SQLite does not enforce them (``PRAGMA foreign_keys`` is off) and
  the same writes must succeed on both;
- ``numeric`` results (``sum`` over bigint, ``avg``) load as int or float, as SQLite returns them.
"""
from __future__ import annotations

import re
from functools import lru_cache

import sqlalchemy as sa

SCHEMA_TABLE = "zwgk_schema"
# Advisory lock keys (class, object): the class says which lock, the object which store (a hash of the
# schema: several stores may share one database, each in its schema).
MIGRATION_LOCK, RUN_LOCK = 0x7A7701, 0x7A7702
STORE_KEY = "hashtext(current_schema())"

# SQLite's functions zwgk's queries use, with SQLite's results (julianday: NULL for a non-date).
COMPAT_FUNCTIONS = (
    "create or replace function instr(text, text) returns integer language sql immutable "
    "as $$ select strpos($1, $2) $$",
    "create or replace function julianday(value text) returns double precision language plpgsql immutable "
    "as $$ begin return extract(epoch from value::timestamp) / 86400.0 + 2440587.5; "
    "exception when others then return null; end $$",
    "create or replace function date(value text, modifier text) returns text language plpgsql immutable "
    "as $$ begin return to_char(value::date + modifier::interval, 'YYYY-MM-DD'); "
    "exception when others then return null; end $$",
)
# An integer key given as NULL is numbered (SQLite numbers its rowid alias the same way); a key given
# explicitly moves the sequence past it, so later NULL keys never collide with it.
NUMBER_KEY = """
create or replace function zwgk_number_key() returns trigger language plpgsql as $$
declare
    seq text := pg_get_serial_sequence(quote_ident(tg_table_schema) || '.' || quote_ident(tg_table_name), 'id');
    last bigint;
begin
    if new.id is null then
        new.id := nextval(seq);
    else
        execute format('select last_value from %s', seq) into last;
        if new.id > last then
            perform setval(seq, new.id);
        end if;
    end if;
    return new;
end $$
"""
TYPES = {int: sa.BigInteger, str: sa.Text, float: sa.Float(53), bytes: sa.LargeBinary}

_PLACEHOLDER = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*)|(\?)|(?<!:):([A-Za-z_]\w*)|(%)""")
_REWRITES = (
    (re.compile(r"\btemp\.", re.I), "pg_temp."),
    (re.compile(r"\s+not\s+indexed\b", re.I), ""),
    (re.compile(r"\)\s*without\s+rowid", re.I), ")"),
)


@lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """SQLite's statement as psycopg runs it on PostgreSQL (see the module's docstring)."""
    def sub(m):
        if m.group(1):
            return m.group(1).replace("%", "%%")   # psycopg reads %s even inside a literal
        if m.group(2):
            return "%s"
        if m.group(3):
            return f"%({m.group(3)})s"
        return "%%"
    out = _PLACEHOLDER.sub(sub, sql)
    for pattern, replacement in _REWRITES:
        out = pattern.sub(replacement, out)
    return out


def _params(params):
    if params is None:
        return ()   # so that psycopg reads the %% of ``translate`` as %
    if isinstance(params, dict):
        return params
    return tuple(params)


def _numeric_loader():
    import psycopg.adapt

    class NumericLoader(psycopg.adapt.Loader):
        """numeric -> int when whole, else float: what SQLite gives for the same sum or average."""
        def load(self, data):
            text = bytes(data).decode()
            return int(text) if text.lstrip("-").isdigit() else float(text)
    return NumericLoader


class Connection:
    """The psycopg connection behind ``PgStore.conn``, with sqlite3's calls: ``with conn:`` is a
    transaction (commit, or rollback on an exception), ``execute``/``executemany`` take SQLite's SQL."""

    def __init__(self, pooled):
        self.pooled = pooled                  # SQLAlchemy's wrapper: the connection lives while it does
        self.raw = pooled.driver_connection   # psycopg's

    def execute(self, sql: str, params=None):
        cur = self.raw.cursor()
        try:
            cur.execute(translate(sql), _params(params))
        except Exception:
            self._abort()
            raise
        return cur

    def executemany(self, sql: str, rows):
        cur = self.raw.cursor()
        try:
            cur.executemany(translate(sql), (_params(r) for r in rows))
        except Exception:
            self._abort()
            raise
        return cur

    def _abort(self):
        """A failed statement aborts PostgreSQL's transaction; outside ``with conn:`` (sqlite3's
        autocommitted statements) roll it back so the next statement runs, as on SQLite."""
        if not self._in_with:
            self.raw.rollback()

    _in_with = 0

    def commit(self):
        self.raw.commit()

    def rollback(self):
        self.raw.rollback()

    def close(self):
        self.pooled.close()

    def __enter__(self):
        self._in_with += 1
        return self

    def __exit__(self, kind, value, tb):
        self._in_with -= 1
        if kind is None:
            self.raw.commit()
        else:
            self.raw.rollback()
        return False


class Table:
    """The table calls zwgk makes (sqlite-utils' names and meanings) on one PostgreSQL table."""

    def __init__(self, db: "PgStore", name: str):
        self.db, self.name = db, name
        self.last_pk = None

    def _pk(self) -> str:
        return "id"

    # -- rows -----------------------------------------------------------------------------------

    def insert(self, row: dict) -> "Table":
        """One row; ``last_pk``: its ``id`` (tables keyed otherwise: None)."""
        keys = list(row)
        numbered = self.db.numbered(self.name)
        cur = self.db.conn.execute(
            f'insert into "{self.name}" ({", ".join(_q(k) for k in keys)}) values ({", ".join("?" * len(keys))})'
            + (" returning id" if numbered else ""), [row[k] for k in keys])
        self.last_pk = cur.fetchone()[0] if numbered else None
        return self

    def insert_all(self, rows) -> "Table":
        """Many rows (dicts with the same keys), in one statement per row."""
        rows = list(rows)
        if rows:
            keys = list(rows[0])
            self.db.conn.executemany(
                f'insert into "{self.name}" ({", ".join(_q(k) for k in keys)}) values ({", ".join("?" * len(keys))})',
                ([row[k] for k in keys] for row in rows))
        return self

    def update(self, pk, values: dict) -> "Table":
        if values:
            self.db.conn.execute(f'update "{self.name}" set {", ".join(f"{_q(k)} = ?" for k in values)} where id = ?',
                                 [*values.values(), pk])
        return self

    def get(self, pk) -> dict:
        row = next(iter(self.db.query(f'select * from "{self.name}" where id = ?', [pk])), None)
        if row is None:
            from crawler.store import StoreError
            raise StoreError(f"no row {pk} in {self.name}")
        return row

    def search(self, text: str) -> list[dict]:
        """Rows whose title or body contains ``text`` (the pg_trgm indexes answer the LIKE)."""
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return list(self.db.query(f'select * from "{self.name}" where title like ? or body like ?',
                                  [pattern, pattern]))

    # -- schema (the migrations of crawler/store.py) --------------------------------------------

    def create(self, columns: dict, pk=None, foreign_keys=None) -> "Table":
        keys = (pk,) if isinstance(pk, str) else tuple(pk or ())
        numbered = keys == ("id",) and columns.get("id") is int
        table = sa.Table(self.name, sa.MetaData(), *(
            sa.Column(name, TYPES[kind], primary_key=name in keys, autoincrement=False)
            for name, kind in columns.items()))
        self.db.conn.execute(str(sa.schema.CreateTable(table).compile(dialect=self.db.dialect_impl)))
        if numbered:
            self.db.conn.execute(f'create sequence "{self.name}_id_seq" owned by "{self.name}".id')
            self.db.conn.execute(f'alter table "{self.name}" alter column id set default nextval(\'"{self.name}_id_seq"\')')
            self.db.conn.execute(f'create trigger "{self.name}_number" before insert on "{self.name}" '
                                 f"for each row execute function zwgk_number_key()")
        return self

    def add_column(self, name: str, kind) -> "Table":
        column = sa.Column(name, TYPES[kind])
        self.db.conn.execute(f'alter table "{self.name}" add column {_q(name)} '
                             f"{column.type.compile(dialect=self.db.dialect_impl)}")
        return self

    def create_index(self, columns, unique: bool = False) -> "Table":
        name = f"idx_{self.name}_{'_'.join(columns)}"
        self.db.conn.execute(f'create {"unique " if unique else ""}index "{name}" on "{self.name}" '
                             f"({', '.join(_q(c) for c in columns)})")
        return self

    def enable_fts(self, columns, tokenize=None, create_triggers=None) -> "Table":
        """Substring search of Chinese: a pg_trgm GIN index per column (SQLite: FTS5 trigram)."""
        self.db.conn.execute("create extension if not exists pg_trgm")
        for column in columns:
            self.db.conn.execute(f'create index "trgm_{self.name}_{column}" on "{self.name}" '
                                 f"using gin ({_q(column)} gin_trgm_ops)")
        return self


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class PgStore:
    """A zwgk store on PostgreSQL (see the module's docstring)."""

    dialect = "postgresql"

    def __init__(self, url: str, pooled, engine):
        self.url, self.engine = url, engine
        self.dialect_impl = engine.dialect
        self.conn = Connection(pooled)
        self._numbered: dict[str, bool] = {}

    def execute(self, sql: str, params=None):
        return self.conn.execute(sql, params)

    def query(self, sql: str, params=None):
        cur = self.conn.execute(sql, params)
        names = [d.name for d in cur.description or ()]
        for row in cur:
            yield dict(zip(names, row))

    def __getitem__(self, name: str) -> Table:
        return Table(self, name)

    def numbered(self, table: str) -> bool:
        """Is ``table`` keyed by an ``id`` the store numbers?"""
        if table not in self._numbered:
            self._numbered[table] = self.conn.execute(
                "select 1 from information_schema.columns where table_schema = current_schema() "
                "and table_name = ? and column_name = 'id'", [table]).fetchone() is not None
        return self._numbered[table]

    def table_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "select table_name from information_schema.tables where table_schema = current_schema() "
            "order by table_name")]

    # -- schema version and migrations ----------------------------------------------------------

    def schema_version(self) -> int:
        """0 for a database without zwgk's schema."""
        row = self.conn.execute("select to_regclass(?)", [SCHEMA_TABLE]).fetchone()
        if row[0] is None:
            return 0
        return self.conn.execute(f"select version from {SCHEMA_TABLE}").fetchone()[0]

    def migrate(self, migrations, newer) -> None:
        """Every migration not yet run, in one transaction each, under the migration lock."""
        version = self.schema_version()
        self.conn.commit()
        if version > len(migrations):
            raise newer(version)
        if version == len(migrations):
            return
        with self.conn:
            self.conn.execute(f"select pg_advisory_xact_lock(?, {STORE_KEY})", [MIGRATION_LOCK])
            version = self.schema_version()
            if version == 0:
                self.conn.execute(f"create table {SCHEMA_TABLE} (version integer not null)")
                self.conn.execute(f"insert into {SCHEMA_TABLE} values (0)")
                for statement in (*COMPAT_FUNCTIONS, NUMBER_KEY):
                    self.conn.execute(statement)
            if version > len(migrations):
                raise newer(version)
            for number, step in enumerate(migrations[version:], start=version + 1):
                step(self)
                self.conn.execute(f"update {SCHEMA_TABLE} set version = ?", [number])

    # -- the run lock ---------------------------------------------------------------------------

    def try_run_lock(self) -> bool:
        """Take the store's run lock for this connection's life (or until ``run_unlock``)."""
        got = self.conn.execute(f"select pg_try_advisory_lock(?, {STORE_KEY})", [RUN_LOCK]).fetchone()[0]
        self.conn.commit()
        return bool(got)

    def run_unlock(self) -> None:
        self.conn.execute(f"select pg_advisory_unlock(?, {STORE_KEY})", [RUN_LOCK])
        self.conn.commit()

    def run_lock_holders(self) -> list[tuple[int, str]]:
        """(backend pid, client address) of the sessions holding the run lock."""
        rows = self.conn.execute(
            "select a.pid, coalesce(host(a.client_addr), 'local') from pg_locks l "
            "join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and l.granted "
            "and l.database = (select oid from pg_database where datname = current_database()) "
            f"and l.objsubid = 2 and l.classid = ?::integer::oid and l.objid = ({STORE_KEY})::oid "
            "and a.pid <> pg_backend_pid()", [RUN_LOCK]).fetchall()
        self.conn.commit()
        return rows


def describe(url: str) -> str:
    """The URL as shown in messages: without its password."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]


def open_store(url: str, error) -> PgStore:
    """Connect to the PostgreSQL store at ``url``; ``error(message)`` makes the one-line error raised."""
    shown = describe(url)
    try:
        parsed = sa.engine.make_url(url)
    except Exception as exc:
        raise error(f"{shown}: not a database URL ({exc})") from None
    if parsed.get_backend_name() != "postgresql":
        raise error(f"{shown}: zwgk stores data in SQLite (a file path) or PostgreSQL "
                    f"(postgresql+psycopg://user@host/db), not {parsed.get_backend_name()}")
    if parsed.get_driver_name() != "psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if not parsed.database:
        raise error(f"{shown}: the URL names no database (postgresql+psycopg://user@host/DATABASE)")
    try:
        import psycopg  # noqa: F401  (the optional dependency: pip install 'zwgk[postgres]')
    except ImportError:
        raise error(f"{shown}: PostgreSQL needs psycopg 3 (pip install 'zwgk[postgres]')") from None
    engine = sa.create_engine(parsed, poolclass=sa.pool.NullPool)
    try:
        pooled = engine.raw_connection()
    except Exception as exc:
        cause = getattr(exc, "orig", None) or exc
        reason = "; ".join(line.strip() for line in str(cause).splitlines() if line.strip()) or type(cause).__name__
        reason = " ".join(reason.split("FATAL:")[-1].split()).removeprefix("connection failed: ")
        raise error(f"{shown}: cannot connect to PostgreSQL: {reason}") from None
    raw = pooled.driver_connection
    raw.adapters.register_loader("numeric", _numeric_loader())
    # Parameters bound by psycopg, not by the server: SQLite's SQL has parameters whose type the server
    # cannot infer (``? is null``) and parameters inside DDL (``create temp table … as select … :run``).
    import psycopg
    raw.cursor_factory = psycopg.ClientCursor
    return PgStore(parsed.render_as_string(hide_password=False), pooled, engine)
