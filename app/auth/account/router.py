"""Changing the credentials of one's own account: password and email (the latter in two
steps: asked for, then confirmed with a code sent to the new address).

Both need proof that the person at the keyboard is the account holder, not whoever found
the browser open: a fresh second-factor check when the account has a second factor, the
current password when it has none.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from app.actors import Actor
from app.auth.account import email_change
from app.auth.account import service as account
from app.auth.dependencies import AnySession, AppClock, AppSettings, SignedIn
from app.auth.errors import EnrolmentRequired, SecondFactorRequired
from app.auth.responses import refusal_response, with_session_cookie
from app.auth.schemas import (
    EmailChangeConfirm,
    EmailChanged,
    EmailChangeInput,
    EmailChangePending,
    EmailChangeStatus,
    PasswordChanged,
    PasswordChangeInput,
)
from app.auth.sessions.service import csrf_token, session_user
from app.db import DbSession, UnitOfWorkRoute
from app.models.identity import AuthSession
from app.models.users import User

router = APIRouter(prefix="/auth", tags=["account"], route_class=UnitOfWorkRoute)


async def _reauthentication_refused(
    actor: Actor,
    user: User,
    current_password: str | None,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> Response | None:
    """The answer when the caller failed to prove they hold the account, else None."""
    record: AuthSession = request.state.auth_session
    refusal = await account.reauthenticate(
        session,
        actor=actor,
        user=user,
        password=current_password,
        now=clock.now(),
        settings=settings,
        hashing=request.app.state.hashing,
        password_proven_at=record.created_at if record.method == "password" else None,
    )
    # Returned, not raised: the failure count and its audit event must be committed.
    return refusal_response(refusal) if refusal is not None else None


_REAUTH: dict[int | str, dict[str, Any]] = {
    403: {
        "description": "step_up_required (account with a second factor), "
        "current_password_required or current_password_wrong (account without one)"
    },
    429: {"description": "Too many wrong current passwords"},
}


@router.post(
    "/password",
    operation_id="changePassword",
    response_model=PasswordChanged,
    responses={
        **_REAUTH,
        422: {"description": "password_rejected; `reason` says why (too_short, too_common, …)"},
    },
)
async def change_password(
    body: PasswordChangeInput,
    actor: AnySession,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> Response:
    """Set a new password. Every other session ends; this one gets a new cookie and CSRF
    token. Also the way out of a first sign-in that requires a new password."""
    user = await session_user(session, actor)
    if actor.session_state == "second_factor_required":
        raise SecondFactorRequired()
    # A privileged user's first sign-in may change the bootstrap password before enrolling.
    if actor.session_state == "enrolment_required" and not user.password_change_required:
        raise EnrolmentRequired()
    account.check_new_password(user, body.new_password)
    refused = await _reauthentication_refused(
        actor, user, body.current_password, request, session, settings, clock
    )
    if refused is not None:
        return refused
    result = await account.change_password(
        session,
        actor=actor,
        user=user,
        record=request.state.auth_session,
        new_password=body.new_password,
        now=clock.now(),
        hashing=request.app.state.hashing,
    )
    return with_session_cookie(
        PasswordChanged(
            state=actor.session_state or "full",
            csrf_token=csrf_token(result.issued.token),
            other_sessions_revoked=result.other_sessions_revoked,
        ),
        result.issued,
        now=clock.now(),
    )


_EMAIL_REFUSED: dict[int | str, dict[str, Any]] = {
    409: {"description": "email_taken: another account uses the address"},
}


@router.post(
    "/email",
    operation_id="changeEmail",
    response_model=EmailChangePending,
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        **_REAUTH,
        **_EMAIL_REFUSED,
        422: {"description": "email_unchanged; validation_failed (`errors[].type` email_invalid)"},
        429: {
            "description": "Too many wrong current passwords; or email_change_too_soon (a code "
            "was sent less than a minute ago; Retry-After)"
        },
    },
)
async def change_email(
    body: EmailChangeInput,
    actor: SignedIn,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> Response:
    """Ask to move the account to a new email address. Nothing changes yet: a single-use
    code goes to the new address (confirmEmailChange), and the current address is told of
    the request. A new request replaces a pending one."""
    user = await session_user(session, actor)
    refused = await _reauthentication_refused(
        actor, user, body.current_password, request, session, settings, clock
    )
    if refused is not None:
        return refused
    pending = await email_change.request_email_change(
        session, actor=actor, user=user, new_email=body.new_email, now=clock.now()
    )
    return JSONResponse(
        EmailChangePending(email=pending.email, expires_at=pending.expires_at).model_dump(
            mode="json"
        ),
        status_code=status.HTTP_202_ACCEPTED,
    )


def _status(pending: email_change.PendingEmailChange | None) -> EmailChangeStatus:
    return EmailChangeStatus(
        pending=EmailChangePending(email=pending.email, expires_at=pending.expires_at)
        if pending is not None
        else None
    )


@router.get("/email/pending", operation_id="getEmailChange", response_model=EmailChangeStatus)
async def get_email_change(
    actor: SignedIn, session: DbSession, clock: AppClock
) -> EmailChangeStatus:
    """The email change waiting for its code, if any."""
    user = await session_user(session, actor)
    return _status(await email_change.pending_email_change(session, user=user, now=clock.now()))


@router.delete("/email/pending", operation_id="cancelEmailChange", response_model=EmailChangeStatus)
async def cancel_email_change(actor: SignedIn, session: DbSession) -> EmailChangeStatus:
    """Withdraw the pending email change (its code stops working); nothing when none."""
    user = await session_user(session, actor)
    await email_change.cancel_email_change(session, actor=actor, user=user)
    return _status(None)


@router.post(
    "/email/confirm",
    operation_id="confirmEmailChange",
    response_model=EmailChanged,
    responses={
        400: {
            "description": "email_change_invalid: a wrong code, or no live change (the "
            "fifth wrong code ends the change)"
        },
        **_EMAIL_REFUSED,
    },
)
async def confirm_email_change(
    body: EmailChangeConfirm, actor: SignedIn, session: DbSession, clock: AppClock
) -> Response:
    """Enter the code sent to the new address: from now on the account signs in with it.
    Both the old and the new address are told."""
    user = await session_user(session, actor)
    refused = await email_change.confirm_email_change(
        session, actor=actor, user=user, code=body.code, now=clock.now()
    )
    if refused is not None:
        # Returned, not raised: the counted attempt must be committed.
        return refusal_response(refused)
    return JSONResponse(EmailChanged(email=user.email).model_dump(mode="json"))
