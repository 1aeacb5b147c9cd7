"""The only way to load a passkey on someone's behalf."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.auth.passkeys.errors import PasskeyNotFound
from app.auth.passkeys.repository import get_passkey
from app.models.identity import Passkey


async def access_passkey(session: AsyncSession, actor: Actor, passkey_id: uuid.UUID) -> Passkey:
    """The actor's own passkey; anyone else's is 404, exactly like a missing one."""
    passkey = await get_passkey(session, passkey_id)
    if passkey is None or actor.user_id is None or passkey.user_id != actor.user_id:
        raise PasskeyNotFound()
    return passkey
