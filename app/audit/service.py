"""Appending to the audit log inside the caller's transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import LargeBinary, Table, bindparam, event, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from app.actors import Actor
from app.audit.actions import AuditAction, audit_action
from app.audit.chain import ACTION_PATTERN, chain_hash, checkpoint_message, event_body
from app.config import AuditSettings
from app.db import session_clock
from app.keys import current_keys
from app.kit.clock import as_utc
from app.kit.crypto.signing import sign
from app.models.audit import AuditCheckpoint, AuditEvent, AuditHead
from app.models.base import new_id

_TIP_KEY = "accord.audit_tip"

_HEAD = cast(Table, AuditHead.__table__)
_EVENTS = cast(Table, AuditEvent.__table__)
_CHECKPOINTS = cast(Table, AuditCheckpoint.__table__)
# The append's statements, built once (Core: no ORM bulk-update path on every event).
_ADVANCE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(seq=_HEAD.c.seq + 1)
    .returning(_HEAD.c.seq, _HEAD.c.hash)
)
_SET_HEAD_HASH = (
    update(_HEAD).where(_HEAD.c.id == 1).values(hash=bindparam("head_hash", type_=LargeBinary))
)
_EVENT_COLUMNS = tuple(column.key for column in _EVENTS.columns)
_INSERT_EVENT = insert(_EVENTS)


def _newest_checkpoint(column: Any) -> Any:
    return (
        select(column)
        .order_by(_CHECKPOINTS.c.size.desc(), _CHECKPOINTS.c.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )


_LAST_CHECKPOINT = select(
    _newest_checkpoint(_CHECKPOINTS.c.size).label("last_size"),
    _newest_checkpoint(_CHECKPOINTS.c.created_at).label("last_at"),
)
# A transaction's first append also learns the newest checkpoint, in the same round trip
# (what the cadence needs at commit). Its subqueries see the statement's snapshot, which
# may predate a checkpoint committed while this waited for the head's lock: the cadence
# then counts from an older one, and at worst signs a checkpoint early (never late).
_ADVANCE_HEAD_FIRST = _ADVANCE_HEAD.returning(
    _newest_checkpoint(_CHECKPOINTS.c.size).label("last_size"),
    _newest_checkpoint(_CHECKPOINTS.c.created_at).label("last_at"),
)


@dataclass(frozen=True)
class CheckpointCadence:
    """Sign a checkpoint once ``every_events`` events wait for one, or once the last
    checkpoint is ``every_seconds`` old and events wait, whichever comes first.

    The event count is checked when a transaction that appended commits; the age also by
    the worker's ``audit.checkpoint`` job, so a quiet log still gets its tail signed.
    """

    every_events: int = 100
    every_seconds: float = 60.0

    def due(self, *, pending: int, last_at: datetime | None, now: datetime) -> bool:
        if pending <= 0:
            return False
        if last_at is None or pending >= self.every_events:
            return True
        return as_utc(now) - as_utc(last_at) >= timedelta(seconds=self.every_seconds)


_cadence = CheckpointCadence()


def checkpoints_from(settings: AuditSettings) -> CheckpointCadence:
    return CheckpointCadence(settings.checkpoint_every_events, settings.checkpoint_every_seconds)


def configure_checkpoints(cadence: CheckpointCadence) -> CheckpointCadence:
    """Set this process's cadence (from settings: server, worker, CLI); returns the old one."""
    global _cadence
    previous, _cadence = _cadence, cadence
    return previous


def checkpoint_cadence() -> CheckpointCadence:
    return _cadence


@dataclass
class _Tip:
    """The transaction's newest event, and the newest checkpoint when it began appending
    (read under the append lock, so no other writer can add one meanwhile)."""

    seq: int
    hash: bytes
    last_size: int
    last_at: datetime | None


def _target_of(target: Any) -> tuple[str | None, str | None]:
    if target is None:
        return None, None
    if isinstance(target, tuple):
        kind, ident = target
        return str(kind), str(ident)
    return str(target.__tablename__), str(target.id)


async def record_event(
    session: AsyncSession,
    *,
    actor: Actor,
    action: AuditAction,
    target: Any = None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the same transaction as the change it records.

    ``target`` is a model instance or a ``(type, id)`` pair. ``details`` must be JSON and
    is stored encrypted; keep it to ids and facts, never secrets.

    Appends are serialized by the row lock on ``audit_head`` (PostgreSQL) or the write lock
    (SQLite), taken by the UPDATE below and held until commit, so two writers can never
    build on the same predecessor.

    ``action`` must be an :class:`AuditAction` (or the value of one): anything else raises
    ValueError before anything is written. ``occurred_at`` is ``now`` when given, else the
    time of the clock bound to the session (the request's or job's; app/db.py).
    """
    action = audit_action(action)
    if not ACTION_PATTERN.fullmatch(action.value):  # match() would let "x.y\n" through
        raise ValueError(f"audit action must look like entity.past_participle: {action!r}")
    details = details or {}
    # Round-trip through JSON so the hashed document equals what decryption returns.
    details = json.loads(json.dumps(details))
    tip: _Tip | None = session.sync_session.info.get(_TIP_KEY)
    row = (await session.execute(_ADVANCE_HEAD if tip else _ADVANCE_HEAD_FIRST)).one()
    seq, prev_hash = int(row.seq), bytes(row.hash)
    target_type, target_id = _target_of(target)
    occurred_at = now if now is not None else session_clock(session).now()
    event_id = new_id()
    body = event_body(
        seq=seq,
        event_id=event_id,
        occurred_at=occurred_at,
        actor_type=actor.type,
        actor_id=actor.user_id,
        action=action.value,
        target_type=target_type,
        target_id=target_id,
        details=details,
    )
    digest = chain_hash(prev_hash, body)
    audit_event = AuditEvent(
        id=event_id,
        seq=seq,
        occurred_at=occurred_at,
        actor_type=actor.type,
        actor_id=actor.user_id,
        action=action.value,
        target_type=target_type,
        target_id=target_id,
        prev_hash=prev_hash,
        hash=digest,
    )
    audit_event.details_json = json.dumps(details, sort_keys=True)
    # Written at once with Core statements built once, not through the unit of work: an
    # event is never changed after it is appended, and its insert and the head's new hash
    # were a tenth of a sign-in's CPU as ORM statements built on every call.
    await session.execute(_INSERT_EVENT, {key: getattr(audit_event, key) for key in _EVENT_COLUMNS})
    await session.execute(_SET_HEAD_HASH, {"head_hash": digest})
    if tip is None:
        tip = _Tip(seq, digest, *_checkpoint_of(row))
    tip.seq, tip.hash = seq, digest
    session.sync_session.info[_TIP_KEY] = tip
    return audit_event


def _checkpoint_of(row: Any) -> tuple[int, datetime | None]:
    """Size and time of the newest stored checkpoint (``last_size``, ``last_at`` of a row),
    for scheduling only: verification checks every checkpoint, and a bad row here can only
    make a checkpoint come early."""
    try:
        if row.last_size is None:
            return 0, None
        return int(row.last_size), as_utc(row.last_at)
    except (TypeError, ValueError):
        return 0, None


async def checkpoint_if_due(
    session: AsyncSession, *, now: datetime, cadence: CheckpointCadence | None = None
) -> AuditCheckpoint | None:
    """The ``audit.checkpoint`` job: sign the chain head if events wait and the cadence
    says so (the last checkpoint is old enough, or enough events wait).

    Takes the append lock first (the ``audit_head`` row, FOR UPDATE on PostgreSQL; the write
    lock on SQLite), so concurrent workers and writers serialize here: the second one sees
    the first one's checkpoint and signs nothing. The head row is signed, not the newest
    stored event: events deleted from the tail before this runs make the checkpoint
    disagree with the log, which verification reports as truncation.
    """
    cadence = cadence or _cadence
    head = (
        await session.execute(
            select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
        )
    ).one()
    last_size, last_at = _checkpoint_of((await session.execute(_LAST_CHECKPOINT)).one())
    if not cadence.due(pending=int(head.seq) - last_size, last_at=last_at, now=now):
        return None
    checkpoint = make_checkpoint(int(head.seq), bytes(head.hash), now=now)
    session.add(checkpoint)
    await session.flush()
    return checkpoint


def make_checkpoint(size: int, head_hash: bytes, *, now: datetime) -> AuditCheckpoint:
    created_at = now
    signature = sign(
        current_keys().audit_signing_key, checkpoint_message(size, head_hash, created_at)
    )
    return AuditCheckpoint(
        id=new_id(), size=size, head_hash=head_hash, created_at=created_at, signature=signature
    )


@event.listens_for(Session, "before_commit")
def _checkpoint_before_commit(session: Session) -> None:
    # A transaction that appended events signs a checkpoint over its last event when the
    # cadence says so (enough events or time since the last one): an attacker who rewrites
    # the tail and re-hashes it cannot forge the signature. Events after the last
    # checkpoint are covered by the chain, and the job signs them within every_seconds.
    tip: _Tip | None = session.info.pop(_TIP_KEY, None)
    if tip is None:
        return
    now = session_clock(session).now()
    if _cadence.due(pending=tip.seq - tip.last_size, last_at=tip.last_at, now=now):
        session.add(make_checkpoint(tip.seq, tip.hash, now=now))


@event.listens_for(Session, "after_transaction_end")
def _forget_tip(session: Session, transaction: SessionTransaction) -> None:
    # Only the outermost transaction's end forgets the tip: a savepoint rolled back inside
    # it must not drop the checkpoint for events appended before that savepoint.
    if transaction.parent is None:
        session.info.pop(_TIP_KEY, None)


def event_details(audit_event: AuditEvent) -> dict[str, Any]:
    value = json.loads(audit_event.details_json or "{}")
    if not isinstance(value, dict):
        raise ValueError(f"audit event {audit_event.seq} has malformed details")
    return value


__all__ = [
    "CheckpointCadence",
    "checkpoint_cadence",
    "checkpoint_if_due",
    "checkpoints_from",
    "configure_checkpoints",
    "event_details",
    "make_checkpoint",
    "record_event",
]


async def events_about(
    session: AsyncSession, *, target_type: str, target_id: str, limit: int = 200
) -> list[AuditEvent]:
    """The newest events recorded against one target (an appeal's Activity), newest first."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.target_type == target_type, AuditEvent.target_id == target_id)
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
    )
    return list((await session.scalars(statement)).all())
