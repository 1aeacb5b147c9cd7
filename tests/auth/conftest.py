from __future__ import annotations

import httpx
import pytest

from app.kit.clock import ManualClock
from tests.auth.factories import PASSWORD


@pytest.fixture
def clock(app) -> ManualClock:  # type: ignore[no-untyped-def]
    manual = ManualClock()
    app.state.clock = manual
    return manual


async def sign_in(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD
) -> httpx.Response:
    return await client.post("/api/auth/sign-in", json={"email": email, "password": password})


async def signed_in_client(app, email: str, password: str = PASSWORD) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    """A second browser: its own cookie jar, already signed in, CSRF header set."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    client = httpx.AsyncClient(transport=transport, base_url="https://localhost")
    response = await sign_in(client, email, password)
    assert response.status_code == 200, response.text
    client.headers["x-csrf-token"] = response.json()["csrf_token"]
    return client
