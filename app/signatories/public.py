"""Public signers: anyone signs an appeal that opted in, from its public page.

The flow, and what each step stores:

1. The page asks for a proof-of-work challenge (app/kit/crypto/proof_of_work.py) and the
   browser solves it: a flood of submissions costs its sender CPU, not us an email each.
2. The signer sends name, line, optional country, email, tier and the solution. The
   solution is spent once (``spent_challenges``), the address and the email each have a
   budget (app/auth/throttle.py), and then — whatever the email's history — the answer is
   the same 202: the page never says whether an email already signed; the email does.
   The signature is stored ``unconfirmed``: its email only sealed to the appeal's custody
   key and as the per-appeal keyed hash ``dedupe_index`` (one per email and appeal; a
   second submission before confirming replaces the first, so nobody can squat an
   address by typing it first), the code only as a MAC, the email message deleted once
   delivered.
3. The signer types the code: the signature counts, and they get their receipt. Five wrong
   codes void it (ask again). 100 confirmations at once count it once: the status changes
   only from ``unconfirmed`` (``UPDATE … WHERE``).
4. Withdrawal: the receipt and the email typed again (matched through the keyed hash, so a
   sealed email still works) send a code; the code deletes the signature.

Unconfirmed signatures expire after 24 hours, uncounted (the worker deletes them).
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import throttle
from app.config import Settings
from app.db import committed_apart
from app.kit.crypto import Keyring, blind_index, seal, token_mac
from app.kit.crypto import proof_of_work as pow_
from app.kit.crypto.blind_index import normalize_email
from app.kit.crypto.tokens import token_mac_candidates
from app.kit.upsert import insert_for
from app.models.appeals import Appeal
from app.models.signatories import Signature, SigningWindow, SpentChallenge
from app.notifications.service import enqueue_email
from app.signatories import counts, service
from app.signatories.errors import (
    CodeInvalid,
    ProofOfWorkRefused,
    PublicSigningNotOffered,
    SigningBusy,
    SigningClosed,
    TextChanged,
    TierNotAllowed,
)
from app.signatories.policy import signing_open

CODE_PURPOSE = "signature-email-code"
CODE_DIGITS = 6
CONFIRM_HOURS = 24
WITHDRAW_MINUTES = 30
CHALLENGE_MINUTES = 10


@dataclass(frozen=True)
class PublicSignRequest:
    name: str
    line: str | None
    country: str | None
    email: str
    tier: str
    revision_sha256: str
    language: str


# --- the page ---------------------------------------------------------------------------


async def public_window(
    session: AsyncSession, appeal_id: uuid.UUID, *, lock: str | None = None
) -> tuple[Appeal, SigningWindow]:
    """An appeal whose window lets the public sign, open or not; 404 for any other (the
    same answer as no appeal at all)."""
    appeal = await session.get(Appeal, appeal_id)
    window = await service.window_of(session, appeal_id, lock=lock) if appeal else None
    if appeal is None or window is None or not window.allow_public:
        raise PublicSigningNotOffered()
    return appeal, window


def new_challenge(keyring: Keyring, *, now: datetime, settings: Settings) -> pow_.Challenge:
    return pow_.new_challenge(
        keyring,
        now=now,
        max_number=settings.throttle.proof_of_work_max_number,
        valid_for=timedelta(minutes=CHALLENGE_MINUTES),
    )


async def spend_challenge(
    session: AsyncSession, payload: str, *, keyring: Keyring, now: datetime
) -> None:
    """Check the solution and use it up: a solved challenge signs one submission."""
    try:
        solved = pow_.verify(keyring, payload, now=now)
    except pow_.ProofOfWorkInvalid:
        raise ProofOfWorkRefused() from None
    spent = await session.execute(
        insert_for(session)(SpentChallenge)
        .values(challenge=solved.challenge, expires_at=solved.expires_at)
        .on_conflict_do_nothing(index_elements=["challenge"])
        .returning(SpentChallenge.challenge)
    )
    if spent.first() is None:
        raise ProofOfWorkRefused()


# --- codes and indexes -------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def code_mac(keyring: Keyring, signature_id: uuid.UUID, purpose: str, code: str) -> bytes:
    # Bound to the signature and what the code is for: a confirmation code cannot withdraw.
    return token_mac(keyring, f"{signature_id}:{purpose}:{code}", purpose=CODE_PURPOSE)


def code_candidates(
    keyring: Keyring, signature_id: uuid.UUID, purpose: str, code: str
) -> list[bytes]:
    return token_mac_candidates(
        keyring, f"{signature_id}:{purpose}:{normalize_code(code)}", purpose=CODE_PURPOSE
    )


def email_value(keyring: Keyring, window: SigningWindow, email: str) -> bytes:
    """The per-appeal keyed hash of a public signer's normalized email."""
    return blind_index(
        keyring,
        service.signer_key("email", normalize_email(email)),  # type: ignore[arg-type]
        domain=f"signatures:{window.appeal_id}",
        version=service.index_version(window, keyring),
    )


def domain_value(keyring: Keyring, window: SigningWindow, domain: str) -> bytes:
    """The per-appeal keyed hash of an email's domain (what bulk invalidation matches)."""
    return blind_index(
        keyring,
        "domain:" + domain.strip().lower(),
        domain=f"signatures:{window.appeal_id}",
        version=service.index_version(window, keyring),
    )


def email_domain(email: str) -> str:
    return normalize_email(email).rpartition("@")[2]


def _sealed_identity(
    window: SigningWindow, signature_id: uuid.UUID, request: PublicSignRequest
) -> bytes:
    identity: dict[str, object] = {
        "kind": "public",
        "name": request.name,
        "email": normalize_email(request.email),
    }
    if request.line:
        identity["line"] = request.line
    return seal(
        window.custody_public_key,
        json.dumps(identity, ensure_ascii=False, sort_keys=True).encode("utf-8"),
        info=service.IDENTITY_INFO,
        aad=service.identity_aad(window.appeal_id, signature_id),
    )


# --- signing -----------------------------------------------------------------------------


async def limit(
    session: AsyncSession,
    *,
    action: str,
    address: str,
    email: str,
    now: datetime,
    settings: Settings,
) -> None:
    """Count one ``action`` ("signing" or "withdrawal": separate budgets, so asking for a
    code again while signing cannot lock someone out of withdrawing) against the address
    and the email; 429 when either is used up. Each sends an email."""
    budgets = [
        throttle.Budget(
            f"public-{action}:" + address, settings.throttle.public_signings_per_address
        ),
        throttle.Budget(
            f"public-{action}-email:" + normalize_email(email),
            settings.throttle.public_signings_per_email,
        ),
    ]
    await throttle.reserve(session, budgets, now=now, settings=settings.throttle)


async def limit_receipt_checks(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    address: str,
    now: datetime,
    settings: Settings,
) -> None:
    """Count one receipt check against the address; 429 when its budget is used up. Apart
    from the request's transaction (db.committed_apart): a check that finds nothing (404)
    still counts."""
    budget = throttle.Budget(
        "receipt-check:" + address, settings.throttle.receipt_checks_per_address
    )
    async with committed_apart(sessionmaker) as apart:
        await throttle.reserve(apart, [budget], now=now, settings=settings.throttle)


def _fill(
    signature: Signature,
    window: SigningWindow,
    request: PublicSignRequest,
    *,
    code_value: bytes,
    keyring: Keyring,
    now: datetime,
) -> None:
    signature.tier = request.tier
    signature.domain_index = domain_value(keyring, window, email_domain(request.email))
    signature.revision_sha256 = request.revision_sha256
    signature.public_name = request.name if request.tier == "public" else None
    signature.public_line = request.line if request.tier == "public" else None
    signature.sealed_identity = _sealed_identity(window, signature.id, request)
    signature.country = request.country
    signature.code_mac = code_value
    signature.code_for = "confirm"
    signature.code_expires_at = now + timedelta(hours=CONFIRM_HOURS)
    signature.code_attempts = 0
    signature.confirm_by = now + timedelta(hours=CONFIRM_HOURS)


async def start(
    session: AsyncSession,
    *,
    appeal: Appeal,
    window: SigningWindow,
    request: PublicSignRequest,
    keyring: Keyring,
    now: datetime,
) -> None:
    """Store an unconfirmed signature and email its code — or, when the email already has a
    signature that counts, email that instead. The caller answers the same either way."""
    if not signing_open(appeal, window, now):
        raise SigningClosed()
    if request.tier not in window.tiers:
        raise TierNotAllowed()
    if request.revision_sha256 != appeal.frozen_sha256:
        raise TextChanged()
    index = email_value(keyring, window, request.email)
    code = new_code()
    signature = Signature(
        appeal_id=appeal.id,
        kind="public",
        status="unconfirmed",
        dedupe_index=index,
        created_at=now,
    )
    _fill(
        signature,
        window,
        request,
        code_value=code_mac(keyring, signature.id, "confirm", code),
        keyring=keyring,
        now=now,
    )
    # One statement for a new signer (the common case): the unique index decides, no
    # read first and no savepoint.
    existing = None
    if not await _insert_new(session, signature):
        existing = await _by_index(session, appeal.id, index)
        if existing is None:  # withdrawn between the two statements: start over
            raise SigningBusy()
    if existing is not None:
        if existing.status != "unconfirmed":
            await _email(session, "signing_already", request, appeal, now=now)
            return
        _fill(
            existing,
            window,
            request,
            code_value=code_mac(keyring, existing.id, "confirm", code),
            keyring=keyring,
            now=now,
        )
        await session.flush()
    await _email(
        session,
        "signing_code",
        request,
        appeal,
        now=now,
        code=code,
        expires=(now + timedelta(hours=CONFIRM_HOURS)).strftime("%Y-%m-%d %H:%M"),
    )


async def _insert_new(session: AsyncSession, signature: Signature) -> bool:
    """INSERT the (transient) signature unless its email already has one on this appeal."""
    values = {
        column.key: getattr(signature, column.key)
        for column in Signature.__table__.columns
        if getattr(signature, column.key) is not None
    }
    statement = (
        insert_for(session)(Signature)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["appeal_id", "dedupe_index"])
        .returning(Signature.id)
    )
    return (await session.execute(statement)).first() is not None


async def _by_index(session: AsyncSession, appeal_id: uuid.UUID, index: bytes) -> Signature | None:
    return (
        await session.scalars(
            select(Signature)
            .where(Signature.appeal_id == appeal_id, Signature.dedupe_index == index)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).first()


async def _email(
    session: AsyncSession,
    kind: str,
    request: PublicSignRequest,
    appeal: Appeal,
    *,
    now: datetime,
    **values: str,
) -> None:
    await enqueue_email(
        session,
        kind=kind,
        to=request.email,
        language=request.language,
        now=now,
        delete_when_sent=True,
        title=appeal.title,
        **values,
    )


@dataclass(frozen=True)
class _Attempt:
    signature_id: uuid.UUID
    code_mac: bytes


async def _reserve_attempt(
    early: AsyncSession,
    where: ColumnElement[bool],
    *,
    purpose: str,
    now: datetime,
    settings: Settings,
) -> _Attempt | None:
    """Count one try of the live code of the signature ``where`` finds, atomically and
    before the code is compared: of a burst of guesses at most the allowed number are
    checked. None when there is no live code left to try."""
    row = (
        await early.execute(
            update(Signature)
            .where(
                where,
                Signature.code_for == purpose,
                Signature.code_mac.is_not(None),
                Signature.code_expires_at > now,
                Signature.code_attempts < settings.throttle.public_code_attempts,
            )
            .values(code_attempts=Signature.code_attempts + 1)
            .returning(Signature.id, Signature.code_mac)
            .execution_options(synchronize_session=False)
        )
    ).first()
    return _Attempt(row[0], row[1] or b"") if row is not None else None


def _right_code(attempt: _Attempt | None, purpose: str, code: str, keyring: Keyring) -> _Attempt:
    if attempt is None or attempt.code_mac not in code_candidates(
        keyring, attempt.signature_id, purpose, code
    ):
        raise CodeInvalid()
    return attempt


async def confirm(
    session: AsyncSession,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    appeal_id: uuid.UUID,
    email: str,
    code: str,
    keyring: Keyring,
    now: datetime,
    settings: Settings,
) -> tuple[Signature, str]:
    """The code from the email makes the signature count; returns it with its receipt.

    The try is counted apart, committed before the code is compared (a wrong code's count
    must survive the refusal), and before the request's own transaction begins (on SQLite
    that one holds the write lock): db.committed_apart, no BEGIN or COMMIT on PostgreSQL."""
    async with committed_apart(sessionmaker) as early:
        appeal, window = await public_window(early, appeal_id)
        if not signing_open(appeal, window, now):
            raise SigningClosed()
        where = and_(
            Signature.appeal_id == appeal.id,
            Signature.dedupe_index == email_value(keyring, window, email),
            Signature.status == "unconfirmed",
        )
        attempt = await _reserve_attempt(
            early, where, purpose="confirm", now=now, settings=settings
        )
    attempt = _right_code(attempt, "confirm", code, keyring)
    appeal, window = await public_window(session, appeal_id, lock="share")
    if not signing_open(appeal, window, now):
        raise SigningClosed()
    receipt = service.new_receipt_code()
    confirmed = (
        await session.execute(
            update(Signature)
            .where(
                Signature.id == attempt.signature_id,
                Signature.status == "unconfirmed",
                # Not replaced by a newer submission meanwhile.
                Signature.code_mac == attempt.code_mac,
                Signature.revision_sha256 == appeal.frozen_sha256,
            )
            .values(
                status="counted",
                counted_at=now,
                confirm_by=None,
                code_mac=None,
                code_for=None,
                code_expires_at=None,
                receipt_mac=token_mac(keyring, receipt, purpose=service.RECEIPT_PURPOSE),
            )
            .returning(Signature.tier)
            .execution_options(synchronize_session=False)
        )
    ).first()
    if confirmed is None:
        # Another request confirmed it with the same code first, or it was replaced.
        raise CodeInvalid()
    await counts.move(
        session, appeal.id, kind="public", tier=confirmed[0], before=None, after="counted"
    )
    signature = await session.get(Signature, attempt.signature_id, populate_existing=True)
    if signature is None:  # withdrawn between the two statements: it no longer counts
        raise CodeInvalid()
    return signature, receipt


def _receipt_macs(receipt: str, keyring: Keyring) -> list[bytes]:
    return token_mac_candidates(
        keyring, service.normalize_receipt(receipt), purpose=service.RECEIPT_PURPOSE
    )


async def _by_receipt(
    session: AsyncSession, appeal: Appeal, receipt: str, keyring: Keyring
) -> Signature | None:
    return (
        await session.scalars(
            select(Signature).where(
                Signature.appeal_id == appeal.id,
                Signature.kind == "public",
                Signature.receipt_mac.in_(_receipt_macs(receipt, keyring)),
            )
        )
    ).first()


# What a receipt and a code sent to the email typed again can do, and the email that
# carries the code.
RECEIPT_ACTIONS = {"withdraw": "signing_withdraw_code", "reconsent": "signing_reconsent_code"}


async def ask_code(
    session: AsyncSession,
    *,
    purpose: str,
    appeal: Appeal,
    window: SigningWindow,
    receipt: str,
    email: str,
    language: str,
    keyring: Keyring,
    now: datetime,
) -> None:
    """Email a code for ``purpose`` ("withdraw", "reconsent") when the receipt and the
    email belong to one signature of this appeal (for a re-consent: one waiting for it);
    nothing otherwise (the caller answers the same either way)."""
    if not signing_open(appeal, window, now):
        raise SigningClosed()
    signature = await _by_receipt(session, appeal, receipt, keyring)
    if signature is None or signature.dedupe_index != email_value(keyring, window, email):
        return
    if purpose == "reconsent" and signature.status != "awaiting_reconsent":
        return
    code = new_code()
    expires = now + timedelta(minutes=WITHDRAW_MINUTES)
    await session.execute(
        update(Signature)
        .where(Signature.id == signature.id)
        .values(
            code_mac=code_mac(keyring, signature.id, purpose, code),
            code_for=purpose,
            code_expires_at=expires,
            code_attempts=0,
        )
    )
    await enqueue_email(
        session,
        kind=RECEIPT_ACTIONS[purpose],
        to=email,
        language=language,
        now=now,
        delete_when_sent=True,
        title=appeal.title,
        code=code,
        expires=expires.strftime("%Y-%m-%d %H:%M"),
    )


async def _by_receipt_and_code(
    session: AsyncSession,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    purpose: str,
    appeal_id: uuid.UUID,
    receipt: str,
    code: str,
    keyring: Keyring,
    now: datetime,
    settings: Settings,
) -> tuple[Appeal, Signature]:
    """The signature whose receipt and live ``purpose`` code these are; the try is counted
    apart first, as in confirm."""
    async with committed_apart(sessionmaker) as early:
        appeal, window = await public_window(early, appeal_id)
        if not signing_open(appeal, window, now):
            raise SigningClosed()
        where = and_(
            Signature.appeal_id == appeal.id,
            Signature.kind == "public",
            Signature.receipt_mac.in_(_receipt_macs(receipt, keyring)),
        )
        attempt = await _reserve_attempt(early, where, purpose=purpose, now=now, settings=settings)
    attempt = _right_code(attempt, purpose, code, keyring)
    appeal, window = await public_window(session, appeal_id, lock="share")
    if not signing_open(appeal, window, now):
        raise SigningClosed()
    signature = await session.get(Signature, attempt.signature_id, populate_existing=True)
    if signature is None or signature.code_mac != attempt.code_mac:
        raise CodeInvalid()
    return appeal, signature


async def withdraw(
    session: AsyncSession,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    appeal_id: uuid.UUID,
    receipt: str,
    code: str,
    keyring: Keyring,
    now: datetime,
    settings: Settings,
) -> None:
    """The receipt and the emailed code delete the signature."""
    _, signature = await _by_receipt_and_code(
        session,
        sessionmaker=sessionmaker,
        purpose="withdraw",
        appeal_id=appeal_id,
        receipt=receipt,
        code=code,
        keyring=keyring,
        now=now,
        settings=settings,
    )
    await service.delete_signature(session, signature)


async def reconsent(
    session: AsyncSession,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    appeal_id: uuid.UUID,
    receipt: str,
    code: str,
    revision_sha256: str,
    keyring: Keyring,
    now: datetime,
    settings: Settings,
) -> Signature:
    """The receipt and the emailed code bind a signature given on an earlier text to the
    text open now (which the signer read: its hash): it counts again."""
    appeal, signature = await _by_receipt_and_code(
        session,
        sessionmaker=sessionmaker,
        purpose="reconsent",
        appeal_id=appeal_id,
        receipt=receipt,
        code=code,
        keyring=keyring,
        now=now,
        settings=settings,
    )
    if revision_sha256 != appeal.frozen_sha256:
        raise TextChanged()
    changed = await session.execute(
        update(Signature)
        .where(
            Signature.id == signature.id,
            Signature.status == "awaiting_reconsent",
            Signature.code_mac == signature.code_mac,
        )
        .values(
            status="counted",
            revision_sha256=revision_sha256,
            counted_at=now,
            code_mac=None,
            code_for=None,
            code_expires_at=None,
        )
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise CodeInvalid()
    await counts.move(
        session,
        appeal.id,
        kind="public",
        tier=signature.tier,
        before="awaiting_reconsent",
        after="counted",
    )
    await session.refresh(signature)
    return signature
