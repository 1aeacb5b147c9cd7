"""Bulk invalidation: a coordinator's abuse control for an appeal's signatures.

A condition — signed within a time window, public signers from an email domain (matched
through a per-appeal keyed hash: the server reads no address), unconfirmed ones — selects
signatures; the coordinator previews how many, then applies it with a reason and the
number they saw. If the number changed meanwhile, nothing happens (409): what applies is
what was previewed. Invalidated signatures stay (status ``invalidated``, counted apart,
never printed) so the decision can be reviewed; their dedupe entries stay too, so the same
addresses cannot simply sign again. Unconfirmed ones, never counted, are deleted. The audit
event records the condition, the reason and the count.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.kit.crypto import Keyring
from app.models.signatories import Signature, SigningWindow
from app.signatories import counts
from app.signatories.errors import ConditionMissing, InvalidationChanged
from app.signatories.public import domain_value

# What may still be invalidated: anything not already ended.
INVALIDATABLE = ("unconfirmed", "pending_second_officer", "counted", "awaiting_reconsent")


@dataclass(frozen=True)
class Condition:
    signed_from: datetime | None = None
    signed_until: datetime | None = None
    email_domain: str | None = None
    unconfirmed_only: bool = False

    def described(self) -> dict[str, object]:
        return {
            "signed_from": self.signed_from.isoformat() if self.signed_from else None,
            "signed_until": self.signed_until.isoformat() if self.signed_until else None,
            "email_domain": self.email_domain,
            "unconfirmed_only": self.unconfirmed_only,
        }


def _where(window: SigningWindow, condition: Condition, keyring: Keyring) -> ColumnElement[bool]:
    if not (
        condition.signed_from
        or condition.signed_until
        or condition.email_domain
        or condition.unconfirmed_only
    ):
        raise ConditionMissing()
    clauses: list[ColumnElement[bool]] = [
        Signature.appeal_id == window.appeal_id,
        Signature.status.in_(INVALIDATABLE),
    ]
    if condition.signed_from is not None:
        clauses.append(Signature.created_at >= condition.signed_from)
    if condition.signed_until is not None:
        clauses.append(Signature.created_at < condition.signed_until)
    if condition.email_domain is not None:
        clauses.append(
            Signature.domain_index == domain_value(keyring, window, condition.email_domain)
        )
    if condition.unconfirmed_only:
        clauses.append(Signature.status == "unconfirmed")
    return and_(*clauses)


async def preview(
    session: AsyncSession, window: SigningWindow, condition: Condition, keyring: Keyring
) -> dict[str, int]:
    """How many signatures the condition selects, per status."""
    rows = await session.execute(
        select(Signature.status, func.count())
        .where(_where(window, condition, keyring))
        .group_by(Signature.status)
    )
    return {status: int(number) for status, number in rows}


async def apply(
    session: AsyncSession,
    *,
    actor: Actor,
    window: SigningWindow,
    condition: Condition,
    reason: str,
    expected: int,
    keyring: Keyring,
    now: datetime,
) -> int:
    """Invalidate what the condition selects, if it is still ``expected`` signatures."""
    selected = (
        await session.execute(
            select(Signature.id, Signature.status, Signature.kind, Signature.tier)
            .where(_where(window, condition, keyring))
            .with_for_update()
        )
    ).all()
    if len(selected) != expected:
        raise InvalidationChanged()
    # Unconfirmed ones never counted: they go, sealed emails and all.
    dropped = [row.id for row in selected if row.status == "unconfirmed"]
    for start in range(0, len(dropped), 1000):
        await session.execute(
            delete(Signature)
            .where(Signature.id.in_(dropped[start : start + 1000]))
            .execution_options(synchronize_session=False)
        )
    ids: list[uuid.UUID] = [row.id for row in selected if row.status != "unconfirmed"]
    for start in range(0, len(ids), 1000):
        await session.execute(
            update(Signature)
            .where(Signature.id.in_(ids[start : start + 1000]))
            .values(
                status="invalidated",
                code_mac=None,
                code_for=None,
                code_expires_at=None,
                signer_index=None,
                confirm_by=None,
            )
            .execution_options(synchronize_session=False)
        )
    moved = Counter((r.status, r.kind, r.tier) for r in selected if r.status != "unconfirmed")
    for (status, kind, tier), number in moved.items():
        await counts.add(
            session, window.appeal_id, status=status, kind=kind, tier=tier, delta=-number
        )
        await counts.add(
            session, window.appeal_id, status="invalidated", kind=kind, tier=tier, delta=number
        )
    await record_event(
        session,
        actor=actor,
        action=AuditAction.SIGNATURES_INVALIDATED,
        target=("appeal", window.appeal_id),
        details={
            "count": len(selected),
            "unconfirmed_deleted": len(dropped),
            "condition": condition.described(),
            "reason": reason,
        },
        now=now,
    )
    return len(selected)
