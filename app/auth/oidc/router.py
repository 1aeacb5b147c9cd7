"""Single sign-on through the deployment's OpenID provider (optional, existing accounts only).

The browser navigates (it does not fetch): ``/start`` sends it to the provider, the
provider sends it back to ``/callback``, and ``/callback`` sends it on to ``/`` signed in
or to ``/sign-in?error=<code>``. The page then asks ``GET /api/auth/session`` what comes
next (a second factor, enrolment, or nothing).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from app.auth.cookies import (
    OIDC_BROWSER_COOKIE,
    clear_oidc_browser_cookie,
    set_oidc_browser_cookie,
    set_session_cookie,
)
from app.auth.dependencies import AppClock, AppSettings
from app.auth.network import client_address
from app.auth.oidc import (
    CHALLENGE_TTL,
    OidcClient,
    SignInRefused,
    callback_url,
    finish_sign_in,
    new_client,
    oidc_configured,
    start_sign_in,
)
from app.auth.schemas import OidcConfig
from app.auth.throttle import limit_anonymous_ceremonies
from app.config import Settings
from app.db import DbSession, UnitOfWorkRoute
from app.errors import NotFound

router = APIRouter(prefix="/auth/oidc", tags=["auth"], route_class=UnitOfWorkRoute)

# Where the provider returns the browser; registered with the provider as the redirect URI.
CALLBACK_PATH = "/api/auth/oidc/callback"


def _client(request: Request, settings: Settings) -> OidcClient:
    """The provider client, kept on the app so discovery and the JWKS are fetched once."""
    if not oidc_configured(settings.oidc):
        # The same answer as a route that does not exist.
        raise NotFound()
    client: OidcClient | None = getattr(request.app.state, "oidc_client", None)
    if client is None or client.settings is not settings.oidc:
        client = new_client(settings)
        request.app.state.oidc_client = client
    return client


def _back_to_sign_in(code: str) -> RedirectResponse:
    response = RedirectResponse(f"/sign-in?error={code}", status_code=303)
    clear_oidc_browser_cookie(response)
    return response


@router.get("/config", operation_id="getOidcConfig", response_model=OidcConfig)
async def get_oidc_config(settings: AppSettings) -> OidcConfig:
    """Whether single sign-on is offered, and the label of its button (anyone may ask)."""
    return OidcConfig(
        enabled=oidc_configured(settings.oidc), display_name=settings.oidc.display_name
    )


@router.get(
    "/start",
    operation_id="startOidcSignIn",
    response_class=RedirectResponse,
    response_model=None,
    status_code=302,
    responses={
        302: {"description": "To the provider's authorization page"},
        303: {"description": "Back to /sign-in?error=sso_unavailable"},
        404: {"description": "Single sign-on is not configured"},
    },
)
async def start_oidc_sign_in(
    request: Request, session: DbSession, settings: AppSettings, clock: AppClock
) -> Response:
    """Begin single sign-on: a top-level navigation, not a fetch."""
    client = _client(request, settings)
    await limit_anonymous_ceremonies(
        session, client_address(request), now=clock.now(), settings=settings.throttle
    )
    try:
        started = await start_sign_in(
            session,
            client=client,
            redirect_uri=callback_url(settings, CALLBACK_PATH),
            now=clock.now(),
        )
    except SignInRefused as refusal:
        return _back_to_sign_in(refusal.code)
    response = RedirectResponse(started.url, status_code=302)
    set_oidc_browser_cookie(
        response, started.browser_token, max_age=int(CHALLENGE_TTL.total_seconds())
    )
    return response


@router.get(
    "/callback",
    operation_id="finishOidcSignIn",
    response_class=RedirectResponse,
    response_model=None,
    status_code=303,
    responses={
        303: {
            "description": "To / signed in (the session cookie is set), or to "
            "/sign-in?error=sso_failed|sso_no_account|sso_unavailable"
        },
        404: {"description": "Single sign-on is not configured"},
    },
)
async def finish_oidc_sign_in(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
) -> Response:
    """Where the provider returns the browser. Signs in an existing, active account whose
    email the provider has verified; never creates one. Single sign-on is the first factor:
    GET /api/auth/session then says whether a second factor or enrolment is due."""
    client = _client(request, settings)
    result = await finish_sign_in(
        session,
        client=client,
        settings=settings,
        state=state,
        code=code,
        provider_error=error,
        browser_token=request.cookies.get(OIDC_BROWSER_COOKIE),
        redirect_uri=callback_url(settings, CALLBACK_PATH),
        user_agent=request.headers.get("user-agent"),
        now=clock.now(),
    )
    # Returned, never raised: the used-up state and the audit event must be committed.
    if isinstance(result, SignInRefused):
        return _back_to_sign_in(result.code)
    response = RedirectResponse("/", status_code=303)
    clear_oidc_browser_cookie(response)
    set_session_cookie(
        response, result.issued.token, max_age=settings.session.absolute_hours * 3600
    )
    return response
