"""Accepting an invitation: as a new account (name and password) or as the signed-in
existing account of the invited address."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import ANONYMOUS, Actor, SessionState
from app.audit import AuditAction, record_event
from app.auth.dependencies import require_signed_in, session_state
from app.auth.errors import WeakPassword
from app.auth.hashing import PasswordHashing
from app.auth.passwords import PasswordRejected, check_password_policy
from app.auth.service import create_account
from app.auth.sessions.service import (
    PRIVILEGE_CHANGED,
    IssuedSession,
    open_session,
    revoke_session,
    revoke_user_sessions,
)
from app.config import Settings
from app.invitations.errors import (
    AccountDetailsRequired,
    InvitationForOtherAccount,
    InvitationInvalid,
    InvitationSignInRequired,
    PasswordNotExpected,
)
from app.invitations.schemas import InvitationAccept
from app.kit.email import canonical_email_or_none
from app.memberships import service as memberships
from app.memberships.errors import AlreadyMember
from app.memberships.service import add_membership
from app.models.identity import AuthSession
from app.models.memberships import Invitation
from app.models.users import PlatformRoleGrant, User
from app.permissions import PlatformRole
from app.users import service as users


@dataclass(frozen=True)
class Accepted:
    issued: IssuedSession
    state: SessionState
    user: User


async def accept_invitation(
    session: AsyncSession,
    *,
    actor: Actor,
    current_session: AuthSession | None,
    invitation: Invitation,
    data: InvitationAccept,
    now: datetime,
    settings: Settings,
    hashing: PasswordHashing,
    user_agent: str | None,
) -> Accepted:
    """Join the organization, creating the account when the email has none, and sign in.

    ``invitation`` must be the live invitation, locked (``access_invitation_by_token(...,
    lock=True)``). A new account's session starts without a second factor, so an invited
    coordinator must enrol one before anything else. An existing account must be the one
    signed in; its sessions are rotated because its privileges grow.
    """
    existing = await users.find_user_by_email(session, invitation.email)
    if existing is None:
        return await _accept_as_new_account(
            session,
            actor=actor,
            current_session=current_session,
            invitation=invitation,
            data=data,
            now=now,
            settings=settings,
            hashing=hashing,
            user_agent=user_agent,
        )
    return await _accept_as_existing_account(
        session,
        actor=actor,
        current_session=current_session,
        invitation=invitation,
        user=existing,
        data=data,
        now=now,
        settings=settings,
        user_agent=user_agent,
    )


async def _accept_as_new_account(
    session: AsyncSession,
    *,
    actor: Actor,
    current_session: AuthSession | None,
    invitation: Invitation,
    data: InvitationAccept,
    now: datetime,
    settings: Settings,
    hashing: PasswordHashing,
    user_agent: str | None,
) -> Accepted:
    if canonical_email_or_none(invitation.email) is None:
        # Invited before addresses were validated as they are now: no account gets it.
        raise InvitationInvalid()
    if data.display_name is None or data.password is None:
        raise AccountDetailsRequired()
    try:
        check_password_policy(data.password, context=(invitation.email, data.display_name))
    except PasswordRejected as rejected:
        raise WeakPassword(extra={"reason": rejected.reason}) from None
    password_hash = await hashing.hash(data.password)
    roles = frozenset({PlatformRole(invitation.platform_role)} if invitation.platform_role else ())
    user = await create_account(
        session,
        actor=ANONYMOUS,
        hasher=hashing.hasher,
        email=invitation.email,
        display_name=data.display_name,
        password=None,  # hashed above, off the event loop
        platform_roles=roles,
    )
    user.password_hash = password_hash
    user.language = data.language or invitation.language
    newcomer = Actor(type="user", user_id=user.id)
    membership = await add_membership(
        session,
        actor=newcomer,
        user_id=user.id,
        organization_id=invitation.organization_id,
        role=invitation.role,
        now=now,
        via="invitation",
    )
    await _mark_accepted(session, newcomer, invitation, membership.id, now, new_account=True)
    if actor.is_authenticated and current_session is not None:
        # This browser switches to the new account: the session it held is ended, not
        # left alive behind a replaced cookie.
        await revoke_session(current_session, now=now, reason="signed_out")
    issued = await open_session(
        session,
        user_id=user.id,
        method="invitation",
        now=now,
        settings=settings.session,
        user_agent=user_agent,
    )
    await record_event(
        session,
        actor=newcomer,
        action=AuditAction.USER_SIGNED_IN,
        target=user,
        details={"method": "invitation", "session_id": str(issued.record.id)},
    )
    state = session_state(
        second_factor_proven=False, enrolled=False, roles=frozenset(str(r) for r in roles)
    )
    return Accepted(issued, state, user)


async def _accept_as_existing_account(
    session: AsyncSession,
    *,
    actor: Actor,
    current_session: AuthSession | None,
    invitation: Invitation,
    user: User,
    data: InvitationAccept,
    now: datetime,
    settings: Settings,
    user_agent: str | None,
) -> Accepted:
    if not actor.is_authenticated or current_session is None:
        raise InvitationSignInRequired()
    await require_signed_in(actor)  # a second factor still owed must be given first
    if actor.user_id != user.id:
        raise InvitationForOtherAccount()
    if data.password is not None:
        raise PasswordNotExpected()
    if await memberships.find_membership(
        session, user_id=user.id, organization_id=invitation.organization_id
    ):
        raise AlreadyMember()
    membership = await add_membership(
        session,
        actor=actor,
        user_id=user.id,
        organization_id=invitation.organization_id,
        role=invitation.role,
        now=now,
        via="invitation",
    )
    roles = set(actor.platform_roles)
    if invitation.platform_role and invitation.platform_role not in roles:
        session.add(
            PlatformRoleGrant(user_id=user.id, role=invitation.platform_role, created_at=now)
        )
        await session.flush()
        roles.add(invitation.platform_role)
        await record_event(
            session,
            actor=actor,
            action=AuditAction.PLATFORM_ROLE_GRANTED,
            target=user,
            details={"role": invitation.platform_role, "via": "invitation"},
        )
    await _mark_accepted(session, actor, invitation, membership.id, now, new_account=False)
    # Privileges grew: every session of the account ends, and this browser gets a new
    # token that keeps the old one's second-factor proof and absolute deadline.
    await revoke_user_sessions(session, user.id, now=now, reason=PRIVILEGE_CHANGED)
    issued = await open_session(
        session,
        user_id=user.id,
        method=current_session.method,
        now=now,
        settings=settings.session,
        user_agent=user_agent,
    )
    issued.record.second_factor_at = current_session.second_factor_at
    issued.record.expires_at = current_session.expires_at
    await session.flush()
    # The session was "full" (require_signed_in): without a proven factor that means the
    # user has none enrolled — exactly the case where a new privileged role demands one.
    state = session_state(
        second_factor_proven=current_session.second_factor_at is not None,
        enrolled=False,
        roles=frozenset(roles),
    )
    return Accepted(issued, state, user)


async def _mark_accepted(
    session: AsyncSession,
    actor: Actor,
    invitation: Invitation,
    membership_id: uuid.UUID,
    now: datetime,
    *,
    new_account: bool,
) -> None:
    invitation.accepted_at = now
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.INVITATION_ACCEPTED,
        target=invitation,
        details={"membership_id": str(membership_id), "new_account": new_account},
    )
