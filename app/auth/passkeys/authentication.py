"""Signing in or proving the second factor with a passkey: options for
``navigator.credentials.get``, then the check of the assertion."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit import AuditAction, record_event
from app.auth.challenges import ChallengeInvalid, consume_challenge, issue_challenge
from app.auth.errors import SignInRequired
from app.auth.passkeys.ceremony import CEREMONY_TIMEOUT_MS, Ceremony, descriptors, record_refusal
from app.auth.passkeys.errors import NoPasskeys, PasskeyRejected, PasskeyUnknown, SignCountRegressed
from app.auth.passkeys.repository import find_by_credential_id, list_passkeys
from app.auth.repository import get_user
from app.auth.sessions.service import (
    IssuedSession,
    elevate_session,
    open_signed_in_session,
    revoke_session,
)
from app.config import Settings
from app.errors import AppError
from app.models.identity import AuthSession
from app.models.users import UserStatus

# py_webauthn is imported where a ceremony runs, not at the top: with what it pulls in
# (pyOpenSSL, pyasn1, cbor2) it is ~10 MiB of every worker's memory, for a rare request
# (bench/bench_outreach.py measures the workers' RSS).
if TYPE_CHECKING:
    from webauthn.helpers.structs import AuthenticationCredential, PublicKeyCredentialDescriptor

AUTHENTICATION = "passkey-authentication"

AuthenticationPurpose = Literal["sign_in", "second_factor"]


@dataclass(frozen=True)
class AuthenticationOutcome:
    issued: IssuedSession | None = None
    refusal: AppError | None = None


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
    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers import bytes_to_base64url
    from webauthn.helpers.structs import UserVerificationRequirement

    allow: list[PublicKeyCredentialDescriptor] = []
    user_id: uuid.UUID | None = None
    if purpose == "second_factor":
        if not actor.is_authenticated or actor.user_id is None:
            raise SignInRequired()
        user_id = actor.user_id
        allow = descriptors(await list_passkeys(session, user_id=user_id))
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
    from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

    async def refuse(error: AppError, *, target: Any = None) -> AuthenticationOutcome:
        action = AuditAction.PASSKEY_AUTHENTICATION_FAILED
        await record_refusal(session, actor, error, action=action, target=target)
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
                action=AuditAction.PASSKEY_SIGN_COUNT_REGRESSED,
                target=passkey,
                details={"stored": passkey.sign_count, "presented": presented},
            )
            return AuthenticationOutcome(refusal=SignCountRegressed())
        return await refuse(PasskeyRejected(), target=passkey)

    user = await get_user(session, passkey.user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        return await refuse(PasskeyRejected(), target=passkey)
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = now

    if purpose == "second_factor" and current is not None:  # a session: checked above
        issued = await elevate_session(session, current, now=now)
        await record_event(
            session,
            actor=actor,
            action=AuditAction.USER_SECOND_FACTOR_VERIFIED,
            target=user,
            details={"method": "passkey", "passkey_id": str(passkey.id)},
        )
        return AuthenticationOutcome(issued=issued)

    if current is not None:
        # This browser's previous session (maybe someone else's) ends with the new sign-in.
        await revoke_session(current, now=now, reason="replaced")
    issued = await open_signed_in_session(
        session,
        user=user,
        method="passkey",
        method_name="passkey",
        now=now,
        settings=settings.session,
        user_agent=user_agent,
        second_factor=True,
        details={"passkey_id": str(passkey.id)},
    )
    return AuthenticationOutcome(issued=issued)


def _parse_assertion(credential: dict[str, Any]) -> AuthenticationCredential | None:
    from webauthn.helpers import parse_authentication_credential_json

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
    from webauthn import verify_authentication_response

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
    from webauthn.helpers import parse_authenticator_data

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
