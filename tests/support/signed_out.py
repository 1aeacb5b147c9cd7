"""Whether a browser is signed out, as the app asks: GET /api/auth/session answers 200 with
``state: anonymous`` (and, once, why the session ended)."""

from __future__ import annotations

import httpx


async def signed_out(client: httpx.AsyncClient) -> bool:
    response = await client.get("/api/auth/session")
    assert response.status_code == 200, response.text
    return bool(response.json()["state"] == "anonymous")
