"""Changing the credentials of one's own account: password and email.

Both need proof that the person at the keyboard is the account holder, not whoever found
the browser open: a fresh second-factor check when the account has a second factor, the
current password when it has none.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.actors import Actor, SessionState
from app.auth import factors
from app.auth.cookies import set_session_cookie
from app.auth.dependencies import (
    AnySession,
    AppClock,
    AppSettings,
    SignedIn,
    require_fresh_second_factor,
)
from app.auth.errors import EnrolmentRequired, SecondFactorRequired, SignInRequired
from app.auth.repository import has_second_factor
from app.auth.sessions import csrf_token, seconds_left
from app.db import DbSession, UnitOfWorkRoute
from app.errors import AppError, problem_response
from app.models.users import User

router = APIRouter(prefix="/auth", tags=["account"], route_class=UnitOfWorkRoute)


class PasswordChangeInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str | None = Field(
        default=None,
        max_length=1024,
        description="Required when the account has no second factor",
    )
    new_password: str = Field(min_length=1, max_length=1024)


class PasswordChanged(BaseModel):
    state: SessionState
    csrf_token: str
    other_sessions_revoked: int


class EmailChangeInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    new_email: str = Field(min_length=3, max_length=320)
    current_password: str | None = Field(
        default=None,
        max_length=1024,
        description="Required when the account has no second factor",
    )


class EmailChanged(BaseModel):
    email: str


async def _user(session: DbSession, actor: Actor) -> User:
    user = await session.get(User, actor.user_id)
    if user is None:  # pragma: no cover - resolve_actor loaded it in this transaction
        raise SignInRequired()
    return user


async def _reauthenticate(
    actor: Actor,
    user: User,
    current_password: str | None,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> AppError | None:
    if await has_second_factor(session, user.id):
        await require_fresh_second_factor(actor, settings, clock)
        return None
    return await factors.check_current_password(
        session,
        actor=actor,
        user=user,
        password=current_password,
        now=clock.now(),
        settings=settings.throttle,
        hashing=request.app.state.hashing,
    )


def _problem(refusal: AppError) -> Response:
    # Returned, not raised: the failure count and its audit event must be committed.
    return problem_response(
        status=refusal.status, code=refusal.code, title=refusal.title, headers=refusal.headers
    )


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
    user = await _user(session, actor)
    if actor.session_state == "second_factor_required":
        raise SecondFactorRequired()
    # A privileged user's first sign-in may change the bootstrap password before enrolling.
    if actor.session_state == "enrolment_required" and not user.password_change_required:
        raise EnrolmentRequired()
    factors.check_new_password(user, body.new_password)
    refusal = await _reauthenticate(
        actor, user, body.current_password, request, session, settings, clock
    )
    if refusal is not None:
        return _problem(refusal)
    result = await factors.change_password(
        session,
        actor=actor,
        user=user,
        record=request.state.auth_session,
        new_password=body.new_password,
        now=clock.now(),
        hashing=request.app.state.hashing,
    )
    response = JSONResponse(
        PasswordChanged(
            state=actor.session_state or "full",
            csrf_token=csrf_token(result.issued.token),
            other_sessions_revoked=result.other_sessions_revoked,
        ).model_dump(mode="json")
    )
    set_session_cookie(
        response, result.issued.token, max_age=seconds_left(result.issued.record, clock.now())
    )
    return response


@router.post(
    "/email",
    operation_id="changeEmail",
    response_model=EmailChanged,
    responses={
        **_REAUTH,
        409: {"description": "email_taken"},
        422: {"description": "email_invalid or email_unchanged"},
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
    """Move the account to a new email address (used to sign in from now on). Both the
    old and the new address are told."""
    user = await _user(session, actor)
    refusal = await _reauthenticate(
        actor, user, body.current_password, request, session, settings, clock
    )
    if refusal is not None:
        return _problem(refusal)
    await factors.change_email(
        session, actor=actor, user=user, new_email=body.new_email, now=clock.now()
    )
    return JSONResponse(EmailChanged(email=user.email).model_dump(mode="json"))
