"""The pool checks no connection with a round trip before using it (app/db.py
create_engine), yet connections the server closed (a restart, pg_terminate_backend) cost no
hang: requests after it succeed, and a request whose connection dies under it answers a
clean 503, after which the next one succeeds."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
import httpx
import pytest
from fastapi import APIRouter
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.db import DbSession, UnitOfWorkRoute, unit_of_work
from app.main import create_app
from tests.auth.factories import make_user
from tests.conftest import make_settings
from tests.support.databases import using_postgres
from tests.support.real_engine import browser, session_for
from tests.support.routes import add_routes

pytestmark = pytest.mark.skipif(not using_postgres(), reason="PostgreSQL connections")

# Every request here must end well within this: a dead connection must never hang one.
PATIENCE = 20.0


def _router() -> APIRouter:
    router = APIRouter(prefix="/api/test", route_class=UnitOfWorkRoute)

    @router.get("/hold/{seconds}")
    async def hold(seconds: float, session: DbSession) -> dict[str, int]:
        await session.execute(text("SELECT pg_sleep(:s)"), {"s": seconds})
        return {"ok": 1}

    return router


@pytest.fixture
async def served(fresh_database_url, tmp_path, test_keys):  # type: ignore[no-untyped-def]
    app = create_app(make_settings(fresh_database_url, tmp_path), keys=test_keys)
    add_routes(app, _router())
    async with unit_of_work(app.state.sessionmaker) as session:
        user = await make_user(session)
        issued = await session_for(session, user.id, datetime.now(UTC))
    async with browser(app, issued, raise_app_exceptions=False) as client:
        yield client, fresh_database_url
    await app.state.engine.dispose()


async def _on_server(database_url: str, query: str, *args: object) -> int:
    """``query``'s one value, run on the server's maintenance database (whose connection is
    none of the app's)."""
    url = make_url(database_url)
    conn = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, database="postgres"
    )
    try:
        return int(await conn.fetchval(query, url.database, *args))
    finally:
        await conn.close()


async def _terminate_backends(database_url: str, *, running: str | None = None) -> int:
    """End the server side of the app's connections to its database (all, or only those
    running a statement that contains ``running``); how many were ended."""
    return await _on_server(
        database_url,
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = $1 AND pid <> pg_backend_pid()"
        " AND ($2::text IS NULL OR query LIKE '%' || $2 || '%')) AS ended",
        running,
    )


async def _until_no_backends(database_url: str) -> None:
    """Wait until every terminated server process has exited (they do so asynchronously):
    their connections' sockets are closed then."""
    for _ in range(200):
        if not await _on_server(
            database_url, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1"
        ):
            return
        await asyncio.sleep(0.05)
    pytest.fail("terminated server processes did not exit")


async def _get(client: httpx.AsyncClient, path: str) -> int:
    response = await asyncio.wait_for(client.get(path), PATIENCE)
    return response.status_code


async def test_requests_after_the_server_closed_every_connection_succeed(served) -> None:  # type: ignore[no-untyped-def]
    client, database_url = served
    # Several connections in the pool, all idle afterwards.
    filled = await asyncio.gather(*(_get(client, "/api/test/hold/0.2") for _ in range(4)))
    assert filled == [200] * 4
    assert await _get(client, "/api/auth/session") == 200

    assert await _terminate_backends(database_url) >= 4
    await _until_no_backends(database_url)
    await asyncio.sleep(0.1)  # the event loop reads the closed sockets

    statuses = [await _get(client, "/api/auth/session") for _ in range(3)]
    statuses += await asyncio.gather(*(_get(client, "/api/test/hold/0") for _ in range(4)))
    assert statuses == [200] * 7


async def test_a_connection_lost_mid_request_answers_503_then_the_next_succeeds(served) -> None:  # type: ignore[no-untyped-def]
    client, database_url = served
    held = asyncio.create_task(_get(client, "/api/test/hold/30"))
    for _ in range(100):
        await asyncio.sleep(0.05)
        if await _terminate_backends(database_url, running="pg_sleep"):
            break
    else:
        pytest.fail("the held request never reached the database")
    assert await held == 503  # not a hang, not a 500
    assert await _get(client, "/api/auth/session") == 200
    assert await _get(client, "/api/test/hold/0") == 200
