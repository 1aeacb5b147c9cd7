"""Signing an open appeal: the window, signatures by members and for organizations, the
second officer, withdrawal, re-consent, the end of signing, counts and receipts.

Invariants, and where each holds:

* One signature per person or organization and appeal: the unique ``dedupe_index`` (a
  per-appeal keyed hash), not a check before inserting — 100 requests at once give one.
* Counts move in the transaction that changes a signature (app/signatories/counts.py).
* A status changes only from the status read (``UPDATE … WHERE status = <read>``): a
  confirmation racing a withdrawal or a lapse cannot count a signature twice.
* Signing takes the window's row in shared mode (PostgreSQL ``FOR SHARE``) and closing takes
  it exclusively, so no signature slips in after the links to people were erased.
* Nothing ties a person to a withheld or counted signature in plaintext; the audit log says
  that a signature was withdrawn, never whose.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    delete,
    func,
    literal,
    or_,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import ANONYMOUS, SYSTEM, Actor
from app.appeals import repository as appeals_repo
from app.appeals.access import AppealAccess, AppealRight
from app.appeals.errors import AppealNotFound
from app.appeals.lifecycle import AppealAction, AppealState
from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.dependencies import signed_in_user_id
from app.auth.errors import PermissionDenied
from app.jobs.runner import JobContext
from app.keys import current_keyring
from app.kit.crypto import Keyring, blind_index, seal, token_mac
from app.models.appeals import Appeal, AppealRevision
from app.models.memberships import Organization
from app.models.signatories import Signature, SigningWindow, SpentChallenge
from app.notifications.worker import purge_undeliverable
from app.signatories import counts, custody
from app.signatories.errors import (
    AlreadySigned,
    NothingToConfirm,
    ReceiptNotFound,
    SecondOfficerRequired,
    SignatureNotFound,
    SigningClosed,
    SigningWindowExists,
    SigningWindowMissing,
    TextChanged,
    TierNotAllowed,
    WindowInvalid,
)
from app.signatories.policy import SigningRights, signing_open, signing_rights

__all__ = ["signing_open"]

SECOND_OFFICER_DAYS = 7
IDENTITY_INFO = b"accord/signature-identity/v1"
RECEIPT_PURPOSE = "signature-receipt"
# Crockford's base32: no I, L, O or U to misread when a receipt is typed back.
_RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RECEIPT_GROUPS = 5  # 20 characters: 100 random bits
_TYPO = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


# --- windows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowSettings:
    closes_at: datetime
    target: int | None
    milestones: list[int]
    tiers: list[str]
    allow_organizations: bool
    allow_members: bool
    allow_public: bool
    custodians: list[custody.CustodianChoice]
    threshold: int


async def window_of(
    session: AsyncSession, appeal_id: uuid.UUID, *, lock: str | None = None
) -> SigningWindow | None:
    """``lock``: ``"share"`` for signers, ``"update"`` for whoever ends or changes signing."""
    statement = select(SigningWindow).where(SigningWindow.appeal_id == appeal_id)
    if lock == "share":
        statement = statement.with_for_update(read=True)
    elif lock == "update":
        statement = statement.with_for_update()
    return (
        await session.execute(statement.execution_options(populate_existing=True))
    ).scalar_one_or_none()


async def open_for_signatures(
    session: AsyncSession,
    *,
    actor: Actor,
    access: AppealAccess,
    settings: WindowSettings,
    now: datetime,
    app_settings: object,
) -> SigningWindow:
    """A coordinator opens an approved appeal: the window, the custody key split among the
    custodians, then the ``open`` transition (which freezes the text)."""
    from app.appeals import review

    access.require(AppealRight.RUN)
    appeal = access.appeal
    if await window_of(session, appeal.id, lock="update") is not None:
        raise SigningWindowExists()
    if appeal.state != AppealState.APPROVED:
        # The transition below would refuse too, but only after the custody key was made.
        from app.appeals.errors import TransitionRefused

        raise TransitionRefused(f"an appeal in state {appeal.state} cannot be opened")
    if settings.closes_at <= now:
        raise WindowInvalid("The closing date must be in the future.")
    public_key = await custody.create_custody(
        session, appeal_id=appeal.id, choices=settings.custodians, threshold=settings.threshold
    )
    window = SigningWindow(
        appeal_id=appeal.id,
        closes_at=settings.closes_at,
        target=settings.target,
        milestones=sorted(set(settings.milestones)),
        tiers=[tier for tier in ("public", "withheld", "counted") if tier in settings.tiers],
        allow_organizations=settings.allow_organizations,
        allow_members=settings.allow_members,
        allow_public=settings.allow_public,
        custody_public_key=public_key,
        custody_threshold=settings.threshold,
        key_version=current_keyring().current_version,
        opened_by=actor.user_id,
        created_at=now,
    )
    session.add(window)
    await session.flush()
    await review.change_state(
        session,
        actor=actor,
        access=access,
        action=AppealAction.OPEN,
        now=now,
        settings=app_settings,  # type: ignore[arg-type]
    )
    await record_event(
        session,
        actor=actor,
        action=AuditAction.SIGNING_OPENED,
        target=appeal,
        details={
            "closes_at": settings.closes_at.isoformat(),
            "tiers": window.tiers,
            "organizations": settings.allow_organizations,
            "members": settings.allow_members,
            "public": settings.allow_public,
            "threshold": settings.threshold,
            "custodians": [str(choice.user_id) for choice in settings.custodians],
        },
    )
    return window


async def require_window(session: AsyncSession, appeal_id: uuid.UUID) -> None:
    """For the ``open`` transition: an appeal opens through its window (first time) and
    keeps it when it is opened again after a new round of approvals."""
    if await window_of(session, appeal_id) is None:
        raise SigningWindowMissing()


async def after_opening(session: AsyncSession, appeal: Appeal) -> None:
    """The appeal (re)opened with ``appeal.frozen_sha256``: signatures given on another
    text wait for their signers' re-consent, counted apart and never printed under it."""
    frozen = appeal.frozen_sha256
    moved = (
        await session.execute(
            select(Signature.status, Signature.kind, Signature.tier, func.count())
            .where(
                Signature.appeal_id == appeal.id,
                Signature.revision_sha256 != frozen,
                Signature.status.in_(("counted", "pending_second_officer")),
            )
            .group_by(Signature.status, Signature.kind, Signature.tier)
        )
    ).all()
    if not moved:
        return
    await session.execute(
        update(Signature)
        .where(
            Signature.appeal_id == appeal.id,
            Signature.revision_sha256 != frozen,
            Signature.status.in_(("counted", "pending_second_officer")),
        )
        .values(status="awaiting_reconsent", confirm_by=None)
    )
    for status, kind, tier, number in moved:
        await counts.add(session, appeal.id, status=status, kind=kind, tier=tier, delta=-number)
        await counts.add(
            session, appeal.id, status="awaiting_reconsent", kind=kind, tier=tier, delta=number
        )


async def end_signing(session: AsyncSession, appeal_id: uuid.UUID, *, now: datetime) -> bool:
    """Signing is over (the appeal closed, or its deadline passed): pending confirmations
    lapse, and every link from a person to a withheld or counted signature is erased —
    afterwards nothing stored ties a known person to one. True if it ended now."""
    window = await window_of(session, appeal_id, lock="update")
    if window is None or window.ended_at is not None:
        return False
    window.ended_at = now
    await _lapse(session, appeal_id=appeal_id, due_before=None)
    # Unconfirmed public signatures never counted: they go with their sealed emails.
    await session.execute(
        delete(Signature).where(Signature.appeal_id == appeal_id, Signature.status == "unconfirmed")
    )
    # A public signer's index is a keyed hash of their email: whatever their tier, it goes.
    # The sealed ones' times become the end of signing: when someone signed could be matched
    # against anything else that records when a person was active.
    sealed_or_emailed = or_(Signature.tier.in_(("withheld", "counted")), Signature.kind == "public")
    await session.execute(
        update(Signature)
        .where(
            Signature.appeal_id == appeal_id,
            Signature.tier.in_(("withheld", "counted")),
        )
        .values(
            created_at=now,
            counted_at=case((Signature.counted_at.is_(None), None), else_=now),
        )
    )
    await session.execute(
        update(Signature)
        .where(Signature.appeal_id == appeal_id, sealed_or_emailed)
        .values(
            dedupe_index=None,
            signer_index=None,
            domain_index=None,
            code_mac=None,
            code_for=None,
            code_expires_at=None,
        )
    )
    # A public signature's links are not secret (its name is printed) but serve no purpose.
    await session.execute(
        update(Signature).where(Signature.appeal_id == appeal_id).values(signer_index=None)
    )
    await record_event(
        session,
        actor=SYSTEM,
        action=AuditAction.SIGNING_ENDED,
        target=("appeal", appeal_id),
        details={"links_erased": True},
        now=now,
    )
    return True


async def _lapse(
    session: AsyncSession, *, appeal_id: uuid.UUID | None, due_before: datetime | None
) -> int:
    """Signatures still waiting for a second officer lapse (all of an appeal's when signing
    ends, or those past their 7 days)."""
    conditions: list[ColumnElement[bool]] = []
    if appeal_id is not None:
        conditions.append(Signature.appeal_id == appeal_id)
    if due_before is not None:
        conditions.append(Signature.confirm_by < due_before)
    return await lapse_where(session, and_(true(), *conditions))


async def lapse_where(session: AsyncSession, where: ColumnElement[bool]) -> int:
    """Those of the signatures ``where`` selects that wait for a second officer lapse."""
    lapsed = (
        await session.execute(
            update(Signature)
            .where(Signature.status == "pending_second_officer", where)
            .values(status="lapsed", signer_index=None, confirm_by=None)
            .returning(Signature.appeal_id, Signature.kind, Signature.tier)
        )
    ).all()
    for lapsed_appeal, kind, tier in lapsed:
        await counts.move(
            session,
            lapsed_appeal,
            kind=kind,
            tier=tier,
            before="pending_second_officer",
            after="lapsed",
        )
    return len(lapsed)


async def lapse_unconfirmed(session: AsyncSession, *, now: datetime) -> int:
    """The worker: organization signatures no second officer confirmed within 7 days."""
    return await _lapse(session, appeal_id=None, due_before=now)


async def due_windows(session: AsyncSession, *, now: datetime) -> list[uuid.UUID]:
    """Appeals whose signing deadline passed while still open (the worker closes them)."""
    return list(
        (
            await session.scalars(
                select(SigningWindow.appeal_id).where(
                    SigningWindow.ended_at.is_(None), SigningWindow.closes_at <= now
                )
            )
        ).all()
    )


# --- access -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningAccess:
    appeal: Appeal
    window: SigningWindow
    rights: SigningRights

    def require_run(self) -> None:
        """Running signing (bulk invalidation): the coordinators' (policy.py)."""
        if not self.rights.run:
            raise PermissionDenied("Only coordinators run signing.")

    def require_export(self) -> None:
        """The printed list as CSV: coordinators and the writing organizations'
        representatives (policy.py)."""
        if not self.rights.export:
            raise PermissionDenied()


async def access_signing(
    session: AsyncSession, actor: Actor, appeal_id: uuid.UUID, *, lock_window: bool = False
) -> SigningAccess:
    """The appeal and its window with what the actor may do: 404 for an appeal without a
    window unless the actor is one of its writers (then 409: not opened yet), and for
    anyone the table in policy.py does not let see it."""
    appeal = await appeals_repo.get_appeal(session, appeal_id)
    if appeal is None or actor.user_id is None:
        raise AppealNotFound()
    participants = await appeals_repo.list_participants(session, appeal.id)
    is_editor = await appeals_repo.is_editor(session, appeal.id, actor.user_id)
    window = await window_of(session, appeal.id, lock="share" if lock_window else None)
    if window is None:
        from app.appeals.access import appeal_rights

        writer_rights, _, _ = appeal_rights(actor, participants, is_editor=is_editor)
        if AppealRight.READ in writer_rights:
            raise SigningWindowMissing()
        raise AppealNotFound()
    rights = signing_rights(actor, window, participants, is_editor=is_editor)
    if not rights.view:
        raise AppealNotFound()
    return SigningAccess(appeal, window, rights)


# --- signing ------------------------------------------------------------------------------


def new_receipt_code() -> str:
    chars = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(4 * _RECEIPT_GROUPS))
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


def normalize_receipt(code: str) -> str:
    """What a person types back: case, spaces, dashes and look-alike letters forgiven."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum()).translate(_TYPO)
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def signer_key(kind: str, subject_id: uuid.UUID) -> str:
    return f"{kind}:{subject_id}"


def index_version(window: SigningWindow, keyring: Keyring) -> int:
    """The key version of the window's signer indexes: the one pinned when it opened, so a
    rotation cannot make a person's second signature differ from their first. Once that
    version is retired no live index uses it any more (app/key_lifecycle.py refuses
    otherwise, or --force erased them), and the current one takes over."""
    if window.key_version in keyring.versions:
        return window.key_version
    return keyring.current_version


def dedupe_value(keyring: Keyring, window: SigningWindow, kind: str, subject: uuid.UUID) -> bytes:
    """The per-appeal keyed hash of a member's or organization's id: the same person gives
    unrelated values in two appeals."""
    return blind_index(
        keyring,
        signer_key(kind, subject),
        domain=f"signatures:{window.appeal_id}",
        version=index_version(window, keyring),
    )


def officer_value(keyring: Keyring, window: SigningWindow, user_id: uuid.UUID) -> bytes:
    return blind_index(
        keyring,
        f"officer:{user_id}",
        domain=f"signatures:{window.appeal_id}",
        version=index_version(window, keyring),
    )


@dataclass(frozen=True)
class Mandate:
    resolved_on: date
    reference: str


@dataclass(frozen=True)
class SignRequest:
    kind: str  # "member" | "organization"
    organization_id: uuid.UUID | None
    tier: str
    name: str
    line: str | None
    mandate: Mandate | None
    revision_sha256: str


def _identity_json(request: SignRequest) -> bytes:
    identity: dict[str, object] = {"kind": request.kind, "name": request.name}
    if request.line:
        identity["line"] = request.line
    if request.mandate is not None:
        identity["mandate"] = {
            "resolved_on": request.mandate.resolved_on.isoformat(),
            "reference": request.mandate.reference,
        }
    return json.dumps(identity, ensure_ascii=False, sort_keys=True).encode("utf-8")


def identity_aad(appeal_id: uuid.UUID, signature_id: uuid.UUID) -> bytes:
    return appeal_id.bytes + signature_id.bytes


async def sign(
    session: AsyncSession,
    *,
    actor: Actor,
    access: SigningAccess,
    request: SignRequest,
    keyring: Keyring,
    now: datetime,
) -> tuple[Signature, str]:
    """Add a signature; returns it with its receipt code (shown once, stored as a MAC)."""
    appeal, window, rights = access.appeal, access.window, access.rights
    user_id = signed_in_user_id(actor)
    if not signing_open(appeal, window, now):
        raise SigningClosed()
    if request.kind == "member":
        if not rights.as_member:
            raise PermissionDenied("You cannot sign this appeal that way.")
        subject = user_id
    else:
        if request.organization_id not in rights.for_organizations:
            raise PermissionDenied("You cannot sign this appeal that way.")
        subject = request.organization_id
    if request.tier not in window.tiers:
        raise TierNotAllowed()
    if request.revision_sha256 != appeal.frozen_sha256:
        raise TextChanged()
    two_officers = False
    if request.kind == "organization":
        organization = await session.get(Organization, subject)
        two_officers = bool(organization and organization.signing_two_officers)
    status = "pending_second_officer" if two_officers else "counted"
    if window.key_version != index_version(window, keyring):
        # Its version was retired (rare: once per window at most): re-pin it here, where
        # the window is locked, never on a read.
        window.key_version = index_version(window, keyring)
    receipt = new_receipt_code()
    signature = Signature(
        appeal_id=appeal.id,
        kind=request.kind,
        tier=request.tier,
        status=status,
        revision_sha256=request.revision_sha256,
        dedupe_index=dedupe_value(keyring, window, request.kind, subject),
        signer_index=officer_value(keyring, window, user_id) if two_officers else None,
        receipt_mac=token_mac(keyring, receipt, purpose=RECEIPT_PURPOSE),
        confirm_by=now + timedelta(days=SECOND_OFFICER_DAYS) if two_officers else None,
        counted_at=None if two_officers else now,
        created_at=now,
    )
    if request.tier == "public":
        signature.public_name = request.name
        signature.public_line = request.line
        if request.kind == "organization":
            signature.organization_id = subject
            if request.mandate is not None:
                signature.mandate = json.dumps(
                    {
                        "resolved_on": request.mandate.resolved_on.isoformat(),
                        "reference": request.mandate.reference,
                    },
                    ensure_ascii=False,
                )
    else:
        signature.sealed_identity = seal(
            window.custody_public_key,
            _identity_json(request),
            info=IDENTITY_INFO,
            aad=identity_aad(appeal.id, signature.id),
        )
    session.add(signature)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise AlreadySigned() from None
    await counts.move(
        session, appeal.id, kind=request.kind, tier=request.tier, before=None, after=status
    )
    return signature, receipt


async def _own_signature(
    session: AsyncSession,
    *,
    actor: Actor,
    access: SigningAccess,
    keyring: Keyring,
    signature_id: uuid.UUID,
) -> Signature:
    """A signature the actor may act on: their own as a member, or one for an organization
    they represent (matched through the per-appeal keyed hash, never a stored id)."""
    user_id = signed_in_user_id(actor)
    signature = await session.get(Signature, signature_id, populate_existing=True)
    if signature is None or signature.appeal_id != access.appeal.id:
        raise SignatureNotFound()
    mine = [dedupe_value(keyring, access.window, "member", user_id)]
    mine += [
        dedupe_value(keyring, access.window, "organization", organization_id)
        for organization_id in access.rights.for_organizations
    ]
    if signature.dedupe_index is None or signature.dedupe_index not in mine:
        raise SignatureNotFound()
    return signature


async def my_signatures(
    session: AsyncSession, *, actor: Actor, access: SigningAccess, keyring: Keyring
) -> list[tuple[Signature, str, uuid.UUID | None]]:
    """(signature, "member" | "organization", organization id) for the actor: theirs and
    their organizations'. Empty once signing ended and the links were erased."""
    user_id = signed_in_user_id(actor)
    wanted: dict[bytes, tuple[str, uuid.UUID | None]] = {
        dedupe_value(keyring, access.window, "member", user_id): ("member", None)
    }
    for organization_id in actor.memberships:
        wanted[dedupe_value(keyring, access.window, "organization", organization_id)] = (
            "organization",
            organization_id,
        )
    rows = (
        await session.scalars(
            select(Signature).where(
                Signature.appeal_id == access.appeal.id, Signature.dedupe_index.in_(wanted)
            )
        )
    ).all()
    return [(row, *wanted[row.dedupe_index]) for row in rows if row.dedupe_index in wanted]


async def confirm(
    session: AsyncSession,
    *,
    actor: Actor,
    access: SigningAccess,
    keyring: Keyring,
    signature_id: uuid.UUID,
    now: datetime,
) -> Signature:
    """A second representative confirms an organization's signature: from then it counts."""
    user_id = signed_in_user_id(actor)
    signature = await _own_signature(
        session, actor=actor, access=access, keyring=keyring, signature_id=signature_id
    )
    if signature.kind != "organization" or signature.status != "pending_second_officer":
        raise NothingToConfirm()
    if not signing_open(access.appeal, access.window, now):
        raise SigningClosed()
    if signature.confirm_by is not None and signature.confirm_by <= now:
        raise NothingToConfirm("The 7 days for a second officer have passed.")
    if signature.signer_index == officer_value(keyring, access.window, user_id):
        raise SecondOfficerRequired()
    changed = await session.execute(
        update(Signature)
        .where(Signature.id == signature.id, Signature.status == "pending_second_officer")
        .values(status="counted", signer_index=None, confirm_by=None, counted_at=now)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise NothingToConfirm()
    await counts.move(
        session,
        access.appeal.id,
        kind=signature.kind,
        tier=signature.tier,
        before="pending_second_officer",
        after="counted",
    )
    await session.refresh(signature)
    return signature


async def reconsent(
    session: AsyncSession,
    *,
    actor: Actor,
    access: SigningAccess,
    keyring: Keyring,
    signature_id: uuid.UUID,
    revision_sha256: str,
    now: datetime,
) -> Signature:
    """The signer confirms the new frozen text: the signature binds to it and counts again."""
    signature = await _own_signature(
        session, actor=actor, access=access, keyring=keyring, signature_id=signature_id
    )
    if signature.status != "awaiting_reconsent":
        raise NothingToConfirm()
    if not signing_open(access.appeal, access.window, now):
        raise SigningClosed()
    if revision_sha256 != access.appeal.frozen_sha256:
        raise TextChanged()
    # An organization that requires two officers needs them for the new text too: one
    # representative's re-consent waits for another's confirmation, as a first signature.
    two_officers = False
    if signature.kind == "organization":
        matched = [
            organization_id
            for organization_id in access.rights.for_organizations
            if dedupe_value(keyring, access.window, "organization", organization_id)
            == signature.dedupe_index
        ]
        rules = await two_officer_rules(session, matched)
        two_officers = any(rules.values())
    values: dict[str, object] = {"revision_sha256": revision_sha256}
    if two_officers:
        values |= {
            "status": "pending_second_officer",
            "signer_index": officer_value(keyring, access.window, signed_in_user_id(actor)),
            "confirm_by": now + timedelta(days=SECOND_OFFICER_DAYS),
        }
    else:
        values |= {"status": "counted", "counted_at": now}
    changed = await session.execute(
        update(Signature)
        .where(Signature.id == signature.id, Signature.status == "awaiting_reconsent")
        .values(**values)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise NothingToConfirm()
    await counts.move(
        session,
        access.appeal.id,
        kind=signature.kind,
        tier=signature.tier,
        before="awaiting_reconsent",
        after=str(values["status"]),
    )
    await session.refresh(signature)
    return signature


async def withdraw(
    session: AsyncSession,
    *,
    actor: Actor,
    access: SigningAccess,
    keyring: Keyring,
    signature_id: uuid.UUID,
    now: datetime,
) -> None:
    """Withdraw while signing is open: the row goes, sealed data and dedupe entry with it;
    the audit event says a signature was withdrawn, not whose."""
    signature = await _own_signature(
        session, actor=actor, access=access, keyring=keyring, signature_id=signature_id
    )
    if not signing_open(access.appeal, access.window, now):
        raise SigningClosed()
    await delete_signature(session, signature)


async def delete_signature(session: AsyncSession, signature: Signature) -> None:
    """The row goes, sealed data, indexes and receipt with it; the counters give back what
    it counted; the audit event says a signature was withdrawn, not whose."""
    # No condition on the status read: a confirmation may land first; the row's status at
    # deletion (RETURNING, after any concurrent update) is what the counters give back.
    appeal_id = signature.appeal_id
    gone = (
        await session.execute(
            delete(Signature)
            .where(Signature.id == signature.id)
            .returning(Signature.kind, Signature.tier, Signature.status)
        )
    ).one_or_none()
    if gone is None:
        raise SignatureNotFound()
    kind, tier, status = gone
    if status != "unconfirmed":
        await counts.move(session, appeal_id, kind=kind, tier=tier, before=status, after=None)
    session.expunge(signature)
    await record_event(
        session,
        actor=ANONYMOUS,
        action=AuditAction.SIGNATURE_WITHDRAWN,
        target=("appeal", appeal_id),
        details={"kind": kind, "tier": tier},
    )


# --- reading ------------------------------------------------------------------------------


async def frozen_revision(
    session: AsyncSession, appeal: Appeal, sha256: str | None
) -> AppealRevision | None:
    if sha256 is None:
        return None
    return (
        await session.scalars(
            select(AppealRevision)
            .where(AppealRevision.appeal_id == appeal.id, AppealRevision.sha256 == sha256)
            .order_by(AppealRevision.number.desc())
            .limit(1)
        )
    ).first()


async def signed_revision_hash(session: AsyncSession, appeal: Appeal) -> str | None:
    """The text signatures bind to now: the frozen hash while open; after the appeal moved
    back to review, the newest hash any signature is bound to (what signers last saw)."""
    if appeal.frozen_sha256 is not None:
        return appeal.frozen_sha256
    return (
        await session.scalars(
            select(Signature.revision_sha256)
            .where(Signature.appeal_id == appeal.id)
            .order_by(Signature.created_at.desc())
            .limit(1)
        )
    ).first()


async def public_signatures(
    session: AsyncSession,
    appeal: Appeal,
    *,
    after: uuid.UUID | None,
    limit: int,
) -> list[Signature]:
    """Counted public signatures bound to the current text, in the order they came to
    count — what the letter prints. ``after``: the last id of the previous page."""
    statement = (
        select(Signature)
        .where(
            Signature.appeal_id == appeal.id,
            Signature.tier == "public",
            Signature.status == "counted",
        )
        .order_by(Signature.counted_at, Signature.id)
        .limit(limit)
    )
    if appeal.frozen_sha256 is not None:
        statement = statement.where(Signature.revision_sha256 == appeal.frozen_sha256)
    if after is not None:
        statement = statement.where(await printed_after(session, after))
    return list((await session.scalars(statement)).all())


async def printed_after(session: AsyncSession, after: uuid.UUID) -> ColumnElement[bool]:
    """Keyset condition of the printed order (counted_at, id) after the signature
    ``after`` (ids are random: the time comes first)."""
    counted_at = await session.scalar(select(Signature.counted_at).where(Signature.id == after))
    if counted_at is None:
        return Signature.id > after  # gone since: carry on in id order, never fail
    return tuple_(Signature.counted_at, Signature.id) > tuple_(
        literal(counted_at, Signature.counted_at.type), literal(after, Signature.id.type)
    )


async def check_receipt(session: AsyncSession, *, code: str, keyring: Keyring) -> Signature:
    from app.kit.crypto import token_mac_candidates

    macs = token_mac_candidates(keyring, normalize_receipt(code), purpose=RECEIPT_PURPOSE)
    signature = (
        await session.scalars(select(Signature).where(Signature.receipt_mac.in_(macs)))
    ).first()
    if signature is None:
        raise ReceiptNotFound()
    return signature


def custodian_choices(
    pairs: Sequence[tuple[uuid.UUID, uuid.UUID]],
) -> list[custody.CustodianChoice]:
    return [custody.CustodianChoice(user_id, organization_id) for user_id, organization_id in pairs]


async def notify_milestones(session: AsyncSession, *, now: datetime, settings: object) -> int:
    """The worker: tell the writing organizations' representatives when an open appeal's
    count passes one of its milestones (once per milestone). Off the signing path, so
    signers never wait for it."""
    from app.appeals import review

    told = 0
    windows = (
        await session.scalars(
            select(SigningWindow).where(
                SigningWindow.ended_at.is_(None), SigningWindow.milestones_csv != ""
            )
        )
    ).all()
    for window in windows:
        total = (await counts.read(session, window.appeal_id)).counted
        reached = max((m for m in window.milestones if m <= total), default=0)
        if reached <= window.milestone_reached:
            continue
        window.milestone_reached = reached
        appeal = await appeals_repo.get_appeal(session, window.appeal_id)
        if appeal is None:
            continue
        participants = await appeals_repo.list_participants(session, appeal.id)
        await review.tell_representatives(
            session,
            appeal=appeal,
            organization_ids=[p.organization_id for p in participants if p.status == "accepted"],
            kind="signing_milestone",
            now=now,
            settings=settings,  # type: ignore[arg-type]
            count=str(reached),
        )
        told += 1
    return told


async def expire_unconfirmed(session: AsyncSession, *, now: datetime) -> int:
    """Public signatures nobody confirmed within their 24 hours go, uncounted, with their
    sealed emails; spent proof-of-work challenges past their expiry too (an expired one is
    refused anyway), and code emails that will never be delivered."""
    result = await session.execute(
        delete(Signature).where(Signature.status == "unconfirmed", Signature.confirm_by <= now)
    )
    await session.execute(delete(SpentChallenge).where(SpentChallenge.expires_at <= now))
    await purge_undeliverable(session)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def signing_deadlines(ctx: JobContext) -> None:
    """The worker: close appeals whose signing deadline passed (which ends signing and
    erases the links to people), lapse unconfirmed organization signatures, and expire
    unconfirmed public ones."""
    from app.appeals import review

    now = ctx.now()
    async with ctx.unit_of_work() as session:
        due = await due_windows(session, now=now)
        await lapse_unconfirmed(session, now=now)
        await expire_unconfirmed(session, now=now)
        await notify_milestones(session, now=now, settings=ctx.settings)
    for appeal_id in due:
        async with ctx.unit_of_work() as session:
            appeal = await appeals_repo.get_appeal(session, appeal_id, lock=True)
            if appeal is None:
                continue
            if appeal.state == AppealState.OPEN:
                await review.close_by_deadline(
                    session, appeal=appeal, now=now, settings=ctx.settings
                )
            else:
                await end_signing(session, appeal_id, now=now)


async def two_officer_rules(
    session: AsyncSession, organization_ids: list[uuid.UUID]
) -> dict[uuid.UUID, bool]:
    """Which of these organizations require a second officer's confirmation."""
    rows = await session.execute(
        select(Organization.id, Organization.signing_two_officers).where(
            Organization.id.in_(organization_ids)
        )
    )
    return {organization_id: bool(flag) for organization_id, flag in rows}


async def open_appeals(
    session: AsyncSession, *, now: datetime, limit: int = 200
) -> list[tuple[Appeal, SigningWindow]]:
    """Appeals taking signatures now, the soonest to close first."""
    rows = await session.execute(
        select(Appeal, SigningWindow)
        .join(SigningWindow, SigningWindow.appeal_id == Appeal.id)
        .where(
            Appeal.state == AppealState.OPEN,
            SigningWindow.ended_at.is_(None),
            SigningWindow.closes_at > now,
        )
        .order_by(SigningWindow.closes_at)
        .limit(limit)
    )
    return [(appeal, window) for appeal, window in rows]
