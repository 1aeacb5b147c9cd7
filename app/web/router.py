"""Serves the built single-page frontend (frontend/dist) from the same origin as the API."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from app.errors import NotFound, ServiceUnavailable

RESERVED = frozenset({"api", "docs", "openapi.json", "redoc"})


class FrontendNotBuilt(ServiceUnavailable):
    code, title = "frontend_not_built", "The web interface has not been built"


def frontend_router(dist: Path) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    root = dist.resolve()
    index = root / "index.html"

    # Synchronous on purpose: file-system checks run in the thread pool.
    @router.api_route("/{path:path}", methods=["GET", "HEAD"])
    def spa(path: str) -> FileResponse:
        # Unknown API paths (and the docs, where they are switched off) stay 404 problems;
        # everything else is a client-side route.
        first = path.split("/", 1)[0]
        if first in RESERVED:
            raise NotFound()
        if not index.is_file():
            raise FrontendNotBuilt("Run `make run` (or `npm run build` in frontend/).")
        candidate = (root / path).resolve()
        # Top-level files such as favicon.svg; never anything outside dist.
        if path and candidate.parent == root and candidate.is_file():
            return FileResponse(candidate)
        return FileResponse(index, media_type="text/html")

    return router


class _Assets(StaticFiles):
    """The build's hashed assets. Without a build (API-only mode) every path is an unknown
    file: 404 problem+json like any other, where StaticFiles would raise RuntimeError for
    the missing directory (a 500). A build made after start is served from then on."""

    async def check_config(self) -> None:
        # A missing directory is not a configuration error here; lookups just find nothing.
        return None


def assets_app(dist: Path) -> StaticFiles:
    return _Assets(directory=dist / "assets", check_dir=False)
