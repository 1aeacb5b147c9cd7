"""Concurrent writers, each on its own engine (connection), never fork the chain."""

from __future__ import annotations

import asyncio
import itertools

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.actors import SYSTEM
from app.audit import AuditAction, record_event
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.keys import KeyMaterial
from tests.audit.conftest import stored_checkpoints, stored_events, stored_head, verify

WRITERS = 24
EVENTS_PER_WRITER = 3


class WriterFailed(Exception):
    pass


async def _writer(url: str, number: int, *, fail: bool = False) -> None:
    # An engine per writer: a separate connection, as in another worker process.
    engine = create_engine(url, pool_size=1)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            for n in range(EVENTS_PER_WRITER):
                await record_event(
                    session,
                    actor=SYSTEM,
                    action=AuditAction.ORGANIZATION_UPDATED,
                    target=("thing", f"w{number}"),
                    details={"writer": number, "n": n},
                )
                await session.flush()
            if fail:
                raise WriterFailed(number)
    finally:
        await engine.dispose()


async def _assert_one_unforked_chain(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    keys: KeyMaterial,
    *,
    events: int,
    transactions: int,
) -> None:
    stored = await stored_events(engine)
    assert [e.seq for e in stored] == list(range(1, events + 1))
    assert len({e.prev_hash for e in stored}) == events  # no two events share a parent
    for before, after in itertools.pairwise(stored):
        assert after.prev_hash == before.hash
    head = await stored_head(engine)
    assert (head.seq, head.hash) == (events, stored[-1].hash)
    assert len(await stored_checkpoints(engine)) == transactions
    report = await verify(sessions, keys)
    assert report.ok, report.problems


async def test_concurrent_writers_build_one_chain_without_forks(
    fresh_database_url: str,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    test_keys: KeyMaterial,
) -> None:
    await asyncio.gather(*(_writer(fresh_database_url, n) for n in range(WRITERS)))

    await _assert_one_unforked_chain(
        engine,
        sessions,
        test_keys,
        events=WRITERS * EVENTS_PER_WRITER,
        transactions=WRITERS,
    )


async def test_concurrent_writers_that_roll_back_leave_no_gap(
    fresh_database_url: str,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    test_keys: KeyMaterial,
) -> None:
    results = await asyncio.gather(
        *(_writer(fresh_database_url, n, fail=n % 3 == 0) for n in range(WRITERS)),
        return_exceptions=True,
    )

    failed = [r for r in results if isinstance(r, BaseException)]
    assert len(failed) == WRITERS // 3
    assert all(isinstance(r, WriterFailed) for r in failed)
    committed = WRITERS - len(failed)
    await _assert_one_unforked_chain(
        engine,
        sessions,
        test_keys,
        events=committed * EVENTS_PER_WRITER,
        transactions=committed,
    )
