"""Signature counts: counters kept in the transaction that changes a signature, never
``count(*)``, so reading them costs the same at a thousand signatures as at a million.

A bucket is ``<status>:<kind>:<tier>``. Each change adds +1 or −1 to one of
``COUNT_SLOTS`` rows of its bucket, chosen at random: concurrent signers then rarely wait
for the same row lock on PostgreSQL. A count is the sum over the slots.

Public figures never show a small number that could point at a person: a cell under
``SMALL_CELL`` reads "fewer than 10" (``None`` in the API).
"""

from __future__ import annotations

import secrets
import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.upsert import insert_for
from app.models.signatories import COUNT_SLOTS, TIERS, SignatureCount
from app.signatories.schemas import CountsRead

SMALL_CELL = 10


def bucket(status: str, kind: str, tier: str) -> str:
    return f"{status}:{kind}:{tier}"


async def add(
    session: AsyncSession, appeal_id: uuid.UUID, *, status: str, kind: str, tier: str, delta: int
) -> None:
    """Add ``delta`` to a bucket, in the caller's transaction."""
    insert = insert_for(session)
    statement = insert(SignatureCount).values(
        appeal_id=appeal_id,
        bucket=bucket(status, kind, tier),
        slot=secrets.randbelow(COUNT_SLOTS),
        count=delta,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["appeal_id", "bucket", "slot"],
        set_={"count": SignatureCount.count + statement.excluded.count},
    )
    await session.execute(statement)


async def move(
    session: AsyncSession,
    appeal_id: uuid.UUID,
    *,
    kind: str,
    tier: str,
    before: str | None,
    after: str | None,
) -> None:
    """A signature went from status ``before`` to ``after`` (``None``: did not exist / gone)."""
    if before == after:
        return
    if before is not None:
        await add(session, appeal_id, status=before, kind=kind, tier=tier, delta=-1)
    if after is not None:
        await add(session, appeal_id, status=after, kind=kind, tier=tier, delta=1)


@dataclass(frozen=True)
class Counts:
    """Counted signatures by tier and kind, and those in other states, exact."""

    by_bucket: dict[str, int]

    def get(self, status: str, kind: str | None = None, tier: str | None = None) -> int:
        total = 0
        for name, count in self.by_bucket.items():
            b_status, b_kind, b_tier = name.split(":")
            if b_status == status and kind in (None, b_kind) and tier in (None, b_tier):
                total += count
        return total

    @property
    def counted(self) -> int:
        return self.get("counted")


async def read(session: AsyncSession, appeal_id: uuid.UUID) -> Counts:
    rows = await session.execute(
        select(SignatureCount.bucket, func.sum(SignatureCount.count))
        .where(SignatureCount.appeal_id == appeal_id)
        .group_by(SignatureCount.bucket)
    )
    totals: dict[str, int] = defaultdict(int)
    for name, total in rows:
        totals[name] += int(total or 0)
    return Counts(dict(totals))


def public_figure(count: int) -> int | None:
    """``count`` as shown to people outside the appeal: None for a cell under SMALL_CELL
    (zero included: "none yet" would also say something about a small appeal)."""
    return count if count >= SMALL_CELL else None


def counts_read(found: Counts, *, exact: bool) -> CountsRead:
    """The counts as the API shows them: exact, or as the public sees them (small cells
    hidden)."""
    shown = (lambda n: n) if exact else public_figure
    return CountsRead(
        exact=exact,
        total=shown(found.counted),
        organizations=shown(found.get("counted", kind="organization")),
        people=shown(found.counted - found.get("counted", kind="organization")),
        by_tier={tier: shown(found.get("counted", tier=tier)) for tier in TIERS},  # type: ignore[misc]
        awaiting_reconsent=shown(found.get("awaiting_reconsent")),
        pending_second_officer=shown(found.get("pending_second_officer")),
        invalidated=shown(found.get("invalidated")),
    )
