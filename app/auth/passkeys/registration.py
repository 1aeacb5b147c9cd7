"""Registering a passkey: options for ``navigator.credentials.create``, then the check and
storage of the new credential."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit import AuditAction, record_event
from app.auth.challenges import ChallengeInvalid, consume_challenge, issue_challenge
from app.auth.factors import recovery_codes
from app.auth.factors.service import require_step_up_if_enrolled
from app.auth.passkeys.ceremony import (
    CEREMONY_TIMEOUT_MS,
    RP_NAME,
    Ceremony,
    algorithms,
    descriptors,
    record_refusal,
)
from app.auth.passkeys.errors import PasskeyAlreadyRegistered, PasskeyRegistrationRejected
from app.auth.passkeys.repository import credential_id_mac, find_by_credential_id, list_passkeys
from app.auth.sessions.service import IssuedSession, elevate_session, session_user
from app.config import Settings
from app.errors import AppError
from app.models.identity import AuthSession, Passkey
from app.notifications.service import notify_user

# py_webauthn is imported in the functions that use it (see app/auth/passkeys/ceremony.py).
REGISTRATION = "passkey-registration"


@dataclass(frozen=True)
class RegistrationOutcome:
    passkey: Passkey | None = None
    issued: IssuedSession | None = None
    refusal: AppError | None = None
    # Shown once: issued with the account's first passkey when it holds no recovery codes.
    recovery_codes: list[str] | None = None


async def start_registration(
    session: AsyncSession, *, actor: Actor, name: str, settings: Settings, now: datetime
) -> Ceremony:
    """Options for ``navigator.credentials.create``.

    Works in any session state: registering a passkey is how a privileged user enrols. A
    user who already has a second factor must have proven it within the step-up window,
    or a stolen password-only session could plant the thief's passkey.
    """
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers import bytes_to_base64url
    from webauthn.helpers.structs import (
        AttestationConveyancePreference,
        AuthenticatorSelectionCriteria,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    user = await session_user(session, actor)
    await require_step_up_if_enrolled(session, actor=actor, now=now, settings=settings.session)
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
        exclude_credentials=descriptors(await list_passkeys(session, user_id=user.id)),
        supported_pub_key_algs=algorithms(),
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
    from webauthn import verify_registration_response
    from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

    async def refuse(error: AppError) -> RegistrationOutcome:
        action = AuditAction.PASSKEY_REGISTRATION_FAILED
        await record_refusal(session, actor, error, action=action, target=("users", actor.user_id))
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
            supported_pub_key_algs=algorithms(),
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
        credential_id_mac=credential_id_mac(credential_id),
        sign_count=verified.sign_count,
        transports=_transports(credential),
        created_at=now,
    )
    passkey.credential_id = credential_id
    passkey.public_key = bytes_to_base64url(verified.credential_public_key)
    passkey.name = name or str(payload.get("name") or "Passkey")
    session.add(passkey)
    await session.flush()

    # Losing the only passkey must not lock the person out: an account without recovery
    # codes gets them now, with its factor just proven (as a first authenticator app does).
    codes = None
    if await recovery_codes.count_remaining(session, actor.user_id) == 0:
        codes = await recovery_codes.replace_codes(session, actor.user_id)
    issued = await elevate_session(session, current, now=now)
    user = await session_user(session, actor)
    await notify_user(
        session, user=user, kind="credential_changed", now=now, change="passkey_added"
    )
    await record_event(
        session,
        actor=actor,
        action=AuditAction.PASSKEY_REGISTERED,
        target=passkey,
        details={"session_id": str(issued.record.id), "recovery_codes_issued": codes is not None},
    )
    return RegistrationOutcome(passkey=passkey, issued=issued, recovery_codes=codes)


def _transports(credential: dict[str, Any]) -> str | None:
    from webauthn.helpers.structs import AuthenticatorTransport

    known = {t.value for t in AuthenticatorTransport}
    response = credential.get("response")
    raw = response.get("transports") if isinstance(response, dict) else None
    if not isinstance(raw, list):
        return None
    kept = sorted({t for t in raw if isinstance(t, str) and t in known})
    joined = ",".join(kept)
    return joined[:64] or None
