"""The dashboard's queries: a handful of column-only selects over every appeal's outreach
(never one query per appeal or per recipient). The four over every dispatch, response,
stance and follow-up run as Core statements on the session's connection: plain rows, without
the ORM's per-row loading (tens of thousands of rows at 200 appeals x 200 recipients)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Executable, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.appeals import Appeal, AppealRevision
from app.models.outreach import Dispatch, FollowUp, Recipient, Response, ResponseStance


async def _rows(session: AsyncSession, statement: Executable) -> list[Any]:
    return list((await (await session.connection()).execute(statement)).all())


async def dispatches(session: AsyncSession) -> list[Any]:
    """(id, appeal id, recipient id, sent on, closed) of every dispatch."""
    return await _rows(
        session,
        select(
            Dispatch.id,
            Dispatch.appeal_id,
            Dispatch.recipient_id,
            Dispatch.sent_on,
            Dispatch.closed_at.is_not(None),
        ),
    )


async def responses(session: AsyncSession) -> list[Any]:
    """(dispatch id, response id, kind, received on) of every response."""
    return await _rows(
        session, select(Response.dispatch_id, Response.id, Response.kind, Response.received_on)
    )


async def stances(session: AsyncSession) -> list[Any]:
    """(response id, ask id, stance) of every stance."""
    return await _rows(
        session, select(ResponseStance.response_id, ResponseStance.ask_id, ResponseStance.stance)
    )


async def open_follow_ups(session: AsyncSession) -> list[Any]:
    """(dispatch id, due on) of every follow-up not done yet."""
    return await _rows(
        session, select(FollowUp.dispatch_id, FollowUp.due_on).where(FollowUp.done_at.is_(None))
    )


async def appeals(session: AsyncSession, ids: list[Any]) -> list[Appeal]:
    if not ids:
        return []
    return list((await session.scalars(select(Appeal).where(Appeal.id.in_(ids)))).all())


async def frozen_revisions(session: AsyncSession, appeals: list[Appeal]) -> list[AppealRevision]:
    """The revision each appeal's letters were made from (its frozen hash)."""
    hashes = {(a.id, a.frozen_sha256) for a in appeals if a.frozen_sha256}
    if not hashes:
        return []
    rows = (
        await session.scalars(
            select(AppealRevision).where(
                AppealRevision.appeal_id.in_([appeal_id for appeal_id, _ in hashes]),
                AppealRevision.sha256.in_([sha for _, sha in hashes]),
            )
        )
    ).all()
    return [r for r in rows if (r.appeal_id, r.sha256) in hashes]


async def recipients(session: AsyncSession, ids: list[Any]) -> list[Recipient]:
    if not ids:
        return []
    return list((await session.scalars(select(Recipient).where(Recipient.id.in_(ids)))).all())
