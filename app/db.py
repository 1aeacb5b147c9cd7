"""Engine, sessions and the one-unit-of-work-per-request rule.

Services ``flush()`` and never ``commit()``. :class:`UnitOfWorkRoute` opens one session per
request, commits it once after the handler returned and *before* the response leaves, and
rolls back on any error — so a failed commit becomes a 5xx, never a 200 over lost data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import event
from sqlalchemy import types as sqltypes
from sqlalchemy.dialects.sqlite import DATETIME as SQLITE_DATETIME
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.config import is_sqlite
from app.kit.private_files import private_file, tighten


def create_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> AsyncEngine:
    if is_sqlite(url):
        engine = create_async_engine(
            url,
            echo=echo,
            hide_parameters=True,
            connect_args={"timeout": 30},
        )
        _configure_sqlite(engine)
        keep_sqlite_private(engine, url)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        hide_parameters=True,  # SQL parameters never reach logs or exception text
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
    )


class _SqliteUtcDateTime(SQLITE_DATETIME):
    """SQLite has no time zones: ``DateTime(timezone=True)`` values are stored as UTC text and
    came back naive, so the API sent ``2026-01-01T12:00:00`` (no offset: a browser reads it as
    local time, and it is not an RFC 3339 date-time). Read them back aware, as PostgreSQL does.
    """

    def result_processor(self, dialect: Any, coltype: object) -> Any:
        parse = super().result_processor(dialect, coltype)
        if not self.timezone or parse is None:
            return parse

        def process(value: Any) -> datetime | None:
            parsed: datetime | None = parse(value)
            if parsed is not None and parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            return parsed

        return process


def keep_sqlite_private(engine: AsyncEngine, url: str) -> None:
    """Before each connection opens a SQLite file: create it 0600 if it does not exist yet
    (sqlite3 would create it world-readable under the usual umask), tighten it if it is
    looser, and its -wal and -shm files too (SQLite creates those with the database file's
    mode, so they follow it from then on)."""
    path = sqlite_file(url)
    if path is None:
        return

    @event.listens_for(engine.sync_engine, "do_connect")
    def _private(*_: Any) -> None:
        if not path.parent.is_dir():
            return  # connecting fails and says why; creating directories is not ours to do
        private_file(path)
        for suffix in ("-wal", "-shm", "-journal"):
            tighten(path.with_name(path.name + suffix))


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _configure_sqlite(engine: AsyncEngine) -> None:
    # Per engine: this dialect instance adapts every DateTime to the aware reader above.
    engine.dialect.colspecs = {**engine.dialect.colspecs, sqltypes.DateTime: _SqliteUtcDateTime}

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver so that BEGIN IMMEDIATE below is
        # the only BEGIN issued.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock at BEGIN: a deferred transaction that read first
        # and wrote later could fail with SQLITE_BUSY_SNAPSHOT, and the audit chain's
        # append must never race.
        # Read-only probes opt out with execution_options(sqlite_begin="DEFERRED").
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql("BEGIN DEFERRED" if mode == "DEFERRED" else "BEGIN IMMEDIATE")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)


@asynccontextmanager
async def unit_of_work(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One transaction for a job or a CLI command: commit at the end, roll back on error."""
    async with sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


class UnitOfWorkRoute(APIRoute):
    """Route class that gives each request one session and commits it before responding."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
            async with sessionmaker() as session:
                request.state.db = session
                try:
                    response = await handler(request)
                    await session.commit()
                except BaseException:
                    await session.rollback()
                    raise
                finally:
                    request.state.db = None
            return response

        return handle


def _request_session(request: Request) -> AsyncSession:
    session = getattr(request.state, "db", None)
    if session is None:
        raise RuntimeError("DbSession used outside a UnitOfWorkRoute")
    return session  # type: ignore[no-any-return]


DbSession = Annotated[AsyncSession, Depends(_request_session)]
