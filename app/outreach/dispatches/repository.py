"""Queries of dispatches, responses, stances and follow-ups. Explicit loads, no decisions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.appeals.text.blocks import Block, blocks_from_json
from app.kit.pagination import keyset_page
from app.models.appeals import Appeal, AppealRevision, AppealTranslation, TranslationRevision
from app.models.outreach import (
    Dispatch,
    FollowUp,
    Recipient,
    Response,
    ResponseStance,
)
from app.models.signatories import SigningWindow


async def get_dispatch(
    session: AsyncSession, dispatch_id: uuid.UUID, *, lock: bool = False
) -> Dispatch | None:
    statement = select(Dispatch).where(Dispatch.id == dispatch_id)
    if lock:
        statement = statement.with_for_update()
    return (await session.scalars(statement)).first()


async def get_response(session: AsyncSession, response_id: uuid.UUID) -> Response | None:
    return await session.get(Response, response_id)


async def get_follow_up(session: AsyncSession, follow_up_id: uuid.UUID) -> FollowUp | None:
    return await session.get(FollowUp, follow_up_id)


async def translation_blocks(
    session: AsyncSession, translation_revision_id: uuid.UUID
) -> list[Block]:
    revision = await session.get(TranslationRevision, translation_revision_id)
    return blocks_from_json(revision.blocks_json) if revision is not None else []


async def find_by_idempotency_keys(
    session: AsyncSession, created_by: uuid.UUID, keys: list[str]
) -> list[Dispatch]:
    return list(
        await session.scalars(
            select(Dispatch).where(
                Dispatch.created_by == created_by, Dispatch.idempotency_key.in_(keys)
            )
        )
    )


async def already_dispatched(
    session: AsyncSession, appeal_id: uuid.UUID, channel: str, recipient_ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    return set(
        await session.scalars(
            select(Dispatch.recipient_id).where(
                Dispatch.appeal_id == appeal_id,
                Dispatch.channel == channel,
                Dispatch.recipient_id.in_(recipient_ids),
            )
        )
    )


async def signing_opened_on(session: AsyncSession, appeal_id: uuid.UUID) -> datetime | None:
    """When the appeal's text was frozen: its signing window's creation."""
    return (
        await session.scalars(
            select(SigningWindow.created_at).where(SigningWindow.appeal_id == appeal_id)
        )
    ).first()


async def revision_by_hash(
    session: AsyncSession, appeal_id: uuid.UUID, sha256: str
) -> AppealRevision | None:
    return (
        await session.scalars(
            select(AppealRevision)
            .where(AppealRevision.appeal_id == appeal_id, AppealRevision.sha256 == sha256)
            .order_by(AppealRevision.number.desc())
            .limit(1)
        )
    ).first()


async def approved_translation(
    session: AsyncSession, appeal_id: uuid.UUID, language: str, source_sha256: str
) -> AppealTranslation | None:
    """A translation of exactly that source text, approved as it stands."""
    found = (
        await session.scalars(
            select(AppealTranslation).where(
                AppealTranslation.appeal_id == appeal_id,
                AppealTranslation.language == language,
                AppealTranslation.source_sha256 == source_sha256,
            )
        )
    ).first()
    if found is None or found.approved_sha256 is None:
        return None
    return found if found.approved_sha256 == found.head_sha256 else None


async def approved_translations(
    session: AsyncSession, appeal_id: uuid.UUID, source_sha256: str
) -> dict[str, AppealTranslation]:
    """Every translation of exactly that source text approved as it stands, by lower-case
    language tag."""
    found = await session.scalars(
        select(AppealTranslation).where(
            AppealTranslation.appeal_id == appeal_id,
            AppealTranslation.source_sha256 == source_sha256,
        )
    )
    return {
        t.language.lower(): t
        for t in found
        if t.approved_sha256 is not None and t.approved_sha256 == t.head_sha256
    }


def _with_recipient() -> Any:
    return select(Dispatch, Recipient).join(Recipient, Recipient.id == Dispatch.recipient_id)


async def list_appeal_dispatches(
    session: AsyncSession, appeal_id: uuid.UUID, *, cursor: uuid.UUID | None, limit: int
) -> tuple[list[Any], uuid.UUID | None]:
    return await keyset_page(
        session,
        _with_recipient().where(Dispatch.appeal_id == appeal_id),
        Dispatch.id,
        cursor=cursor,
        limit=limit,
    )


async def list_recipient_dispatches(
    session: AsyncSession, recipient_id: uuid.UUID, *, cursor: uuid.UUID | None, limit: int
) -> tuple[list[Any], uuid.UUID | None]:
    return await keyset_page(
        session,
        select(Dispatch, Recipient, Appeal)
        .join(Recipient, Recipient.id == Dispatch.recipient_id)
        .join(Appeal, Appeal.id == Dispatch.appeal_id)
        .where(Dispatch.recipient_id == recipient_id),
        Dispatch.id,
        cursor=cursor,
        limit=limit,
    )


async def dispatches_with_recipients(
    session: AsyncSession, dispatch_ids: Iterable[uuid.UUID]
) -> list[Any]:
    ids = list(dispatch_ids)
    if not ids:
        return []
    return list((await session.execute(_with_recipient().where(Dispatch.id.in_(ids)))).all())


async def responses_of(session: AsyncSession, dispatch_ids: list[uuid.UUID]) -> list[Response]:
    if not dispatch_ids:
        return []
    return list(
        await session.scalars(
            select(Response)
            .where(Response.dispatch_id.in_(dispatch_ids))
            .order_by(Response.received_on, Response.id)
        )
    )


async def stances_of(session: AsyncSession, response_ids: list[uuid.UUID]) -> list[ResponseStance]:
    if not response_ids:
        return []
    return list(
        await session.scalars(
            select(ResponseStance).where(ResponseStance.response_id.in_(response_ids))
        )
    )


async def follow_ups_of(session: AsyncSession, dispatch_ids: list[uuid.UUID]) -> list[FollowUp]:
    if not dispatch_ids:
        return []
    return list(
        await session.scalars(
            select(FollowUp)
            .where(FollowUp.dispatch_id.in_(dispatch_ids))
            .order_by(FollowUp.due_on, FollowUp.id)
        )
    )


# --- the overview: four queries whatever the number of recipients ------------------------


async def appeal_dispatches_with_recipients(
    session: AsyncSession, appeal_id: uuid.UUID
) -> list[Any]:
    return list(
        (
            await session.execute(
                _with_recipient().where(Dispatch.appeal_id == appeal_id).order_by(Dispatch.id)
            )
        ).all()
    )


async def appeal_responses(session: AsyncSession, appeal_id: uuid.UUID) -> list[Any]:
    """(dispatch id, response id, kind, received on) of every response on the appeal."""
    return list(
        (
            await session.execute(
                select(Response.dispatch_id, Response.id, Response.kind, Response.received_on)
                .join(Dispatch, Dispatch.id == Response.dispatch_id)
                .where(Dispatch.appeal_id == appeal_id)
            )
        ).all()
    )


async def appeal_addressed_asks(session: AsyncSession, appeal_id: uuid.UUID) -> list[Any]:
    """(response id, ask id) of every stance on the appeal other than "not_addressed"."""
    return list(
        (
            await session.execute(
                select(ResponseStance.response_id, ResponseStance.ask_id)
                .join(Response, Response.id == ResponseStance.response_id)
                .join(Dispatch, Dispatch.id == Response.dispatch_id)
                .where(Dispatch.appeal_id == appeal_id, ResponseStance.stance != "not_addressed")
            )
        ).all()
    )


async def appeal_follow_ups(session: AsyncSession, appeal_id: uuid.UUID) -> list[FollowUp]:
    return list(
        await session.scalars(
            select(FollowUp)
            .join(Dispatch, Dispatch.id == FollowUp.dispatch_id)
            .where(Dispatch.appeal_id == appeal_id)
            .order_by(FollowUp.due_on, FollowUp.id)
        )
    )


# --- follow-ups across appeals -----------------------------------------------------------


async def open_follow_ups_of(
    session: AsyncSession, assignee_id: uuid.UUID, *, due_by: date | None = None, limit: int = 500
) -> list[Any]:
    """(follow-up, dispatch, recipient, appeal) open and assigned to the person, soonest
    first; only those due by ``due_by`` when given."""
    statement = (
        select(FollowUp, Dispatch, Recipient, Appeal)
        .join(Dispatch, Dispatch.id == FollowUp.dispatch_id)
        .join(Recipient, Recipient.id == Dispatch.recipient_id)
        .join(Appeal, Appeal.id == Dispatch.appeal_id)
        .where(
            FollowUp.assignee_id == assignee_id,
            FollowUp.done_at.is_(None),
            Dispatch.closed_at.is_(None),
        )
        .order_by(FollowUp.due_on, FollowUp.id)
        .limit(limit)
    )
    if due_by is not None:
        statement = statement.where(FollowUp.due_on <= due_by)
    return list((await session.execute(statement)).all())


async def assignees_due(session: AsyncSession, today: date) -> list[uuid.UUID]:
    """People with an open follow-up due today or overdue."""
    return list(
        await session.scalars(
            select(FollowUp.assignee_id)
            .join(Dispatch, Dispatch.id == FollowUp.dispatch_id)
            .where(
                FollowUp.assignee_id.is_not(None),
                FollowUp.done_at.is_(None),
                Dispatch.closed_at.is_(None),
                FollowUp.due_on <= today,
            )
            .distinct()
        )
    )


async def complete_follow_ups(
    session: AsyncSession, dispatch_id: uuid.UUID, *, by: uuid.UUID | None, now: datetime
) -> int:
    """Marks a dispatch's open follow-ups done in one UPDATE, bumping each version as an
    edit would (an If-Match on the old version then fails). How many were open."""
    done = await session.execute(
        update(FollowUp)
        .where(FollowUp.dispatch_id == dispatch_id, FollowUp.done_at.is_(None))
        .values(done_at=now, done_by=by, updated_at=now, version=FollowUp.version + 1)
        .execution_options(synchronize_session="fetch")
    )
    return int(done.rowcount or 0)  # type: ignore[attr-defined]
