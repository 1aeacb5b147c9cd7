"""Re-computing the chain and checking every signed checkpoint (``accord audit verify``).

Verification reads what an attacker may have written with raw SQL, so nothing stored is
trusted to have the type its column declares: SQLite keeps whatever a statement gives it
(TEXT, even invalid UTF-8, in a BLOB column). A row that cannot be read or checked is one
problem for that row, and the walk goes on with the rest of the chain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import LargeBinary, cast, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value

from app.audit.chain import chain_hash, checkpoint_message, event_body
from app.kit.crypto import DecryptionError
from app.kit.crypto.signing import verify_signature
from app.models.audit import GENESIS_HASH, AuditCheckpoint, AuditEvent

BATCH = 1000

# What reading a tampered row can raise: the driver cannot decode it (SQLite TEXT that is
# not UTF-8), or a column's type cannot convert it (a UUID, a timestamp, bytes from TEXT).
_UNREADABLE = (DBAPIError, TypeError, ValueError)


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
    # Events after the newest valid checkpoint: covered by the hash chain only (an edit
    # shows, a cut tail does not until a later checkpoint or one kept elsewhere).
    unsigned_tail: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Unreadable:
    """An event row the database cannot hand over; ``seq`` is None when even its
    sequence number cannot be read."""

    seq: Any
    error: str


async def verify_audit_log(
    session: AsyncSession,
    *,
    public_key: bytes,
    external_checkpoints: list[Checkpoint] | None = None,
) -> VerificationReport:
    """Walk every event in order; report each break in the chain and each bad checkpoint.

    Detects: a modified event (hash mismatch, undecryptable or unreadable details or
    columns), a deleted or inserted event (sequence gap or broken link), reordering (broken
    links), and truncation relative to any checkpoint (stored or supplied from outside the
    database).
    """
    report = VerificationReport()
    # Reads no stored value, so it fails only when the database cannot be used at all: that
    # is not damage to the log, and goes to the caller.
    await count_events(session)
    checkpoints = await _stored_checkpoints(session, report)
    checkpoints += external_checkpoints or []
    wanted_sizes = {c.size for c in checkpoints}
    # A checkpoint of the empty log (size 0) signs the genesis hash.
    hashes_at: dict[int, bytes] = {0: GENESIS_HASH}

    expected_seq = 1
    # None: the previous event could not be read, so the next link cannot be checked.
    prev: bytes | None = GENESIS_HASH
    last_seq: Any = 0
    while batch := await _events_after(session, last_seq):
        for item in batch:
            report.events += 1
            if isinstance(item, _Unreadable):
                report.problems.append(
                    f"event {item.seq}: its stored values cannot be read ({item.error}; altered)"
                )
                if item.seq is None:
                    report.problems.append(
                        f"verification stopped after event {last_seq}: the sequence number"
                        " of the next event cannot be read"
                    )
                    return _check_checkpoints(report, public_key, checkpoints, hashes_at)
                prev, expected_seq, last_seq = None, expected_seq + 1, item.seq
                continue
            try:
                report.problems += _check_event(item, expected_seq=expected_seq, prev=prev)
            except Exception as exc:  # whatever was stored: report it and go on
                report.problems.append(
                    f"event {item.seq}: cannot be checked ({type(exc).__name__}; altered)"
                )
            stored_hash = item.hash if isinstance(item.hash, bytes) else None
            if isinstance(item.seq, int):
                if item.seq in wanted_sizes and stored_hash is not None:
                    hashes_at[item.seq] = stored_hash
                expected_seq = item.seq + 1
            else:
                # SQLite keeps a non-number given as seq and still orders and compares
                # it, so the walk can go on past it.
                expected_seq += 1
            prev, last_seq = stored_hash, item.seq

    return _check_checkpoints(report, public_key, checkpoints, hashes_at)


async def _stored_checkpoints(
    session: AsyncSession, report: VerificationReport
) -> list[Checkpoint]:
    try:
        rows = (
            await session.execute(
                select(
                    AuditCheckpoint.size,
                    cast(AuditCheckpoint.head_hash, LargeBinary),
                    AuditCheckpoint.created_at,
                    cast(AuditCheckpoint.signature, LargeBinary),
                )
            )
        ).all()
    except _UNREADABLE as exc:
        await session.rollback()  # read-only; PostgreSQL needs it after an error
        report.problems.append(f"stored checkpoints cannot be read ({type(exc).__name__}; altered)")
        return []
    return [
        Checkpoint(size, head, created_at, signature) for size, head, created_at, signature in rows
    ]


def _events_query(after: Any, limit: int) -> Any:
    # details_ct is read as raw bytes whatever is stored in it (CAST AS BLOB / BYTEA).
    return (
        select(AuditEvent, cast(AuditEvent.details_ct, LargeBinary))
        .options(defer(AuditEvent.details_ct, raiseload=True))
        .where(AuditEvent.seq > after)
        .order_by(AuditEvent.seq)
        .limit(limit)
    )


async def _select_events(session: AsyncSession, after: Any, limit: int) -> list[AuditEvent]:
    events = []
    for event, details_ct in (await session.execute(_events_query(after, limit))).all():
        set_committed_value(event, "details_ct", details_ct)
        # Detached with everything loaded: a rollback after a bad row cannot expire it, and
        # the session does not keep the whole log in memory.
        session.expunge(event)
        events.append(event)
    return events


async def _events_after(session: AsyncSession, after: Any) -> list[AuditEvent | _Unreadable]:
    """The next events in order. A row the database cannot hand over spoils its whole
    batch: then they are read one by one, and the bad one comes back as _Unreadable."""
    try:
        return list(await _select_events(session, after, BATCH))
    except _UNREADABLE:
        await session.rollback()
    events: list[AuditEvent | _Unreadable] = []
    for _ in range(BATCH):
        try:
            one = await _select_events(session, after, 1)
        except _UNREADABLE as exc:
            await session.rollback()
            events.append(_Unreadable(await _next_seq(session, after), type(exc).__name__))
            break
        if not one:
            break
        events.append(one[0])
        after = one[0].seq
    return events


async def _next_seq(session: AsyncSession, after: Any) -> Any:
    try:
        return await session.scalar(select(func.min(AuditEvent.seq)).where(AuditEvent.seq > after))
    except _UNREADABLE:
        await session.rollback()
        return None


def _check_event(ev: AuditEvent, *, expected_seq: int, prev: bytes | None) -> list[str]:
    problems: list[str] = []
    if ev.seq != expected_seq:
        problems.append(
            f"sequence break: expected event {expected_seq}, found {ev.seq}"
            " (events deleted, inserted or renumbered)"
        )
    if prev is not None and bytes(ev.prev_hash) != prev:
        problems.append(f"event {ev.seq}: link to the previous event is broken")
    try:
        details = json.loads(ev.details_json or "{}")
    except (DecryptionError, ValueError):
        problems.append(f"event {ev.seq}: details do not decrypt (altered or moved)")
        return problems
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
        problems.append(f"event {ev.seq}: content does not match its hash")
    return problems


def _check_checkpoints(
    report: VerificationReport,
    public_key: bytes,
    checkpoints: list[Checkpoint],
    hashes_at: dict[int, bytes],
) -> VerificationReport:
    count = report.events
    covered = 0
    for cp in checkpoints:
        report.checkpoints += 1
        label = f"checkpoint at {cp.size} ({cp.source})"
        try:
            signed = verify_signature(
                public_key,
                checkpoint_message(cp.size, cp.head_hash, cp.created_at),
                cp.signature,
            )
        except Exception as exc:  # a stored checkpoint is attacker-writable too
            report.problems.append(f"{label}: cannot be checked ({type(exc).__name__}; altered)")
            continue
        if not signed:
            report.problems.append(f"{label}: signature is not valid")
            continue
        if cp.size > count:
            report.problems.append(
                f"{label}: the log has only {count} events — truncated after the checkpoint"
            )
        elif hashes_at.get(cp.size) != cp.head_hash:
            report.problems.append(f"{label}: the event it signed has been rewritten")
        else:
            covered = max(covered, cp.size)
    report.unsigned_tail = max(count - covered, 0)
    return report


async def count_events(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)
