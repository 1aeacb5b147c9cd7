"""A user's own passkeys: list, rename, remove."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit import AuditAction, record_event
from app.auth.errors import SignInRequired
from app.auth.factors.service import confirmed_totp, remove_second_factor
from app.auth.passkeys.access import access_passkey
from app.auth.passkeys.repository import list_passkey_ids_for_update, list_passkeys
from app.auth.sessions.service import session_user
from app.models.identity import Passkey
from app.notifications.service import notify_user


async def list_passkeys_of(session: AsyncSession, *, actor: Actor) -> list[Passkey]:
    """The actor's own passkeys, oldest first (nobody else's, ever)."""
    if actor.user_id is None:
        raise SignInRequired()
    return await list_passkeys(session, user_id=actor.user_id)


async def rename_passkey(
    session: AsyncSession, *, actor: Actor, passkey_id: uuid.UUID, name: str
) -> Passkey:
    passkey = await access_passkey(session, actor, passkey_id)
    passkey.name = name
    await session.flush()
    await record_event(session, actor=actor, action=AuditAction.PASSKEY_RENAMED, target=passkey)
    return passkey


async def remove_passkey(
    session: AsyncSession, *, actor: Actor, passkey_id: uuid.UUID, now: datetime
) -> None:
    """Remove one of the actor's passkeys (the caller has a fresh step-up), unless it is
    the last second factor of an admin or coordinator (see remove_second_factor)."""
    passkey = await access_passkey(session, actor, passkey_id)
    # Locked, so two concurrent removals cannot each see the other passkey as spare.
    mine = await list_passkey_ids_for_update(session, passkey.user_id)
    totp = await confirmed_totp(session, passkey.user_id)
    last = totp is None and not [other for other in mine if other != passkey.id]
    await remove_second_factor(
        session, actor=actor, user_id=passkey.user_id, factor=passkey, last=last
    )
    await record_event(session, actor=actor, action=AuditAction.PASSKEY_REMOVED, target=passkey)
    user = await session_user(session, actor)
    await notify_user(
        session, user=user, kind="credential_changed", now=now, change="passkey_removed"
    )
