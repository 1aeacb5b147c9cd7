"""The public signing page's API: no account needed (app/signatories/public.py).

Every answer that could tell whether an email signed is the same for all emails: starting
a signature and asking to withdraw one both answer 202 "code_sent".
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, status
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.appeals import service as appeals
from app.auth.dependencies import AppClock, AppSettings
from app.auth.network import client_address
from app.db import DbSession, UnitOfWorkRoute
from app.keys import current_keyring
from app.kit.schemas import Outcome
from app.outreach import updates
from app.signatories import counts as counting
from app.signatories import custody, public, service
from app.signatories.policy import signing_open
from app.signatories.schemas import (
    ChallengeRead,
    CodeSent,
    PublicAppealRead,
    PublicConfirmIn,
    PublicReceipt,
    PublicReconsentIn,
    PublicSignatureCreate,
    PublicWithdrawalConfirmIn,
    PublicWithdrawalIn,
    ReceiptRead,
    UnsubscribeIn,
)

router = APIRouter(prefix="/public", tags=["public signing"], route_class=UnitOfWorkRoute)

NOT_OFFERED: dict[int | str, dict[str, Any]] = {
    404: {"description": "appeal_not_found: no such appeal open to public signatures"}
}
CLOSED = "signing_closed: not open for signatures now"


def _sessionmaker(request: Request) -> async_sessionmaker[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    return maker


@router.get(
    "/appeals/{appeal_id}",
    operation_id="getPublicAppeal",
    response_model=PublicAppealRead,
    responses=NOT_OFFERED,
)
async def get_public_appeal(
    appeal_id: uuid.UUID, session: DbSession, clock: AppClock
) -> PublicAppealRead:
    """The frozen text to sign, its hash, the tiers offered and the public counts."""
    appeal, window = await public.public_window(session, appeal_id)
    revision_hash = await service.signed_revision_hash(session, appeal)
    revision = await service.frozen_revision(session, appeal, revision_hash)
    return PublicAppealRead(
        appeal_id=appeal.id,
        title=appeal.title,
        open=signing_open(appeal, window, clock.now()),
        closes_at=window.closes_at,
        revision_sha256=revision_hash,
        blocks=appeals.block_reads(appeals.revision_blocks(revision))
        if revision is not None
        else [],
        tiers=window.tiers,  # type: ignore[arg-type]
        counts=counting.counts_read(await counting.read(session, appeal.id), exact=False),
        custody_threshold=window.custody_threshold,
        custodians=len(await custody.custodians_of(session, appeal.id)),
    )


@router.post(
    "/challenges",
    operation_id="newChallenge",
    response_model=ChallengeRead,
    status_code=status.HTTP_201_CREATED,
)
async def new_challenge(settings: AppSettings, clock: AppClock) -> ChallengeRead:
    """A proof-of-work challenge for one submission (valid 10 minutes; stateless)."""
    made = public.new_challenge(current_keyring(), now=clock.now(), settings=settings)
    return ChallengeRead(
        algorithm=made.algorithm,
        challenge=made.challenge,
        max_number=made.max_number,
        salt=made.salt,
        signature=made.signature,
    )


@router.post(
    "/appeals/{appeal_id}/signatures",
    operation_id="signPublicly",
    response_model=CodeSent,
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        **NOT_OFFERED,
        409: {"description": f"{CLOSED}, text_changed"},
        422: {"description": "proof_of_work_invalid, tier_not_allowed, validation_failed"},
        429: {"description": "too_many_attempts: this address or email signed too often"},
    },
)
async def sign_publicly(
    appeal_id: uuid.UUID,
    body: PublicSignatureCreate,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> CodeSent:
    """Start a public signature: a code goes to the email (or word that it already
    signed); the answer is the same either way."""
    now, keyring = clock.now(), current_keyring()
    appeal, window = await public.public_window(session, appeal_id, lock="share")
    await public.spend_challenge(session, body.proof_of_work, keyring=keyring, now=now)
    await public.limit(
        session,
        action="signing",
        address=client_address(request),
        email=body.email,
        now=now,
        settings=settings,
    )
    await public.start(
        session,
        appeal=appeal,
        window=window,
        request=public.PublicSignRequest(
            name=body.name,
            line=body.line,
            country=body.country,
            email=body.email,
            tier=body.tier,
            revision_sha256=body.revision_sha256,
            language=body.language,
        ),
        keyring=keyring,
        now=now,
    )
    return CodeSent()


@router.post(
    "/appeals/{appeal_id}/signatures/confirm",
    operation_id="confirmPublicSignature",
    response_model=PublicReceipt,
    status_code=status.HTTP_201_CREATED,
    responses={
        **NOT_OFFERED,
        409: {"description": CLOSED},
        422: {"description": "code_invalid"},
    },
)
async def confirm_public_signature(
    appeal_id: uuid.UUID,
    body: PublicConfirmIn,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> PublicReceipt:
    """The emailed code makes the signature count; the receipt code is shown this once."""
    signature, receipt = await public.confirm(
        session,
        sessionmaker=_sessionmaker(request),
        appeal_id=appeal_id,
        email=body.email,
        code=body.code,
        keyring=current_keyring(),
        now=clock.now(),
        settings=settings,
    )
    if body.updates:
        await updates.subscribe(
            session,
            appeal_id=appeal_id,
            email=body.email,
            language=body.language,
            now=clock.now(),
        )
    return PublicReceipt(
        status=signature.status,  # type: ignore[arg-type]
        tier=signature.tier,  # type: ignore[arg-type]
        revision_sha256=signature.revision_sha256,
        receipt_code=receipt,
    )


async def _ask_code(
    purpose: str,
    appeal_id: uuid.UUID,
    body: PublicWithdrawalIn,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> CodeSent:
    now = clock.now()
    appeal, window = await public.public_window(session, appeal_id)
    await public.limit(
        session,
        action=purpose,
        address=client_address(request),
        email=body.email,
        now=now,
        settings=settings,
    )
    await public.ask_code(
        session,
        purpose=purpose,
        appeal=appeal,
        window=window,
        receipt=body.receipt_code,
        email=body.email,
        language=body.language,
        keyring=current_keyring(),
        now=now,
    )
    return CodeSent()


ASK_CODE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **NOT_OFFERED,
    409: {"description": CLOSED},
    429: {"description": "too_many_attempts"},
}


@router.post(
    "/appeals/{appeal_id}/withdrawals",
    operation_id="askPublicWithdrawal",
    response_model=CodeSent,
    status_code=status.HTTP_202_ACCEPTED,
    responses=ASK_CODE_RESPONSES,
)
async def ask_public_withdrawal(
    appeal_id: uuid.UUID,
    body: PublicWithdrawalIn,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> CodeSent:
    """With the receipt and the email typed again, a withdrawal code goes to that email
    (when they match one signature; the answer is the same when they do not)."""
    return await _ask_code("withdraw", appeal_id, body, request, session, settings, clock)


@router.post(
    "/appeals/{appeal_id}/reconsents",
    operation_id="askPublicReconsent",
    response_model=CodeSent,
    status_code=status.HTTP_202_ACCEPTED,
    responses=ASK_CODE_RESPONSES,
)
async def ask_public_reconsent(
    appeal_id: uuid.UUID,
    body: PublicWithdrawalIn,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> CodeSent:
    """A signature given on an earlier text: with its receipt and the email typed again, a
    code to sign the new text goes to that email (when they match a signature awaiting
    re-consent; the answer is the same when they do not)."""
    return await _ask_code("reconsent", appeal_id, body, request, session, settings, clock)


@router.post(
    "/appeals/{appeal_id}/reconsents/confirm",
    operation_id="reconsentPublicSignature",
    response_model=ReceiptRead,
    responses={
        **NOT_OFFERED,
        409: {"description": f"{CLOSED}, text_changed"},
        422: {"description": "code_invalid"},
    },
)
async def reconsent_public_signature(
    appeal_id: uuid.UUID,
    body: PublicReconsentIn,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> ReceiptRead:
    """The receipt and the emailed code bind the signature to the text open now."""
    signature = await public.reconsent(
        session,
        sessionmaker=_sessionmaker(request),
        appeal_id=appeal_id,
        receipt=body.receipt_code,
        code=body.code,
        revision_sha256=body.revision_sha256,
        keyring=current_keyring(),
        now=clock.now(),
        settings=settings,
    )
    return ReceiptRead(
        status=signature.status,  # type: ignore[arg-type]
        revision_sha256=signature.revision_sha256,
    )


@router.post(
    "/appeals/{appeal_id}/withdrawals/confirm",
    operation_id="withdrawPublicSignature",
    response_model=Outcome,
    responses={
        **NOT_OFFERED,
        409: {"description": CLOSED},
        422: {"description": "code_invalid"},
    },
)
async def withdraw_public_signature(
    appeal_id: uuid.UUID,
    body: PublicWithdrawalConfirmIn,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> Outcome:
    """The receipt and the emailed code withdraw the signature: it is deleted."""
    await public.withdraw(
        session,
        sessionmaker=_sessionmaker(request),
        appeal_id=appeal_id,
        receipt=body.receipt_code,
        code=body.code,
        keyring=current_keyring(),
        now=clock.now(),
        settings=settings,
    )
    return Outcome()


@router.post(
    "/updates/unsubscribe",
    operation_id="unsubscribeFromUpdates",
    response_model=Outcome,
)
async def unsubscribe_from_updates(body: UnsubscribeIn, session: DbSession) -> Outcome:
    """End an email subscription to an appeal's updates (the token from the email's link).
    The answer is the same whether or not the token was known."""
    await updates.unsubscribe(session, token=body.token)
    return Outcome()
