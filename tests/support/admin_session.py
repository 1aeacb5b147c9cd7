"""People, browsers and an admin for the organization, membership, invitation, user and
admin-request tests: each of their directories' conftest.py re-exports these fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from app.kit.clock import ManualClock
from app.models.users import PlatformRole, User
from tests.support.people import browser_for, make_person

ADMIN = frozenset({PlatformRole.ADMIN})
COORDINATOR = frozenset({PlatformRole.COORDINATOR})

Browse = Callable[[User], Awaitable[httpx.AsyncClient]]


@pytest.fixture
def clock(app) -> ManualClock:  # type: ignore[no-untyped-def]
    manual = ManualClock()
    app.state.clock = manual
    return manual


@pytest.fixture
async def browse(app, session, clock) -> AsyncIterator[Browse]:  # type: ignore[no-untyped-def]
    """``await browse(user)``: a new browser signed in as ``user``; closed after the test."""
    opened: list[httpx.AsyncClient] = []

    async def open_browser(user: User) -> httpx.AsyncClient:
        client = await browser_for(app, session, clock, user)
        opened.append(client)
        return client

    yield open_browser
    for client in opened:
        await client.aclose()


@pytest.fixture
async def admin(session) -> User:  # type: ignore[no-untyped-def]
    return await make_person(session, roles=ADMIN, display_name="Admin One")


@pytest.fixture
async def signed_in_admin(admin, browse) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    """An admin's browser with a fresh second factor (step-up satisfied)."""
    return await browse(admin)
