"""Passkeys (WebAuthn, py_webauthn): several per user, named, as a second factor after a
password or for passwordless sign-in. Services flush, never commit.

Contract and choices:

- **Algorithms**: ES256 (-7) first, then EdDSA (-8): both are modern, compact and
  constant-time in good implementations, and every current platform authenticator and
  security key offers one of them. RS256 (-257, RSASSA-PKCS1-v1_5 with SHA-256) is accepted
  only because Windows Hello still creates RSA keys on many machines; refusing it would
  push those users to TOTP, which can be phished. Nothing weaker (no SHA-1, no RS1, no
  unspecified curves): a credential offering only those fails registration.
- **User verification is required** at registration and at every assertion: the
  authenticator checks a PIN or biometric, so one passkey is two factors (possession plus
  knowledge or inherence). That is what lets it stand in for the password and also count
  as the second factor after one.
- **Resident (discoverable) keys are required** at registration, so passwordless sign-in
  needs no email first: nothing to enumerate, nothing typed on a phishing page.
- **Attestation "none"**: we do not learn or record which make or model a member uses; a
  seized database must not tell which devices to look for.
- **Challenges** live server-side (``app.auth.challenges``): the browser holds an opaque
  handle, each is single use, lives five minutes, and is bound to the session (and user)
  that asked for it, except for passwordless sign-in which has none yet.
- **Storage**: the credential id is found by a keyed MAC (``passkey-id``) and kept
  encrypted, like the public key and the user's name for the passkey, so a dump neither
  reveals nor links authenticators.
- **Sign count**: a counter that does not advance means the authenticator may have been
  cloned; the assertion is refused and ``passkey.sign_count_regressed`` audited.
- Password throttles are never consulted here: an assertion guesses no secret, and a
  flood of wrong passwords must not lock a member out of the phishing-resistant way in.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_authenticator_data,
)
from webauthn.helpers.cose import COSEAlgorithmIdentifier
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticationCredential,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from app.actors import Actor
from app.audit import record_event
from app.auth import recovery_codes
from app.auth.challenges import ChallengeInvalid, consume_challenge, issue_challenge
from app.auth.errors import SignInRequired, StepUpRequired
from app.auth.factors import LastSecondFactor
from app.auth.repository import has_second_factor
from app.auth.sessions import IssuedSession, elevate_session, open_session, revoke_session
from app.config import Settings
from app.errors import AppError, Conflict, NotFound, Unauthorized
from app.keys import current_keyring
from app.kit.clock import as_utc
from app.kit.crypto.tokens import token_mac, token_mac_candidates
from app.models.identity import AuthSession, Passkey, TotpFactor
from app.models.users import User, UserStatus
from app.notifications.service import notify_user
from app.permissions import requires_second_factor

RP_NAME = "Accord"
REGISTRATION = "passkey-registration"
AUTHENTICATION = "passkey-authentication"
# MAC label of the credential id, not a secret.
CREDENTIAL_ID_PURPOSE = "passkey-id"
ALGORITHMS = [
    COSEAlgorithmIdentifier.ECDSA_SHA_256,
    COSEAlgorithmIdentifier.EDDSA,
    COSEAlgorithmIdentifier.RSASSA_PKCS1_v1_5_SHA_256,
]
# How long the browser offers the prompt; shorter than the challenge's five minutes.
CEREMONY_TIMEOUT_MS = 180_000
KNOWN_TRANSPORTS = frozenset(t.value for t in AuthenticatorTransport)

AuthenticationPurpose = Literal["sign_in", "second_factor"]


class PasskeyNotFound(NotFound):
    code, title = "passkey_not_found", "No such passkey"


class PasskeyAlreadyRegistered(Conflict):
    code, title = "passkey_already_registered", "This passkey is already registered"


class NoPasskeys(Conflict):
    code, title = "no_passkeys", "No passkey is registered for this account"


class PasskeyRegistrationRejected(AppError):
    status, code, title = 400, "passkey_registration_rejected", "The passkey could not be verified"


class PasskeyRejected(Unauthorized):
    code, title = "passkey_rejected", "The passkey could not be verified"


class PasskeyUnknown(Unauthorized):
    code, title = "passkey_unknown", "This passkey is not registered here"


class SignCountRegressed(Unauthorized):
    code, title = (
        "passkey_sign_count_regressed",
        "This passkey reported an old use count; it may have been copied",
    )


@dataclass(frozen=True)
class Ceremony:
    handle: str
    options: dict[str, Any]


@dataclass(frozen=True)
class RegistrationOutcome:
    passkey: Passkey | None = None
    issued: IssuedSession | None = None
    refusal: AppError | None = None


@dataclass(frozen=True)
class AuthenticationOutcome:
    issued: IssuedSession | None = None
    refusal: AppError | None = None


# --- queries ------------------------------------------------------------------------------


def credential_id_of(passkey: Passkey) -> str:
    """The base64url credential id (decrypted)."""
    value: str = passkey.credential_id
    return value


async def list_passkeys(session: AsyncSession, *, user_id: uuid.UUID) -> list[Passkey]:
    rows = await session.scalars(
        select(Passkey).where(Passkey.user_id == user_id).order_by(Passkey.created_at, Passkey.id)
    )
    return list(rows.all())


async def list_passkeys_of(session: AsyncSession, *, actor: Actor) -> list[Passkey]:
    """The actor's own passkeys, oldest first (nobody else's, ever)."""
    if actor.user_id is None:
        raise SignInRequired()
    return await list_passkeys(session, user_id=actor.user_id)


async def find_by_credential_id(
    session: AsyncSession, credential_id: str, *, lock: bool = False
) -> Passkey | None:
    # Every key version's MAC: rows written before a rotation still match.
    candidates = token_mac_candidates(
        current_keyring(), credential_id, purpose=CREDENTIAL_ID_PURPOSE
    )
    query = select(Passkey).where(Passkey.credential_id_mac.in_(candidates))
    return await session.scalar(query.with_for_update() if lock else query)


async def access_passkey(session: AsyncSession, actor: Actor, passkey_id: uuid.UUID) -> Passkey:
    """The actor's own passkey; anyone else's is 404, exactly like a missing one."""
    passkey = await session.get(Passkey, passkey_id)
    if passkey is None or actor.user_id is None or passkey.user_id != actor.user_id:
        raise PasskeyNotFound()
    return passkey


def _descriptors(passkeys: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(credential_id_of(p)),
            transports=[AuthenticatorTransport(t) for t in (p.transports or "").split(",") if t]
            or None,
        )
        for p in passkeys
    ]


def _fresh(actor: Actor, settings: Settings, now: datetime) -> bool:
    if actor.second_factor_at is None:
        return False
    window = timedelta(minutes=settings.session.step_up_minutes)
    return as_utc(actor.second_factor_at) + window >= now


# --- registration -------------------------------------------------------------------------


async def start_registration(
    session: AsyncSession, *, actor: Actor, name: str, settings: Settings, now: datetime
) -> Ceremony:
    """Options for ``navigator.credentials.create``.

    Works in any session state: registering a passkey is how a privileged user enrols. A
    user who already has a second factor must have proven it within the step-up window,
    or a stolen password-only session could plant the thief's passkey.
    """
    user = await session.get(User, actor.user_id) if actor.user_id else None
    if user is None:  # pragma: no cover - AnySession loaded the user in this transaction
        raise SignInRequired()
    if await has_second_factor(session, user.id) and not _fresh(actor, settings, now):
        raise StepUpRequired()
    options = generate_registration_options(
        rp_id=settings.rp_id,
        rp_name=RP_NAME,
        # Opaque and stable: the row id, never the email.
        user_id=user.id.bytes,
        user_name=user.email,
        user_display_name=user.display_name,
        timeout=CEREMONY_TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(await list_passkeys(session, user_id=user.id)),
        supported_pub_key_algs=ALGORITHMS,
    )
    handle = await issue_challenge(
        session,
        purpose=REGISTRATION,
        payload={
            "challenge": bytes_to_base64url(options.challenge),
            "name": name,
            "session_id": str(actor.session_id),
        },
        now=now,
        user_id=user.id,
    )
    return Ceremony(handle, json.loads(options_to_json(options)))


async def finish_registration(
    session: AsyncSession,
    *,
    actor: Actor,
    current: AuthSession,
    handle: str,
    name: str | None,
    credential: dict[str, Any],
    settings: Settings,
    now: datetime,
) -> RegistrationOutcome:
    """Verify the new credential, store it, and elevate the session (a user-verified
    passkey is a proven second factor). Refusals are returned, not raised, so the used-up
    challenge and the audit event are committed."""

    async def refuse(error: AppError) -> RegistrationOutcome:
        await record_event(
            session,
            actor=actor,
            action="passkey.registration_failed",
            target=("users", actor.user_id),
            details={"reason": error.code},
        )
        return RegistrationOutcome(refusal=error)

    try:
        payload, owner = await consume_challenge(
            session, purpose=REGISTRATION, handle=handle, now=now
        )
    except ChallengeInvalid as error:
        return await refuse(error)
    if (
        actor.user_id is None
        or owner != actor.user_id
        or payload.get("session_id") != str(actor.session_id)
    ):
        return await refuse(ChallengeInvalid())
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(payload["challenge"]),
            expected_rp_id=settings.rp_id,
            expected_origin=settings.origin,
            require_user_verification=True,
            supported_pub_key_algs=ALGORITHMS,
        )
    # Untrusted bytes go through base64, CBOR, COSE and key parsing; whatever the library
    # raises on the way means only one thing: not a valid registration.
    except Exception:
        return await refuse(PasskeyRegistrationRejected())
    credential_id = bytes_to_base64url(verified.credential_id)
    if await find_by_credential_id(session, credential_id) is not None:
        return await refuse(PasskeyAlreadyRegistered())

    passkey = Passkey(
        user_id=actor.user_id,
        credential_id_mac=token_mac(
            current_keyring(), credential_id, purpose=CREDENTIAL_ID_PURPOSE
        ),
        sign_count=verified.sign_count,
        transports=_transports(credential),
        created_at=now,
    )
    passkey.credential_id = credential_id
    passkey.public_key = bytes_to_base64url(verified.credential_public_key)
    passkey.name = name or str(payload.get("name") or "Passkey")
    session.add(passkey)
    await session.flush()

    issued = await elevate_session(session, current, now=now)
    user = await session.get(User, actor.user_id)
    await notify_user(
        session, user=user, kind="credential_changed", now=now, change="passkey_added"
    )
    await record_event(
        session,
        actor=actor,
        action="passkey.registered",
        target=passkey,
        details={"session_id": str(issued.record.id)},
    )
    return RegistrationOutcome(passkey=passkey, issued=issued)


def _transports(credential: dict[str, Any]) -> str | None:
    response = credential.get("response")
    raw = response.get("transports") if isinstance(response, dict) else None
    if not isinstance(raw, list):
        return None
    kept = sorted({t for t in raw if isinstance(t, str) and t in KNOWN_TRANSPORTS})
    joined = ",".join(kept)
    return joined[:64] or None


# --- management ---------------------------------------------------------------------------


async def rename_passkey(
    session: AsyncSession, *, actor: Actor, passkey_id: uuid.UUID, name: str
) -> Passkey:
    passkey = await access_passkey(session, actor, passkey_id)
    passkey.name = name
    await session.flush()
    await record_event(session, actor=actor, action="passkey.renamed", target=passkey)
    return passkey


async def remove_passkey(
    session: AsyncSession, *, actor: Actor, passkey_id: uuid.UUID, now: datetime
) -> None:
    """Remove one of the actor's passkeys (the caller has a fresh step-up).

    An admin or coordinator may not remove their last second factor (TOTP counts): they
    would be locked into enrolment at the next sign-in, and an attacker holding their
    session could strip the factor that protects the account.
    """
    passkey = await access_passkey(session, actor, passkey_id)
    # Locked, so two concurrent removals cannot each see the other passkey as spare.
    mine = (
        await session.scalars(
            select(Passkey.id).where(Passkey.user_id == passkey.user_id).with_for_update()
        )
    ).all()
    totp = await session.scalar(
        select(TotpFactor.id).where(
            TotpFactor.user_id == passkey.user_id, TotpFactor.confirmed_at.is_not(None)
        )
    )
    last = totp is None and not [other for other in mine if other != passkey.id]
    if last and requires_second_factor(actor.platform_roles):
        raise LastSecondFactor()
    await record_event(session, actor=actor, action="passkey.removed", target=passkey)
    await session.delete(passkey)
    if last:
        # As when the last TOTP goes: recovery codes stand in for a second factor, and
        # with none left they would only be a way around enrolment.
        await recovery_codes.delete_codes(session, passkey.user_id)
    await session.flush()
    user = await session.get(User, passkey.user_id)
    await notify_user(
        session, user=user, kind="credential_changed", now=now, change="passkey_removed"
    )


# --- authentication -----------------------------------------------------------------------


async def start_authentication(
    session: AsyncSession,
    *,
    actor: Actor,
    purpose: AuthenticationPurpose,
    settings: Settings,
    now: datetime,
) -> Ceremony:
    """Options for ``navigator.credentials.get``.

    ``sign_in``: anyone; no allowCredentials, so the authenticator offers its discoverable
    passkeys for this site and the server learns who it is from the assertion.
    ``second_factor``: a session's own user, limited to their passkeys (also the step-up
    from a full session).
    """
    allow: list[PublicKeyCredentialDescriptor] = []
    user_id: uuid.UUID | None = None
    if purpose == "second_factor":
        if not actor.is_authenticated or actor.user_id is None:
            raise SignInRequired()
        user_id = actor.user_id
        allow = _descriptors(await list_passkeys(session, user_id=user_id))
        if not allow:
            # An empty list would turn this into a discoverable request for anyone's passkey.
            raise NoPasskeys()
    options = generate_authentication_options(
        rp_id=settings.rp_id,
        timeout=CEREMONY_TIMEOUT_MS,
        allow_credentials=allow,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    handle = await issue_challenge(
        session,
        purpose=AUTHENTICATION,
        payload={
            "challenge": bytes_to_base64url(options.challenge),
            "purpose": purpose,
            "session_id": str(actor.session_id) if user_id else None,
        },
        now=now,
        user_id=user_id,
    )
    return Ceremony(handle, json.loads(options_to_json(options)))


async def finish_authentication(
    session: AsyncSession,
    *,
    actor: Actor,
    current: AuthSession | None,
    handle: str,
    credential: dict[str, Any],
    settings: Settings,
    now: datetime,
    user_agent: str | None,
) -> AuthenticationOutcome:
    """Verify an assertion; then open a session (sign_in) or elevate this one (second_factor).

    Refusals are returned, not raised: the used-up challenge, the audit event and, for a
    cloned authenticator, the alarm must be committed.
    """

    async def refuse(
        error: AppError, *, target: Any = None, action: str = "passkey.authentication_failed"
    ) -> AuthenticationOutcome:
        await record_event(
            session, actor=actor, action=action, target=target, details={"reason": error.code}
        )
        return AuthenticationOutcome(refusal=error)

    try:
        payload, owner = await consume_challenge(
            session, purpose=AUTHENTICATION, handle=handle, now=now
        )
    except ChallengeInvalid as error:
        return await refuse(error)
    purpose: AuthenticationPurpose = (
        "second_factor" if payload.get("purpose") == "second_factor" else "sign_in"
    )
    if purpose == "second_factor":
        if current is None or not actor.is_authenticated:
            return await refuse(SignInRequired())
        if owner != actor.user_id or payload.get("session_id") != str(actor.session_id):
            return await refuse(ChallengeInvalid())

    parsed = _parse_assertion(credential)
    if parsed is None:
        return await refuse(PasskeyRejected())
    # Locked: two assertions racing (an authenticator and its clone) must see each other's
    # sign count.
    passkey = await find_by_credential_id(session, bytes_to_base64url(parsed.raw_id), lock=True)
    if passkey is None:
        return await refuse(PasskeyUnknown())
    if purpose == "second_factor" and passkey.user_id != actor.user_id:
        return await refuse(PasskeyRejected(), target=passkey)
    # A discoverable assertion names its account; it must be the passkey's owner.
    handle_bytes = parsed.response.user_handle
    if handle_bytes is not None and handle_bytes != passkey.user_id.bytes:
        return await refuse(PasskeyRejected(), target=passkey)

    public_key = base64url_to_bytes(passkey.public_key)
    expected = base64url_to_bytes(payload["challenge"])
    try:
        verified = _verify_assertion(parsed, expected, public_key, passkey.sign_count, settings)
    except Exception:  # any failure is a refusal (see finish_registration)
        presented = _regressed_count(parsed, expected, public_key, passkey.sign_count, settings)
        if presented is not None:
            await record_event(
                session,
                actor=actor,
                action="passkey.sign_count_regressed",
                target=passkey,
                details={"stored": passkey.sign_count, "presented": presented},
            )
            return AuthenticationOutcome(refusal=SignCountRegressed())
        return await refuse(PasskeyRejected(), target=passkey)

    user = await session.get(User, passkey.user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        return await refuse(PasskeyRejected(), target=passkey)
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = now

    if purpose == "second_factor" and current is not None:  # a session: checked above
        issued = await elevate_session(session, current, now=now)
        await record_event(
            session,
            actor=actor,
            action="user.second_factor_verified",
            target=user,
            details={"method": "passkey", "passkey_id": str(passkey.id)},
        )
        return AuthenticationOutcome(issued=issued)

    if current is not None:
        # This browser's previous session (maybe someone else's) ends with the new sign-in.
        await revoke_session(current, now=now, reason="replaced")
    issued = await open_session(
        session,
        user_id=user.id,
        method="passkey",
        now=now,
        settings=settings.session,
        user_agent=user_agent,
        second_factor=True,
    )
    signed_in = Actor(type="user", user_id=user.id, session_id=issued.record.id)
    await record_event(
        session,
        actor=signed_in,
        action="user.signed_in",
        target=user,
        details={
            "method": "passkey",
            "passkey_id": str(passkey.id),
            "session_id": str(issued.record.id),
        },
    )
    await notify_user(session, user=user, kind="new_sign_in", now=now, method="passkey")
    return AuthenticationOutcome(issued=issued)


def _parse_assertion(credential: dict[str, Any]) -> AuthenticationCredential | None:
    try:
        return parse_authentication_credential_json(credential)
    except Exception:  # malformed input of any kind is a refusal
        return None


def _verify_assertion(
    parsed: AuthenticationCredential,
    challenge: bytes,
    public_key: bytes,
    sign_count: int,
    settings: Settings,
) -> Any:
    return verify_authentication_response(
        credential=parsed,
        expected_challenge=challenge,
        expected_rp_id=settings.rp_id,
        expected_origin=settings.origin,
        credential_public_key=public_key,
        credential_current_sign_count=sign_count,
        require_user_verification=True,
    )


def _regressed_count(
    parsed: AuthenticationCredential,
    challenge: bytes,
    public_key: bytes,
    stored: int,
    settings: Settings,
) -> int | None:
    """The presented count when the only fault of a refused assertion is its sign count.

    Anyone can send a low count with a forged signature; only a correctly signed, otherwise
    valid assertion with an old count suggests a copied authenticator worth an alarm.
    """
    try:
        presented = parse_authenticator_data(parsed.response.authenticator_data).sign_count
    except Exception:
        return None
    if not ((presented > 0 or stored > 0) and presented <= stored):
        return None
    try:
        _verify_assertion(parsed, challenge, public_key, 0, settings)
    except Exception:
        return None
    return int(presented)
