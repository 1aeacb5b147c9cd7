"""Queries of the tracker: the appeal's outreach settings, who was written to, and the
responses a coordinator published."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.appeals import Appeal, AppealRevision
from app.models.outreach import Dispatch, Recipient, Response, ResponseStance


@dataclass(frozen=True)
class Written:
    recipient: Recipient
    # (sent_on, closed) of each dispatch to the recipient.
    dispatches: list[tuple[date, bool]]

    @property
    def first_sent_on(self) -> date:
        return min(sent_on for sent_on, _ in self.dispatches)


async def written_to(session: AsyncSession, appeal_id: uuid.UUID) -> list[Written]:
    """Every recipient the appeal was dispatched to, with its dispatches' dates and whether
    each is closed: one query for the dispatches, one for the recipients."""
    rows = (
        await session.execute(
            select(Dispatch.recipient_id, Dispatch.sent_on, Dispatch.closed_at.is_not(None))
            .where(Dispatch.appeal_id == appeal_id)
            .order_by(Dispatch.sent_on)
        )
    ).all()
    if not rows:
        return []
    by_recipient: dict[uuid.UUID, list[tuple[date, bool]]] = {}
    for recipient_id, sent_on, closed in rows:
        by_recipient.setdefault(recipient_id, []).append((sent_on, bool(closed)))
    recipients = (
        await session.scalars(select(Recipient).where(Recipient.id.in_(list(by_recipient))))
    ).all()
    return [Written(recipient, by_recipient[recipient.id]) for recipient in recipients]


async def published_responses(
    session: AsyncSession, appeal_id: uuid.UUID
) -> Sequence[tuple[Response, uuid.UUID]]:
    """The appeal's published responses with their recipient, oldest first."""
    rows = await session.execute(
        select(Response, Dispatch.recipient_id)
        .join(Dispatch, Dispatch.id == Response.dispatch_id)
        .where(Dispatch.appeal_id == appeal_id, Response.published.is_(True))
        .order_by(Response.received_on, Response.id)
    )
    return [(response, recipient_id) for response, recipient_id in rows.all()]


async def stances_of(
    session: AsyncSession, response_ids: Sequence[uuid.UUID]
) -> list[ResponseStance]:
    if not response_ids:
        return []
    return list(
        (
            await session.scalars(
                select(ResponseStance).where(ResponseStance.response_id.in_(response_ids))
            )
        ).all()
    )


async def claim_announcement(session: AsyncSession, response_id: uuid.UUID, now: datetime) -> bool:
    """Mark the response as told to subscribers; False when it was already. One UPDATE
    guarded by its own condition, so two requests racing cannot both claim it (and the
    response's version, its ETag, does not change)."""
    result = await session.execute(
        update(Response)
        .where(Response.id == response_id, Response.subscribers_told_at.is_(None))
        .values(subscribers_told_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def vouched_revision(session: AsyncSession, sha256: str) -> AppealRevision | None:
    """A revision with this hash that left the drafting room: frozen for signatures now, or
    sent to someone (a letter prints it). Drafts are never found by their hash."""
    frozen = exists().where(Appeal.id == AppealRevision.appeal_id, Appeal.frozen_sha256 == sha256)
    sent = exists().where(
        Dispatch.appeal_id == AppealRevision.appeal_id, Dispatch.revision_sha256 == sha256
    )
    return await session.scalar(
        select(AppealRevision)
        .where(AppealRevision.sha256 == sha256, or_(frozen, sent))
        .order_by(AppealRevision.created_at)
        .limit(1)
    )
