"""Queries of the tracker: the appeal's outreach settings, who was written to, and the
responses a coordinator published."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.outreach import AppealOutreach, Dispatch, Recipient, Response, ResponseStance


async def get_outreach(
    session: AsyncSession, appeal_id: uuid.UUID, *, lock: bool = False
) -> AppealOutreach | None:
    statement = select(AppealOutreach).where(AppealOutreach.appeal_id == appeal_id)
    if lock:
        statement = statement.with_for_update()
    return (await session.scalars(statement)).first()


@dataclass(frozen=True)
class Written:
    recipient: Recipient
    first_sent_on: date
    dispatches: int
    closed: int


async def written_to(session: AsyncSession, appeal_id: uuid.UUID) -> list[Written]:
    """Every recipient the appeal was dispatched to, with when it was first sent and how
    many of its dispatches are closed: one grouped query and one for the recipients."""
    grouped = (
        await session.execute(
            select(
                Dispatch.recipient_id,
                func.min(Dispatch.sent_on),
                func.count(),
                func.count(Dispatch.closed_at),
            )
            .where(Dispatch.appeal_id == appeal_id)
            .group_by(Dispatch.recipient_id)
        )
    ).all()
    if not grouped:
        return []
    recipients = {
        recipient.id: recipient
        for recipient in (
            await session.scalars(
                select(Recipient).where(Recipient.id.in_([row[0] for row in grouped]))
            )
        ).all()
    }
    return [
        Written(recipients[recipient_id], first, count, closed)
        for recipient_id, first, count, closed in grouped
        if recipient_id in recipients
    ]


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
