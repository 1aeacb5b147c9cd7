"""Queries of appeals and everything drafted in them. No decisions here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.pagination import keyset_page
from app.models.appeals import (
    Appeal,
    AppealApproval,
    AppealComment,
    AppealEditor,
    AppealParticipant,
    AppealRevision,
    AppealSuggestion,
    AppealTranslation,
    TranslationRevision,
)


async def get_appeal(
    session: AsyncSession, appeal_id: uuid.UUID, *, lock: bool = False
) -> Appeal | None:
    statement = select(Appeal).where(Appeal.id == appeal_id)
    if lock:
        # Writers of one appeal queue here on PostgreSQL (SQLite serializes writers anyway).
        statement = statement.with_for_update()
    return await session.scalar(statement.execution_options(populate_existing=lock))


def _newest_ids(
    statement: Select[Any], key: Any, cursor: uuid.UUID | None, limit: int, state: str | None
) -> Any:
    """The newest ``limit + 1`` appeal ids of one branch (in ``state``, if given), past the
    cursor, as a subquery: an index range read backwards, whatever the size of the table."""
    if cursor is not None:
        statement = statement.where(key < cursor)
    if state is not None:
        statement = statement.join(Appeal, Appeal.id == key).where(Appeal.state == state)
    return select(statement.order_by(key.desc()).limit(limit + 1).subquery().c[0])


async def list_appeals(
    session: AsyncSession,
    *,
    visible_to: tuple[Sequence[uuid.UUID], Sequence[uuid.UUID]] | None,
    state: str | None,
    cursor: uuid.UUID | None,
    limit: int,
) -> tuple[list[Appeal], uuid.UUID | None]:
    """Newest first. ``visible_to``: (organizations the person drafts in, organizations
    they represent): appeals one of the first writes, one of the second is invited to.
    ``None``: every appeal (coordinators). A named editor needs no branch of their own:
    an editor sees an appeal only while a member of an organization writing it, which
    the first branches list already.

    The visible ids are the union of one short branch per organization, each the newest
    ``limit + 1`` from its index: a page costs the same with a
    thousand appeals or a million (bench/bench_appeals.py)."""
    statement = select(Appeal)
    if visible_to is not None:
        drafting, representing = visible_to
        branches = [
            _newest_ids(
                select(AppealParticipant.appeal_id).where(
                    AppealParticipant.organization_id == organization_id,
                    AppealParticipant.status == status,
                ),
                AppealParticipant.appeal_id,
                cursor,
                limit,
                state,
            )
            for status, organizations in (("accepted", drafting), ("invited", representing))
            for organization_id in organizations
        ]
        if not branches:
            return [], None  # in no organization: no appeal to see
        statement = statement.where(Appeal.id.in_(union(*branches)))
    if state is not None:
        statement = statement.where(Appeal.state == state)
    rows, next_cursor = await keyset_page(session, statement, Appeal.id, cursor=cursor, limit=limit)
    return [row[0] for row in rows], next_cursor


async def list_participants(session: AsyncSession, appeal_id: uuid.UUID) -> list[AppealParticipant]:
    statement = (
        select(AppealParticipant)
        .where(AppealParticipant.appeal_id == appeal_id)
        .order_by(AppealParticipant.id)
    )
    return list((await session.scalars(statement)).all())


async def participants_of(
    session: AsyncSession, appeal_ids: Sequence[uuid.UUID]
) -> list[AppealParticipant]:
    if not appeal_ids:
        return []
    statement = select(AppealParticipant).where(AppealParticipant.appeal_id.in_(appeal_ids))
    return list((await session.scalars(statement)).all())


async def is_editor(session: AsyncSession, appeal_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    statement = select(AppealEditor.id).where(
        AppealEditor.appeal_id == appeal_id, AppealEditor.user_id == user_id
    )
    return (await session.scalar(statement)) is not None


async def list_editors(session: AsyncSession, appeal_id: uuid.UUID) -> list[AppealEditor]:
    statement = (
        select(AppealEditor).where(AppealEditor.appeal_id == appeal_id).order_by(AppealEditor.id)
    )
    return list((await session.scalars(statement)).all())


async def get_editor(
    session: AsyncSession, appeal_id: uuid.UUID, user_id: uuid.UUID
) -> AppealEditor | None:
    statement = select(AppealEditor).where(
        AppealEditor.appeal_id == appeal_id, AppealEditor.user_id == user_id
    )
    return await session.scalar(statement)


async def get_revision(session: AsyncSession, revision_id: uuid.UUID) -> AppealRevision | None:
    return await session.get(AppealRevision, revision_id)


async def get_revision_by_number(
    session: AsyncSession, appeal_id: uuid.UUID, number: int
) -> AppealRevision | None:
    statement = select(AppealRevision).where(
        AppealRevision.appeal_id == appeal_id, AppealRevision.number == number
    )
    return await session.scalar(statement)


async def list_revisions(
    session: AsyncSession, appeal_id: uuid.UUID, *, cursor: uuid.UUID | None, limit: int
) -> tuple[list[AppealRevision], uuid.UUID | None]:
    statement = select(AppealRevision).where(AppealRevision.appeal_id == appeal_id)
    rows, next_cursor = await keyset_page(
        session, statement, AppealRevision.id, cursor=cursor, limit=limit
    )
    return [row[0] for row in rows], next_cursor


async def all_revisions(session: AsyncSession, appeal_id: uuid.UUID) -> list[AppealRevision]:
    """Oldest first: for verifying the chain end to end."""
    statement = (
        select(AppealRevision)
        .where(AppealRevision.appeal_id == appeal_id)
        .order_by(AppealRevision.number)
    )
    return list((await session.scalars(statement)).all())


async def all_appeal_ids(session: AsyncSession) -> list[uuid.UUID]:
    return list((await session.scalars(select(Appeal.id).order_by(Appeal.id))).all())


async def approvals_for(
    session: AsyncSession, appeal_id: uuid.UUID, *, sha256: str | None = None
) -> list[AppealApproval]:
    statement = select(AppealApproval).where(AppealApproval.appeal_id == appeal_id)
    if sha256 is not None:
        statement = statement.where(AppealApproval.sha256 == sha256)
    return list((await session.scalars(statement.order_by(AppealApproval.id))).all())


async def list_comments(session: AsyncSession, appeal_id: uuid.UUID) -> list[AppealComment]:
    statement = (
        select(AppealComment).where(AppealComment.appeal_id == appeal_id).order_by(AppealComment.id)
    )
    return list((await session.scalars(statement)).all())


async def get_comment(
    session: AsyncSession, appeal_id: uuid.UUID, comment_id: uuid.UUID
) -> AppealComment | None:
    statement = select(AppealComment).where(
        AppealComment.appeal_id == appeal_id, AppealComment.id == comment_id
    )
    return await session.scalar(statement)


async def list_suggestions(session: AsyncSession, appeal_id: uuid.UUID) -> list[AppealSuggestion]:
    statement = (
        select(AppealSuggestion)
        .where(AppealSuggestion.appeal_id == appeal_id)
        .order_by(AppealSuggestion.id)
    )
    return list((await session.scalars(statement)).all())


async def get_suggestion(
    session: AsyncSession, appeal_id: uuid.UUID, suggestion_id: uuid.UUID, *, lock: bool = False
) -> AppealSuggestion | None:
    statement = select(AppealSuggestion).where(
        AppealSuggestion.appeal_id == appeal_id, AppealSuggestion.id == suggestion_id
    )
    if lock:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def list_translations(session: AsyncSession, appeal_id: uuid.UUID) -> list[AppealTranslation]:
    statement = (
        select(AppealTranslation)
        .where(AppealTranslation.appeal_id == appeal_id)
        .order_by(AppealTranslation.language)
    )
    return list((await session.scalars(statement)).all())


async def get_translation(
    session: AsyncSession, appeal_id: uuid.UUID, language: str, *, lock: bool = False
) -> AppealTranslation | None:
    statement = select(AppealTranslation).where(
        AppealTranslation.appeal_id == appeal_id, AppealTranslation.language == language
    )
    if lock:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def get_translation_revision(
    session: AsyncSession, revision_id: uuid.UUID
) -> TranslationRevision | None:
    return await session.get(TranslationRevision, revision_id)


async def list_translation_revisions(
    session: AsyncSession, translation_id: uuid.UUID
) -> list[TranslationRevision]:
    statement = (
        select(TranslationRevision)
        .where(TranslationRevision.translation_id == translation_id)
        .order_by(TranslationRevision.number)
    )
    return list((await session.scalars(statement)).all())


async def has_signing_window(session: AsyncSession, appeal_id: uuid.UUID) -> bool:
    from app.models.signatories import SigningWindow

    found = await session.scalar(
        select(SigningWindow.id).where(SigningWindow.appeal_id == appeal_id).limit(1)
    )
    return found is not None
