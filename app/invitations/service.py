"""Invitations: create, resend, revoke, list, preview. Services flush, never commit.

The link's token is stored only as a MAC and travels only in the email."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit import AuditAction, record_event
from app.config import Settings
from app.invitations import repository as repo
from app.invitations.errors import InvitationClosed, InvitationInvalid, InvitationPending
from app.invitations.repository import INVITATION_TOKEN_PURPOSE
from app.invitations.rules import INVITATION_TTL, invitation_status
from app.invitations.schemas import (
    InvitationCreate,
    InvitationPage,
    InvitationPreview,
    InvitationRead,
    OwnInvitation,
    OwnInvitationList,
)
from app.keys import current_keyring
from app.kit.crypto.blind_index import blind_index
from app.kit.crypto.tokens import new_token, token_mac
from app.memberships import service as memberships
from app.memberships.errors import AlreadyMember
from app.models.memberships import INVITATION_EMAIL_DOMAIN, Invitation, Organization
from app.models.users import UserStatus
from app.notifications.service import enqueue_email
from app.organizations import service as organizations
from app.users import service as users
from app.users.errors import UserSuspended


def invitation_read(invitation: Invitation, now: datetime) -> InvitationRead:
    return InvitationRead(
        id=invitation.id,
        email=invitation.email,
        organization_id=invitation.organization_id,
        role=invitation.role,  # type: ignore[arg-type]
        platform_role=invitation.platform_role,  # type: ignore[arg-type]
        language=invitation.language,  # type: ignore[arg-type]
        status=invitation_status(invitation, now),  # type: ignore[arg-type]
        invited_by=invitation.invited_by,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
        accepted_at=invitation.accepted_at,
        revoked_at=invitation.revoked_at,
        sent_count=invitation.sent_count,
    )


def invitation_link(settings: Settings, token: str) -> str:
    return f"{settings.http.public_url.rstrip('/')}/invitation#{token}"


async def _issue_token_and_send(
    session: AsyncSession, invitation: Invitation, *, now: datetime, settings: Settings
) -> None:
    """A fresh token (the previous one, if any, stops working) and the email carrying it."""
    token = new_token()
    invitation.token_mac = token_mac(current_keyring(), token, purpose=INVITATION_TOKEN_PURPOSE)
    invitation.expires_at = now + INVITATION_TTL
    await session.flush()
    # Deliberately neither the organization nor the coalition is named in the email: mail
    # crosses providers an adversary may read. The page behind the link shows them.
    await enqueue_email(
        session,
        kind="invitation",
        to=invitation.email,
        language=invitation.language,
        now=now,
        link=invitation_link(settings, token),
        expires=invitation.expires_at.strftime("%Y-%m-%d %H:%M"),
    )


async def create_invitation(
    session: AsyncSession,
    *,
    actor: Actor,
    organization: Organization,
    data: InvitationCreate,
    now: datetime,
    settings: Settings,
) -> Invitation:
    email = data.email  # canonical (app.kit.email.EmailAddress)
    existing = await users.find_user_by_email(session, email)
    if existing is not None:
        if existing.status != UserStatus.ACTIVE:
            raise UserSuspended()
        if await memberships.find_membership(
            session, user_id=existing.id, organization_id=organization.id
        ):
            raise AlreadyMember()
    if await repo.find_open_invitation(
        session, email=email, organization_id=organization.id, now=now
    ):
        raise InvitationPending()
    invitation = Invitation(
        organization_id=organization.id,
        role=data.role,
        platform_role=data.platform_role,
        language=data.language,
        invited_by=actor.user_id,
        created_at=now,
        sent_count=1,
    )
    invitation.email = email
    invitation.email_index = blind_index(current_keyring(), email, domain=INVITATION_EMAIL_DOMAIN)
    session.add(invitation)
    await _issue_token_and_send(session, invitation, now=now, settings=settings)
    await record_event(
        session,
        actor=actor,
        action=AuditAction.INVITATION_CREATED,
        target=invitation,
        details={
            "organization_id": str(organization.id),
            "role": data.role,
            "platform_role": data.platform_role,
            "existing_account": existing is not None,
        },
    )
    return invitation


async def resend_invitation(
    session: AsyncSession,
    *,
    actor: Actor,
    invitation: Invitation,
    now: datetime,
    settings: Settings,
) -> Invitation:
    """A new token and a new week; the old link dies. Expired invitations may be revived."""
    if invitation_status(invitation, now) in ("accepted", "revoked"):
        raise InvitationClosed()
    invitation.sent_count += 1
    await _issue_token_and_send(session, invitation, now=now, settings=settings)
    await record_event(
        session,
        actor=actor,
        action=AuditAction.INVITATION_RESENT,
        target=invitation,
        details={"sent_count": invitation.sent_count},
    )
    return invitation


async def revoke_invitation(
    session: AsyncSession, *, actor: Actor, invitation: Invitation, now: datetime
) -> Invitation:
    if invitation_status(invitation, now) in ("accepted", "revoked"):
        raise InvitationClosed()
    invitation.revoked_at = now
    await session.flush()
    await record_event(
        session, actor=actor, action=AuditAction.INVITATION_REVOKED, target=invitation
    )
    return invitation


async def list_invitations(
    session: AsyncSession,
    *,
    status: str | None,
    organization_id: uuid.UUID | None,
    now: datetime,
    cursor: uuid.UUID | None,
    limit: int,
) -> InvitationPage:
    rows, next_cursor = await repo.list_invitations(
        session,
        status=status,
        organization_id=organization_id,
        now=now,
        cursor=cursor,
        limit=limit,
    )
    return InvitationPage(
        items=[invitation_read(row, now) for row in rows], next_cursor=next_cursor
    )


async def preview_invitation(session: AsyncSession, invitation: Invitation) -> InvitationPreview:
    organization = await organizations.get_organization(session, invitation.organization_id)
    if organization is None:  # pragma: no cover - the foreign key cascades deletes
        raise InvitationInvalid()
    return InvitationPreview(
        organization_name=organization.name,
        role=invitation.role,  # type: ignore[arg-type]
        platform_role=invitation.platform_role,  # type: ignore[arg-type]
        email=invitation.email,
        expires_at=invitation.expires_at,
        account_exists=await users.find_user_by_email(session, invitation.email) is not None,
    )


async def own_invitations(
    session: AsyncSession, *, actor: Actor, now: datetime
) -> OwnInvitationList:
    """Pending invitations to the signed-in person's address, for their home page."""
    user = await users.get_user(session, actor.user_id) if actor.user_id else None
    if user is None:
        return OwnInvitationList(items=[])
    items = []
    for invitation in await repo.list_open_invitations_for(session, email=user.email, now=now):
        organization = await organizations.get_organization(session, invitation.organization_id)
        if organization is None:  # pragma: no cover - the foreign key cascades deletes
            continue
        items.append(
            OwnInvitation(
                id=invitation.id,
                organization_name=organization.name,
                role=invitation.role,  # type: ignore[arg-type]
                platform_role=invitation.platform_role,  # type: ignore[arg-type]
                expires_at=invitation.expires_at,
            )
        )
    return OwnInvitationList(items=items)
