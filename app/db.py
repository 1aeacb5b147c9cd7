"""Engine, sessions and the one-unit-of-work-per-request rule.

Services ``flush()`` and never ``commit()``. :class:`UnitOfWorkRoute` opens one session per
request, commits it once after the handler returned and *before* the response leaves, and
rolls back on any error — so a failed commit becomes a 5xx, never a 200 over lost data.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import Executable, Row, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Mapper, Session, configure_mappers, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict
from sqlalchemy.util import await_

from app.config import is_sqlite
from app.kit.clock import Clock, SystemClock
from app.kit.pool import FairAsyncPool
from app.kit.private_files import private_file, tighten

# session.info key of the clock of a unit of work (see bind_clock, session_clock).
SESSION_CLOCK = "accord.clock"
_SYSTEM_CLOCK = SystemClock()
_Row = TypeVar("_Row")


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
    engine = create_async_engine(
        url,
        echo=echo,
        hide_parameters=True,  # SQL parameters never reach logs or exception text
        # Up to twice pool_size connections, as pool_size plus as many overflow had, but
        # all of them kept: overflow connections were closed whenever they came back to a
        # full pool, so under load each burst opened new ones (measured under wrk: 16 to 22
        # a second per process, each a server process forked and several round trips), and
        # signed-in reads ran at about half the rate they do without that churn.
        pool_size=2 * pool_size,
        max_overflow=0,
        # No pool_pre_ping: with asyncpg it costs three round trips (BEGIN, a ping, ROLLBACK)
        # on every checkout, more than a signed-in read itself. A connection the server
        # closed (restart, pg_terminate_backend, idle timeout) is found without a round trip
        # by _drop_closed_connections below; one that dies while in use fails its statement,
        # SQLAlchemy sees a disconnect and recycles every connection of the pool opened
        # before it, and the request answers 503 (app/errors.py). So a database restart
        # costs each worker process at most the requests that were using a connection at
        # that moment — none when the pool was idle — never a hang on a dead connection.
        # pool_recycle renews connections that a firewall may have dropped silently (no
        # close seen: that would otherwise wait for TCP to give up).
        pool_recycle=1800,
        # First come, first served (app/kit/pool.py): SQLAlchemy's own asyncio pool lets a
        # newcomer take a returned connection before the waiter woken for it.
        poolclass=FairAsyncPool,
    )
    _drop_closed_connections(engine)
    return engine


def _drop_closed_connections(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine.pool, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        # The driver saw the server close this connection (its socket is read by the event
        # loop even when idle): a server that closed one has most likely closed them all, so
        # the pool renews every connection older than now (InvalidatePoolError), at no
        # round trip.
        driver = getattr(dbapi_connection, "driver_connection", None)
        if driver is not None and driver.is_closed():
            raise InvalidatePoolError("the database server closed this connection")


@cache
def _sqlite_utc_datetime() -> type[Any]:
    """The type below, made on first use: the SQLite dialect's modules load only where the
    database is SQLite (a worker on PostgreSQL saves them)."""
    from sqlalchemy.dialects.sqlite import DATETIME as SQLITE_DATETIME

    class _SqliteUtcDateTime(SQLITE_DATETIME):
        """SQLite has no time zones: ``DateTime(timezone=True)`` values are stored as UTC
        text and came back naive, so the API sent ``2026-01-01T12:00:00`` (no offset: a
        browser reads it as local time, and it is not an RFC 3339 date-time). Read them back
        aware, as PostgreSQL does."""

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

    return _SqliteUtcDateTime


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
    engine.dialect.colspecs = {**engine.dialect.colspecs, sqltypes.DateTime: _sqlite_utc_datetime()}

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
        # Deleted rows are overwritten, not left in free pages: what is deleted so that a
        # seized server no longer holds it (a public signer's code email, a withdrawn
        # signature's sealed identity) must not stay readable in the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    # One write transaction at a time per process, queued on an asyncio lock taken before
    # BEGIN IMMEDIATE and released after COMMIT/ROLLBACK: concurrent writers otherwise
    # busy-wait on SQLite's file lock (polling with growing sleeps), and 16 concurrent
    # writes ran at a quarter of the rate of the same writes one after another. Other
    # processes still meet SQLite's lock and busy_timeout.
    write_lock = asyncio.Lock()
    holders: set[int] = set()
    dialect = engine.sync_engine.dialect

    def _key(connection: Any) -> int:
        # The pool hands the dialect its proxy of the driver's connection; key by the
        # driver's connection itself, whichever of the two arrives.
        return id(getattr(connection, "dbapi_connection", connection))

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock at BEGIN: a deferred transaction that read first
        # and wrote later could fail with SQLITE_BUSY_SNAPSHOT, and the audit chain's
        # append must never race.
        # Read-only probes opt out with execution_options(sqlite_begin="DEFERRED"), and a
        # single read outside any transaction (read_outside_transaction) with "NONE": the
        # connection runs in the driver's autocommit mode, each statement on its own.
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        if mode == "NONE":
            return
        if mode == "DEFERRED":
            conn.exec_driver_sql("BEGIN DEFERRED")
            return
        await_(write_lock.acquire())
        holders.add(_key(conn.connection))
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(conn.connection)
            raise

    def _release(connection: Any) -> None:
        if _key(connection) in holders:
            holders.discard(_key(connection))
            write_lock.release()

    def _ending(original: Callable[[Any], None]) -> Callable[[Any], None]:
        def end(dbapi_connection: Any) -> None:
            try:
                original(dbapi_connection)
            finally:
                _release(dbapi_connection)

        return end

    dialect.do_commit = _ending(dialect.do_commit)  # type: ignore[method-assign,assignment]
    dialect.do_rollback = _ending(dialect.do_rollback)  # type: ignore[method-assign,assignment]

    # A connection that goes back to the pool, or is thrown away after an error, can hold
    # no transaction: whatever happened, the next writer must not wait for it forever.
    @event.listens_for(engine.sync_engine.pool, "checkin")
    def _on_checkin(dbapi_connection: Any, _record: Any) -> None:
        _release(dbapi_connection)

    @event.listens_for(engine.sync_engine.pool, "invalidate")
    def _on_invalidate(dbapi_connection: Any, _record: Any, _exception: Any) -> None:
        _release(dbapi_connection)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)


# session.info key: set while the session's transaction holds a connection.
_HOLDS_CONNECTION = "accord.holds_connection"


@event.listens_for(Session, "after_begin")
def _connection_taken(session: Session, _transaction: Any, _connection: Any) -> None:
    session.info[_HOLDS_CONNECTION] = True


@event.listens_for(Session, "after_transaction_end")
def _connection_given_back(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_HOLDS_CONNECTION, None)


def holds_connection(session: AsyncSession) -> bool:
    """Whether ``session`` has begun a transaction on a connection (it has run a statement
    or flushed since its last commit or rollback)."""
    return bool(session.info.get(_HOLDS_CONNECTION))


# What makes a connection run each statement on its own, without BEGIN and COMMIT.
_NO_TRANSACTION = {
    "postgresql": {"isolation_level": "AUTOCOMMIT"},
    "sqlite": {"sqlite_begin": "NONE"},
}


async def read_outside_transaction(
    session: AsyncSession, statement: Executable, parameters: Mapping[str, Any]
) -> Sequence[Row[Any]]:
    """The rows of ``statement``, a read that needs no transaction, on a connection of
    ``session``'s database: run without BEGIN and COMMIT (a round trip each on PostgreSQL;
    on SQLite the in-process write lock), the connection back in the pool before the caller
    goes on.

    What it reads is as fresh as a statement in a transaction begun now (on PostgreSQL
    READ COMMITTED gives each statement its own snapshot anyway), but it is not part of
    ``session``'s transaction: a caller that writes what it read does so through the
    session (see adopt_loaded). Tests bind their sessions to one connection in an outer
    transaction: that connection serves here too.

    Checkout, options, statement and checkin run in one call into SQLAlchemy's synchronous
    API (AsyncSession.run_sync): through the asyncio API each is a greenlet of its own, and
    those four cost a signed-in read about a tenth of its CPU.
    """
    bind = session.bind
    if isinstance(bind, AsyncConnection):
        return (await bind.execute(statement, parameters)).all()
    if not isinstance(bind, AsyncEngine):  # pragma: no cover - sessions are made with one
        raise RuntimeError("read_outside_transaction needs a session bound to an engine")
    engine = bind.sync_engine
    options = _NO_TRANSACTION[engine.dialect.name]

    def read(_session: Session) -> Sequence[Row[Any]]:
        with engine.connect() as connection:
            return connection.execution_options(**options).execute(statement, parameters).all()

    return await session.run_sync(read)


def adopt_loaded(session: AsyncSession, cls: type[_Row], values: Mapping[str, Any]) -> _Row:
    """An instance of the mapped ``cls`` whose loaded state is ``values`` (every column
    attribute, read by a Core statement), in ``session`` as if one of its queries had loaded
    it: changes to it are flushed as UPDATEs, and ``session.get`` finds it without a query.
    The instance the session already has for that row, if any, wins."""
    mapper = sa_inspect(cls)
    present = session.sync_session.identity_map.get(
        mapper.identity_key_from_primary_key([values[key] for key in _primary_keys(mapper)])
    )
    if present is not None:
        return present  # type: ignore[no-any-return]
    instance: _Row = mapper.class_manager.new_instance()
    # Straight into its state, as a query's loading does: make_transient_to_detached marks
    # whatever is there committed (set_committed_value on each column cost more, on every
    # signed-in request, than the rest of this function).
    instance_dict(instance).update(values)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


@cache
def _primary_keys(mapper: Mapper[Any]) -> tuple[str, ...]:
    # Once per class: its attributes are instrumented once the mappers are configured
    # (which the first query does, but adopt_loaded may come first).
    configure_mappers()
    return tuple(mapper.get_property_by_column(column).key for column in mapper.primary_key)


def bind_clock(session: AsyncSession, clock: Clock) -> None:
    """Make ``clock`` the time of this unit of work: what code without a ``now`` of its own
    (the audit log's timestamps and checkpoints) reads through :func:`session_clock`."""
    session.info[SESSION_CLOCK] = clock


def session_clock(session: AsyncSession | Any) -> Clock:
    """The clock bound to ``session`` (a request's app clock, a job's clock); the system
    clock for a session opened without one (scripts, tests of a single service)."""
    clock: Clock | None = session.info.get(SESSION_CLOCK)
    return clock if clock is not None else _SYSTEM_CLOCK


@asynccontextmanager
async def unit_of_work(
    sessionmaker: async_sessionmaker[AsyncSession], *, clock: Clock | None = None
) -> AsyncIterator[AsyncSession]:
    """One transaction for a job or a CLI command: commit at the end, roll back on error."""
    async with sessionmaker() as session:
        if clock is not None:
            bind_clock(session, clock)
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


@asynccontextmanager
async def committed_apart(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session apart from the request's, for work that must be committed before the
    caller goes on (an attempt reserved before a slow password check) and that is correct
    statement by statement.

    On PostgreSQL each statement commits as it runs: no BEGIN and no COMMIT, a round trip
    each, on the hottest path there is (sign-in). On SQLite it is one short transaction
    (BEGIN IMMEDIATE under the process's write lock, committed at the end): the driver's
    own autocommit would bypass that queue, and BEGIN costs no round trip there. So on
    SQLite it must run before the caller's own transaction has begun, or it waits for that
    one's lock forever. Tests bind their sessionmaker to one connection: that one serves,
    as a transaction.
    """
    bind = sessionmaker.kw.get("bind")
    if isinstance(bind, AsyncEngine) and bind.dialect.name == "postgresql":
        async with bind.connect() as connection:
            await connection.execution_options(**_NO_TRANSACTION["postgresql"])
            async with sessionmaker(bind=connection) as session:
                yield session
        return
    async with unit_of_work(sessionmaker) as session:
        yield session


class UnitOfWorkRoute(APIRoute):
    """Route class that gives each request one session and commits it before responding.

    A request whose session never took a connection and holds no change (a signed-in read
    answered from the actor, app/auth/dependencies.py) skips the commit: it would send
    nothing, but costs some 20 µs of Python. One that read in a transaction commits it:
    ending it with ROLLBACK instead would cost asyncpg the same round trip.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
            async with sessionmaker() as session:
                bind_clock(session, request.app.state.clock)
                request.state.db = session
                try:
                    response = await handler(request)
                    if holds_connection(session) or _has_changes(session):
                        await session.commit()
                except BaseException:
                    await session.rollback()
                    raise
                finally:
                    request.state.db = None
            return response

        return handle


def _has_changes(session: AsyncSession) -> bool:
    return bool(session.new or session.dirty or session.deleted)


def request_session(request: Request) -> AsyncSession:
    """The unit of work of ``request`` (what DbSession gives a route), for code that has the
    request already and would pay a dependency of its own for it (resolve_actor)."""
    session = getattr(request.state, "db", None)
    if session is None:
        raise RuntimeError("DbSession used outside a UnitOfWorkRoute")
    return session  # type: ignore[no-any-return]


async def _request_session(request: Request) -> AsyncSession:
    # async: FastAPI would run a plain function in its thread pool on every request.
    return request_session(request)


DbSession = Annotated[AsyncSession, Depends(_request_session)]
