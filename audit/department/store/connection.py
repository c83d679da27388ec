"""Opening the results database from a `--db` value, and turning driver errors into StoreErrors.

`--db` is a file path (SQLite, created on first use) or a URL: `sqlite:///path.db`,
`postgresql://user@host:5432/name` (driven by psycopg 3). SQLite is set up so that every transaction
is a real one (explicit BEGIN, also around DDL), writers take the lock up front (BEGIN IMMEDIATE),
readers are not blocked by a writer (WAL), and a locked file is waited for `busy_timeout_seconds`
before a clear error. Passwords never appear in messages.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from audit.errors import StoreError
from audit.i18n import Phrase, phrase

DEFAULT_DB = "l3audit.db"


def database_url(value: str) -> sa.URL:
    """The SQLAlchemy URL for a `--db` value (a path means SQLite)."""
    if "://" not in value:
        return sa.make_url(f"sqlite:///{Path(value).expanduser()}")
    try:
        url = sa.make_url(value)
    except sa.exc.ArgumentError as exc:
        raise StoreError(phrase("error.db.url", value=repr(value))) from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(phrase("error.db.backend", backend=repr(url.get_backend_name())))
    return url


def create_engine(value: str, busy_timeout_seconds: float = 5.0) -> sa.Engine:
    """An engine for `value`; for SQLite the parent folder is created and transactions are made strict."""
    url = database_url(value)
    if url.get_backend_name() == "postgresql":
        return sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": busy_timeout_seconds})
    timeout_ms = int(busy_timeout_seconds * 1000)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions start (SQLAlchemy docs,
        # "Serializable isolation / Savepoints / Transactional DDL" for pysqlite).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        cursor.execute("PRAGMA foreign_keys = ON")
        with contextlib.suppress(Exception):  # a read-only or locked file keeps its journal mode
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get("l3audit_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def describe(engine: sa.Engine) -> str:
    """The database named for messages, without its password."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database}"
    return f"PostgreSQL {url.render_as_string(hide_password=True).replace('+psycopg', '')}"


def described(engine: sa.Engine) -> Phrase:
    """`describe(engine)` as a phrase, for messages said in the user's language."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return phrase("error.db.sqlite", file=url.database)
    return phrase("error.db.postgresql", url=url.render_as_string(hide_password=True).replace("+psycopg", ""))


def store_error(engine: sa.Engine, exc: BaseException, doing: str) -> StoreError:
    """A StoreError that says which database, what failed, and what to do."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc) else type(exc).__name__
    where = described(engine)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return StoreError(phrase("error.db.locked", where=where, doing=doing, text=text))
    if "connection refused" in low or "could not connect" in low or "connection failed" in low \
            or "timeout expired" in low or "no such host" in low or "name or service" in low:
        return StoreError(phrase("error.db.connect", where=where, doing=doing, text=text))
    if "unable to open database" in low or "readonly" in low or "read-only" in low:
        return StoreError(phrase("error.db.open", where=where, doing=doing, text=text))
    if "not a database" in low or "malformed" in low:
        return StoreError(phrase("error.db.not_ours", where=where, doing=doing, text=text))
    return StoreError(phrase("error.db.other", where=where, doing=doing, text=text))


@contextlib.contextmanager
def guarded(engine: sa.Engine, doing: str) -> Iterator[None]:
    """Turn database driver errors raised inside the block into StoreErrors."""
    try:
        yield
    except StoreError:
        raise
    except (sa.exc.OperationalError, sa.exc.DatabaseError, sa.exc.InterfaceError) as exc:
        raise store_error(engine, exc, doing) from exc
