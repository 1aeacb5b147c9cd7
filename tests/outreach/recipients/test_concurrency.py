"""The registry under concurrent requests: two real server processes on one database
(tests/support/servers.py). Names are encrypted, so no unique index can keep a recipient
once: the registry lock (an advisory lock on PostgreSQL) must, across processes."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select

from app.db import create_engine, create_sessionmaker, unit_of_work
from app.models.outreach import Recipient, RecipientGroup
from tests.appeals.test_concurrency import World, _no_server_error
from tests.outreach.recipients.conftest import denmark, fixture_csv


async def _counts(database_url: str) -> tuple[int, int]:
    engine = create_engine(database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            recipients = await session.scalar(select(func.count()).select_from(Recipient))
            groups = await session.scalar(select(func.count()).select_from(RecipientGroup))
            return int(recipients or 0), int(groups or 0)
    finally:
        await engine.dispose()


async def test_two_imports_of_one_file_at_once_store_it_once(
    two_servers, fresh_database_url
) -> None:  # type: ignore[no-untyped-def]
    world = await World(fresh_database_url, two_servers).build()
    async with httpx.AsyncClient(timeout=60) as http:
        responses = await asyncio.gather(
            *(
                world.call(
                    http,
                    "coordinator",
                    "POST",
                    "/api/recipients/import",
                    i=i,
                    json={"csv": fixture_csv()},
                )
                for i in range(2)
            )
        )
    _no_server_error(responses)
    assert sorted(r.status_code for r in responses) == [200, 422], [r.text for r in responses]
    loser = next(r for r in responses if r.status_code == 422)
    assert {p["code"] for p in loser.json()["report"]["problems"]} == {"duplicate_in_registry"}
    assert await _counts(fresh_database_url) == (7, 2)


async def test_the_same_recipient_added_twice_at_once_is_kept_once(
    two_servers, fresh_database_url
) -> None:  # type: ignore[no-untyped-def]
    world = await World(fresh_database_url, two_servers).build()
    async with httpx.AsyncClient(timeout=60) as http:
        for round_ in range(3):
            body = denmark(name=f"Denmark — round {round_}")
            responses = await asyncio.gather(
                *(
                    world.call(http, "coordinator", "POST", "/api/recipients", i=i, json=body)
                    for i in range(4)
                )
            )
            _no_server_error(responses)
            assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert (await _counts(fresh_database_url))[0] == 3
