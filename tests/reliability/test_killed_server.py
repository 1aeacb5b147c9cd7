"""A server killed (SIGKILL) in the middle of concurrent writes loses nothing it had
acknowledged: every organization answered 201 is there afterwards, readable."""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from datetime import UTC, datetime

import httpx
import pyotp

from app.auth.sessions.service import csrf_token, open_session
from app.config import SessionSettings
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.models.identity import TotpFactor
from app.models.memberships import Organization
from app.models.users import PlatformRole
from tests.auth.factories import make_user
from tests.e2e.conftest import free_port
from tests.support.servers import start_server, wait_ready


async def _admin_headers(database_url: str) -> dict[str, str]:
    engine = create_engine(database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            admin = await make_user(session, roles=frozenset({PlatformRole.ADMIN}))
            factor = TotpFactor(user_id=admin.id, confirmed_at=datetime.now(UTC))
            factor.secret = pyotp.random_base32()
            session.add(factor)
            issued = await open_session(
                session,
                user_id=admin.id,
                method="password",
                now=datetime.now(UTC),
                settings=SessionSettings(),
                user_agent="test",
                second_factor=True,
            )
    finally:
        await engine.dispose()
    return {
        "cookie": f"__Host-accord_session={issued.token}",
        "x-csrf-token": csrf_token(issued.token),
    }


async def test_acknowledged_writes_survive_a_sigkill(
    fresh_database_url, test_keys, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    headers = await _admin_headers(fresh_database_url)
    port = free_port()
    server = start_server(port, fresh_database_url, test_keys, tmp_path)
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, server)
    acknowledged: dict[str, str] = {}
    enough = asyncio.Event()
    stop = time.monotonic() + 30

    async def writer(http: httpx.AsyncClient, lane: int) -> None:
        n = 0
        while time.monotonic() < stop:
            name = f"Survivor {lane}-{n}"
            n += 1
            try:
                response = await http.post(
                    f"{url}/api/organizations",
                    json={"name": name, "short_name": f"S{lane}", "country": "LT"},
                    headers=headers,
                )
            except httpx.TransportError:
                return  # the server is gone
            if response.status_code == 201:
                acknowledged[response.json()["id"]] = name
                if len(acknowledged) >= 40:
                    enough.set()

    async def killer() -> None:
        # Killed with requests in flight, once enough have been acknowledged.
        await asyncio.wait_for(enough.wait(), timeout=30)
        server.send_signal(signal.SIGKILL)

    try:
        async with httpx.AsyncClient(timeout=30) as http:
            await asyncio.gather(killer(), *(writer(http, lane) for lane in range(16)))
    finally:
        server.kill()
        server.wait(timeout=10)
    assert len(acknowledged) >= 40

    engine = create_engine(fresh_database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            for organization_id, name in acknowledged.items():
                saved = await session.get(Organization, uuid.UUID(organization_id))
                assert saved is not None, f"acknowledged {organization_id} is gone"
                assert saved.name == name
    finally:
        await engine.dispose()
