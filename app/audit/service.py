"""Appending to the audit log inside the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from app.actors import Actor
from app.audit.chain import ACTION_PATTERN, chain_hash, checkpoint_message, event_body
from app.keys import current_keys
from app.kit.crypto.signing import sign
from app.models.audit import AuditCheckpoint, AuditEvent, AuditHead
from app.models.base import new_id, utcnow

_TIP_KEY = "accord.audit_tip"


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
    action: str,
    target: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the same transaction as the change it records.

    ``target`` is a model instance or a ``(type, id)`` pair. ``details`` must be JSON and
    is stored encrypted; keep it to ids and facts, never secrets.

    Appends are serialized by the row lock on ``audit_head`` (PostgreSQL) or the write lock
    (SQLite), taken by the UPDATE below and held until commit, so two writers can never
    build on the same predecessor.
    """
    if not ACTION_PATTERN.fullmatch(action):  # match() would let "x.y\n" through
        raise ValueError(f"audit action must look like entity.past_participle: {action!r}")
    details = details or {}
    # Round-trip through JSON so the hashed document equals what decryption returns.
    details = json.loads(json.dumps(details))
    row = (
        await session.execute(
            update(AuditHead)
            .where(AuditHead.id == 1)
            .values(seq=AuditHead.seq + 1)
            .returning(AuditHead.seq, AuditHead.hash)
        )
    ).one()
    seq, prev_hash = int(row.seq), bytes(row.hash)
    target_type, target_id = _target_of(target)
    occurred_at = utcnow()
    event_id = new_id()
    body = event_body(
        seq=seq,
        event_id=event_id,
        occurred_at=occurred_at,
        actor_type=actor.type,
        actor_id=actor.user_id,
        action=action,
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
        action=action,
        target_type=target_type,
        target_id=target_id,
        prev_hash=prev_hash,
        hash=digest,
    )
    audit_event.details_json = json.dumps(details, sort_keys=True)
    session.add(audit_event)
    await session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=digest))
    session.sync_session.info[_TIP_KEY] = (seq, digest)
    return audit_event


def make_checkpoint(size: int, head_hash: bytes) -> AuditCheckpoint:
    created_at = utcnow()
    signature = sign(
        current_keys().audit_signing_key, checkpoint_message(size, head_hash, created_at)
    )
    return AuditCheckpoint(
        id=new_id(), size=size, head_hash=head_hash, created_at=created_at, signature=signature
    )


@event.listens_for(Session, "before_commit")
def _checkpoint_before_commit(session: Session) -> None:
    # One signed checkpoint per transaction that appended events, covering its last event:
    # an attacker who rewrites the tail and re-hashes it cannot forge the signature.
    tip = session.info.pop(_TIP_KEY, None)
    if tip is not None:
        size, head_hash = tip
        session.add(make_checkpoint(size, head_hash))


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


__all__ = ["event_details", "make_checkpoint", "record_event"]
