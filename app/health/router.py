"""Liveness and readiness probes (no authentication, no personal data)."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from app.health.service import check_database
from app.keys import keys_loaded

router = APIRouter(tags=["health"])
log = logging.getLogger("accord.health")

CheckState = Literal["ok", "failed"]


class Health(BaseModel):
    status: Literal["ok"]


class ReadinessChecks(BaseModel):
    database: CheckState
    keys: CheckState


class Readiness(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: ReadinessChecks


@router.get("/healthz", operation_id="healthz", response_model=Health)
async def healthz() -> Health:
    """The process is alive and serving requests."""
    return Health(status="ok")


@router.get(
    "/readyz",
    operation_id="readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "A dependency is not ready"}},
)
async def readyz(request: Request, response: Response) -> Readiness:
    """The database answers and the keys are loaded; 503 otherwise."""
    database: CheckState = "ok"
    try:
        await check_database(request.app.state.engine)
    except Exception:  # any failure means "not ready"; the log keeps the class name
        log.warning("readiness: database unreachable", exc_info=True)
        database = "failed"
    keys: CheckState = "ok" if keys_loaded() else "failed"
    ready = database == "ok" and keys == "ok"
    if not ready:
        response.status_code = 503
    return Readiness(
        status="ok" if ready else "unavailable",
        checks=ReadinessChecks(database=database, keys=keys),
    )
