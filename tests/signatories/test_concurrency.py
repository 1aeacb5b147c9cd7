"""Signing under concurrent requests: two real server processes on one database (see
tests/appeals/test_concurrency.py). One signature per person and a second officer's single
confirmation hold where the constraints and conditional updates are, and the counters match
the rows afterwards."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select, update

from app.db import create_engine, create_sessionmaker, unit_of_work
from app.kit.crypto import generate_sealing_keypair
from app.models.memberships import Membership, Organization
from app.models.signatories import CustodyKey, Signature
from tests.appeals.test_concurrency import World, _blocks, _no_server_error, _start


async def _open_appeal(http: httpx.AsyncClient, world: World) -> tuple[str, str]:
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
