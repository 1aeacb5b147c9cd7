"""Account use cases. Services flush, never commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit import AuditAction, record_event
from app.auth import repository
from app.auth.errors import EmailAlreadyRegistered
from app.auth.passwords import hash_password
from app.auth.repository import find_user_by_email
from app.keys import current_keyring
from app.kit.crypto.blind_index import blind_index
from app.kit.email import canonical_email
from app.models.users import EMAIL_INDEX_DOMAIN, PlatformRole, PlatformRoleGrant, User


async def create_account(
    session: AsyncSession,
    *,
    actor: Actor,
    hasher: PasswordHasher,
    email: str,
    display_name: str,
    password: str | None,
    platform_roles: frozenset[PlatformRole] = frozenset(),
    password_change_required: bool = False,
) -> User:
    """Create an account for ``email`` (any spelling: it is stored canonical; an address
    that is not one raises EmailAddressInvalid, a ValueError)."""
    email = canonical_email(email)
    if await find_user_by_email(session, email) is not None:
        raise EmailAlreadyRegistered()
    user = User(password_change_required=password_change_required, status="active")
    user.email = email
    user.email_index = blind_index(current_keyring(), email, domain=EMAIL_INDEX_DOMAIN)
    user.display_name = display_name.strip()
    user.password_hash = hash_password(hasher, password) if password else None
    session.add(user)
    await session.flush()  # the grants reference the row
    for role in sorted(platform_roles):
        session.add(PlatformRoleGrant(user_id=user.id, role=str(role)))
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.USER_CREATED,
        target=user,
        details={"platform_roles": sorted(str(r) for r in platform_roles)},
    )
    return user


@dataclass(frozen=True)
class AccountSecurity:
    """What an admin sees of an account's sign-in: a second factor or not, last activity."""

    second_factor: bool
    last_active_at: datetime | None


async def account_security_of(
    session: AsyncSession, user_ids: list[uuid.UUID]
) -> dict[uuid.UUID, AccountSecurity]:
    with_factor = await repository.second_factor_users(session, user_ids)
    seen = await repository.last_seen_of_users(session, user_ids)
    return {
        user_id: AccountSecurity(
            second_factor=user_id in with_factor, last_active_at=seen.get(user_id)
        )
        for user_id in user_ids
    }
