"""Queries of appeals and everything drafted in them. No decisions here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Integer, Row, Select, String, Uuid, bindparam, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import holds_connection, read_outside_transaction
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
from app.models.memberships import Organization


async def get_appeal(
    session: AsyncSession, appeal_id: uuid.UUID, *, lock: bool = False
) -> Appeal | None:
    statement = select(Appeal).where(Appeal.id == appeal_id)
    if lock:
        # Writers of one appeal queue here on PostgreSQL (SQLite serializes writers anyway).
        statement = statement.with_for_update()
    return await session.scalar(statement.execution_options(populate_existing=lock))


async def list_appeals(
    session: AsyncSession,
    *,
    visible_to: tuple[Sequence[uuid.UUID], Sequence[uuid.UUID]] | None,
    state: str | None,
    cursor: uuid.UUID | None,
    limit: int,
) -> tuple[Sequence[Row[Any]], uuid.UUID | None]:
    """One page of appeals, newest first, as rows of the columns a list shows (id, title_ct,
    state, language, lead_organization_id, lead_organization_name_ct, head_number,
    created_at, updated_at) and the next cursor, if any. ``visible_to``: (organizations the
    person drafts in, organizations they represent): appeals one of the first writes, one
    of the second is invited to. ``None``: every appeal (coordinators). A named editor
    needs no branch of their own: an editor sees an appeal only while a member of an
    organization writing it, which the first branches list already.

    The visible ids are the union of one short branch per organization, each the newest
    ``limit + 1`` from its index: a page costs the same with a thousand appeals or a
    million (bench/bench_appeals.py).

    One statement, so it needs no transaction: unless ``session`` holds one already it runs
    without BEGIN and COMMIT, its connection back in the pool before the caller decrypts
    and serializes the page (app/db.py read_outside_transaction). The lead organization's
    name (ciphertext) comes in the same statement, by a join, rather than by a second
    query through the organizations service: one round trip and one checkout a page."""
    drafting, representing = visible_to if visible_to is not None else ((), ())
    if visible_to is not None and not drafting and not representing:
        return [], None  # in no organization: no appeal to see
    statement = _list_statement(
        None if visible_to is None else (len(drafting), len(representing)),
        state is not None,
        cursor is not None,
    )
    parameters: dict[str, Any] = {"fetch": limit + 1, "state": state, "cursor": cursor}
    parameters.update({f"drafting_{n}": org for n, org in enumerate(drafting)})
    parameters.update({f"representing_{n}": org for n, org in enumerate(representing)})
    if holds_connection(session):
        rows: Sequence[Row[Any]] = (await session.execute(statement, parameters)).all()
    else:
        rows = await read_outside_transaction(session, statement, parameters)
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1].id
    return rows, None


@cache
def _list_statement(
    branches: tuple[int, int] | None, by_state: bool, after_cursor: bool
) -> Select[Any]:
    """The statement of list_appeals for one shape of query (how many organizations of
    each kind, whether a state and a cursor are given), built once: Core, its values all
    bound by name (drafting_0, …, representing_0, …, state, cursor, fetch), so that neither
    building it nor ORM loading runs per request."""
    appeals, participants = Appeal.__table__, AppealParticipant.__table__
    organizations = Organization.__table__
    fetch = bindparam("fetch", type_=Integer)

    def newest_ids(prefix: str, n: int, status: str) -> Select[Any]:
        # The newest ``limit + 1`` appeal ids of one organization (in the state, past the
        # cursor, if given): an index range read backwards, whatever the size of the table.
        key = participants.c.appeal_id
        ids = select(key).where(
            participants.c.organization_id == bindparam(f"{prefix}_{n}", type_=Uuid),
            participants.c.status == status,
        )
        if after_cursor:
            ids = ids.where(key < bindparam("cursor", type_=Uuid))
        if by_state:
            ids = ids.join(appeals, appeals.c.id == key).where(
                appeals.c.state == bindparam("state", type_=String)
            )
        return select(ids.order_by(key.desc()).limit(fetch).subquery().c[0])

    statement = select(
        appeals.c.id,
        appeals.c.title_ct,
        appeals.c.state,
        appeals.c.language,
        appeals.c.lead_organization_id,
        organizations.c.name_ct.label("lead_organization_name_ct"),
        appeals.c.head_number,
        appeals.c.created_at,
        appeals.c.updated_at,
    ).select_from(
        appeals.outerjoin(organizations, organizations.c.id == appeals.c.lead_organization_id)
    )
    if branches is not None:
        drafting, representing = branches
        statement = statement.where(
            appeals.c.id.in_(
                union(
                    *(newest_ids("drafting", n, "accepted") for n in range(drafting)),
                    *(newest_ids("representing", n, "invited") for n in range(representing)),
                )
            )
        )
    if by_state:
        statement = statement.where(appeals.c.state == bindparam("state", type_=String))
    if after_cursor:
        statement = statement.where(appeals.c.id < bindparam("cursor", type_=Uuid))
    return statement.order_by(appeals.c.id.desc()).limit(fetch)


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
