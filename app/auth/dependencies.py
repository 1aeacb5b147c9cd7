"""From a request to an :class:`Actor`: the session cookie, CSRF, and the session's state.

Every route states what it needs with one of the annotated dependencies below; role and
permission checks on objects happen in each domain's ``access_*`` functions.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Annotated

from fastapi import Depends, Request

from app.actors import ANONYMOUS, Actor, SessionState
from app.auth.errors import (
    CsrfRejected,
    EnrolmentRequired,
    PasswordChangeRequired,
    SecondFactorRequired,
    SignInRequired,
)
from app.auth.guards import require_granted
from app.auth.repository import SessionContext, load_session_context
from app.auth.sessions.service import (
    COOKIE_NAME,
    csrf_matches,
    second_factor_fresh,
    session_is_live,
    session_token_macs,
    why_ended,
)
from app.config import Settings
from app.db import request_session
from app.kit.clock import Clock, as_utc
from app.models.users import UserStatus
from app.permissions import SELF_PERMISSIONS, Permission, requires_second_factor

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Writing last_seen_at on every request would make every read a write.
TOUCH_EVERY = timedelta(seconds=30)
# Sessions whose touch this process remembers (a bound on the memo below, not on sessions).
TOUCH_MEMO_SIZE = 10_000


class SessionTouches:
    """When this process last wrote each session's ``last_seen_at``.

    The touch is due when the stored time is TOUCH_EVERY old; every request of the session
    that read the row before the first touch committed sees it due too. Without this memo a
    page that fires many requests at once (or a burst on one session) turned each of them
    into a write queued on the same row lock, each with its own commit: the tail of the
    request floor's latency. With it, one request per process writes; the others find the
    touch done and stay reads. Bounded: past TOUCH_MEMO_SIZE sessions it starts afresh (at
    worst, one more write per session).
    """

    def __init__(self) -> None:
        self._written: dict[uuid.UUID, datetime] = {}

    def due(self, session_id: uuid.UUID, last_seen_at: datetime, now: datetime) -> bool:
        """True once per TOUCH_EVERY per session in this process: the caller writes it."""
        if as_utc(last_seen_at) + TOUCH_EVERY > now:
            return False
        written = self._written.get(session_id)
        if written is not None and written + TOUCH_EVERY > now:
            return False
        if len(self._written) >= TOUCH_MEMO_SIZE:
            self._written.clear()
        self._written[session_id] = now
        return True


# The dependencies below are `async def` although they await nothing: FastAPI runs a plain
# `def` dependency in its thread pool, a thread hop per dependency on every request.


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


AppSettings = Annotated[Settings, Depends(get_settings)]
AppClock = Annotated[Clock, Depends(get_clock)]


def session_state(
    *, second_factor_proven: bool, enrolled: bool, roles: frozenset[str]
) -> SessionState:
    """One rule for what a session may do, used at sign-in and on every request."""
    if second_factor_proven:
        return "full"
    if enrolled:
        return "second_factor_required"
    if requires_second_factor(roles):
        return "enrolment_required"
    return "full"


async def resolve_actor(request: Request) -> Actor:
    """The signed-in user behind the request's cookie, or ANONYMOUS.

    Unsafe methods on a live session must carry X-CSRF-Token (SameSite=Strict is the first
    line; the header is the second). A suspended user's sessions resolve to nobody.

    Every route depends on it: it takes the request alone and reads the unit of work, the
    settings and the clock from it (what DbSession, AppSettings and AppClock give), since
    FastAPI spends some 15 µs on each dependency it solves, on every request.
    """
    token = request.cookies.get(COOKIE_NAME)
    if not token:
        return ANONYMOUS
    session = request_session(request)
    settings: Settings = request.app.state.settings
    now = request.app.state.clock.now()
    macs = session_token_macs(token)
    # One round trip: session, user, roles, memberships and factor state together. A
    # request that only reads runs it outside its transaction (no BEGIN and COMMIT around
    # it; on SQLite, no write lock): a route that reads nothing more costs that statement
    # alone. Other methods read it in their transaction, which their writes will need.
    context = (
        await load_session_context(session, macs, in_transaction=request.method not in SAFE_METHODS)
        if macs
        else None
    )
    if context is None:
        return ANONYMOUS
    record, user = context.record, context.user
    if user.status != UserStatus.ACTIVE or not session_is_live(record, now, settings.session):
        # Told once, on the next GET /api/auth/session, which also drops the dead cookie.
        request.state.session_ended = why_ended(record, user, now, settings.session)
        return ANONYMOUS
    if request.method not in SAFE_METHODS and not csrf_matches(
        token, request.headers.get("x-csrf-token")
    ):
        raise CsrfRejected()
    touches: SessionTouches = request.app.state.session_touches
    if touches.due(record.id, record.last_seen_at, now):
        record.last_seen_at = now
    state = session_state(
        second_factor_proven=record.second_factor_at is not None,
        enrolled=context.has_second_factor,
        roles=context.platform_roles,
    )
    request.state.session_token = token
    request.state.auth_session = record
    request.state.session_context = context
    return Actor(
        type="user",
        user_id=user.id,
        platform_roles=context.platform_roles,
        session_id=record.id,
        memberships=MappingProxyType(context.memberships),
        session_state=state,
        second_factor_at=as_utc(record.second_factor_at) if record.second_factor_at else None,
        second_factor_fresh=second_factor_fresh(
            record.second_factor_at, now=now, settings=settings.session
        ),
        password_change_required=user.password_change_required,
    )


CurrentActor = Annotated[Actor, Depends(resolve_actor)]


async def require_any_session(actor: CurrentActor) -> Actor:
    """Signed in, whatever the second-factor state (sign-out, 2FA prompts, enrolment)."""
    if not actor.is_authenticated:
        raise SignInRequired()
    return actor


async def require_signed_in(actor: CurrentActor) -> Actor:
    """Fully signed in: second factor proven where the user has one or must have one."""
    if not actor.is_authenticated:
        raise SignInRequired()
    if actor.session_state == "second_factor_required":
        raise SecondFactorRequired()
    if actor.session_state == "enrolment_required":
        raise EnrolmentRequired()
    if actor.password_change_required:
        raise PasswordChangeRequired()
    return actor


AnySession = Annotated[Actor, Depends(require_any_session)]
SignedIn = Annotated[Actor, Depends(require_signed_in)]


async def loaded_session_context(actor: AnySession, request: Request) -> SessionContext:
    """What resolve_actor loaded with the session (user, roles, memberships, factors): read
    from the request, at no query of its own."""
    context: SessionContext = request.state.session_context
    return context


LoadedSessionContext = Annotated[SessionContext, Depends(loaded_session_context)]


async def session_context_if_any(actor: CurrentActor, request: Request) -> SessionContext | None:
    """As :func:`loaded_session_context`, for routes that also answer nobody signed in."""
    if not actor.is_authenticated:
        return None
    context: SessionContext = request.state.session_context
    return context


SessionContextIfAny = Annotated[SessionContext | None, Depends(session_context_if_any)]


async def require_fresh_second_factor(actor: SignedIn) -> Actor:
    """Changes to one's own second factors (removing one, new recovery codes): a
    SELF_PERMISSIONS permission, and in STEP_UP, so a second factor proven within the last
    few minutes (app/auth/guards.py require_granted decides, as for every permission)."""
    require_granted(actor, SELF_PERMISSIONS, Permission.OWN_FACTORS_MANAGE)
    return actor


SteppedUp = Annotated[Actor, Depends(require_fresh_second_factor)]


def signed_in_user_id(actor: Actor) -> uuid.UUID:
    """The user id of an actor that passed SignedIn/AnySession (never None there)."""
    if actor.user_id is None:
        raise SignInRequired()
    return actor.user_id
