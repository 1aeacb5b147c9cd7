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


def assets_app(dist: Path) -> StaticFiles:
    return StaticFiles(directory=dist / "assets", check_dir=False)
