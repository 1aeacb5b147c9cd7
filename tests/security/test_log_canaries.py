"""Logs carry no secrets and no personal data, whatever a request puts in front of us."""

from __future__ import annotations

import io
import logging
import uuid

import pytest
from fastapi import APIRouter

from app.actors import SYSTEM
from app.auth.passwords import password_hasher
from app.auth.service import create_account
from app.db import DbSession, UnitOfWorkRoute
from app.logs import JsonFormatter
from tests.conftest import TEST_AUTH
from tests.support.routes import Probe, add_routes

TAG = uuid.uuid4().hex[:10]
CANARY_EMAIL = f"canary-{TAG}@example.org"
CANARY_SECRET = f"canary-secret-{TAG}"
CANARY_IP = "203.0.113.77"


@pytest.fixture
def log_output():  # type: ignore[no-untyped-def]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # httpx is the test's own client, not the server: its request lines are not ours.
    client_log = logging.getLogger("httpx")
    client_level = client_log.level
    client_log.setLevel(logging.WARNING)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)
    client_log.setLevel(client_level)


@pytest.fixture
def canary_app(app):  # type: ignore[no-untyped-def]
    router = APIRouter(prefix="/api/test", route_class=UnitOfWorkRoute)
    hasher = password_hasher(TEST_AUTH)

    @router.post("/accounts")
    async def make(body: Probe, session: DbSession) -> dict[str, str]:
        user = await create_account(
            session,
            actor=SYSTEM,
            hasher=hasher,
            email=CANARY_EMAIL,
            display_name=body.name,
            password=CANARY_SECRET,
        )
        return {"id": str(user.id)}

    @router.post("/explode")
    async def explode(body: Probe) -> None:
        raise ValueError(f"bad value {body.name} {CANARY_SECRET}")

    @router.post("/duplicate")
    async def duplicate(session: DbSession) -> None:
        for _ in range(2):  # the second insert violates the unique email index
            await create_account(
                session,
                actor=SYSTEM,
                hasher=hasher,
                email=CANARY_EMAIL.upper(),
                display_name="x",
                password=None,
            )

    add_routes(app, router)
    return app


async def test_no_canary_reaches_the_logs(canary_app, client, log_output) -> None:  # type: ignore[no-untyped-def]
    headers = {
        "authorization": f"Bearer {CANARY_SECRET}",
        "cookie": f"__Host-accord_session={CANARY_SECRET}",
        "x-forwarded-for": CANARY_IP,
        "x-csrf-token": CANARY_SECRET,
    }
    name = f"N{TAG}"
    responses = [
        await client.post(
            f"/api/test/accounts?token={CANARY_SECRET}",
            json={"name": name, "count": 1},
            headers=headers,
        ),
        await client.post("/api/test/explode", json={"name": name, "count": 1}, headers=headers),
        await client.post("/api/test/duplicate", headers=headers),
        await client.post(
            "/api/test/accounts", json={"name": CANARY_SECRET, "count": "x"}, headers=headers
        ),
        await client.get(f"/{CANARY_EMAIL}/{CANARY_SECRET}", headers=headers),
    ]
    assert [r.status_code for r in responses][:4] == [200, 500, 409, 422]
    text = log_output.getvalue()
    assert text.count('"logger": "accord.access"') >= 5  # the requests were logged
    assert "ValueError" in text  # and the failure is diagnosable from the log
    for canary in (CANARY_EMAIL, CANARY_EMAIL.upper(), CANARY_SECRET, CANARY_IP, name, TAG):
        assert canary not in text


async def test_no_planted_canary_reaches_the_logs_even_with_sql_echo(
    fresh_database_url, log_output
) -> None:  # type: ignore[no-untyped-def]
    """Every protected column of the registry written with statement logging on: the
    statements are logged, their values never are."""
    from app.db import create_engine, create_sessionmaker, unit_of_work
    from tests.support.canaries import plant_everywhere

    engine = create_engine(fresh_database_url, echo=True)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            planted = await plant_everywhere(session)
    finally:
        await engine.dispose()
    text = log_output.getvalue()
    assert "INSERT INTO organizations" in text  # the statements were logged
    assert planted.missing == set()
    assert planted.found_in(text.encode()) == []
