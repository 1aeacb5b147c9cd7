"""Custody of an appeal's sealed identities: custodians' public keys, and the appeal's
custody key split among them when it opens.

A custodian makes an X25519 key pair in their browser and registers the public half here;
the private half never reaches the server. When an appeal opens, :func:`create_custody`
makes the appeal's key pair in memory, splits the private key k-of-n (Shamir, in the
browser library's share format), seals each share to one custodian's public key (HPKE),
keeps only the public key and the sealed shares, and drops the private key. From then on
the server can seal identities to the appeal but not open them: that takes k custodians.

Python cannot wipe memory: the private key is dropped, not zeroed; a compromised process
could have read it at that moment (the README's threat model says so).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.crypto import CryptoError, generate_sealing_keypair, seal
from app.kit.crypto.shamir import split
from app.kit.upsert import insert_for
from app.models.base import new_id
from app.models.memberships import Membership
from app.models.signatories import AppealCustodian, CustodyKey
from app.models.users import User, UserStatus
from app.signatories.errors import CustodiansInvalid, CustodyKeyInvalid

SHARE_INFO = b"accord/custody-share/v1"
MAX_CUSTODIANS = 9
KEY_SIZE = 32


def share_aad(appeal_id: uuid.UUID, user_id: uuid.UUID) -> bytes:
    """Binds a sealed share to its appeal and custodian: a share copied to another row or
    appeal does not open."""
    return appeal_id.bytes + user_id.bytes


def check_public_key(public_key: bytes) -> bytes:
    """``public_key`` if it is a usable X25519 key (32 bytes, not a low-order point)."""
    if len(public_key) != KEY_SIZE:
        raise CustodyKeyInvalid("A custody public key is 32 bytes (X25519, raw).")
    try:
        seal(public_key, b"", info=b"accord/custody-key-check")
    except CryptoError:
        raise CustodyKeyInvalid() from None
    return public_key


async def register_key(
    session: AsyncSession, *, user_id: uuid.UUID, public_key: bytes, now: datetime
) -> CustodyKey:
    """Set (or replace) a person's custody public key. Appeals opened before keep the key
    their share was sealed to."""
    check_public_key(public_key)
    insert = insert_for(session)
    statement = insert(CustodyKey).values(
        id=new_id(), user_id=user_id, public_key=public_key, created_at=now
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id"],
            set_={"public_key": statement.excluded.public_key, "created_at": now},
        )
    )
    key = await key_of(session, user_id)
    if key is None:  # the upsert above wrote it in this transaction
        raise RuntimeError("custody key vanished within its own transaction")
    return key


async def key_of(session: AsyncSession, user_id: uuid.UUID) -> CustodyKey | None:
    return (
        await session.execute(
            select(CustodyKey)
            .where(CustodyKey.user_id == user_id)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()


@dataclass(frozen=True)
class CustodianChoice:
    user_id: uuid.UUID
    organization_id: uuid.UUID


async def _checked_keys(
    session: AsyncSession, choices: Sequence[CustodianChoice], threshold: int
) -> dict[uuid.UUID, bytes]:
    n = len(choices)
    if not 2 <= threshold <= n:
        raise CustodiansInvalid("The threshold k must be at least 2 and at most the custodians.")
    if n > MAX_CUSTODIANS:
        raise CustodiansInvalid(f"At most {MAX_CUSTODIANS} custodians.")
    users = [choice.user_id for choice in choices]
    if len(set(users)) != n:
        raise CustodiansInvalid("Each custodian can be named once.")
    if len({choice.organization_id for choice in choices}) < 2:
        raise CustodiansInvalid("Custodians must come from at least two organizations.")
    rows = await session.execute(
        select(Membership.user_id, Membership.organization_id, CustodyKey.public_key)
        .join(User, User.id == Membership.user_id)
        .join(CustodyKey, CustodyKey.user_id == Membership.user_id, isouter=True)
        .where(Membership.user_id.in_(users), User.status == UserStatus.ACTIVE)
    )
    keys: dict[uuid.UUID, bytes | None] = {}
    member_of: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for user_id, organization_id, public_key in rows:
        member_of.add((user_id, organization_id))
        keys[user_id] = public_key
    for choice in choices:
        if (choice.user_id, choice.organization_id) not in member_of:
            raise CustodiansInvalid(
                "Every custodian must be an active member of the organization named for them."
            )
        if keys.get(choice.user_id) is None:
            raise CustodiansInvalid(
                "Every custodian must first set up a custody key (Account → Custody key)."
            )
    return {user_id: key for user_id, key in keys.items() if key is not None}


async def create_custody(
    session: AsyncSession,
    *,
    appeal_id: uuid.UUID,
    choices: Sequence[CustodianChoice],
    threshold: int,
) -> bytes:
    """Make the appeal's custody key, give each custodian a sealed share, return the
    public key. Nothing that could open a sealed identity is stored."""
    keys = await _checked_keys(session, choices, threshold)
    private, public = generate_sealing_keypair()
    shares = split(private, len(choices), threshold)
    del private
    for choice, share in zip(choices, shares, strict=True):
        custodian_key = keys[choice.user_id]
        session.add(
            AppealCustodian(
                appeal_id=appeal_id,
                user_id=choice.user_id,
                organization_id=choice.organization_id,
                custody_public_key=custodian_key,
                share_sealed=seal(
                    custodian_key,
                    share,
                    info=SHARE_INFO,
                    aad=share_aad(appeal_id, choice.user_id),
                ),
            )
        )
    return public


async def custodians_of(session: AsyncSession, appeal_id: uuid.UUID) -> list[AppealCustodian]:
    return list(
        (
            await session.scalars(
                select(AppealCustodian)
                .where(AppealCustodian.appeal_id == appeal_id)
                .order_by(AppealCustodian.id)
            )
        ).all()
    )


async def custodian_candidates(session: AsyncSession) -> list[tuple[User, uuid.UUID]]:
    """Active members who set up a custody key, with each organization they belong to."""
    rows = await session.execute(
        select(User, Membership.organization_id)
        .join(Membership, Membership.user_id == User.id)
        .join(CustodyKey, CustodyKey.user_id == User.id)
        .where(User.status == UserStatus.ACTIVE)
        .order_by(User.id, Membership.organization_id)
    )
    return [(user, organization_id) for user, organization_id in rows]
