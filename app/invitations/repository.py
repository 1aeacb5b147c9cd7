"""Queries of invitations. No decisions here: callers decide what a row means."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.keys import current_keyring
from app.kit.crypto.tokens import token_mac_candidates
from app.kit.email import email_index_candidates
from app.kit.pagination import keyset_page
from app.models.memberships import (
    INVITATION_EMAIL_DOMAIN,
    Invitation,
)

# A MAC label, not a secret.
INVITATION_TOKEN_PURPOSE = "invitation"  # noqa: S105  # nosec B105


async def get_invitation(session: AsyncSession, invitation_id: uuid.UUID) -> Invitation | None:
    return await session.get(Invitation, invitation_id)


async def find_invitation_by_token(
    session: AsyncSession, token: str, *, lock: bool = False
) -> Invitation | None:
    if not token or len(token) > 128:
        return None
    candidates = token_mac_candidates(current_keyring(), token, purpose=INVITATION_TOKEN_PURPOSE)
    statement = select(Invitation).where(Invitation.token_mac.in_(candidates))
    if lock:
        # Two accepts of one link at once: the second waits, then sees it used.
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def find_open_invitation(
    session: AsyncSession, *, email: str, organization_id: uuid.UUID, now: datetime
) -> Invitation | None:
    candidates = email_index_candidates(current_keyring(), email, domain=INVITATION_EMAIL_DOMAIN)
    return await session.scalar(
        select(Invitation)
        .where(
            Invitation.email_index.in_(candidates),
            Invitation.organization_id == organization_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .limit(1)
    )


async def list_open_invitations_for(
    session: AsyncSession, *, email: str, now: datetime, limit: int = 50
) -> list[Invitation]:
    """Pending invitations to ``email`` (any spelling, any key version), newest first."""
    candidates = email_index_candidates(current_keyring(), email, domain=INVITATION_EMAIL_DOMAIN)
    rows = await session.scalars(
        select(Invitation)
        .where(
            Invitation.email_index.in_(candidates),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .order_by(Invitation.id.desc())
        .limit(limit)
    )
    return list(rows)


async def list_invitations(
    session: AsyncSession,
    *,
    status: str | None,
    organization_id: uuid.UUID | None,
    now: datetime,
    cursor: uuid.UUID | None,
    limit: int,
) -> tuple[list[Invitation], uuid.UUID | None]:
    statement = select(Invitation)
    if organization_id is not None:
        statement = statement.where(Invitation.organization_id == organization_id)
    open_ = (Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
    if status == "pending":
        statement = statement.where(*open_, Invitation.expires_at > now)
    elif status == "expired":
        statement = statement.where(*open_, Invitation.expires_at <= now)
    elif status == "accepted":
        statement = statement.where(Invitation.accepted_at.is_not(None))
    elif status == "revoked":
        statement = statement.where(
            Invitation.accepted_at.is_(None), Invitation.revoked_at.is_not(None)
        )
    rows, next_cursor = await keyset_page(
        session, statement, Invitation.id, cursor=cursor, limit=limit
    )
    return [row[0] for row in rows], next_cursor
