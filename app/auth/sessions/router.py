"""Sign-in, sign-out and the user's own sessions."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from app.audit import AuditAction, record_event
from app.auth.cookies import clear_session_cookie, set_session_cookie
from app.auth.dependencies import (
    AnySession,
    AppClock,
    AppSettings,
    SignedIn,
    session_state,
    signed_in_user_id,
)
from app.auth.errors import InvalidCredentials
from app.auth.network import client_address
from app.auth.repository import SessionContext, has_second_factor, platform_roles_of
from app.auth.schemas import (
    SessionInfo,
    SessionList,
    SessionMembership,
    SessionRead,
    SignIn,
    SignInResult,
    UserRead,
)
from app.auth.sessions.service import (
    csrf_token,
    list_live_sessions,
    revoke_session,
    revoke_user_sessions,
)
from app.auth.sessions.signin import sign_in_with_password
from app.db import DbSession, UnitOfWorkRoute
from app.errors import NotFound, problem_response
from app.kit.email import canonical_email_or_none
from app.kit.schemas import Outcome, SessionsRevoked
from app.models.identity import AuthSession

router = APIRouter(prefix="/auth", tags=["auth"], route_class=UnitOfWorkRoute)


class SessionNotFound(NotFound):
    code, title = "session_not_found", "No such session"


@router.post(
    "/sign-in",
    operation_id="signIn",
    response_model=SignInResult,
    responses={
        401: {"description": "Wrong email or password (the same answer for both)"},
        429: {"description": "Too many failed attempts for this account or address"},
        503: {"description": "Too many sign-ins at once"},
    },
)
async def sign_in(
    body: SignIn, request: Request, session: DbSession, settings: AppSettings, clock: AppClock
) -> Response:
    """Check email and password and set the session cookie. ``state`` says what comes
    next: ``full``, ``second_factor_required`` or ``enrolment_required``."""
    result = await sign_in_with_password(
        session,
        sessionmaker=request.app.state.sessionmaker,
        # Lenient: any text may be tried (an unknown account and a malformed address get
        # the same answer); a valid address in any spelling is one account and one budget.
        email=canonical_email_or_none(body.email) or body.email,
        password=body.password,
        address=client_address(request),
        user_agent=request.headers.get("user-agent"),
        now=clock.now(),
        settings=settings,
        hashing=request.app.state.hashing,
    )
    if result.issued is None or result.user is None:
        refusal = result.refusal or InvalidCredentials()
        # Returned, not raised: the audit event must be committed.
        return problem_response(
            status=refusal.status, code=refusal.code, title=refusal.title, headers=refusal.headers
        )
    state = session_state(
        second_factor_proven=False,
        enrolled=await has_second_factor(session, result.user.id),
        roles=await platform_roles_of(session, result.user.id),
    )
    response = JSONResponse(
        SignInResult(state=state, csrf_token=csrf_token(result.issued.token)).model_dump()
    )
    set_session_cookie(
        response, result.issued.token, max_age=settings.session.absolute_hours * 3600
    )
    return response


@router.post("/sign-out", operation_id="signOut", response_model=Outcome)
async def sign_out(
    actor: AnySession, request: Request, response: Response, clock: AppClock, session: DbSession
) -> Outcome:
    """End this session (the cookie stops working at once, everywhere it was copied)."""
    record: AuthSession = request.state.auth_session
    await revoke_session(record, now=clock.now(), reason="signed_out")
    await record_event(
        session,
        actor=actor,
        action=AuditAction.SESSION_REVOKED,
        target=record,
        details={"reason": "signed_out"},
    )
    clear_session_cookie(response)
    return Outcome()


@router.get("/session", operation_id="getSession", response_model=SessionInfo)
async def get_session(actor: AnySession, request: Request) -> SessionInfo:
    """Who is signed in, what the session may do now, and the CSRF token for writes."""
    # Loaded with the session by resolve_actor: this answer costs no query of its own.
    context: SessionContext = request.state.session_context
    user = context.user
    return SessionInfo(
        state=actor.session_state or "full",
        csrf_token=csrf_token(request.state.session_token),
        user=UserRead(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            language=user.language,
            platform_roles=sorted(actor.platform_roles),
            password_change_required=user.password_change_required,
        ),
        memberships=[
            SessionMembership(organization_id=org, role=role)
            for org, role in actor.memberships.items()
        ],
        totp_enabled=context.totp_enabled,
        passkeys=context.passkeys,
        second_factor_fresh=actor.second_factor_fresh,
    )


@router.get("/sessions", operation_id="listSessions", response_model=SessionList)
async def list_sessions(
    actor: SignedIn, session: DbSession, settings: AppSettings, clock: AppClock
) -> SessionList:
    """The caller's live sessions, newest first."""
    user_id = signed_in_user_id(actor)
    records = await list_live_sessions(session, user_id, now=clock.now(), settings=settings.session)
    return SessionList(
        items=[
            SessionRead(
                id=r.id,
                created_at=r.created_at,
                last_seen_at=r.last_seen_at,
                method=r.method,
                user_agent=r.user_agent,
                current=r.id == actor.session_id,
            )
            for r in records
        ]
    )


@router.delete("/sessions/{session_id}", operation_id="revokeSession", response_model=Outcome)
async def revoke_one_session(
    session_id: uuid.UUID, actor: SignedIn, session: DbSession, clock: AppClock
) -> Outcome:
    """End one of the caller's own sessions (another user's is 404, like a missing one)."""
    record = await session.get(AuthSession, session_id)
    if record is None or record.user_id != actor.user_id or record.revoked_at is not None:
        raise SessionNotFound()
    await revoke_session(record, now=clock.now(), reason="revoked_by_user")
    await record_event(
        session,
        actor=actor,
        action=AuditAction.SESSION_REVOKED,
        target=record,
        details={"reason": "revoked_by_user"},
    )
    return Outcome()


@router.post(
    "/sessions/revoke-all", operation_id="revokeAllSessions", response_model=SessionsRevoked
)
async def revoke_all_sessions(
    actor: SignedIn, response: Response, session: DbSession, clock: AppClock
) -> SessionsRevoked:
    """Sign out everywhere, this browser included."""
    user_id = signed_in_user_id(actor)
    count = await revoke_user_sessions(
        session, user_id, now=clock.now(), reason="signed_out_everywhere"
    )
    await record_event(
        session,
        actor=actor,
        action=AuditAction.SESSION_REVOKED_ALL,
        target=("users", user_id),
        details={"count": count},
    )
    clear_session_cookie(response)
    return SessionsRevoked(revoked=count)
