"""Every HTTP route of an app, flattened through included routers.

Cross-cutting suites (security headers, the authorization matrix) walk this list, so a new
route is covered, or fails them, the moment it exists. :func:`document_problems` walks it
too, so a new route's OpenAPI entry lists the refusals it shares with the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from app.errors import PROBLEM_JSON, AppError


@dataclass(frozen=True)
class RouteInfo:
    method: str
    path: str
    name: str | None


def iter_http_routes(app: FastAPI) -> Iterator[RouteInfo]:
    for context in iter_route_contexts(app.routes):
        methods = context.methods
        if not methods or context.path is None:
            continue  # mounts (static files) and websockets
        for method in sorted(methods - {"HEAD"}):
            yield RouteInfo(method=method, path=context.path, name=context.name)


# What an error answer documents: its media type (RFC 9457). The body is the problem document
# app.errors.problem_response builds; its `code` says which refusal it is.
PROBLEM_CONTENT: dict[str, Any] = {PROBLEM_JSON: {}}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def _codes(errors: Iterable[type[AppError]]) -> dict[int, list[str]]:
    codes: dict[int, list[str]] = {}
    for error in errors:
        if error.code not in codes.setdefault(error.status, []):
            codes[error.status].append(error.code)
    return codes


def document_problems(
    routers: Iterable[APIRouter],
    *,
    refusals: Mapping[Callable[..., Any], Sequence[type[AppError]]],
    unsafe_refusals: Mapping[Callable[..., Any], Sequence[type[AppError]]],
) -> None:
    """Write into each operation's OpenAPI entry the error answers its dependencies and the
    framework give (a client, and the API fuzzer, see every status it can meet), and mark
    every documented error as ``application/problem+json``.

    ``refusals`` maps a dependency to the errors it raises; ``unsafe_refusals`` the same for
    unsafe methods only (CSRF). A route's own ``responses=`` description for a status comes
    first, the shared refusals after it.
    """
    routes = [route for router in routers for route in router.routes]
    for context in iter_route_contexts(routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        unsafe = bool((route.methods or set()) - SAFE_METHODS)
        dependants = list(_dependants(route.dependant))
        errors: list[type[AppError]] = []
        for dependant in dependants:
            if dependant.call is not None:
                errors += refusals.get(dependant.call, ())
                if unsafe:
                    errors += unsafe_refusals.get(dependant.call, ())
        # What FastAPI and the middleware refuse.
        path = any(d.path_params for d in dependants)
        body = any(d.body_params for d in dependants)
        codes = _codes(errors)
        if body:
            codes.setdefault(400, []).append("bad_request")  # a body that cannot be parsed
            codes.setdefault(413, []).append("payload_too_large")
        if body or path or any(d.query_params or d.header_params for d in dependants):
            codes.setdefault(422, []).append("validation_failed")
        for status, names in codes.items():
            own = route.responses.get(status, {}).get("description", "")
            missing = ", ".join(name for name in names if name not in own)
            if missing:
                # A copy: one responses dict may be shared by several routes.
                described = f"{own}; or {missing}" if own else missing
                route.responses[status] = {
                    **route.responses.get(status, {}),
                    "description": described,
                }
        if path:
            # Each domain's access_* answers with its own code (organization_not_found, …).
            route.responses.setdefault(
                404, {"description": "Nothing the caller may see has this id"}
            )
        for key, response in list(route.responses.items()):
            if str(key)[:1] in ("4", "5") and "content" not in response and "model" not in response:
                # A copy, as above.
                route.responses[key] = {**response, "content": PROBLEM_CONTENT}
