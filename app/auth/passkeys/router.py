"""Passkeys over HTTP: register, list, rename, remove; sign in or confirm with one.

The options endpoints return ``{handle, options}``: ``options`` is the WebAuthn JSON the
browser turns into a request with ``PublicKeyCredential.parseCreationOptionsFromJSON`` /
``parseRequestOptionsFromJSON``; the verify endpoints take the handle back with
``credential.toJSON()``.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from app.auth import passkeys
from app.auth.dependencies import (
    AnySession,
    AppClock,
    AppSettings,
    CurrentActor,
    SignedIn,
    SteppedUp,
)
from app.auth.network import client_address
from app.auth.responses import refusal_response, with_session_cookie
from app.auth.schemas import (
    AuthenticationFinish,
    AuthenticationResult,
    AuthenticationStart,
    CeremonyRead,
    PasskeyList,
    PasskeyRead,
    PasskeyUpdate,
    RegistrationFinish,
    RegistrationResult,
    RegistrationStart,
)
from app.auth.sessions.service import csrf_token
from app.auth.throttle import limit_anonymous_ceremonies
from app.db import DbSession, UnitOfWorkRoute
from app.kit.schemas import Outcome
from app.models.identity import AuthSession, Passkey

router = APIRouter(prefix="/auth/passkeys", tags=["passkeys"], route_class=UnitOfWorkRoute)


def _read(passkey: Passkey) -> PasskeyRead:
    return PasskeyRead(
        id=passkey.id,
        name=passkey.name,
        created_at=passkey.created_at,
        last_used_at=passkey.last_used_at,
    )


@router.post(
    "/registration/options",
    operation_id="startPasskeyRegistration",
    response_model=CeremonyRead,
    responses={403: {"description": "step_up_required: the user has a factor not proven lately"}},
)
async def registration_options(
    body: RegistrationStart,
    actor: AnySession,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> CeremonyRead:
    """Start registering a passkey. Allowed in every session state (it is how a privileged
    user enrols); a user who already has a second factor needs a fresh step-up."""
    ceremony = await passkeys.start_registration(
        session, actor=actor, name=body.name, settings=settings, now=clock.now()
    )
    return CeremonyRead(handle=ceremony.handle, options=ceremony.options)


@router.post(
    "/registration/verify",
    operation_id="finishPasskeyRegistration",
    response_model=RegistrationResult,
    responses={
        400: {"description": "challenge_invalid or passkey_registration_rejected"},
        409: {"description": "passkey_already_registered"},
    },
)
async def registration_verify(
    body: RegistrationFinish,
    actor: AnySession,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> Response:
    """Store the new passkey. It proves a second factor: the session is renewed (new
    cookie, new CSRF token) in state ``full``."""
    now = clock.now()
    current: AuthSession = request.state.auth_session
    outcome = await passkeys.finish_registration(
        session,
        actor=actor,
        current=current,
        handle=body.handle,
        name=body.name,
        credential=body.credential,
        settings=settings,
        now=now,
    )
    if outcome.refusal is not None or outcome.passkey is None or outcome.issued is None:
        # Returned, not raised: the used challenge and the audit event are committed.
        return refusal_response(outcome.refusal or passkeys.PasskeyRegistrationRejected())
    result = RegistrationResult(
        passkey=_read(outcome.passkey),
        state="full",
        csrf_token=csrf_token(outcome.issued.token),
        recovery_codes=outcome.recovery_codes,
    )
    return with_session_cookie(result, outcome.issued, now=now)


@router.get("", operation_id="listPasskeys", response_model=PasskeyList)
async def list_passkeys(actor: SignedIn, session: DbSession) -> PasskeyList:
    """The caller's passkeys, oldest first."""
    rows = await passkeys.list_passkeys_of(session, actor=actor)
    return PasskeyList(items=[_read(p) for p in rows])


@router.patch(
    "/{passkey_id}",
    operation_id="renamePasskey",
    response_model=PasskeyRead,
    responses={404: {"description": "No such passkey among the caller's"}},
)
async def rename_passkey(
    passkey_id: uuid.UUID, body: PasskeyUpdate, actor: SignedIn, session: DbSession
) -> PasskeyRead:
    """Rename one of the caller's passkeys (another user's is 404)."""
    passkey = await passkeys.rename_passkey(
        session, actor=actor, passkey_id=passkey_id, name=body.name
    )
    return _read(passkey)


@router.delete(
    "/{passkey_id}",
    operation_id="removePasskey",
    response_model=Outcome,
    responses={
        403: {"description": "step_up_required"},
        404: {"description": "No such passkey among the caller's"},
        409: {"description": "last_second_factor: an admin or coordinator's only factor"},
    },
)
async def remove_passkey(
    passkey_id: uuid.UUID, actor: SteppedUp, session: DbSession, clock: AppClock
) -> Outcome:
    """Remove one of the caller's passkeys; needs a fresh step-up."""
    await passkeys.remove_passkey(session, actor=actor, passkey_id=passkey_id, now=clock.now())
    return Outcome()


@router.post(
    "/authentication/options",
    operation_id="startPasskeyAuthentication",
    response_model=CeremonyRead,
    responses={
        401: {"description": "second_factor without a session"},
        409: {"description": "no_passkeys: second_factor for a user without passkeys"},
    },
)
async def authentication_options(
    body: AuthenticationStart,
    actor: CurrentActor,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> CeremonyRead:
    """``sign_in``: anyone, for a discoverable passkey. ``second_factor``: the session's
    user, after a password or as a step-up."""
    if not actor.is_authenticated:
        await limit_anonymous_ceremonies(
            session, client_address(request), now=clock.now(), settings=settings.throttle
        )
    ceremony = await passkeys.start_authentication(
        session, actor=actor, purpose=body.purpose, settings=settings, now=clock.now()
    )
    return CeremonyRead(handle=ceremony.handle, options=ceremony.options)


@router.post(
    "/authentication/verify",
    operation_id="finishPasskeyAuthentication",
    response_model=AuthenticationResult,
    responses={
        400: {"description": "challenge_invalid"},
        401: {
            "description": "passkey_rejected, passkey_unknown, passkey_sign_count_regressed"
            " or sign_in_required"
        },
    },
)
async def authentication_verify(
    body: AuthenticationFinish,
    actor: CurrentActor,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> Response:
    """Check the assertion. ``sign_in`` opens a new session with the second factor proven;
    ``second_factor`` renews this one. Either way: a new cookie and CSRF token. Password
    throttles do not apply: an assertion guesses no secret."""
    now = clock.now()
    outcome = await passkeys.finish_authentication(
        session,
        actor=actor,
        current=getattr(request.state, "auth_session", None),
        handle=body.handle,
        credential=body.credential,
        settings=settings,
        now=now,
        user_agent=request.headers.get("user-agent"),
    )
    if outcome.refusal is not None or outcome.issued is None:
        return refusal_response(outcome.refusal or passkeys.PasskeyRejected())
    result = AuthenticationResult(state="full", csrf_token=csrf_token(outcome.issued.token))
    return with_session_cookie(result, outcome.issued, now=now)
