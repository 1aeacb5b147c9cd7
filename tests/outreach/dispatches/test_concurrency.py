"""Dispatch retries and the daily digest under concurrency: two real server processes (and
two workers) on one database. One row per Idempotency-Key; one digest per person per day."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select, update

from app.config import Settings
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.jobs.runner import JobContext
from app.kit.clock import ManualClock
from app.models.outbox import OutboxMessage
from app.models.outreach import Dispatch, Recipient
from app.models.users import PlatformRoleGrant, User
from app.outreach.dispatches.followups import follow_up_digests
from tests.appeals.test_concurrency import World, _no_server_error
from tests.signatories.test_concurrency import _open_appeal

RECIPIENT = "Latvia — Foreign Minister"
CONTACT = "minister.contact@example.lv"


async def _recipient(database_url: str) -> uuid.UUID:
    engine = create_engine(database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            recipient = Recipient(kind="ministry", country="LV", language="en")
            recipient.name = RECIPIENT
            recipient.addressee = "The Minister of Foreign Affairs\nRiga"
            recipient.email = CONTACT
            session.add(recipient)
            await session.flush()
            return recipient.id
    finally:
        await engine.dispose()


async def _count(database_url: str, statement) -> int:  # type: ignore[no-untyped-def]
    engine = create_engine(database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            return int(await session.scalar(statement) or 0)
    finally:
        await engine.dispose()


async def test_forty_retries_of_one_dispatch_make_one(two_servers, fresh_database_url) -> None:  # type: ignore[no-untyped-def]
    world = await World(fresh_database_url, two_servers).build()
    recipient = await _recipient(fresh_database_url)
    async with httpx.AsyncClient(timeout=60) as http:
        appeal, _ = await _open_appeal(http, world)
        body = {
            "recipient_id": str(recipient),
            "channel": "post",
            "sent_on": datetime.now(UTC).date().isoformat(),
            "reference": "RR000111222LV",
        }
        responses = await asyncio.gather(
            *(
                world.call(
                    http,
                    "coordinator",
                    "POST",
                    f"/api/appeals/{appeal}/dispatches",
                    i=i,
                    json=body,
                    headers={"Idempotency-Key": "one-letter-to-riga"},
                )
                for i in range(40)
            )
        )
        _no_server_error(responses)
        codes = Counter(r.status_code for r in responses)
        assert codes == {201: 1, 200: 39}, [r.text for r in responses if r.status_code > 201]
        assert len({r.json()["id"] for r in responses}) == 1
    assert await _count(fresh_database_url, select(func.count()).select_from(Dispatch)) == 1


async def test_two_workers_send_one_digest_per_person_per_day(
    two_servers, fresh_database_url
) -> None:  # type: ignore[no-untyped-def]
    world = await World(fresh_database_url, two_servers).build()
    recipient = await _recipient(fresh_database_url)
    async with httpx.AsyncClient(timeout=60) as http:
        appeal, _ = await _open_appeal(http, world)
        made = await world.ok(
            http,
            "coordinator",
            "POST",
            f"/api/appeals/{appeal}/dispatches",
            json={
                "recipient_id": str(recipient),
                "channel": "email",
                "sent_on": datetime.now(UTC).date().isoformat(),
            },
        )
        today = datetime.now(UTC).date()
        for due in (today, today - timedelta(days=2)):
            await world.ok(
                http,
                "coordinator",
                "POST",
                f"/api/dispatches/{made.json()['id']}/follow-ups",
                json={"due_on": due.isoformat()},
            )
    engine = create_engine(fresh_database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            coordinator = (
                await session.scalars(
                    select(PlatformRoleGrant.user_id).where(PlatformRoleGrant.role == "coordinator")
                )
            ).one()
            await session.execute(update(User).where(User.id == coordinator).values(language="ru"))
    finally:
        await engine.dispose()

    clock = ManualClock(datetime.now(UTC))

    async def worker() -> None:
        worker_engine = create_engine(fresh_database_url)
        try:
            ctx = JobContext(create_sessionmaker(worker_engine), Settings(), clock)
            await follow_up_digests(ctx)
        finally:
            await worker_engine.dispose()

    digests = (
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.kind == "follow_up_digest")
    )
    await asyncio.gather(worker(), worker(), worker())
    assert await _count(fresh_database_url, digests) == 1
    await asyncio.gather(worker(), worker())
    assert await _count(fresh_database_url, digests) == 1
    clock.advance(timedelta(days=1))
    await asyncio.gather(worker(), worker())
    assert await _count(fresh_database_url, digests) == 2

    engine = create_engine(fresh_database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            message = (
                await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.kind == "follow_up_digest").limit(1)
                )
            ).one()
            assert message.subject == "Ваши напоминания на сегодня"
            assert RECIPIENT in message.body
            assert CONTACT not in message.body and "Riga" not in message.body
    finally:
        await engine.dispose()
