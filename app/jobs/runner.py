"""A registry of named periodic jobs and the loop that runs the due ones.

Each job is a coroutine taking a :class:`JobContext`; it opens its own unit(s) of work with
``ctx.unit_of_work()`` (bound to the runner's clock, so what it records carries that time).
A job that fails is logged (the exception class and frames, never its message: it may quote
values) and tried again after its interval; the other jobs go on. A job that returns True
has more work right away (a full batch) and is due again at once.

Schedules follow the injected clock: tests drive them with a ManualClock; the loop only
sleeps between passes (``tick`` seconds of real time, or until ``stop``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.db import unit_of_work
from app.kit.clock import Clock

log = logging.getLogger("accord.jobs")


@dataclass
class JobContext:
    sessionmaker: async_sessionmaker[AsyncSession]
    settings: Settings
    clock: Clock
    # Set when the worker is shutting down: long jobs stop between steps.
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    def now(self) -> datetime:
        return self.clock.now()

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        async with unit_of_work(self.sessionmaker, clock=self.clock) as session:
            yield session


JobFunction = Callable[[JobContext], Awaitable[bool | None]]


@dataclass(frozen=True)
class Job:
    name: str  # unique, "<domain>.<what>": "outbox.deliver", "audit.checkpoint"
    every: timedelta
    run: JobFunction
    # What the log says failed ("outbox pass failed"); the name when empty.
    label: str = ""


class JobRunner:
    """Runs each registered job when it is due by the clock."""

    def __init__(self, jobs: Iterable[Job], context: JobContext) -> None:
        self.jobs = list(jobs)
        names = [job.name for job in self.jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"job names must be unique: {names}")
        self.context = context
        # None: due now (every job runs on the first pass).
        self._next: dict[str, datetime | None] = dict.fromkeys(names)

    def next_run(self, name: str) -> datetime | None:
        return self._next[name]

    async def run_due(self) -> bool:
        """One pass: every due job once, in registration order. True when a job said it
        has more work now."""
        busy = False
        for job in self.jobs:
            if self.context.stop.is_set():
                break
            due_at = self._next[job.name]
            if due_at is not None and self.context.now() < due_at:
                continue
            more = await self.run_one(job)
            self._next[job.name] = None if more else self.context.now() + job.every
            busy = busy or more
        return busy

    async def run_one(self, job: Job) -> bool:
        try:
            return bool(await job.run(self.context))
        except Exception:
            log.exception(
                "%s failed", job.label or f"job {job.name}", extra={"event": "job.failed"}
            )
            return False

    async def run_forever(
        self, *, tick: float, after_pass: Callable[[], None] | None = None
    ) -> None:
        """Pass after pass until ``context.stop`` is set; ``tick`` seconds between passes
        unless a job has more work now."""
        stop = self.context.stop
        while not stop.is_set():
            busy = await self.run_due()
            if after_pass is not None:
                after_pass()
            if busy:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), tick)
