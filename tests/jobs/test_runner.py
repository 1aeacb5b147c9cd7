"""The job runner: named jobs on their intervals by the injected clock, failures isolated;
and the worker's own jobs (outbox, auth housekeeping, audit checkpoints) on schedule."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.actors import SYSTEM
from app.audit import AuditAction, record_event
from app.audit.service import CheckpointCadence, configure_checkpoints
from app.config import Settings
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.jobs import schedule
from app.jobs.runner import Job, JobContext, JobRunner
from app.jobs.schedule import worker_jobs
from app.jobs.worker import run_worker
from app.kit.clock import ManualClock, as_utc
from app.models.audit import AuditCheckpoint
from tests.conftest import make_settings

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


def recorder(calls: list[tuple[str, datetime]], name: str, *, fail: bool = False) -> Job:
    async def run(ctx: JobContext) -> None:
        calls.append((name, ctx.now()))
        if fail:
            raise RuntimeError(f"{name} broke with a secret value")

    return Job(name, timedelta(minutes=1 if name == "fast" else 10), run)


def context(clock: ManualClock, settings: Settings | None = None) -> JobContext:
    return JobContext(None, settings or Settings(), clock)  # type: ignore[arg-type]


class TestSchedule:
    async def test_each_job_runs_when_its_interval_has_passed(self, clock: ManualClock) -> None:
        calls: list[tuple[str, datetime]] = []
        runner = JobRunner([recorder(calls, "fast"), recorder(calls, "slow")], context(clock))

        await runner.run_due()  # every job runs on the first pass
        clock.advance(timedelta(seconds=30))
        await runner.run_due()
        clock.advance(timedelta(seconds=30))
        await runner.run_due()
        clock.advance(timedelta(minutes=9))
        await runner.run_due()

        assert calls == [
            ("fast", T0),
            ("slow", T0),
            ("fast", T0 + timedelta(minutes=1)),
            ("fast", T0 + timedelta(minutes=10)),
            ("slow", T0 + timedelta(minutes=10)),
        ]
        assert runner.next_run("slow") == T0 + timedelta(minutes=20)

    async def test_a_job_with_more_work_is_due_again_at_once(self, clock: ManualClock) -> None:
        runs = 0

        async def batch(ctx: JobContext) -> bool:
            nonlocal runs
            runs += 1
            return runs < 3  # a full batch twice, then the rest

        runner = JobRunner([Job("batches", timedelta(minutes=5), batch)], context(clock))
        busy = [await runner.run_due() for _ in range(4)]

        assert busy == [True, True, False, False]
        assert runs == 3

    def test_job_names_are_unique(self, clock: ManualClock) -> None:
        with pytest.raises(ValueError, match="unique"):
            JobRunner([recorder([], "fast"), recorder([], "fast")], context(clock))


class TestFailures:
    async def test_a_failing_job_is_logged_and_does_not_stop_the_others(
        self, clock: ManualClock, caplog: pytest.LogCaptureFixture
    ) -> None:
        calls: list[tuple[str, datetime]] = []
        runner = JobRunner(
            [recorder(calls, "fast", fail=True), recorder(calls, "slow")], context(clock)
        )

        with caplog.at_level(logging.ERROR, logger="accord.jobs"):
            await runner.run_due()
            clock.advance(timedelta(minutes=10))
            await runner.run_due()

        assert calls == [
            ("fast", T0),
            ("slow", T0),
            ("fast", T0 + timedelta(minutes=10)),  # tried again after its interval
            ("slow", T0 + timedelta(minutes=10)),
        ]
        assert [r.getMessage() for r in caplog.records] == ["job fast failed"] * 2

    async def test_the_loop_goes_on_after_a_failure_until_stopped(self, clock: ManualClock) -> None:
        calls: list[tuple[str, datetime]] = []
        ctx = context(clock)
        passes = 0

        def after_pass() -> None:
            nonlocal passes
            passes += 1
            clock.advance(timedelta(minutes=10))
            if passes == 3:
                ctx.stop.set()

        runner = JobRunner([recorder(calls, "fast", fail=True), recorder(calls, "slow")], ctx)
        await asyncio.wait_for(runner.run_forever(tick=0, after_pass=after_pass), 30)

        assert [name for name, _ in calls] == ["fast", "slow"] * 3


# --- the worker's jobs ------------------------------------------------------------------


@pytest.fixture
def worker_settings(fresh_database_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        fresh_database_url,
        tmp_path,
        audit={"checkpoint_every_events": 100, "checkpoint_every_seconds": 60},
    )


@pytest.fixture
async def engine(fresh_database_url: str) -> AsyncEngine:  # type: ignore[misc]
    engine = create_engine(fresh_database_url)
    yield engine
    await engine.dispose()


@pytest.fixture(autouse=True)
def _cadence() -> Iterator[None]:
    previous = configure_checkpoints(CheckpointCadence(100, 60))
    yield
    configure_checkpoints(previous)


def test_the_worker_schedules_outbox_housekeeping_and_audit_checkpoints() -> None:
    jobs = {job.name: job for job in worker_jobs(Settings())}

    assert list(jobs) == [
        "outbox.deliver",
        "auth.housekeeping",
        "audit.checkpoint",
        "signing.deadlines",
        "outreach.follow_up_digests",
    ]
    assert jobs["outreach.follow_up_digests"].every == timedelta(minutes=15)
    assert jobs["auth.housekeeping"].every == timedelta(minutes=10)
    assert jobs["audit.checkpoint"].every <= timedelta(seconds=60)


async def test_the_worker_jobs_run_on_schedule(
    engine: AsyncEngine,
    worker_settings: Settings,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sessions: async_sessionmaker[AsyncSession] = create_sessionmaker(engine)
    purges: list[datetime] = []
    deliveries: list[datetime] = []
    real_purge = schedule.purge_expired

    async def purge(session: AsyncSession, *, now: datetime, settings: Settings) -> int:
        purges.append(now)
        return await real_purge(session, now=now, settings=settings)

    async def deliver(*_: object, **__: object) -> bool:
        deliveries.append(clock.now())
        return False

    monkeypatch.setattr(schedule, "purge_expired", purge)
    monkeypatch.setattr("app.notifications.worker.deliver_pass", deliver)
    runner = JobRunner(worker_jobs(worker_settings), JobContext(sessions, worker_settings, clock))
    for n in range(3):
        async with unit_of_work(sessions, clock=clock) as session:
            await record_event(
                session, actor=SYSTEM, action=AuditAction.ORGANIZATION_UPDATED, details={"n": n}
            )

    async def checkpoints() -> list[tuple[int, datetime]]:
        async with sessions() as session:
            rows = (await session.scalars(select(AuditCheckpoint))).all()
            return sorted((r.size, as_utc(r.created_at)) for r in rows)

    await runner.run_due()
    assert await checkpoints() == [(1, T0)]  # the first event's; 2 and 3 wait
    for _ in range(4):
        clock.advance(timedelta(seconds=15))
        await runner.run_due()
    clock.advance(timedelta(minutes=9))
    await runner.run_due()

    assert deliveries == [T0 + timedelta(seconds=15 * n) for n in range(5)] + [
        T0 + timedelta(minutes=10)
    ]
    assert purges == [T0, T0 + timedelta(minutes=10)]
    assert await checkpoints() == [(1, T0), (3, T0 + timedelta(seconds=60))]


async def test_the_worker_loop_runs_every_job_and_stops(
    engine: AsyncEngine,
    worker_settings: Settings,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sessions: async_sessionmaker[AsyncSession] = create_sessionmaker(engine)
    stop = asyncio.Event()

    with caplog.at_level(logging.DEBUG, logger="accord"):  # housekeeping with nothing to do
        await asyncio.wait_for(
            run_worker(sessions, worker_settings, clock, stop=stop, after_pass=stop.set), 30
        )

    messages = [r.getMessage() for r in caplog.records if r.name.startswith("accord")]
    assert not [m for m in messages if "failed" in m]
    assert messages[0].startswith("outbox worker started; jobs: outbox.deliver, auth.")
    assert "housekeeping" in messages
    assert messages[-1] == "outbox worker stopped"
