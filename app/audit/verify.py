"""Re-computing the chain and checking every signed checkpoint (``accord audit verify``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.chain import chain_hash, checkpoint_message, event_body
from app.kit.crypto import DecryptionError
from app.kit.crypto.signing import verify_signature
from app.models.audit import GENESIS_HASH, AuditCheckpoint, AuditEvent

BATCH = 1000


@dataclass
class Checkpoint:
    size: int
    head_hash: bytes
    created_at: Any
    signature: bytes
    source: str = "database"


@dataclass
class VerificationReport:
    events: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


async def verify_audit_log(
    session: AsyncSession,
    *,
    public_key: bytes,
    external_checkpoints: list[Checkpoint] | None = None,
) -> VerificationReport:
    """Walk every event in order; report each break in the chain and each bad checkpoint.

    Detects: a modified event (hash mismatch or undecryptable details), a deleted or
    inserted event (sequence gap or broken link), reordering (broken links), and truncation
    relative to any checkpoint (stored or supplied from outside the database).
    """
    report = VerificationReport()
    # A checkpoint of the empty log (size 0) signs the genesis hash.
    hashes_at: dict[int, bytes] = {0: GENESIS_HASH}
    checkpoints = [
        Checkpoint(c.size, bytes(c.head_hash), c.created_at, bytes(c.signature))
        for c in (await session.scalars(select(AuditCheckpoint))).all()
    ]
    checkpoints += external_checkpoints or []
    wanted_sizes = {c.size for c in checkpoints}

    expected_seq = 1
    prev = GENESIS_HASH
    last_seq = 0
    while True:
        batch = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.seq > last_seq)
                .order_by(AuditEvent.seq)
                .limit(BATCH)
            )
        ).all()
        if not batch:
            break
        for ev in batch:
            report.events += 1
            if ev.seq != expected_seq:
                report.problems.append(
                    f"sequence break: expected event {expected_seq}, found {ev.seq}"
                    " (events deleted, inserted or renumbered)"
                )
            if bytes(ev.prev_hash) != prev:
                report.problems.append(f"event {ev.seq}: link to the previous event is broken")
            try:
                details = json.loads(ev.details_json or "{}")
            except (DecryptionError, ValueError):
                report.problems.append(f"event {ev.seq}: details do not decrypt (altered or moved)")
                details = None
            if details is not None:
                body = event_body(
                    seq=ev.seq,
                    event_id=ev.id,
                    occurred_at=ev.occurred_at,
                    actor_type=ev.actor_type,
                    actor_id=ev.actor_id,
                    action=ev.action,
                    target_type=ev.target_type,
                    target_id=ev.target_id,
                    details=details,
                )
                if chain_hash(bytes(ev.prev_hash), body) != bytes(ev.hash):
                    report.problems.append(f"event {ev.seq}: content does not match its hash")
            if ev.seq in wanted_sizes:
                hashes_at[ev.seq] = bytes(ev.hash)
            prev = bytes(ev.hash)
            expected_seq = ev.seq + 1
            last_seq = ev.seq

    count = report.events
    for cp in checkpoints:
        report.checkpoints += 1
        label = f"checkpoint at {cp.size} ({cp.source})"
        if not verify_signature(
            public_key, checkpoint_message(cp.size, cp.head_hash, cp.created_at), cp.signature
        ):
            report.problems.append(f"{label}: signature is not valid")
            continue
        if cp.size > last_seq or cp.size > count:
            report.problems.append(
                f"{label}: the log has only {count} events — truncated after the checkpoint"
            )
        elif hashes_at.get(cp.size) != cp.head_hash:
            report.problems.append(f"{label}: the event it signed has been rewritten")
    return report


async def count_events(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)
