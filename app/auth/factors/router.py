"""Second factors: set up and remove an authenticator app, prove a factor after sign-in or
as a step-up, and manage recovery codes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from app.actors import Actor
from app.auth.dependencies import AnySession, AppClock, AppSettings, SignedIn, SteppedUp
from app.auth.factors import recovery_codes
from app.auth.factors import service as factors
from app.auth.factors.errors import SecondFactorInvalid
from app.auth.responses import refusal_response, with_session_cookie
from app.auth.schemas import (
    CodeInput,
    RecoveryCodesIssued,
    RecoveryCodesRemaining,
    SecondFactorVerified,
    TotpEnrolmentConfirmed,
    TotpEnrolmentRead,
)
from app.auth.sessions.service import csrf_token, session_user
from app.db import DbSession, UnitOfWorkRoute
from app.kit.schemas import Outcome
from app.models.identity import AuthSession

router = APIRouter(prefix="/auth", tags=["second factors"], route_class=UnitOfWorkRoute)


async def step_up_if_enrolled(
    actor: AnySession, session: DbSession, settings: AppSettings, clock: AppClock
) -> Actor:
    """See factors.require_step_up_if_enrolled."""
    await factors.require_step_up_if_enrolled(
        session, actor=actor, now=clock.now(), settings=settings.session
    )
    return actor


StepUpIfEnrolled = Annotated[Actor, Depends(step_up_if_enrolled)]


_STEP_UP: dict[int | str, dict[str, Any]] = {
    403: {"description": "A fresh second-factor check is needed (step_up_required)"}
}


@router.post(
    "/totp/enrolment",
    operation_id="startTotpEnrolment",
    response_model=TotpEnrolmentRead,
    responses=_STEP_UP,
)
async def start_totp_enrolment(
    actor: StepUpIfEnrolled, session: DbSession, settings: AppSettings, clock: AppClock
) -> TotpEnrolmentRead:
    """A new secret for an authenticator app. Works while enrolment is required; a user
    with a second factor needs a fresh step-up. Confirm from this same session."""
    result = await factors.start_totp_enrolment(
        session,
        actor=actor,
        user=await session_user(session, actor),
        now=clock.now(),
        settings=settings.auth,
    )
    return TotpEnrolmentRead(
        secret=result.secret, otpauth_uri=result.otpauth_uri, qr_svg=result.qr_svg
    )


@router.post(
    "/totp/enrolment/confirm",
    operation_id="confirmTotpEnrolment",
    response_model=TotpEnrolmentConfirmed,
    responses={
        400: {"description": "Wrong code, or the set-up expired (start again)"},
    },
)
async def confirm_totp_enrolment(
    body: CodeInput, actor: AnySession, request: Request, session: DbSession, clock: AppClock
) -> Response:
    """Confirm with a code from the app. Returns the recovery codes (once) and a new
    session cookie with the second factor proven; use the new CSRF token from now on."""
    record: AuthSession = request.state.auth_session
    result = await factors.confirm_totp_enrolment(
        session,
        actor=actor,
        user=await session_user(session, actor),
        record=record,
        code=body.code,
        now=clock.now(),
    )
    return with_session_cookie(
        TotpEnrolmentConfirmed(
            state="full",
            csrf_token=csrf_token(result.issued.token),
            recovery_codes=result.recovery_codes,
        ),
        result.issued,
        now=clock.now(),
    )


@router.delete(
    "/totp",
    operation_id="removeTotp",
    response_model=Outcome,
    responses={
        403: _STEP_UP[403],
        404: {"description": "No authenticator app is set up"},
        409: {"description": "The last second factor of an admin or coordinator"},
    },
)
async def remove_totp(actor: SteppedUp, session: DbSession, clock: AppClock) -> Outcome:
    """Remove the authenticator app. Recovery codes go too when no passkey remains."""
    await factors.remove_totp(
        session, actor=actor, user=await session_user(session, actor), now=clock.now()
    )
    return Outcome()


async def _verify(
    method: factors.SecondFactorMethod,
    body: CodeInput,
    actor: Actor,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> Response:
    record: AuthSession = request.state.auth_session
    result = await factors.verify_second_factor(
        session,
        actor=actor,
        user=await session_user(session, actor),
        record=record,
        method=method,
        code=body.code,
        now=clock.now(),
        settings=settings.throttle,
    )
    if result.issued is None:
        refusal = result.refusal or SecondFactorInvalid()
        # Returned, not raised: the failure count and its audit event must be committed.
        return refusal_response(refusal)
    return with_session_cookie(
        SecondFactorVerified(
            state="full",
            csrf_token=csrf_token(result.issued.token),
            method=method,
            recovery_codes_remaining=result.recovery_codes_remaining,
        ),
        result.issued,
        now=clock.now(),
    )


_VERIFY_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "Wrong code (second_factor_invalid) or one already used"
        " (second_factor_reused); either counts toward the throttle"
    },
    409: {"description": "The account has no such second factor"},
    429: {"description": "Too many wrong codes; try again after Retry-After seconds"},
}


@router.post(
    "/second-factor/totp",
    operation_id="verifyTotp",
    response_model=SecondFactorVerified,
    responses=_VERIFY_RESPONSES,
)
async def verify_totp(
    body: CodeInput,
    actor: AnySession,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> Response:
    """Prove the second factor with a code from the app: after sign-in, or again before a
    sensitive action. Sets a new session cookie; use the new CSRF token from now on."""
    return await _verify("totp", body, actor, request, session, settings, clock)


@router.post(
    "/second-factor/recovery-code",
    operation_id="verifyRecoveryCode",
    response_model=SecondFactorVerified,
    responses=_VERIFY_RESPONSES,
)
async def verify_recovery_code(
    body: CodeInput,
    actor: AnySession,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> Response:
    """Prove the second factor with a single-use recovery code (``xxxx-xxxx-xxxx``)."""
    return await _verify("recovery_code", body, actor, request, session, settings, clock)


@router.post(
    "/recovery-codes",
    operation_id="regenerateRecoveryCodes",
    response_model=RecoveryCodesIssued,
    responses={403: _STEP_UP[403], 409: {"description": "The account has no second factor"}},
)
async def regenerate_recovery_codes(
    actor: SteppedUp, session: DbSession, clock: AppClock
) -> RecoveryCodesIssued:
    """Ten new recovery codes, shown this once; every earlier code stops working."""
    codes = await factors.regenerate_recovery_codes(
        session, actor=actor, user=await session_user(session, actor), now=clock.now()
    )
    return RecoveryCodesIssued(recovery_codes=codes)


@router.get(
    "/recovery-codes",
    operation_id="countRecoveryCodes",
    response_model=RecoveryCodesRemaining,
)
async def count_recovery_codes(actor: SignedIn, session: DbSession) -> RecoveryCodesRemaining:
    """How many unused recovery codes the caller has left."""
    user = await session_user(session, actor)
    return RecoveryCodesRemaining(remaining=await recovery_codes.count_remaining(session, user.id))
