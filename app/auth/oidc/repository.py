"""Queries on the links between accounts and provider subjects (found by keyed MACs of
issuer and subject, never stored readable)."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.identity import OidcIdentity


async def find_identity_by_subject(
    session: AsyncSession, subject_macs: list[bytes]
) -> OidcIdentity | None:
    return await session.scalar(
        select(OidcIdentity).where(OidcIdentity.subject_mac.in_(subject_macs))
    )


async def find_identity_id_at_issuer(
    session: AsyncSession, user_id: uuid.UUID, issuer_macs: list[bytes]
) -> uuid.UUID | None:
    """The id of the account's link to any subject at the issuer, if there is one."""
    return await session.scalar(
        select(OidcIdentity.id).where(
            OidcIdentity.user_id == user_id, OidcIdentity.issuer_mac.in_(issuer_macs)
        )
    )


async def list_linked_user_ids(session: AsyncSession, user_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    rows = await session.scalars(
        select(OidcIdentity.user_id).where(OidcIdentity.user_id.in_(user_ids)).distinct()
    )
    return set(rows.all())


async def delete_identities_of(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Delete the account's links; how many there were."""
    result = await session.execute(delete(OidcIdentity).where(OidcIdentity.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)
