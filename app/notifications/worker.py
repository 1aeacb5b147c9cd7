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

It is the ``outbox.deliver`` job (:func:`outbox_job`) of the worker (app/jobs/worker.py),
which runs inside the server (embedded mode) or in its own process (``accord worker``).
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.actors import SYSTEM
from app.audit import AuditAction, record_event
from app.config import Settings
from app.db import unit_of_work
from app.jobs.runner import Job, JobContext, JobRunner
from app.kit.clock import Clock
from app.models.outbox import OutboxMessage
from app.notifications.mailbox import mailbox_enabled, spool_message
from app.notifications.smtp import Attachment, build_message, send_message

log = logging.getLogger("accord.outbox")

# How often an idle worker looks for due messages.
POLL_INTERVAL_SECONDS = 2.0
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
    attachment: Attachment | None = None
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
        attachment = None
        if row.attachment_ct is not None:
            attachment = Attachment(
                row.attachment_name or "attachment",
                row.attachment_type or "application/octet-stream",
                row.attachment,
            )
        return _Claimed(row.id, row.attempts, row.recipient, row.subject, row.body, attachment)
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
            attachment=message.attachment,
        )
        if settings.mail.mode == "dev":
            await asyncio.to_thread(spool_message, settings, message.id, email.as_bytes())
        else:
            await send_message(settings, email, to=message.to)
    except Exception as exc:
        # The class only: SMTP replies and OS errors may quote the address or the path.
        await _record_failure(sessionmaker, settings, clock.now(), message, type(exc).__name__)
        return False
    await _record_success(sessionmaker, clock.now(), message, keep_all=mailbox_enabled(settings))
    return True


def _ours(message: _Claimed) -> tuple[ColumnElement[bool], ...]:
    # Still the claim we made: after a lease expired another worker may have claimed it.
    return (
        OutboxMessage.id == message.id,
        OutboxMessage.status == "sending",
        OutboxMessage.attempts == message.attempts,
    )


async def _record_success(
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    message: _Claimed,
    *,
    keep_all: bool,
) -> None:
    async with unit_of_work(sessionmaker) as session:
        # Delivered: a message that carried what must not outlive delivery goes entirely —
        # except with the development mailbox, which shows it (its spool keeps a copy
        # anyway: development only, refused in production).
        if not keep_all:
            await session.execute(
                delete(OutboxMessage).where(*_ours(message), OutboxMessage.delete_when_sent)
            )
        await session.execute(
            update(OutboxMessage)
            .where(*_ours(message))
            .values(status="sent", sent_at=now, last_error=None)
        )


async def purge_undeliverable(session: AsyncSession) -> int:
    """Messages to be deleted once sent that will never be sent (failed for good): their
    recipient must not stay either."""
    result = await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.delete_when_sent, OutboxMessage.status == "failed"
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


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


# --- the job ---------------------------------------------------------------------------


async def deliver_pass(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Clock,
    *,
    stop: asyncio.Event | None = None,
) -> bool:
    """One batch (the ``outbox.deliver`` job); True when it was full and more may be due."""
    batch = await _deliver_batch(sessionmaker, settings, clock, limit=BATCH_SIZE, stop=stop)
    return batch.claimed >= BATCH_SIZE


def outbox_job() -> Job:
    async def run(ctx: JobContext) -> bool:
        return await deliver_pass(ctx.sessionmaker, ctx.settings, ctx.clock, stop=ctx.stop)

    # Every pass of the loop (which waits POLL_INTERVAL_SECONDS when nothing is due); a
    # failed pass is retried on the next one.
    return Job("outbox.deliver", timedelta(0), run, "outbox pass")


async def run_worker(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Clock,
    *,
    stop: asyncio.Event,
    interval: float = POLL_INTERVAL_SECONDS,
    after_pass: Callable[[], None] | None = None,
) -> None:
    """Deliver mail only, until ``stop`` is set. An error in a pass is logged and the loop
    goes on: a database restart or a broken relay must not end delivery for good.

    The worker proper (app/jobs/worker.py) runs this job among the others."""
    log.info("outbox worker started", extra={"event": "outbox.worker_started"})
    context = JobContext(sessionmaker, settings, clock, stop)
    await JobRunner([outbox_job()], context).run_forever(tick=interval, after_pass=after_pass)
    log.info("outbox worker stopped", extra={"event": "outbox.worker_stopped"})
