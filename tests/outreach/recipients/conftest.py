"""The appeals tests' people (tests/appeals/conftest.py) and helpers for the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.appeals.conftest import Cast, browse, cast, clock

__all__ = ["Cast", "browse", "cast", "clock"]

FIXTURE = Path(__file__).with_name("eu_governments.csv")


def fixture_csv() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def denmark(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "government",
        "country": "DK",
        "language": "da",
        "name": "Denmark — Prime Minister",
        "addressee": "The Honorable Mette Frederiksen\nPrime Minister of Denmark",
        "salutation": "Dear Prime Minister,",
        "email": "pm-office@example.dk",
        "postal_address": "Prime Minister's Office\nSlotsholmsgade 10\n1216 Copenhagen K",
        "tags": ["EU", "Nordic"],
        **changes,
    }


async def create(client: httpx.AsyncClient, **changes: Any) -> httpx.Response:
    return await client.post("/api/recipients", json=denmark(**changes))


async def listed(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/api/recipients", params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])
