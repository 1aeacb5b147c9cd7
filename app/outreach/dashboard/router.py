"""The coordinators' dashboard (thin: app/outreach/dashboard/service.py)."""

from __future__ import annotations

from fastapi import APIRouter

from app.auth.dependencies import AppClock, AppSettings, SignedIn
from app.db import DbSession, UnitOfWorkRoute
from app.outreach.dashboard import service
from app.outreach.dashboard.schemas import DashboardRead

router = APIRouter(tags=["outreach dashboard"], route_class=UnitOfWorkRoute)


@router.get(
    "/outreach/dashboard", operation_id="getOutreachDashboard", response_model=DashboardRead
)
async def get_dashboard(
    actor: SignedIn, session: DbSession, settings: AppSettings, clock: AppClock
) -> DashboardRead:
    """Every appeal × every recipient it was sent to, with status, response figures per
    appeal and per country, each appeal's stance matrix, and the dispatches and responses
    per week, overall and per appeal (coordinators)."""
    return await service.dashboard(
        session,
        actor,
        today=clock.now().date(),
        follow_up_days=settings.outreach.follow_up_days,
    )
