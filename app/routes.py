"""Every HTTP route of an app, flattened through included routers.

Cross-cutting suites (security headers, the authorization matrix) walk this list, so a new
route is covered, or fails them, the moment it exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts


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
