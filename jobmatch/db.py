"""The database: declarative base, engine and sessions.

Services take a ``Session`` and never commit on their own; the caller (a view, a CLI
command, a queue job) owns the transaction. On SQLite every transaction starts with
BEGIN IMMEDIATE, so writers queue up instead of failing half-way (the default
zero-setup database is a single file shared by the dev server and the CLI).
"""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

import psycopg
from flask import current_app, g
from psycopg.adapt import Dumper
from sqlalchemy import JSON, Connection, MetaData, any_, bindparam, create_engine, event, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import NullType

from jobmatch.config import settings_of

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine with the settings each backend needs.

    SQL parameters are never put in error messages (hide_parameters): they hold SMS texts,
    phones and ID numbers, and an error's message ends up in the logs.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _make_sqlite_safe(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _make_sqlite_safe(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, emit BEGIN (see the SQLAlchemy SQLite docs).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


MAX_ID = 2**31 - 1  # larger ids overflow an INTEGER column on PostgreSQL

# Ids per IN (...) list: far below SQLite's and PostgreSQL's limits on bound parameters.
IN_LIST_SIZE = 5000


def in_chunks(values, size: int = IN_LIST_SIZE):
    """``values`` as lists of at most ``size``, for queries with an IN (...) list each."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def equals_any(column, ids):
    """PostgreSQL's ``column = ANY(:ids)``: one array parameter, however many ids."""
    # no SQLAlchemy type: an ARRAY type would hand the driver a plain list again
    return column == any_(bindparam(None, IntArray(ids), type_=NullType()))


class IntArray(list):
    """An ``integer[]`` parameter, sent as the array's text made by one join: the driver dumps a
    list element by element in Python (20,000 ids: 13 ms against 4, issue 19). Typed, so that
    PostgreSQL plans with the array's values (a text cast to an array hides them: it searched a
    25,000-id array for every row of a table)."""


class TextArray(list):
    """A ``text[]`` parameter, likewise: the values joined as they are when every one is letters and
    digits (ID numbers: 20,000 of them 3 ms against the driver's 20), else each quoted."""


class _IntArrayDumper(Dumper):
    oid = psycopg.postgres.types["int4"].array_oid

    def dump(self, obj) -> bytes:
        return ("{" + ",".join(map(str, map(int, obj))) + "}").encode()


class _TextArrayDumper(Dumper):
    oid = psycopg.postgres.types["text"].array_oid

    def dump(self, obj) -> bytes:
        joined = ",".join(obj)
        if obj and _PLAIN_VALUES.fullmatch(joined) and "NULL" not in joined.upper():
            return ("{" + joined + "}").encode()
        quoted = ('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in obj)
        return ("{" + ",".join(quoted) + "}").encode()


_PLAIN_VALUES = re.compile(r"[0-9A-Za-z]+(?:,[0-9A-Za-z]+)*")
psycopg.adapters.register_dumper(IntArray, _IntArrayDumper)
psycopg.adapters.register_dumper(TextArray, _TextArrayDumper)


def id_conditions(session: Session, column, ids) -> Iterator:
    """``column IN ids`` as few conditions as the database takes: on PostgreSQL one array parameter
    (``= ANY``), so tens of thousands of ids are neither compiled nor bound one by one; elsewhere
    one IN list per IN_LIST_SIZE ids."""
    ids = sorted(set(ids))
    if not ids:
        return
    if is_postgresql(session):
        yield equals_any(column, ids)
        return
    for chunk in in_chunks(ids):
        yield column.in_(chunk)


def is_postgresql(session_or_engine) -> bool:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == "postgresql"


def init_app(app) -> None:
    """Create the engine and the session factory; close the request session afterwards."""
    engine = make_engine(settings_of(app).database_url)
    app.extensions["jobmatch.engine"] = engine
    app.extensions["jobmatch.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    replica_url = settings_of(app).database_replica_url
    if replica_url:
        replica = make_engine(replica_url)
        app.extensions["jobmatch.replica_engine"] = replica
        app.extensions["jobmatch.replica_sessionmaker"] = sessionmaker(replica, expire_on_commit=False)
    app.teardown_appcontext(_close_request_session)


def get_session() -> Session:
    """The session of the current request or CLI command (one per app context)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["jobmatch.sessionmaker"]()
    return g.db_session


def get_report_session() -> Session:
    """The session reports and exports read from: the replica's (DATABASE_REPLICA_URL), else the
    request's own. Read only: whatever a report records (an export in the ledger) goes through
    ``get_session()``."""
    replica = current_app.extensions.get("jobmatch.replica_sessionmaker")
    if replica is None:
        return get_session()
    if "report_session" not in g:
        g.report_session = replica()
    return g.report_session


def _close_request_session(exc):
    for name in ("db_session", "report_session"):
        session = g.pop(name, None)
        if session is not None:
            if exc is None:
                commit_if_read_only(session)
            session.close()


def commit_if_read_only(session: Session) -> None:
    """End a PostgreSQL transaction that wrote nothing with COMMIT, not ROLLBACK (the same for such
    a transaction); leave any other to the rollback of ``Session.close``.

    psycopg forgets its prepared statements on every ROLLBACK, so while every request ended with
    one, every statement was parsed and planned anew: 2-4 ms of PostgreSQL's CPU per dashboard.
    "Wrote nothing": no object waiting to be flushed, the transaction not failed, and PostgreSQL
    gave it no transaction id (it gives one on the first write of any kind, COPY and temporary
    tables included)."""
    if session.new or session.dirty or session.deleted or not session.in_transaction() or not is_postgresql(session):
        return
    connection = driver_connection(session)
    if connection.info.transaction_status != psycopg.pq.TransactionStatus.INTRANS:
        return
    if connection.execute("SELECT pg_current_xact_id_if_assigned() IS NULL").fetchone() == (True,):
        session.commit()


@contextmanager
def session_scope(app):
    """A session in its own transaction, committed on success: for jobs and scripts."""
    session = app.extensions["jobmatch.sessionmaker"]()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def driver_connection(session_or_connection: Session | Connection) -> psycopg.Connection:
    """The psycopg connection under a session (in its transaction) or a SQLAlchemy connection, for
    COPY, pipelines and the hot paths that send fixed statements to the driver. PostgreSQL only."""
    connection = (session_or_connection.connection() if isinstance(session_or_connection, Session)
                  else session_or_connection)
    return cast(psycopg.Connection, connection.connection.driver_connection)


def copy_rows(session: Session, table: str, columns, rows) -> int:
    """Stream ``rows`` (sequences in ``columns`` order) into ``table`` with PostgreSQL's COPY, in this
    transaction. JSON columns take their JSON text. Returns the number of rows written."""
    cursor = driver_connection(session).cursor()
    count = 0
    with cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def copy_insert(session: Session, table, rows: list[dict]) -> int:
    """Insert ``rows`` (dicts by column name, all with the same keys) into ``table`` with COPY, as an
    INSERT through SQLAlchemy would: a column the rows leave out takes its Python-side default (or
    the server's), JSON columns are sent as JSON text. PostgreSQL only; the caller checked."""
    if not rows:
        return 0
    given = rows[0].keys()
    columns = [c for c in table.columns if c.name in given or (c.default is not None and not c.primary_key)]
    defaults = {}
    for column in columns:
        if column.name not in given:
            arg = getattr(column.default, "arg", None)
            defaults[column.name] = (lambda arg=arg: arg(None)) if callable(arg) else (lambda arg=arg: arg)
    json_columns = {c.name for c in columns if isinstance(c.type, JSON)}

    def values(row: dict) -> list:
        out = []
        for column in columns:
            name = column.name
            value = row[name] if name in given else defaults[name]()
            if name in json_columns and value is not None:
                value = json.dumps(value, ensure_ascii=False)
            elif isinstance(value, str):
                value = str(value)  # a StrEnum as its value
            out.append(value)
        return out

    return copy_rows(session, table.name, [c.name for c in columns], (values(row) for row in rows))


def update_by_id(session: Session, table, rows: list[dict]) -> None:
    """UPDATE many rows of ``table`` by id, each row a dict of its id and new values (all rows with
    the same keys). On PostgreSQL one statement over arrays per UPDATE_PART rows (an executemany
    runs one statement per row); elsewhere an executemany. Objects loaded in the session are not
    refreshed: the caller expires them."""
    if not rows:
        return
    names = [name for name in rows[0] if name != "id"]
    if not is_postgresql(session):
        by_row = (update(table).where(table.c.id == bindparam("row_id"))
                  .values({name: bindparam(name) for name in names}))
        session.execute(by_row, [{"row_id": row["id"], **{name: row[name] for name in names}} for row in rows])
        return
    dialect = session.get_bind().dialect
    array_types = {name: table.c[name].type.compile(dialect=dialect) + "[]" for name in ["id", *names]}
    over_arrays = text(
        f"UPDATE {table.name} t SET {', '.join(f'{name} = v.{name}' for name in names)} "
        f"FROM unnest({', '.join(f'CAST(:{name} AS {array_types[name]})' for name in ['id', *names])}) "
        # t.id = ANY(...) as well: the rows are then found by index, where PostgreSQL would otherwise
        # merge-join the arrays with the whole primary key index (the last rows: a scan of all of it)
        f"AS v(id, {', '.join(names)}) WHERE t.id = v.id AND t.id = ANY(CAST(:id AS {array_types['id']}))")
    for start in range(0, len(rows), UPDATE_PART):
        part = rows[start:start + UPDATE_PART]
        session.execute(over_arrays, {name: [_plain(row[name]) for row in part] for name in ["id", *names]})


UPDATE_PART = 10_000


def _plain(value):
    """A str enum as its text (psycopg would send an Enum's name)."""
    return str(value) if isinstance(value, str) else value
