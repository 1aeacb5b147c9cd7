"""create_app(): settings, keys, database, middleware, error handlers, routers, frontend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api import API_PREFIX, api_routers, root_routers
from app.audit.service import checkpoints_from, configure_checkpoints
from app.auth.dependencies import SessionTouches
from app.auth.hashing import PasswordHashing
from app.config import Environment, Settings, get_settings, production_problems
from app.db import create_engine, create_sessionmaker
from app.errors import install_error_handlers
from app.keys import KeyMaterial, install_keys, load_keys
from app.kit.clock import SystemClock
from app.logs import configure_logging
from app.middleware import SecurityMiddleware
from app.outreach.documents.router import DOCUMENT_UPLOADS, UPLOAD_SLACK
from app.web.router import assets_app, frontend_router


class ConfigurationError(RuntimeError):
    """The server refuses to start; the message says what to fix (never a secret)."""


def check_startable(settings: Settings) -> None:
    if settings.is_production:
        problems = production_problems(settings)
        if problems:
            raise ConfigurationError("refusing to start in production: " + "; ".join(problems))


async def check_single_sign_on(app: FastAPI, settings: Settings) -> None:
    """Refuse to start when the provider's discovery contradicts the single sign-on settings
    (issuer, token endpoint authentication method, …). A provider that cannot be reached now
    does not stop the server: password sign-in works, and SSO is checked again when used."""
    from app.auth.oidc import new_client, oidc_configured

    if not oidc_configured(settings.oidc):
        return
    client = new_client(settings)
    problems = await client.start_up_problems(app.state.clock.now())
    if problems:
        raise ConfigurationError("single sign-on is misconfigured: " + "; ".join(problems))
    # Discovery is cached in it: the first sign-in does not fetch it again.
    app.state.oidc_client = client


def create_app(settings: Settings | None = None, *, keys: KeyMaterial | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log.level, text=settings.log.text_for(settings.env))
    check_startable(settings)
    # Fail closed: no keys, no server.
    install_keys(keys or load_keys(settings))
    configure_checkpoints(checkpoints_from(settings.audit))

    engine = create_engine(
        settings.database_url, echo=settings.database.echo, pool_size=settings.database.pool_size
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from app.jobs.worker import EmbeddedWorker

        await check_single_sign_on(app, settings)

        # Embedded mode runs the worker's jobs (mail, housekeeping, audit checkpoints) inside
        # the server; tests drive them themselves.
        app.state.worker = (
            EmbeddedWorker.start(app.state.sessionmaker, settings, app.state.clock)
            if settings.mail.embedded_worker and settings.env != Environment.TEST
            else None
        )
        app.state.outbox_worker = app.state.worker  # the name it had when it only sent mail
        yield
        if app.state.worker is not None:
            await app.state.worker.stop()
        await engine.dispose()

    hide_docs = settings.is_production
    app = FastAPI(
        title="Accord",
        version="0.1.0",
        summary="Secure collaboration portal for coalitions of civil-society organizations",
        lifespan=lifespan,
        debug=False,  # tracebacks never reach the client, not even in development
        docs_url=None,
        redoc_url=None,
        openapi_url=None if hide_docs else "/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)
    app.state.clock = SystemClock()
    app.state.hashing = PasswordHashing(settings.auth)
    app.state.session_touches = SessionTouches()

    install_error_handlers(app)
    for router in root_routers:
        app.include_router(router)
    for router in api_routers:
        app.include_router(router, prefix=API_PREFIX)
    if not hide_docs:
        from app.web.docs import install_docs

        install_docs(app)
    app.mount("/assets", assets_app(settings.frontend_dist), name="assets")
    app.include_router(frontend_router(settings.frontend_dist))
    app.add_middleware(
        SecurityMiddleware,
        hsts=settings.is_production,
        max_body_bytes=settings.http.max_body_bytes,
        # Uploads stream past the general limit; the route enforces its own as it reads.
        large_bodies=[(DOCUMENT_UPLOADS, settings.outreach.document_max_bytes + UPLOAD_SLACK)],
        router_prefixes=[API_PREFIX],
    )
    return app
