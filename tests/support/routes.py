"""Routes that exist only in tests, to exercise the framework's own behaviour."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, ConfigDict, Field


def add_routes(app: FastAPI, router: APIRouter) -> None:
    # Ahead of the frontend catch-all, which would otherwise answer every GET.
    app.router.routes[0:0] = router.routes


class Probe(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=20)
    count: int
