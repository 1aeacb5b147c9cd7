"""The outbox worker: sends the email that committed transactions queued.

One pass (:func:`deliver_due`) works in three short steps so that no transaction stays open
while a relay is slow:

1. **claim** (one transaction): lock due rows — ``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
   so concurrent workers take different rows and never wait on each other; on SQLite the
   write lock taken by ``BEGIN IMMEDIATE`` serializes claims — and mark them ``sending``
   with ``attempts + 1``. ``next_attempt_at`` becomes the end of a lease: a row whose
   worker died mid-send is due again once the lease ends, so nothing is lost (at worst
   sent twice, with the same Message-ID).
2. **send**, outside any transaction: SMTP, or an ``.eml`` file in mode ``dev``.
3. **record** (one transaction per message): ``sent``; or back to ``pending`` with an
   exponential backoff; or ``failed`` after ``mail.max_attempts``, with an audit event.

What leaves this module — logs, ``last_error``, audit details — names message ids and
exception classes only: never a recipient, subject, body or the relay's reply text (a
relay may quote the address back).

The same loop runs inside the server (embedded mode, :class:`EmbeddedWorker`) and in its
own process (``accord worker``, :func:`run_worker_process`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import signal
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.actors import SYSTEM
from app.audit import AuditAction, record_event
from app.auth.housekeeping import purge_expired
from app.config import Settings
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.kit.clock import Clock, SystemClock
from app.models.outbox import OutboxMessage
from app.notifications.mailbox import spool_message
from app.notifications.smtp import build_message, send_message

log = logging.getLogger("accord.outbox")

# How often an idle worker looks for due messages.
POLL_INTERVAL_SECONDS = 2.0
# Expired challenges, sessions and throttles are deleted this often (app/auth/housekeeping).
HOUSEKEEPING_EVERY = timedelta(minutes=10)
# Messages claimed per pass; a full batch means more may be due, so the next pass starts
# at once.
BATCH_SIZE = 20
# How long a claimed message may stay "sending" before another worker may take it over.
# Far above the worst SMTP exchange (a few round trips, each bounded by the timeout).
SENDING_LEASE = timedelta(minutes=10)
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)
# Each delay is shortened by up to this fraction at random, so that messages that failed
# together (a relay outage) do not all come back in the same second.
JITTER = 0.2
# On shutdown, how long the embedded worker may finish the message in hand.
STOP_GRACE_SECONDS = 10.0
# last_error of a message whose allowed attempts ran out while it was claimed.
EXHAUSTED = "AttemptsExhausted"

_random = random.SystemRandom()


def retry_delay(attempts: int, *, jitter: float | None = None) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 30 s, 1 min, 2 min, … up to 1 h,
    less up to 20 % (``jitter`` in [0, 1) picks how much; random when None)."""
    doublings = min(max(attempts - 1, 0), 16)  # 2**16 * 30 s is far past the cap already
    base: timedelta = min(FIRST_RETRY * (1 << doublings), MAX_RETRY)
    fraction = _random.random() if jitter is None else jitter
    return base * (1 - JITTER * fraction)


@dataclass(frozen=True)
class _Claimed:
    id: uuid.UUID
    attempts: int  # counting this one; also the guard that the row is still ours
    to: str = ""
    subject: str = ""
    body: str = ""
    # Set when the stored message could not be read (e.g. its key version was retired).
    unreadable: str | None = None


class _Batch(NamedTuple):
    claimed: int
    delivered: int


async def deliver_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Clock,
    *,
    limit: int = BATCH_SIZE,
) -> int:
    """Claim up to ``limit`` due messages, oldest first, send them and record the outcome.

    Returns how many were delivered. Safe to run in any number of processes at once: each
    message is claimed by one of them.
    """
    batch = await _deliver_batch(sessionmaker, settings, clock, limit=limit)
    return batch.delivered


async def deliver_all_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Clock,
    *,
    stop: asyncio.Event | None = None,
) -> int:
    """Pass after pass until no message is due (failures are rescheduled into the future,
    so this ends); returns how many were delivered."""
    delivered = 0
    while stop is None or not stop.is_set():
        batch = await _deliver_batch(sessionmaker, settings, clock, limit=BATCH_SIZE, stop=stop)
        delivered += batch.delivered
        if batch.claimed < BATCH_SIZE:
            break
    return delivered


async def _deliver_batch(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Clock,
    *,
    limit: int,
    stop: asyncio.Event | None = None,
) -> _Batch:
    claimed = await _claim(sessionmaker, settings, clock.now(), limit)
    delivered = 0
    for index, message in enumerate(claimed):
        if stop is not None and stop.is_set():
            # Shutting down: hand the rest back now instead of after the lease.
            await _release(sessionmaker, claimed[index:], clock.now())
            break
        if await _deliver_one(sessionmaker, settings, clock, message):
            delivered += 1
    if claimed:
        log.info(
            "outbox pass: %d claimed, %d delivered",
            len(claimed),
            delivered,
            extra={"event": "outbox.pass", "count": delivered},
        )
    return _Batch(len(claimed), delivered)


async def _claim(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    now: datetime,
    limit: int,
) -> list[_Claimed]:
    claimed: list[_Claimed] = []
    async with unit_of_work(sessionmaker) as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(
                # "sending" rows are due only once their lease (next_attempt_at) has ended.
                OutboxMessage.status.in_(("pending", "sending")),
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # rendered only where supported (PostgreSQL)
        )
        for row in rows.all():
            if row.attempts >= settings.mail.max_attempts:
                # Its worker died during the last allowed attempt (or the limit was lowered
                # since): give up rather than exceed it.
                row.status = "failed"
                row.last_error = EXHAUSTED
                await _audit_failure(session, row.id, row.attempts, EXHAUSTED)
                _log_failed(row.id, row.attempts, EXHAUSTED)
                continue
            row.status = "sending"
            row.attempts += 1
            row.next_attempt_at = now + SENDING_LEASE
            claimed.append(_read(row))
    return claimed


def _read(row: OutboxMessage) -> _Claimed:
    try:
        return _Claimed(row.id, row.attempts, row.recipient, row.subject, row.body)
    except Exception as exc:  # recorded as a failed attempt like any other
        return _Claimed(row.id, row.attempts, unreadable=type(exc).__name__)


async def _deliver_one(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Clock,
    message: _Claimed,
) -> bool:
    try:
        if message.unreadable is not None:
            await _record_failure(sessionmaker, settings, clock.now(), message, message.unreadable)
            return False
        email = build_message(
            settings,
            message_id=message.id,
            to=message.to,
            subject=message.subject,
            body=message.body,
            now=clock.now(),
        )
        if settings.mail.mode == "dev":
            await asyncio.to_thread(spool_message, settings, message.id, email.as_bytes())
        else:
            await send_message(settings, email, to=message.to)
    except Exception as exc:
        # The class only: SMTP replies and OS errors may quote the address or the path.
        await _record_failure(sessionmaker, settings, clock.now(), message, type(exc).__name__)
        return False
    await _record_success(sessionmaker, clock.now(), message)
    return True


def _ours(message: _Claimed) -> tuple[ColumnElement[bool], ...]:
    # Still the claim we made: after a lease expired another worker may have claimed it.
    return (
        OutboxMessage.id == message.id,
        OutboxMessage.status == "sending",
        OutboxMessage.attempts == message.attempts,
    )


async def _record_success(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime, message: _Claimed
) -> None:
    async with unit_of_work(sessionmaker) as session:
        await session.execute(
            update(OutboxMessage)
            .where(*_ours(message))
            .values(status="sent", sent_at=now, last_error=None)
        )


async def _record_failure(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    now: datetime,
    message: _Claimed,
    error: str,
) -> None:
    error = error[:64]
    final = message.attempts >= settings.mail.max_attempts
    async with unit_of_work(sessionmaker) as session:
        if final:
            values: dict[str, object] = {"status": "failed", "last_error": error}
        else:
            values = {
                "status": "pending",
                "last_error": error,
                "next_attempt_at": now + retry_delay(message.attempts),
            }
        result = await session.execute(
            update(OutboxMessage).where(*_ours(message)).values(**values)
        )
        if final and result.rowcount:  # type: ignore[attr-defined]
            await _audit_failure(session, message.id, message.attempts, error)
    if final:
        _log_failed(message.id, message.attempts, error)
    else:
        log.warning(
            "outbox message %s: attempt %d failed (%s); will retry",
            message.id,
            message.attempts,
            error,
            extra={"event": "outbox.delivery_retried", "outcome": error},
        )


async def _release(
    sessionmaker: async_sessionmaker[AsyncSession], messages: list[_Claimed], now: datetime
) -> None:
    async with unit_of_work(sessionmaker) as session:
        for message in messages:
            await session.execute(
                update(OutboxMessage)
                .where(*_ours(message))
                .values(status="pending", attempts=message.attempts - 1, next_attempt_at=now)
            )


async def _audit_failure(
    session: AsyncSession, message_id: uuid.UUID, attempts: int, error: str
) -> None:
    await record_event(
        session,
        actor=SYSTEM,
        action=AuditAction.OUTBOX_DELIVERY_FAILED,
        target=(OutboxMessage.__tablename__, message_id),
        details={"attempts": attempts, "error": error},
    )


def _log_failed(message_id: uuid.UUID, attempts: int, error: str) -> None:
    log.error(
        "outbox message %s failed for good after %d attempts (%s)",
        message_id,
        attempts,
        error,
        extra={"event": "outbox.delivery_failed", "outcome": error},
    )


# --- the loop ---------------------------------------------------------------------------


async def run_worker(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Clock,
    *,
    stop: asyncio.Event,
    interval: float = POLL_INTERVAL_SECONDS,
    after_pass: Callable[[], None] | None = None,
) -> None:
    """Deliver until ``stop`` is set. An error in a pass is logged and the loop goes on:
    a database restart or a broken relay must not end delivery for good."""
    log.info("outbox worker started", extra={"event": "outbox.worker_started"})
    next_housekeeping = clock.now()
    while not stop.is_set():
        busy = False
        try:
            batch = await _deliver_batch(sessionmaker, settings, clock, limit=BATCH_SIZE, stop=stop)
            busy = batch.claimed >= BATCH_SIZE
        except Exception:
            log.exception("outbox pass failed", extra={"event": "outbox.pass_failed"})
        if clock.now() >= next_housekeeping:
            next_housekeeping = clock.now() + HOUSEKEEPING_EVERY
            try:
                async with unit_of_work(sessionmaker) as session:
                    removed = await purge_expired(session, now=clock.now(), settings=settings)
                log.info("housekeeping", extra={"event": "auth.purged", "rows": removed})
            except Exception:
                log.exception("housekeeping failed", extra={"event": "auth.purge_failed"})
        if after_pass is not None:
            after_pass()
        if busy:
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
    log.info("outbox worker stopped", extra={"event": "outbox.worker_stopped"})


class EmbeddedWorker:
    """The loop as a task inside the server process (embedded mode)."""

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
            name="accord-outbox-worker",
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
        """Finish the message in hand, hand back the rest of the batch, then end. After
        ``grace`` seconds the task is cancelled; a message cut off mid-send stays claimed
        until its lease ends and is then retried."""
        self._stop.set()
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(self._task, grace)


async def run_worker_process(settings: Settings, *, once: bool) -> int:
    """``accord worker``: the loop in the foreground until SIGTERM or SIGINT, or with
    ``once`` a single sweep of what is due now. Returns how many were delivered when
    ``once``, else 0."""
    engine = create_engine(settings.database_url, pool_size=2)
    sessionmaker = create_sessionmaker(engine)
    clock = SystemClock()
    try:
        if once:
            return await deliver_all_due(sessionmaker, settings, clock)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await run_worker(sessionmaker, settings, clock, stop=stop)
        return 0
    finally:
        await engine.dispose()
