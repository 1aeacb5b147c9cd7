"""One transaction per request: committed before the response, rolled back on any error."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter
from sqlalchemy import func, select

from app.actors import SYSTEM
from app.auth.service import create_account
from app.db import DbSession, UnitOfWorkRoute
from app.errors import Conflict
from app.main import create_app
from app.models import User
from tests.conftest import TEST_AUTH, make_settings
from tests.support.routes import add_routes


def _router() -> APIRouter:
    from app.auth.passwords import password_hasher

    router = APIRouter(prefix="/api/test", route_class=UnitOfWorkRoute)
    hasher = password_hasher(TEST_AUTH)

    @router.post("/users/{email}")
    async def make_user(email: str, session: DbSession) -> dict[str, str]:
        user = await create_account(
            session, actor=SYSTEM, hasher=hasher, email=email, display_name="T", password=None
        )
        return {"id": str(user.id)}

    @router.post("/users-then-fail/{email}")
    async def make_user_then_fail(email: str, session: DbSession) -> None:
        await create_account(
            session, actor=SYSTEM, hasher=hasher, email=email, display_name="T", password=None
        )
        raise Conflict("refused after writing")

    @router.post("/commit-fails")
    async def commit_fails(session: DbSession) -> dict[str, str]:
        # Two rows with the same unique blind index, not flushed until commit: the commit
        # itself fails, after the handler has already produced its "200" body.
        user = await create_account(
            session,
            actor=SYSTEM,
            hasher=hasher,
            email="dup@example.org",
            display_name="A",
            password=None,
        )
        twin = User(password_change_required=False, status="active")
        twin.email_ct = user.email_ct
        twin.display_name_ct = user.display_name_ct
        twin.email_index = user.email_index
        session.add(twin)
        return {"status": "pretend success"}

    return router


@pytest.fixture
async def real_client(fresh_database_url, tmp_path, test_keys):  # type: ignore[no-untyped-def]
    app = create_app(make_settings(fresh_database_url, tmp_path), keys=test_keys)
    add_routes(app, _router())
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield client, app
    await app.state.engine.dispose()


async def _count_users(app) -> int:  # type: ignore[no-untyped-def]
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(User)))


async def test_a_successful_request_is_committed(real_client) -> None:  # type: ignore[no-untyped-def]
    client, app = real_client
    response = await client.post("/api/test/users/a@example.org")
    assert response.status_code == 200
    assert await _count_users(app) == 1


async def test_an_error_after_writing_rolls_everything_back(real_client) -> None:  # type: ignore[no-untyped-def]
    client, app = real_client
    response = await client.post("/api/test/users-then-fail/b@example.org")
    assert response.status_code == 409
    assert await _count_users(app) == 0


async def test_a_failing_commit_gives_a_5xx_never_a_200(real_client) -> None:  # type: ignore[no-untyped-def]
    client, app = real_client
    response = await client.post("/api/test/commit-fails")
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "pretend success" not in response.text
    assert await _count_users(app) == 0


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(real_client, fresh_database_url) -> None:  # type: ignore[no-untyped-def]
    if not fresh_database_url.startswith("sqlite"):
        pytest.skip("SQLite pragmas; this run uses PostgreSQL")
    _, app = real_client
    async with app.state.engine.connect() as conn:
        assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
        assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
        assert (await conn.exec_driver_sql("PRAGMA secure_delete")).scalar() == 1
