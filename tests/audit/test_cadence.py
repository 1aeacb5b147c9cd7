"""Checkpoints at a cadence (every N events or T seconds), timestamps from the injected
clock, and what verification still catches in the tail after the last checkpoint."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.actors import SYSTEM
from app.audit import AuditAction, record_event
from app.audit.service import CheckpointCadence, checkpoint_if_due, configure_checkpoints
from app.config import AuditSettings, Settings
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.keys import KeyMaterial
from app.kit.clock import ManualClock, as_utc
from app.models.audit import AuditEvent
from tests.audit.conftest import (
    delete_events_from,
    set_event,
    stored_checkpoints,
    stored_events,
    tamper,
    verify,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CADENCE = CheckpointCadence(every_events=3, every_seconds=60)


@pytest.fixture(autouse=True)
def _cadence() -> Iterator[None]:
    previous = configure_checkpoints(CADENCE)
    yield
    configure_checkpoints(previous)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


async def append_at(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, count: int = 1
) -> None:
    for n in range(count):
        async with unit_of_work(sessions, clock=clock) as session:
            await record_event(
                session,
                actor=SYSTEM,
                action=AuditAction.ORGANIZATION_UPDATED,
                target=("organization", f"o-{n}"),
                details={"n": n},
            )


async def sign_if_due(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> object:
    async with unit_of_work(sessions, clock=clock) as session:
        return await checkpoint_if_due(session, now=clock.now(), cadence=CADENCE)


class TestInjectedClock:
    async def test_an_event_and_its_checkpoint_carry_the_clocks_time(
        self, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
    ) -> None:
        await append_at(sessions, clock)

        (event,) = await stored_events(engine)
        (checkpoint,) = await stored_checkpoints(engine)
        assert as_utc(event.occurred_at) == T0
        assert as_utc(checkpoint.created_at) == T0

    async def test_an_explicit_now_wins(
        self, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
    ) -> None:
        async with unit_of_work(sessions, clock=clock) as session:
            await record_event(
                session, actor=SYSTEM, action=AuditAction.KEY_ROTATED, now=T0 - timedelta(hours=1)
            )

        (event,) = await stored_events(engine)
        assert as_utc(event.occurred_at) == T0 - timedelta(hours=1)

    async def test_a_request_records_the_time_of_the_apps_clock(
        self, app, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:  # type: ignore[no-untyped-def]
        app.state.clock = ManualClock(T0)

        await client.post(
            "/api/auth/sign-in", json={"email": "nobody@example.org", "password": "x" * 12}
        )

        event = (
            await session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
        ).one()
        assert event.action == "user.sign_in_failed"
        assert as_utc(event.occurred_at) == T0


class TestCadence:
    async def test_a_checkpoint_every_n_events(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        clock: ManualClock,
        test_keys: KeyMaterial,
    ) -> None:
        await append_at(sessions, clock, 7)

        # The first (no checkpoint yet), then each time 3 wait.
        assert [c.size for c in await stored_checkpoints(engine)] == [1, 4, 7]
        assert (await verify(sessions, test_keys)).ok

    async def test_a_transaction_after_t_seconds_signs_at_once(
        self, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
    ) -> None:
        await append_at(sessions, clock, 2)
        clock.advance(timedelta(seconds=60))
        await append_at(sessions, clock)

        assert [c.size for c in await stored_checkpoints(engine)] == [1, 3]

    async def test_the_job_signs_pending_events_once_t_has_passed(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        clock: ManualClock,
        test_keys: KeyMaterial,
    ) -> None:
        await append_at(sessions, clock, 2)
        assert await sign_if_due(sessions, clock) is None  # not yet T

        clock.advance(timedelta(seconds=59))
        assert await sign_if_due(sessions, clock) is None
        clock.advance(timedelta(seconds=1))
        assert await sign_if_due(sessions, clock) is not None
        assert await sign_if_due(sessions, clock) is None  # nothing pending any more
        clock.advance(timedelta(minutes=5))
        assert await sign_if_due(sessions, clock) is None  # still nothing pending

        checkpoints = await stored_checkpoints(engine)
        assert [(c.size, as_utc(c.created_at)) for c in checkpoints] == [
            (1, T0),
            (2, T0 + timedelta(seconds=60)),
        ]
        assert (await verify(sessions, test_keys)).ok

    async def test_settings_name_the_cadence(self) -> None:
        settings = Settings(
            audit=AuditSettings(checkpoint_every_events=5, checkpoint_every_seconds=30)
        )
        from app.audit.service import checkpoints_from

        assert checkpoints_from(settings.audit) == CheckpointCadence(5, 30)
        assert checkpoints_from(AuditSettings()) == CheckpointCadence(100, 60)


class TestTailAfterTheLastCheckpoint:
    async def test_edited_tail_events_are_reported_by_the_chain(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        clock: ManualClock,
        test_keys: KeyMaterial,
    ) -> None:
        await append_at(sessions, clock, 3)  # checkpoint at 1; events 2 and 3 unsigned
        assert [c.size for c in await stored_checkpoints(engine)] == [1]

        assert (await verify(sessions, test_keys)).unsigned_tail == 2

        await tamper(engine, set_event(2, action="membership.removed"))
        await tamper(engine, set_event(3, target_id="o-someone-else"))

        report = await verify(sessions, test_keys)
        assert report.problems == [
            "event 2: content does not match its hash",
            "event 3: content does not match its hash",
        ]

    async def test_a_cut_tail_is_reported_once_the_job_signed_the_head(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        clock: ManualClock,
        test_keys: KeyMaterial,
    ) -> None:
        await append_at(sessions, clock, 3)
        await tamper(engine, delete_events_from(3))

        clock.advance(timedelta(seconds=60))
        await sign_if_due(sessions, clock)

        report = await verify(sessions, test_keys)
        assert report.problems == [
            "checkpoint at 3 (database): the log has only 2 events — truncated after the checkpoint"
        ]


async def test_concurrent_jobs_sign_one_checkpoint(
    fresh_database_url: str,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    test_keys: KeyMaterial,
) -> None:
    """Workers in several processes (an engine each) run the job at the same moment."""
    await append_at(sessions, clock, 2)
    clock.advance(timedelta(seconds=60))

    async def job() -> object:
        other = create_engine(fresh_database_url, pool_size=1)
        try:
            return await sign_if_due(create_sessionmaker(other), clock)
        finally:
            await other.dispose()

    results = await asyncio.gather(*(job() for _ in range(8)))

    assert sum(r is not None for r in results) == 1
    assert [c.size for c in await stored_checkpoints(engine)] == [1, 2]
    assert (await verify(sessions, test_keys)).ok
