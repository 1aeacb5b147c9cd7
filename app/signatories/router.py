"""Signing: open an appeal for signatures, sign, confirm, withdraw, re-consent, counts, the
public list, receipts and custody keys.

Thin: access (policy.py), one service call, a schema.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import StreamingResponse

from app.appeals import service as appeals
from app.appeals.access import AppealRight, access_appeal
from app.audit import AuditAction, record_event
from app.auth.dependencies import AppClock, AppSettings, SignedIn, SteppedUp, signed_in_user_id
from app.auth.errors import PermissionDenied
from app.auth.network import client_address
from app.db import DbSession, UnitOfWorkRoute
from app.keys import current_keyring
from app.kit.pagination import Cursor, Limit
from app.kit.schemas import Outcome
from app.models.signatories import Signature, SigningWindow
from app.organizations import service as organizations
from app.signatories import counts as counting
from app.signatories import custody, export, invalidation, public, service, unsealing
from app.signatories.policy import may_browse_open_appeals
from app.signatories.schemas import (
    CustodianCandidate,
    CustodianCandidates,
    CustodyKeyIn,
    CustodyKeyRead,
    InvalidationCondition,
    InvalidationIn,
    InvalidationPreview,
    InvalidationResult,
    MySignatureRead,
    OpenAppeal,
    OpenAppeals,
    PublicSignaturePage,
    PublicSignatureRead,
    ReceiptCheckIn,
    ReceiptRead,
    ReconsentIn,
    SealedIdentity,
    SignatureCreate,
    SignatureReceipt,
    SigningRead,
    SigningWindowIn,
    SigningWindowRead,
    SignOption,
    UnsealApprovalIn,
    UnsealBundle,
    UnsealedShare,
    UnsealRequestIn,
    UnsealRequestRead,
    UnsealRequests,
    key_bytes,
    key_text,
)
from app.users import service as users

router = APIRouter(tags=["signatories"], route_class=UnitOfWorkRoute)

NOT_VISIBLE: dict[int | str, dict[str, Any]] = {
    404: {"description": "appeal_not_found: no such appeal, or one the caller may not see"}
}
NOT_OPENED = "signing_window_missing (not opened for signatures yet)"


def signing_responses(conflicts: str = "") -> dict[int | str, dict[str, Any]]:
    """What every route behind service.access_signing can answer: 404 for those who may not
    see the appeal, 409 for its writers while it has no signing window, and the route's own
    conflicts."""
    described = f"{NOT_OPENED}, {conflicts}" if conflicts else NOT_OPENED
    return {**NOT_VISIBLE, 409: {"description": described}}


def _window_read(window: SigningWindow, custodians: int) -> SigningWindowRead:
    return SigningWindowRead(
        closes_at=window.closes_at,
        target=window.target,
        milestones=window.milestones,
        tiers=window.tiers,  # type: ignore[arg-type]
        allow_organizations=window.allow_organizations,
        allow_members=window.allow_members,
        allow_public=window.allow_public,
        custody_threshold=window.custody_threshold,
        custodians=custodians,
        ended_at=window.ended_at,
    )


def _mine_read(
    signature: Signature,
    kind: str,
    organization_id: uuid.UUID | None,
    *,
    asked_by_me: bool,
    organization_name: str | None = None,
    may_act: bool = True,
) -> MySignatureRead:
    return MySignatureRead(
        organization_name=organization_name,
        may_act=may_act,
        id=signature.id,
        kind=kind,  # type: ignore[arg-type]
        organization_id=organization_id,
        tier=signature.tier,  # type: ignore[arg-type]
        status=signature.status,  # type: ignore[arg-type]
        revision_sha256=signature.revision_sha256,
        asked_by_me=asked_by_me,
        confirm_by=signature.confirm_by,
        name=signature.public_name,
        line=signature.public_line,
    )


async def _signing_read(
    session: DbSession, actor: SignedIn, access: service.SigningAccess, now: datetime
) -> SigningRead:
    keyring = current_keyring()
    appeal, window, rights = access.appeal, access.window, access.rights
    revision_hash = await service.signed_revision_hash(session, appeal)
    revision = await service.frozen_revision(session, appeal, revision_hash)
    mine = await service.my_signatures(session, actor=actor, access=access, keyring=keyring)
    user_id = signed_in_user_id(actor)
    officer = service.officer_value(keyring, window, user_id)
    signed = {(kind, organization_id) for _, kind, organization_id in mine}
    names = await organizations.organization_names(session, list(rights.for_organizations))
    mine_names = await organizations.organization_names(
        session, [org for _, _, org in mine if org is not None]
    )
    two_officers = await service.two_officer_rules(session, list(rights.for_organizations))
    options: list[SignOption] = []
    if service.signing_open(appeal, window, now):
        if rights.as_member and ("member", None) not in signed:
            options.append(
                SignOption(
                    kind="member", organization_id=None, organization_name=None, two_officers=False
                )
            )
        for organization_id in sorted(rights.for_organizations, key=lambda o: names.get(o, "")):
            if ("organization", organization_id) not in signed:
                options.append(
                    SignOption(
                        kind="organization",
                        organization_id=organization_id,
                        organization_name=names.get(organization_id),
                        two_officers=two_officers.get(organization_id, False),
                    )
                )
    custodians = await custody.custodians_of(session, appeal.id)
    return SigningRead(
        appeal_id=appeal.id,
        title=appeal.title,
        state=appeal.state,
        open=service.signing_open(appeal, window, now),
        window=_window_read(window, len(custodians)),
        revision_sha256=revision_hash,
        blocks=appeals.block_reads(appeals.revision_blocks(revision))
        if revision is not None
        else [],
        counts=counting.counts_read(
            await counting.read(session, appeal.id), exact=rights.exact_counts
        ),
        mine=[
            _mine_read(
                s,
                kind,
                org,
                asked_by_me=s.signer_index == officer,
                organization_name=mine_names.get(org) if org else None,
                may_act=kind == "member" or org in rights.for_organizations,
            )
            for s, kind, org in mine
        ],
        can_sign=options,
        can_export=rights.export,
        can_run=rights.run,
        is_custodian=any(c.user_id == user_id for c in custodians),
    )


@router.post(
    "/appeals/{appeal_id}/signing",
    operation_id="openForSignatures",
    response_model=SigningRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        **NOT_VISIBLE,
        409: {"description": "signing_window_exists, transition_refused, approvals_missing"},
        422: {"description": "custodians_invalid or signing_window_invalid"},
    },
)
async def open_for_signatures(
    appeal_id: uuid.UUID,
    body: SigningWindowIn,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    settings: AppSettings,
) -> SigningRead:
    """A coordinator opens an approved appeal for signatures: when signing closes, who may
    sign in which tiers, and the k-of-n custodians of the sealed identities. The text's
    hash is frozen; the custody key's private half is split among the custodians and
    never stored."""
    access = await access_appeal(session, actor, appeal_id, AppealRight.RUN, lock=True)
    now = clock.now()
    await service.open_for_signatures(
        session,
        actor=actor,
        access=access,
        settings=service.WindowSettings(
            closes_at=body.closes_at,
            target=body.target,
            milestones=body.milestones,
            tiers=list(body.tiers),
            allow_organizations=body.allow_organizations,
            allow_members=body.allow_members,
            allow_public=body.allow_public,
            custodians=service.custodian_choices(
                [(c.user_id, c.organization_id) for c in body.custodians]
            ),
            threshold=body.threshold,
        ),
        now=now,
        app_settings=settings,
    )
    return await _signing_read(
        session, actor, await service.access_signing(session, actor, appeal_id), now
    )


@router.get(
    "/appeals/{appeal_id}/signing",
    operation_id="getSigning",
    response_model=SigningRead,
    responses=signing_responses(),
)
async def get_signing(
    appeal_id: uuid.UUID, actor: SignedIn, session: DbSession, clock: AppClock
) -> SigningRead:
    """The text open for signatures (its hash), the window, counts, the caller's
    signatures and how they may sign."""
    access = await service.access_signing(session, actor, appeal_id)
    return await _signing_read(session, actor, access, clock.now())


@router.post(
    "/appeals/{appeal_id}/signatures",
    operation_id="signAppeal",
    response_model=SignatureReceipt,
    status_code=status.HTTP_201_CREATED,
    responses={
        **signing_responses("signing_closed, text_changed or already_signed"),
        403: {"description": "permission_denied: not allowed to sign that way"},
        422: {"description": "tier_not_allowed"},
    },
)
async def sign(
    appeal_id: uuid.UUID,
    body: SignatureCreate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> SignatureReceipt:
    """Sign as oneself or for an organization one represents, in a tier the window offers.
    The receipt code is shown once; keep it to check or withdraw the signature."""
    access = await service.access_signing(session, actor, appeal_id, lock_window=True)
    signature, receipt = await service.sign(
        session,
        actor=actor,
        access=access,
        request=service.SignRequest(
            kind=body.kind,
            organization_id=body.organization_id,
            tier=body.tier,
            name=body.name,
            line=body.line,
            mandate=service.Mandate(body.mandate.resolved_on, body.mandate.reference)
            if body.mandate
            else None,
            revision_sha256=body.revision_sha256,
        ),
        keyring=current_keyring(),
        now=clock.now(),
    )
    return SignatureReceipt(
        signature=_mine_read(
            signature,
            body.kind,
            body.organization_id,
            asked_by_me=signature.status == "pending_second_officer",
            organization_name=(
                await organizations.organization_names(session, [body.organization_id])
            ).get(body.organization_id)
            if body.organization_id
            else None,
        ),
        receipt_code=receipt,
    )


@router.get(
    "/appeals/{appeal_id}/signatures.csv",
    operation_id="exportPublicSignatures",
    response_class=StreamingResponse,
    responses={
        **signing_responses(),
        200: {"content": {"text/csv": {}}, "description": "the public signatures, streamed"},
    },
)
async def export_public_signatures(
    appeal_id: uuid.UUID, request: Request, actor: SignedIn, session: DbSession
) -> StreamingResponse:
    """The printed signatories as CSV, streamed (coordinators and the writing
    organizations' representatives; audited). Sealed identities never leave this way."""
    access = await service.access_signing(session, actor, appeal_id)
    access.require_export()
    revision = await service.signed_revision_hash(session, access.appeal)
    await record_event(
        session, actor=actor, action=AuditAction.SIGNATURES_EXPORTED, target=access.appeal
    )
    return StreamingResponse(
        export.public_signatures_csv(request.app.state.sessionmaker, access.appeal.id, revision),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="signatories-{str(appeal_id)[:8]}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/appeals/{appeal_id}/signatures",
    operation_id="listPublicSignatures",
    response_model=PublicSignaturePage,
    responses=signing_responses(),
)
async def list_public_signatures(
    appeal_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> PublicSignaturePage:
    """The signatures printed under the letter: counted, public tier, bound to the current
    text, in signing order."""
    access = await service.access_signing(session, actor, appeal_id)
    rows = await service.public_signatures(session, access.appeal, after=cursor, limit=limit + 1)
    items = [
        PublicSignatureRead(
            id=row.id,
            kind=row.kind,  # type: ignore[arg-type]
            name=row.public_name or "",
            line=row.public_line,
        )
        for row in rows[:limit]
    ]
    return PublicSignaturePage(
        items=items, next_cursor=items[-1].id if len(rows) > limit and items else None
    )


@router.post(
    "/appeals/{appeal_id}/signatures/{signature_id}/confirm",
    operation_id="confirmSignature",
    response_model=MySignatureRead,
    responses=signing_responses("second_officer_required, nothing_to_confirm or signing_closed"),
)
async def confirm_signature(
    appeal_id: uuid.UUID,
    signature_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> MySignatureRead:
    """A second representative confirms their organization's signature within 7 days."""
    access = await service.access_signing(session, actor, appeal_id, lock_window=True)
    signature = await service.confirm(
        session,
        actor=actor,
        access=access,
        keyring=current_keyring(),
        signature_id=signature_id,
        now=clock.now(),
    )
    return _mine_read(signature, "organization", signature.organization_id, asked_by_me=False)


@router.post(
    "/appeals/{appeal_id}/signatures/{signature_id}/reconsent",
    operation_id="reconsentSignature",
    response_model=MySignatureRead,
    responses=signing_responses("nothing_to_confirm, text_changed"),
)
async def reconsent_signature(
    appeal_id: uuid.UUID,
    signature_id: uuid.UUID,
    body: ReconsentIn,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> MySignatureRead:
    """Confirm a signature given on an earlier text for the text open now."""
    access = await service.access_signing(session, actor, appeal_id, lock_window=True)
    signature = await service.reconsent(
        session,
        actor=actor,
        access=access,
        keyring=current_keyring(),
        signature_id=signature_id,
        revision_sha256=body.revision_sha256,
        now=clock.now(),
    )
    return _mine_read(signature, signature.kind, signature.organization_id, asked_by_me=False)


@router.delete(
    "/appeals/{appeal_id}/signatures/{signature_id}",
    operation_id="withdrawSignature",
    response_model=Outcome,
    responses=signing_responses("signing_closed"),
)
async def withdraw_signature(
    appeal_id: uuid.UUID,
    signature_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> Outcome:
    """Withdraw one's own signature, or one's organization's, while signing is open. It is
    deleted with its sealed data; nothing records whose it was."""
    access = await service.access_signing(session, actor, appeal_id, lock_window=True)
    await service.withdraw(
        session,
        actor=actor,
        access=access,
        keyring=current_keyring(),
        signature_id=signature_id,
        now=clock.now(),
    )
    return Outcome()


@router.get(
    "/appeals/{appeal_id}/custodian-candidates",
    operation_id="listCustodianCandidates",
    response_model=CustodianCandidates,
    responses=NOT_VISIBLE,
)
async def custodian_candidates(
    appeal_id: uuid.UUID, actor: SignedIn, session: DbSession
) -> CustodianCandidates:
    """People who could hold a share of this appeal's custody key: active members who set
    up a custody key, with the organization each would answer for (coordinators)."""
    await access_appeal(session, actor, appeal_id, AppealRight.RUN)
    pairs = await custody.custodian_candidates(session)
    org_names = await organizations.organization_names(session, list({o for _, o in pairs}))
    return CustodianCandidates(
        items=[
            CustodianCandidate(
                user_id=user.id,
                name=user.display_name,
                organization_id=organization_id,
                organization_name=org_names.get(organization_id, ""),
            )
            for user, organization_id in pairs
        ]
    )


@router.get("/signing", operation_id="listOpenAppeals", response_model=OpenAppeals)
async def list_open_appeals(actor: SignedIn, session: DbSession, clock: AppClock) -> OpenAppeals:
    """Appeals open for signatures now, for anyone who is a member of an organization (or
    a coordinator)."""
    if not may_browse_open_appeals(actor):
        return OpenAppeals(items=[])
    rows = await service.open_appeals(session, now=clock.now())
    return OpenAppeals(
        items=[
            OpenAppeal(appeal_id=appeal.id, title=appeal.title, closes_at=window.closes_at)
            for appeal, window in rows
        ]
    )


@router.get("/custody/key", operation_id="getCustodyKey", response_model=CustodyKeyRead)
async def get_custody_key(actor: SignedIn, session: DbSession) -> CustodyKeyRead:
    """The caller's custody public key, to compare with the key file they hold."""
    key = await custody.key_of(session, signed_in_user_id(actor))
    if key is None:
        return CustodyKeyRead(public_key=None, created_at=None)
    return CustodyKeyRead(public_key=key_text(key.public_key), created_at=key.created_at)


@router.put(
    "/custody/key",
    operation_id="setCustodyKey",
    response_model=CustodyKeyRead,
    responses={422: {"description": "custody_key_invalid"}},
)
async def set_custody_key(
    body: CustodyKeyIn, actor: SteppedUp, session: DbSession, clock: AppClock
) -> CustodyKeyRead:
    """Set up or replace one's custody public key (made in the browser; the private key
    stays there and in the key file). Needs a fresh second factor: whoever could swap it
    would receive the shares of appeals opened next."""
    if not actor.memberships:
        raise PermissionDenied("Custodians are members of an organization.")
    now = clock.now()
    key = await custody.register_key(
        session,
        user_id=signed_in_user_id(actor),
        public_key=key_bytes(body.public_key),
        now=now,
    )
    await record_event(session, actor=actor, action=AuditAction.CUSTODY_KEY_SET, target=key)
    return CustodyKeyRead(public_key=key_text(key.public_key), created_at=key.created_at)


receipts_router = APIRouter(tags=["signatories"], route_class=UnitOfWorkRoute)


@receipts_router.post(
    "/signature-receipts/check",
    operation_id="checkReceipt",
    response_model=ReceiptRead,
    responses={
        404: {"description": "receipt_not_found"},
        429: {"description": "too_many_attempts: this address checked too many receipts"},
    },
)
async def check_receipt(
    body: ReceiptCheckIn,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> ReceiptRead:
    """Anyone holding a receipt code sees whether it counts and the text hash it is bound
    to — nothing else (no name, no appeal title). Checks per address are limited."""
    await public.limit_receipt_checks(
        request.app.state.sessionmaker,
        address=client_address(request),
        now=clock.now(),
        settings=settings,
    )
    signature = await service.check_receipt(session, code=body.code, keyring=current_keyring())
    return ReceiptRead(
        status=signature.status,  # type: ignore[arg-type]
        revision_sha256=signature.revision_sha256,
    )


# --- bulk invalidation -------------------------------------------------------------------


def _condition(body: InvalidationCondition) -> invalidation.Condition:
    return invalidation.Condition(
        signed_from=body.signed_from,
        signed_until=body.signed_until,
        email_domain=body.email_domain,
        unconfirmed_only=body.unconfirmed_only,
    )


@router.post(
    "/appeals/{appeal_id}/invalidations/preview",
    operation_id="previewInvalidation",
    response_model=InvalidationPreview,
    responses={**signing_responses(), 422: {"description": "condition_missing"}},
)
async def preview_invalidation(
    appeal_id: uuid.UUID, body: InvalidationCondition, actor: SignedIn, session: DbSession
) -> InvalidationPreview:
    """How many signatures a condition selects, before invalidating them (coordinators)."""
    access = await service.access_signing(session, actor, appeal_id)
    access.require_run()
    found = await invalidation.preview(session, access.window, _condition(body), current_keyring())
    return InvalidationPreview(matching=sum(found.values()), by_status=found)  # type: ignore[arg-type]


@router.post(
    "/appeals/{appeal_id}/invalidations",
    operation_id="invalidateSignatures",
    response_model=InvalidationResult,
    responses={
        **signing_responses("invalidation_changed: preview again"),
        422: {"description": "condition_missing"},
    },
)
async def invalidate_signatures(
    appeal_id: uuid.UUID,
    body: InvalidationIn,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> InvalidationResult:
    """Invalidate the signatures a condition selects, with a reason, if the preview's count
    still holds (audited; invalidated signatures are counted apart and never printed)."""
    access = await service.access_signing(session, actor, appeal_id, lock_window=True)
    access.require_run()
    done = await invalidation.apply(
        session,
        actor=actor,
        window=access.window,
        condition=_condition(body),
        reason=body.reason,
        expected=body.expected,
        keyring=current_keyring(),
        now=clock.now(),
    )
    return InvalidationResult(invalidated=done)


# --- unsealing ---------------------------------------------------------------------------


async def _unseal_reads(
    session: DbSession, actor: SignedIn, access: service.SigningAccess
) -> UnsealRequests:
    custodian = await unsealing.require_custodian(session, access.appeal, actor)
    requests = await unsealing.list_requests(session, access.appeal)
    approvals = await unsealing.approvals_of(session, [r.id for r in requests])
    names = await users.display_names(session, [r.requested_by for r in requests])
    user_id = signed_in_user_id(actor)
    return UnsealRequests(
        items=[
            UnsealRequestRead(
                id=r.id,
                requested_by=names.get(r.requested_by) if r.requested_by else None,
                requested_by_me=r.requested_by == user_id,
                reason=r.reason,
                created_at=r.created_at,
                public_key=key_text(r.requester_public_key),
                approvals=sum(1 for a in approvals if a.request_id == r.id),
                threshold=access.window.custody_threshold,
                approved_by_me=any(
                    a.request_id == r.id and a.custodian_id == user_id for a in approvals
                ),
                my_sealed_share=key_text(custodian.share_sealed),
                my_custody_key=key_text(custodian.custody_public_key),
            )
            for r in requests
        ],
        sealed_identities=await unsealing.sealed_count(session, access.appeal.id),
    )


@router.get(
    "/appeals/{appeal_id}/unseal-requests",
    operation_id="listUnsealRequests",
    response_model=UnsealRequests,
    responses=signing_responses(),
)
async def list_unseal_requests(
    appeal_id: uuid.UUID, actor: SignedIn, session: DbSession
) -> UnsealRequests:
    """The appeal's unsealing requests, for its custodians, each with the caller's own
    sealed share (to approve in the browser)."""
    access = await service.access_signing(session, actor, appeal_id)
    return await _unseal_reads(session, actor, access)


@router.post(
    "/appeals/{appeal_id}/unseal-requests",
    operation_id="requestUnsealing",
    response_model=UnsealRequests,
    status_code=status.HTTP_201_CREATED,
    responses={**signing_responses(), 422: {"description": "custody_key_invalid"}},
)
async def request_unsealing(
    appeal_id: uuid.UUID,
    body: UnsealRequestIn,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> UnsealRequests:
    """A custodian asks to read the sealed identities, with a reason (audited) and a key
    their browser made for this request."""
    access = await service.access_signing(session, actor, appeal_id)
    await unsealing.create_request(
        session,
        actor=actor,
        appeal=access.appeal,
        reason=body.reason,
        requester_public_key=key_bytes(body.public_key),
        now=clock.now(),
    )
    return await _unseal_reads(session, actor, access)


@router.post(
    "/appeals/{appeal_id}/unseal-requests/{request_id}/approvals",
    operation_id="approveUnsealing",
    response_model=UnsealRequests,
    responses={
        **signing_responses("unseal_already_approved"),
        422: {"description": "unseal_share_invalid"},
    },
)
async def approve_unsealing(
    appeal_id: uuid.UUID,
    request_id: uuid.UUID,
    body: UnsealApprovalIn,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> UnsealRequests:
    """A custodian gives their share, sealed by their browser to the request's key."""
    access = await service.access_signing(session, actor, appeal_id)
    await unsealing.approve(
        session,
        actor=actor,
        appeal=access.appeal,
        request_id=request_id,
        sealed_share=key_bytes(body.sealed_share),
        now=clock.now(),
    )
    return await _unseal_reads(session, actor, access)


@router.get(
    "/appeals/{appeal_id}/unseal-requests/{request_id}/bundle",
    operation_id="getUnsealBundle",
    response_model=UnsealBundle,
    responses=signing_responses("unseal_not_ready"),
)
async def unseal_bundle(
    appeal_id: uuid.UUID,
    request_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> UnsealBundle:
    """For the requester once k custodians approved: the shares sealed to their request key
    and every sealed identity. Their browser opens them; the server cannot."""
    access = await service.access_signing(session, actor, appeal_id)
    await unsealing.require_custodian(session, access.appeal, actor)
    found = await unsealing.bundle(
        session, actor=actor, appeal=access.appeal, request_id=request_id, now=clock.now()
    )
    return UnsealBundle(
        appeal_id=access.appeal.id,
        custody_public_key=key_text(found.custody_public_key),
        shares=[
            UnsealedShare(custodian_id=a.custodian_id, sealed_share=key_text(a.sealed_share))
            for a in found.approvals
        ],
        identities=[
            SealedIdentity(
                signature_id=s.id,
                kind=s.kind,  # type: ignore[arg-type]
                tier=s.tier,  # type: ignore[arg-type]
                status=s.status,  # type: ignore[arg-type]
                sealed_identity=key_text(s.sealed_identity or b""),
            )
            for s in found.identities
        ],
    )
