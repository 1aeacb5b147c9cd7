"""The closing phrase under concurrent changes: two real server processes on one database
(tests/appeals/test_concurrency.py). Both read version "0" before any phrase existed and
change it at once: the row is created once (INSERT … ON CONFLICT DO NOTHING), locked, and
exactly one change wins; the other gets 412, never a 500 or a lost update."""

from __future__ import annotations

import asyncio

import httpx

from tests.appeals.test_concurrency import World, _blocks, _no_server_error, _start


async def test_two_first_closings_at_once_one_wins_one_gets_412(
    two_servers, fresh_database_url
) -> None:  # type: ignore[no-untyped-def]
    world = await World(fresh_database_url, two_servers).build()
    async with httpx.AsyncClient(timeout=60) as http:
        for round_ in range(4):
            appeal = await _start(http, world, _blocks())
            path = f"/api/appeals/{appeal}/letter-closing"
            read = await world.ok(http, "coordinator", "GET", path)
            responses = await asyncio.gather(
                *(
                    world.call(
                        http,
                        "coordinator",
                        "PUT",
                        path,
                        i=i,
                        json={"text": f"closing {i}, round {round_}"},
                        headers={"if-match": read.headers["etag"]},
                    )
                    for i in range(2)
                )
            )
            _no_server_error(responses)
            assert sorted(r.status_code for r in responses) == [200, 412]
            winner = next(r for r in responses if r.status_code == 200).json()["text"]
            now = await world.ok(http, "coordinator", "GET", path)
            assert now.json()["text"] == winner
