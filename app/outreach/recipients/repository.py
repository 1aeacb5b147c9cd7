"""Queries of the recipients registry."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, exists, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.outreach import Dispatch, Recipient, RecipientGroup, RecipientGroupMember

# pg_advisory_xact_lock key of the registry (any constant bigint, unique in the app).
REGISTRY_LOCK = 0x4143_434F_5244_0001  # "ACCORD" + 1


async def lock_registry(session: AsyncSession) -> None:
    """Serialize changes that check the registry before writing (duplicate names cannot
    be a unique constraint: they are encrypted). PostgreSQL: a transaction-scoped advisory
    lock; SQLite: writers are serialized by BEGIN IMMEDIATE already."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REGISTRY_LOCK})


async def get_recipient(
    session: AsyncSession, recipient_id: uuid.UUID, *, lock: bool = False
) -> Recipient | None:
    statement = select(Recipient).where(Recipient.id == recipient_id)
    if lock:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def recipients_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID], *, share_lock: bool = False
) -> list[Recipient]:
    """The recipients of those ids that exist, by id. ``share_lock``: FOR SHARE
    (PostgreSQL), so that none is archived or deleted before the caller's writes commit."""
    found: list[Recipient] = []
    chunk = 500
    for start in range(0, len(ids), chunk):
        statement = (
            select(Recipient)
            .where(Recipient.id.in_(list(ids[start : start + chunk])))
            .order_by(Recipient.id)
        )
        if share_lock:
            statement = statement.with_for_update(read=True)
        found.extend(await session.scalars(statement))
    return found


async def all_recipients(
    session: AsyncSession,
    *,
    kind: str | None = None,
    country: str | None = None,
    archived: bool | None = None,
    group_id: uuid.UUID | None = None,
) -> Sequence[Recipient]:
    statement = select(Recipient)
    if kind is not None:
        statement = statement.where(Recipient.kind == kind)
    if country is not None:
        statement = statement.where(Recipient.country == country)
    if archived is True:
        statement = statement.where(Recipient.archived_at.is_not(None))
    elif archived is False:
        statement = statement.where(Recipient.archived_at.is_(None))
    if group_id is not None:
        statement = statement.join(
            RecipientGroupMember, RecipientGroupMember.recipient_id == Recipient.id
        ).where(RecipientGroupMember.group_id == group_id)
    return (await session.scalars(statement.order_by(Recipient.id))).all()


async def existing_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    chunk = 500
    for start in range(0, len(ids), chunk):
        part = list(ids[start : start + chunk])
        found |= set(
            (await session.scalars(select(Recipient.id).where(Recipient.id.in_(part)))).all()
        )
    return found


async def has_dispatches(session: AsyncSession, recipient_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(Dispatch.recipient_id == recipient_id))))


async def memberships(
    session: AsyncSession, recipient_ids: Sequence[uuid.UUID] | None = None
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(recipient_id, group_id) pairs, for the given recipients or all."""
    statement = select(RecipientGroupMember.recipient_id, RecipientGroupMember.group_id)
    if recipient_ids is not None:
        if not recipient_ids:
            return []
        statement = statement.where(RecipientGroupMember.recipient_id.in_(list(recipient_ids)))
    return [(r, g) for r, g in (await session.execute(statement)).all()]


async def get_group(
    session: AsyncSession, group_id: uuid.UUID, *, lock: bool = False
) -> RecipientGroup | None:
    statement = select(RecipientGroup).where(RecipientGroup.id == group_id)
    if lock:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def all_groups(session: AsyncSession) -> Sequence[RecipientGroup]:
    return (await session.scalars(select(RecipientGroup).order_by(RecipientGroup.id))).all()


async def member_counts(session: AsyncSession) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        select(RecipientGroupMember.group_id, func.count()).group_by(RecipientGroupMember.group_id)
    )
    return {group_id: count for group_id, count in rows.all()}


async def member_ids(session: AsyncSession, group_id: uuid.UUID) -> set[uuid.UUID]:
    return set(
        (
            await session.scalars(
                select(RecipientGroupMember.recipient_id).where(
                    RecipientGroupMember.group_id == group_id
                )
            )
        ).all()
    )


async def remove_members(
    session: AsyncSession, group_id: uuid.UUID, recipient_ids: Sequence[uuid.UUID]
) -> None:
    chunk = 500
    for start in range(0, len(recipient_ids), chunk):
        await session.execute(
            delete(RecipientGroupMember).where(
                RecipientGroupMember.group_id == group_id,
                RecipientGroupMember.recipient_id.in_(list(recipient_ids[start : start + chunk])),
            )
        )
