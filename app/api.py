"""Every domain router, in one place."""

from __future__ import annotations

from fastapi import APIRouter

from app.auth.router import router as auth_router
from app.db import UnitOfWorkRoute
from app.health.router import router as health_router

# Routes under /api: each request is one unit of work (see app.db.UnitOfWorkRoute).
api_router = APIRouter(prefix="/api", route_class=UnitOfWorkRoute)
api_router.include_router(auth_router)

# Probes sit at the root where orchestrators look for them.
root_router = APIRouter()
root_router.include_router(health_router)
