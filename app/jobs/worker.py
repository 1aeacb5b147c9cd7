"""The worker: the job runner over :func:`app.jobs.schedule.worker_jobs`, inside the server
(embedded mode, :class:`EmbeddedWorker`) or in its own process (``accord worker``,
:func:`run_worker_process`). Any number may run at once: the outbox claims each message
once, the audit checkpoint job serializes on the append lock, housekeeping deletes
idempotently."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit.service import checkpoints_from, configure_checkpoints
from app.config import Settings
from app.db import create_engine, create_sessionmaker
from app.jobs.runner import Job, JobContext, JobRunner
from app.jobs.schedule import worker_jobs
from app.kit.clock import Clock, SystemClock
from app.notifications.worker import POLL_INTERVAL_SECONDS, deliver_all_due

log = logging.getLogger("accord.worker")

# On shutdown, how long the embedded worker may finish the job in hand.
STOP_GRACE_SECONDS = 10.0


async def run_worker(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Clock,
    *,
    stop: asyncio.Event,
    tick: float = POLL_INTERVAL_SECONDS,
    jobs: list[Job] | None = None,
    after_pass: Callable[[], None] | None = None,
) -> None:
    """Run the jobs until ``stop`` is set; a failing job is logged and the others go on."""
    context = JobContext(sessionmaker, settings, clock, stop)
    runner = JobRunner(worker_jobs(settings) if jobs is None else jobs, context)
    # The lines (and events) it logged when it only sent mail: operators may watch them.
    log.info(
        "outbox worker started; jobs: %s",
        ", ".join(job.name for job in runner.jobs),
        extra={"event": "outbox.worker_started"},
    )
    await runner.run_forever(tick=tick, after_pass=after_pass)
    log.info("outbox worker stopped", extra={"event": "outbox.worker_stopped"})


class EmbeddedWorker:
    """The worker as a task inside the server process (embedded mode)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        clock: Clock,
    ) -> None:
        self._stop = asyncio.Event()
        # Set after every pass (tests wait on it instead of sleeping).
        self.passed = asyncio.Event()
        self._task = asyncio.create_task(
            run_worker(sessionmaker, settings, clock, stop=self._stop, after_pass=self.passed.set),
            name="accord-worker",
        )

    @classmethod
    def start(
        cls,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        clock: Clock,
    ) -> EmbeddedWorker:
        return cls(sessionmaker, settings, clock)

    @property
    def running(self) -> bool:
        return not self._task.done()

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Finish the job in hand (the outbox hands back the rest of its batch), then end.
        After ``grace`` seconds the task is cancelled; a message cut off mid-send stays
        claimed until its lease ends and is then retried."""
        self._stop.set()
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(self._task, grace)


async def run_worker_process(settings: Settings, *, once: bool) -> int:
    """``accord worker``: the jobs in the foreground until SIGTERM or SIGINT, or with
    ``once`` every job once (all mail that is due now). Returns how many messages were
    delivered when ``once``, else 0."""
    configure_checkpoints(checkpoints_from(settings.audit))
    engine = create_engine(settings.database_url, pool_size=2)
    sessionmaker = create_sessionmaker(engine)
    clock = SystemClock()
    try:
        if once:
            delivered = await deliver_all_due(sessionmaker, settings, clock)
            runner = JobRunner(
                [job for job in worker_jobs(settings) if job.name != "outbox.deliver"],
                JobContext(sessionmaker, settings, clock),
            )
            for job in runner.jobs:
                await runner.run_one(job)
            return delivered
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await run_worker(sessionmaker, settings, clock, stop=stop)
        return 0
    finally:
        await engine.dispose()
