"""Signing under concurrent requests: two real server processes on one database (see
tests/appeals/test_concurrency.py). One signature per person and a second officer's single
confirmation hold where the constraints and conditional updates are, and the counters match
the rows afterwards."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select, update

from app.db import create_engine, create_sessionmaker, unit_of_work
from app.kit.crypto import generate_sealing_keypair
from app.kit.crypto.proof_of_work import Challenge, solve
from app.models.memberships import Membership, Organization
from app.models.outbox import OutboxMessage
from app.models.signatories import CustodyKey, Signature
from tests.appeals.test_concurrency import World, _blocks, _no_server_error, _start


async def _open_appeal(http: httpx.AsyncClient, world: World, **window: Any) -> tuple[str, str]:
    """An appeal of A, approved and opened with A's and B's representatives as custodians."""
    appeal = await _start(http, world, _blocks())
    await world.ok(
        http,
        "a_member",
        "POST",
        f"/api/appeals/{appeal}/transitions",
        json={"action": "submit_for_review"},
    )
    sha = (await world.ok(http, "a_rep", "GET", f"/api/appeals/{appeal}")).json()["head_sha256"]
    await world.ok(
        http,
        "a_rep",
        "POST",
        f"/api/appeals/{appeal}/approvals",
        json={"organization_id": str(world.org_a), "sha256": sha},
    )
    custodians = []
    engine = create_engine(world.database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            for organization_id in (world.org_a, world.org_b):
                user_id = (
                    await session.scalars(
                        select(Membership.user_id).where(
                            Membership.organization_id == organization_id,
                            Membership.role == "representative",
                        )
                    )
                ).first()
                session.add(CustodyKey(user_id=user_id, public_key=generate_sealing_keypair()[1]))
                custodians.append(
                    {"user_id": str(user_id), "organization_id": str(organization_id)}
                )
    finally:
        await engine.dispose()
    opened = await world.ok(
        http,
        "coordinator",
        "POST",
        f"/api/appeals/{appeal}/signing",
        json={
            "closes_at": (datetime.now(UTC) + timedelta(days=10)).isoformat(),
            "tiers": ["public", "withheld", "counted"],
            "allow_organizations": True,
            "allow_members": True,
            "custodians": custodians,
            "threshold": 2,
            **window,
        },
    )
    return appeal, opened.json()["revision_sha256"]


async def _rows(world: World, appeal: str) -> Counter[str]:
    engine = create_engine(world.database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            rows = await session.execute(
                select(Signature.status, func.count())
                .where(Signature.appeal_id == uuid.UUID(appeal))
                .group_by(Signature.status)
            )
            return Counter({status: number for status, number in rows})
    finally:
        await engine.dispose()


async def test_forty_identical_signatures_at_once_give_one(two_servers, fresh_database_url) -> None:  # type: ignore[no-untyped-def]
    world = await World(fresh_database_url, two_servers).build()
    async with httpx.AsyncClient(timeout=60) as http:
        appeal, sha = await _open_appeal(http, world)
        body = {
            "kind": "member",
            "tier": "withheld",
            "name": "Raced Signer",
            "revision_sha256": sha,
        }
        responses = await asyncio.gather(
            *(
                world.call(
                    http, "a_member2", "POST", f"/api/appeals/{appeal}/signatures", i=i, json=body
                )
                for i in range(40)
            )
        )
        _no_server_error(responses)
        codes = Counter(r.status_code for r in responses)
        assert codes == {201: 1, 409: 39}, [
            r.text for r in responses if r.status_code not in (201, 409)
        ]
        assert {r.json()["code"] for r in responses if r.status_code == 409} == {"already_signed"}
        counts = (await world.ok(http, "a_rep", "GET", f"/api/appeals/{appeal}/signing")).json()[
            "counts"
        ]
        assert counts["total"] == 1 and counts["by_tier"]["withheld"] == 1
        assert await _rows(world, appeal) == {"counted": 1}


async def test_a_second_officer_confirms_once_and_a_withdrawal_race_counts_right(  # type: ignore[no-untyped-def]
    two_servers, fresh_database_url
) -> None:
    world = await World(fresh_database_url, two_servers).build()
    engine = create_engine(fresh_database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            await session.execute(
                update(Organization)
                .where(Organization.id == world.org_a)
                .values(signing_two_officers=True)
            )
    finally:
        await engine.dispose()
    async with httpx.AsyncClient(timeout=60) as http:
        appeal, sha = await _open_appeal(http, world)
        asked = await world.ok(
            http,
            "a_rep",
            "POST",
            f"/api/appeals/{appeal}/signatures",
            json={
                "kind": "organization",
                "organization_id": str(world.org_a),
                "tier": "public",
                "name": "Lead Association",
                "revision_sha256": sha,
            },
        )
        signature = asked.json()["signature"]["id"]
        base = f"/api/appeals/{appeal}/signatures/{signature}"
        # The second officer confirms from both servers at once while the first withdraws.
        responses = await asyncio.gather(
            *(world.call(http, "a_rep2", "POST", f"{base}/confirm", i=i) for i in range(10)),
            world.call(http, "a_rep", "DELETE", base, i=1),
        )
        _no_server_error(responses)
        confirms, withdrawal = responses[:10], responses[10]
        confirmed = [r for r in confirms if r.status_code == 200]
        assert len(confirmed) <= 1
        rows = await _rows(world, appeal)
        counts = (await world.ok(http, "a_rep", "GET", f"/api/appeals/{appeal}/signing")).json()[
            "counts"
        ]
        # The withdrawal always goes through; the counters follow whatever the row was
        # (pending or, if a confirmation came first, counted) when it was deleted.
        assert withdrawal.status_code == 200, withdrawal.text
        assert rows == {}
        assert counts["total"] == 0 and counts["pending_second_officer"] == 0


PUBLIC_EMAIL = "raced.public@example.org"


async def _emailed_code(world: World, to: str) -> str:
    """The code in the newest message queued to ``to`` (test servers run no outbox worker,
    so it waits in the outbox, encrypted with the keys this process shares)."""
    engine = create_engine(world.database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            messages = (
                await session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.kind == "signing_code")
                    .order_by(OutboxMessage.created_at.desc())
                )
            ).all()
            for message in messages:
                if message.recipient == to:
                    found = re.search(r"\n\n(\d{6})\n\n", message.body)
                    assert found, "the email carries no code"
                    return found.group(1)
    finally:
        await engine.dispose()
    raise AssertionError("no code was queued")


async def _start_public(http: httpx.AsyncClient, world: World, appeal: str, sha: str) -> None:
    made = await http.post(world.url(0, "/api/public/challenges"))
    started = await http.post(
        world.url(1, f"/api/public/appeals/{appeal}/signatures"),
        json={
            "name": "Raced Public",
            "email": PUBLIC_EMAIL,
            "tier": "counted",
            "revision_sha256": sha,
            "consent": True,
            "proof_of_work": solve(Challenge(**made.json())),
        },
    )
    assert started.status_code == 202, started.text


async def test_a_hundred_identical_confirmations_count_one_signature(  # type: ignore[no-untyped-def]
    two_servers, fresh_database_url
) -> None:
    world = await World(fresh_database_url, two_servers).build()
    async with httpx.AsyncClient(timeout=60) as http:
        appeal, sha = await _open_appeal(http, world, allow_public=True)
        await _start_public(http, world, appeal, sha)
        code = await _emailed_code(world, PUBLIC_EMAIL)
        confirm = f"/api/public/appeals/{appeal}/signatures/confirm"
        responses = await asyncio.gather(
            *(
                http.post(world.url(i, confirm), json={"email": PUBLIC_EMAIL, "code": code})
                for i in range(100)
            )
        )
        _no_server_error(responses)
        assert Counter(r.status_code for r in responses) == {201: 1, 422: 99}
        counts = (await world.ok(http, "a_rep", "GET", f"/api/appeals/{appeal}/signing")).json()[
            "counts"
        ]
        assert counts["total"] == 1 and counts["by_tier"]["counted"] == 1
        assert await _rows(world, appeal) == {"counted": 1}


async def test_a_burst_of_wrong_codes_gets_five_tries_at_most(  # type: ignore[no-untyped-def]
    two_servers, fresh_database_url
) -> None:
    world = await World(fresh_database_url, two_servers).build()
    async with httpx.AsyncClient(timeout=60) as http:
        appeal, sha = await _open_appeal(http, world, allow_public=True)
        await _start_public(http, world, appeal, sha)
        code = await _emailed_code(world, PUBLIC_EMAIL)
        confirm = f"/api/public/appeals/{appeal}/signatures/confirm"
        guesses = [f"{n:06d}" for n in range(60) if f"{n:06d}" != code][:40]
        responses = await asyncio.gather(
            *(
                http.post(world.url(i, confirm), json={"email": PUBLIC_EMAIL, "code": guess})
                for i, guess in enumerate(guesses)
            )
        )
        _no_server_error(responses)
        assert {r.json()["code"] for r in responses} == {"code_invalid"}
        engine = create_engine(world.database_url)
        try:
            async with unit_of_work(create_sessionmaker(engine)) as session:
                tries = await session.scalar(
                    select(Signature.code_attempts).where(Signature.appeal_id == uuid.UUID(appeal))
                )
        finally:
            await engine.dispose()
        assert tries == 5
        # The right code came after the tries were used up: refused.
        late = await http.post(world.url(0, confirm), json={"email": PUBLIC_EMAIL, "code": code})
        assert late.status_code == 422
        assert await _rows(world, appeal) == {"unconfirmed": 1}
