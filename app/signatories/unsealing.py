"""Unsealing: k custodians together let one of them read the withheld identities, without
the server ever holding the appeal's private key or a share of it in the clear.

1. A custodian asks, with a reason (audited), and an ephemeral X25519 public key made in
   their browser for this request.
2. Each approving custodian's browser opens their own sealed share with their custody key
   and seals it again to the request's ephemeral key (HPKE). The server stores only that.
3. With k approvals the requester's browser fetches the bundle: the re-sealed shares and
   every sealed identity. It combines the shares, checks that they give the appeal's public
   key, opens the identities and shows them or saves a CSV locally.

The server sees ciphertexts only: a share sealed to the requester, identities sealed to the
appeal. Every step is in the audit log (who asked, why, who approved, when it was opened).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.dependencies import signed_in_user_id
from app.auth.errors import PermissionDenied
from app.models.appeals import Appeal
from app.models.signatories import (
    AppealCustodian,
    Signature,
    SigningWindow,
    UnsealApproval,
    UnsealRequest,
)
from app.signatories.custody import check_public_key
from app.signatories.errors import (
    UnsealAlreadyApproved,
    UnsealNotReady,
    UnsealRequestNotFound,
    UnsealShareInvalid,
)

# What a share re-sealed to a requester is bound to: its request and its custodian.
UNSEAL_SHARE_INFO = b"accord/unseal-share/v1"
# format byte + enc + (33-byte share + 16-byte tag): anything else is not a share.
SEALED_SHARE_SIZE = 1 + 32 + 33 + 16


def unseal_share_aad(request_id: uuid.UUID, custodian_id: uuid.UUID) -> bytes:
    return request_id.bytes + custodian_id.bytes


async def custodian_of(
    session: AsyncSession, appeal_id: uuid.UUID, user_id: uuid.UUID
) -> AppealCustodian | None:
    return (
        await session.scalars(
            select(AppealCustodian).where(
                AppealCustodian.appeal_id == appeal_id, AppealCustodian.user_id == user_id
            )
        )
    ).first()


async def require_custodian(session: AsyncSession, appeal: Appeal, actor: Actor) -> AppealCustodian:
    """Only the appeal's custodians take part in unsealing (403 for everyone else who
    sees the appeal: a coordinator runs signing but holds no share)."""
    custodian = await custodian_of(session, appeal.id, signed_in_user_id(actor))
    if custodian is None:
        raise PermissionDenied("Only this appeal's custodians take part in unsealing.")
    return custodian


async def create_request(
    session: AsyncSession,
    *,
    actor: Actor,
    appeal: Appeal,
    reason: str,
    requester_public_key: bytes,
    now: datetime,
) -> UnsealRequest:
    await require_custodian(session, appeal, actor)
    check_public_key(requester_public_key)
    request = UnsealRequest(
        appeal_id=appeal.id,
        requested_by=signed_in_user_id(actor),
        requester_public_key=requester_public_key,
        created_at=now,
    )
    request.reason = reason
    session.add(request)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.UNSEAL_REQUESTED,
        target=appeal,
        details={"request_id": str(request.id), "reason": reason},
    )
    return request


async def get_request(
    session: AsyncSession, appeal: Appeal, request_id: uuid.UUID
) -> UnsealRequest:
    request = await session.get(UnsealRequest, request_id)
    if request is None or request.appeal_id != appeal.id:
        raise UnsealRequestNotFound()
    return request


async def approve(
    session: AsyncSession,
    *,
    actor: Actor,
    appeal: Appeal,
    request_id: uuid.UUID,
    sealed_share: bytes,
    now: datetime,
) -> UnsealApproval:
    """A custodian's share, sealed by their browser to the requester's key."""
    custodian = await require_custodian(session, appeal, actor)
    request = await get_request(session, appeal, request_id)
    if len(sealed_share) != SEALED_SHARE_SIZE or sealed_share[0] != 0x01:
        raise UnsealShareInvalid()
    approval = UnsealApproval(
        request_id=request.id,
        custodian_id=custodian.user_id,
        sealed_share=sealed_share,
        created_at=now,
    )
    session.add(approval)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise UnsealAlreadyApproved() from None
    await record_event(
        session,
        actor=actor,
        action=AuditAction.UNSEAL_APPROVED,
        target=appeal,
        details={"request_id": str(request.id)},
    )
    return approval


async def approvals_of(session: AsyncSession, request_ids: list[uuid.UUID]) -> list[UnsealApproval]:
    if not request_ids:
        return []
    return list(
        (
            await session.scalars(
                select(UnsealApproval)
                .where(UnsealApproval.request_id.in_(request_ids))
                .order_by(UnsealApproval.id)
            )
        ).all()
    )


async def list_requests(session: AsyncSession, appeal: Appeal) -> list[UnsealRequest]:
    return list(
        (
            await session.scalars(
                select(UnsealRequest)
                .where(UnsealRequest.appeal_id == appeal.id)
                .order_by(UnsealRequest.id.desc())
                .limit(50)
            )
        ).all()
    )


@dataclass(frozen=True)
class Bundle:
    custody_public_key: bytes
    approvals: list[UnsealApproval]
    identities: list[Signature]


async def bundle(
    session: AsyncSession, *, actor: Actor, appeal: Appeal, request_id: uuid.UUID, now: datetime
) -> Bundle:
    """For the requester, once k custodians approved: the shares sealed to their request key
    and every sealed identity of the appeal (audited each time it is fetched)."""
    request = await get_request(session, appeal, request_id)
    if request.requested_by != signed_in_user_id(actor):
        raise PermissionDenied("Only the custodian who asked opens the result.")
    window = (
        await session.scalars(select(SigningWindow).where(SigningWindow.appeal_id == appeal.id))
    ).one()
    approvals = await approvals_of(session, [request.id])
    if len(approvals) < window.custody_threshold:
        raise UnsealNotReady()
    identities = list(
        (
            await session.scalars(
                select(Signature)
                .where(Signature.appeal_id == appeal.id, Signature.sealed_identity.is_not(None))
                .order_by(Signature.id)
            )
        ).all()
    )
    await record_event(
        session,
        actor=actor,
        action=AuditAction.UNSEAL_OPENED,
        target=appeal,
        details={"request_id": str(request.id), "identities": len(identities)},
        now=now,
    )
    return Bundle(window.custody_public_key, approvals, identities)


async def sealed_count(session: AsyncSession, appeal_id: uuid.UUID) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Signature)
            .where(Signature.appeal_id == appeal_id, Signature.sealed_identity.is_not(None))
        )
        or 0
    )


@dataclass(frozen=True)
class OpenedIdentity:
    signature_id: uuid.UUID
    kind: str
    tier: str
    status: str
    identity: dict[str, object]


async def open_offline(
    session: AsyncSession, *, appeal_id: uuid.UUID, custodian_keys: list[bytes]
) -> list[OpenedIdentity]:
    """``accord custody open``: custodians bring their key files to one offline machine (with
    the database or a copy of it); k of them open the identities there. The same checks as
    in the browser: each key must open its own share, and the shares must give the appeal's
    public key. Raises CustodyRefused with what is wrong (never a key or a share)."""
    import json

    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from app.kit.crypto import combine, open_sealed
    from app.signatories.custody import SHARE_INFO, share_aad
    from app.signatories.service import IDENTITY_INFO, identity_aad

    window = (
        await session.scalars(select(SigningWindow).where(SigningWindow.appeal_id == appeal_id))
    ).first()
    if window is None:
        raise CustodyRefused("that appeal was never opened for signatures")
    custodians = {
        c.custody_public_key: c
        for c in (
            await session.scalars(
                select(AppealCustodian).where(AppealCustodian.appeal_id == appeal_id)
            )
        ).all()
    }
    shares = []
    for private in custodian_keys:
        public = X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()
        custodian = custodians.get(public)
        if custodian is None:
            raise CustodyRefused("a key file is not the key of any custodian of this appeal")
        shares.append(
            open_sealed(
                private,
                custodian.share_sealed,
                info=SHARE_INFO,
                aad=share_aad(appeal_id, custodian.user_id),
            )
        )
    if len(shares) < window.custody_threshold:
        raise CustodyRefused(
            f"{window.custody_threshold} custodians' key files are needed, {len(shares)} given"
        )
    appeal_private = combine(shares)
    derived = X25519PrivateKey.from_private_bytes(appeal_private).public_key().public_bytes_raw()
    if derived != window.custody_public_key:
        raise CustodyRefused("the shares do not give this appeal's custody key")
    opened = []
    for signature in (
        await session.scalars(
            select(Signature)
            .where(Signature.appeal_id == appeal_id, Signature.sealed_identity.is_not(None))
            .order_by(Signature.id)
        )
    ).all():
        plain = open_sealed(
            appeal_private,
            signature.sealed_identity or b"",
            info=IDENTITY_INFO,
            aad=identity_aad(appeal_id, signature.id),
        )
        opened.append(
            OpenedIdentity(
                signature.id, signature.kind, signature.tier, signature.status, json.loads(plain)
            )
        )
    return opened


class CustodyRefused(Exception):
    """What an offline opening cannot do, said without any secret."""
