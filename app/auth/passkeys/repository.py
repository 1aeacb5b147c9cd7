"""Passkey queries. A credential id is found by its keyed MAC, never stored readable."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.keys import current_keyring
from app.kit.crypto.tokens import token_mac, token_mac_candidates
from app.models.identity import Passkey

# MAC label of the credential id, not a secret.
CREDENTIAL_ID_PURPOSE = "passkey-id"


def credential_id_of(passkey: Passkey) -> str:
    """The base64url credential id (decrypted)."""
    value: str = passkey.credential_id
    return value


def credential_id_mac(credential_id: str) -> bytes:
    """The lookup key stored with a new passkey (current key version)."""
    return token_mac(current_keyring(), credential_id, purpose=CREDENTIAL_ID_PURPOSE)


async def list_passkeys(session: AsyncSession, *, user_id: uuid.UUID) -> list[Passkey]:
    rows = await session.scalars(
        select(Passkey).where(Passkey.user_id == user_id).order_by(Passkey.created_at, Passkey.id)
    )
    return list(rows.all())


async def find_by_credential_id(
    session: AsyncSession, credential_id: str, *, lock: bool = False
) -> Passkey | None:
    # Every key version's MAC: rows written before a rotation still match.
    candidates = token_mac_candidates(
        current_keyring(), credential_id, purpose=CREDENTIAL_ID_PURPOSE
    )
    query = select(Passkey).where(Passkey.credential_id_mac.in_(candidates))
    return await session.scalar(query.with_for_update() if lock else query)


async def get_passkey(session: AsyncSession, passkey_id: uuid.UUID) -> Passkey | None:
    return await session.get(Passkey, passkey_id)


async def list_passkey_ids_for_update(
    session: AsyncSession, user_id: uuid.UUID
) -> Sequence[uuid.UUID]:
    """The ids of the user's passkeys, locked until the end of the transaction."""
    return (
        await session.scalars(
            select(Passkey.id).where(Passkey.user_id == user_id).with_for_update()
        )
    ).all()
