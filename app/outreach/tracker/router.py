"""The tracker: coordinators publish it or take it down; anyone reads a published one.

Thin: one service call each (app/outreach/tracker/service.py)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from app.auth.dependencies import AppClock, AppSettings, SignedIn
from app.db import DbSession, UnitOfWorkRoute
from app.outreach.tracker import service
from app.outreach.tracker.schemas import PublicTrackerRead, TrackerIn, TrackerRead, VerifiedText

router = APIRouter(tags=["outreach tracker"], route_class=UnitOfWorkRoute)
public_router = APIRouter(prefix="/public", tags=["outreach tracker"], route_class=UnitOfWorkRoute)

NOT_VISIBLE: dict[int | str, dict[str, Any]] = {404: {"description": "appeal_not_found"}}
NOT_PUBLISHED: dict[int | str, dict[str, Any]] = {
    404: {"description": "tracker_not_found: no published tracker"}
}


@router.get(
    "/appeals/{appeal_id}/tracker",
    operation_id="getTracker",
    response_model=TrackerRead,
    responses=NOT_VISIBLE,
)
async def get_tracker(appeal_id: uuid.UUID, actor: SignedIn, session: DbSession) -> TrackerRead:
    """Whether the appeal's public tracker is published, and where."""
    return await service.tracker_settings(session, actor, appeal_id)


@router.put(
    "/appeals/{appeal_id}/tracker",
    operation_id="setTracker",
    response_model=TrackerRead,
    responses={**NOT_VISIBLE, 409: {"description": "text_not_frozen"}},
)
async def set_tracker(
    appeal_id: uuid.UUID,
    body: TrackerIn,
    actor: SignedIn,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> TrackerRead:
    """Publish the tracker (the text, public signatories, counts and each recipient's status
    and published stances become public) or take it down."""
    return await service.set_published(
        session,
        actor,
        appeal_id,
        published=body.published,
        public_url=settings.http.public_url,
        now=clock.now(),
    )


@public_router.get(
    "/trackers/{appeal_id}",
    operation_id="getPublicTracker",
    response_model=PublicTrackerRead,
    responses=NOT_PUBLISHED,
)
async def get_public_tracker(appeal_id: uuid.UUID, session: DbSession) -> PublicTrackerRead:
    """A published tracker, for anyone."""
    return await service.public_tracker(session, appeal_id)


@public_router.get(
    "/trackers/{appeal_id}/feed",
    operation_id="getPublicTrackerFeed",
    response_class=Response,
    responses={
        200: {"content": {"application/atom+xml": {}}, "description": "An Atom feed"},
        **NOT_PUBLISHED,
    },
)
async def get_public_tracker_feed(
    appeal_id: uuid.UUID, session: DbSession, settings: AppSettings
) -> Response:
    """The published responses as an Atom feed."""
    body = await service.public_feed(session, appeal_id, public_url=settings.http.public_url)
    return Response(content=body, media_type="application/atom+xml")


@public_router.get(
    "/texts/{sha256}",
    operation_id="verifyText",
    response_model=VerifiedText,
    responses={404: {"description": "text_not_found"}},
)
async def verify_text(
    sha256: Annotated[str, Path(pattern="^[0-9a-f]{64}$")], session: DbSession
) -> VerifiedText:
    """The appeal text a letter's footer names by its SHA-256 (lower-case hex), for anyone
    to compare with the letter they hold: only texts frozen for signatures or sent."""
    return await service.verified_text(session, sha256)
