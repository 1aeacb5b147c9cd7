"""Outermost ASGI layer: request id, access log, last-resort 500 and security headers.

Plain ASGI rather than BaseHTTPMiddleware so that streaming bodies and background work
behave, and so that the headers are set on every response, errors included.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Sequence

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import problem_response
from app.logs import reset_request_id, set_request_id

access_log = logging.getLogger("accord.access")
error_log = logging.getLogger("accord.errors")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

STATIC_PREFIX = "/assets/"


class BodyTooLarge(Exception):
    """Raised into the app when a streamed body passes the limit."""


class SecurityMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        hsts: bool,
        max_body_bytes: int,
        large_bodies: Sequence[tuple[re.Pattern[str], int]] = (),
        router_prefixes: Sequence[str] = (),
    ) -> None:
        self.app = app
        # Prefixes routers are included under: FastAPI 0.165 hands over an included
        # router's own route, whose template lacks them; the access log puts them back.
        self.router_prefixes = tuple(router_prefixes)
        self.hsts = hsts
        self.max_body_bytes = max_body_bytes
        # Paths (full matches) that take larger bodies, streamed: uploads.
        self.large_bodies = tuple(large_bodies)
        # Built once: every response gets them (and its own x-request-id).
        self._api_headers = _security_headers(cache_control=b"no-store", hsts=hsts)
        # Vite names assets by content hash: safe to cache for ever.
        self._asset_headers = _security_headers(
            cache_control=b"public, max-age=31536000, immutable", hsts=hsts
        )

    def _body_limit(self, path: str) -> int:
        for pattern, limit in self.large_bodies:
            if pattern.fullmatch(path):
                return limit
        return self.max_body_bytes

    def _headers(self, path: str, request_id: str) -> list[tuple[bytes, bytes]]:
        static = self._asset_headers if path.startswith(STATIC_PREFIX) else self._api_headers
        return [*static, (b"x-request-id", request_id.encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(12)
        token = set_request_id(request_id)
        started = time.perf_counter()
        entry_root_path = scope.get("root_path", "")
        path: str = scope.get("path", "")
        extra_headers = self._headers(path, request_id)
        status_holder: dict[str, int] = {"status": 500, "started": 0}

        overflow = {"hit": False, "replaced": False}
        max_body_bytes = self._body_limit(path)

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                status_holder["received"] = status_holder.get("received", 0) + len(
                    message.get("body", b"")
                )
                if status_holder["received"] > max_body_bytes:
                    overflow["hit"] = True
                    raise BodyTooLarge()
            return message

        async def send_with_headers(message: Message) -> None:
            if overflow["hit"]:
                # Whatever the app made of the aborted body (FastAPI answers 400), the
                # client is told the truth once: 413.
                if not overflow["replaced"]:
                    overflow["replaced"] = True
                    await _too_large()(scope, receive, send_unmodified)
                return
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = 1
                app_headers = list(message.get("headers", []))
                # A response may only tighten the policy: a download asks for "sandbox".
                own_csp = any(k.lower() == b"content-security-policy" for k, _ in app_headers)
                added = [
                    (k, v)
                    for k, v in extra_headers
                    if not (own_csp and k == b"content-security-policy")
                ]
                managed = {name for name, _ in added}
                headers = [(k, v) for k, v in app_headers if k.lower() not in managed]
                message = {**message, "headers": headers + added}
            await send(message)

        async def send_unmodified(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = 1
                message = {**message, "headers": list(message["headers"]) + extra_headers}
            await send(message)

        try:
            if _declared_length(scope) > max_body_bytes:
                # Refused before reading a byte; a body without a declared length is
                # counted as it streams (limited_receive).
                await _too_large()(scope, receive, send_with_headers)
                return
            try:
                await self.app(scope, limited_receive, send_with_headers)
            except Exception as exc:
                if status_holder["started"] or overflow["replaced"]:
                    raise
                # Handled here, inside the request-id context and the security headers.
                error_log.error("unhandled error", exc_info=exc)
                response = problem_response(
                    status=500, code="internal_error", title="Internal server error"
                )
                await response(scope, receive, send_with_headers)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "request",
                    extra={
                        "method": scope.get("method"),
                        "route": _route_template(scope, entry_root_path, self.router_prefixes),
                        "status": status_holder["status"],
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
            reset_request_id(token)


def _route_template(scope: Scope, entry_root_path: str, prefixes: Sequence[str] = ()) -> str:
    """What the access log names a request by: its route's template behind the mounts it
    went through and the prefix its router was included under (never the raw path, which
    may carry ids), a mounted app by its mount ("/assets/*": FastAPI records no route
    there, only the root path the mount adds), else "unmatched"."""
    root_path = scope.get("root_path", "")
    mounted = root_path[len(entry_root_path) :] if root_path.startswith(entry_root_path) else ""
    route = getattr(scope.get("route"), "path", None)
    if route:
        path = scope.get("path", "")[len(root_path) :]
        for prefix in prefixes:
            if path.startswith(prefix + "/") and not route.startswith(prefix + "/"):
                route = prefix + route
                break
        return f"{mounted}{route}"
    return f"{mounted}/*" if mounted else "unmatched"


def _too_large() -> Response:
    # Made when needed, inside the request's context (it carries the request id).
    return problem_response(status=413, code="payload_too_large", title="Request body too large")


def _security_headers(*, cache_control: bytes, hsts: bool) -> tuple[tuple[bytes, bytes], ...]:
    headers = [
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"permissions-policy", PERMISSIONS_POLICY.encode()),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"cross-origin-resource-policy", b"same-origin"),
        (b"cache-control", cache_control),
    ]
    if hsts:
        headers.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
    return tuple(headers)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0
