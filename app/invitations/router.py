"""Invitations: managed by admins; looked up and accepted by whoever holds the link."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from app.auth.cookies import set_session_cookie
from app.auth.dependencies import AppClock, AppSettings, CurrentActor, SignedIn
from app.auth.guards import require_permission
from app.auth.sessions.service import csrf_token, seconds_left
from app.db import DbSession, UnitOfWorkRoute
from app.invitations import service
from app.invitations.acceptance import accept_invitation as accept
from app.invitations.access import access_invitation, access_invitation_by_token
from app.invitations.schemas import (
    AcceptResult,
    InvitationAccept,
    InvitationCreate,
    InvitationPage,
    InvitationPreview,
    InvitationRead,
    InvitationStatus,
    InvitationToken,
    OwnInvitationList,
)
from app.kit.pagination import Cursor, Limit
from app.organizations.access import access_organization
from app.permissions import Permission

router = APIRouter(prefix="/invitations", tags=["invitations"], route_class=UnitOfWorkRoute)

INVALID: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown, expired, revoked or used (one answer for all)"}
}


@router.post(
    "",
    operation_id="createInvitation",
    response_model=InvitationRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"description": "organization_not_found: no organization the caller may see"},
        409: {"description": "already_member, invitation_pending or user_suspended"},
    },
)
async def create_invitation(
    body: InvitationCreate,
    actor: SignedIn,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> InvitationRead:
    """Admins, fresh second factor. Emails a single-use link valid for seven days."""
    require_permission(actor, Permission.INVITATIONS_MANAGE)
    organization = await access_organization(
        session, actor, body.organization_id, need=Permission.INVITATIONS_MANAGE
    )
    now = clock.now()
    invitation = await service.create_invitation(
        session, actor=actor, organization=organization, data=body, now=now, settings=settings
    )
    return service.invitation_read(invitation, now)


@router.get("/mine", operation_id="listOwnInvitations", response_model=OwnInvitationList)
async def list_own_invitations(
    actor: SignedIn, session: DbSession, clock: AppClock
) -> OwnInvitationList:
    """Pending invitations to the caller's own address (any signed-in person)."""
    return await service.own_invitations(session, actor=actor, now=clock.now())


@router.get("", operation_id="listInvitations", response_model=InvitationPage)
async def list_invitations(
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    status: InvitationStatus | None = None,
    organization_id: uuid.UUID | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> InvitationPage:
    """Admins only; newest first."""
    require_permission(actor, Permission.INVITATIONS_READ)
    return await service.list_invitations(
        session,
        status=status,
        organization_id=organization_id,
        now=clock.now(),
        cursor=cursor,
        limit=limit,
    )


@router.post(
    "/{invitation_id}/resend", operation_id="resendInvitation", response_model=InvitationRead
)
async def resend_invitation(
    invitation_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> InvitationRead:
    """A new link (the old one stops working) and seven more days. Admins, fresh factor."""
    invitation = await access_invitation(session, actor, invitation_id)
    now = clock.now()
    invitation = await service.resend_invitation(
        session, actor=actor, invitation=invitation, now=now, settings=settings
    )
    return service.invitation_read(invitation, now)


@router.delete("/{invitation_id}", operation_id="revokeInvitation", response_model=InvitationRead)
async def revoke_invitation(
    invitation_id: uuid.UUID, actor: SignedIn, session: DbSession, clock: AppClock
) -> InvitationRead:
    """Withdraw a pending invitation: its link stops working. Admins only."""
    invitation = await access_invitation(session, actor, invitation_id)
    now = clock.now()
    invitation = await service.revoke_invitation(
        session, actor=actor, invitation=invitation, now=now
    )
    return service.invitation_read(invitation, now)


@router.post(
    "/lookup", operation_id="lookupInvitation", response_model=InvitationPreview, responses=INVALID
)
async def lookup_invitation(
    body: InvitationToken, session: DbSession, clock: AppClock
) -> InvitationPreview:
    """Anyone holding the link: what it invites to. The token travels in the body, never
    in a URL."""
    invitation = await access_invitation_by_token(session, body.token, now=clock.now())
    return await service.preview_invitation(session, invitation)


@router.post(
    "/accept",
    operation_id="acceptInvitation",
    response_model=AcceptResult,
    responses={
        **INVALID,
        401: {"description": "The account exists: sign in to it first"},
        403: {"description": "Signed in as a different account"},
        409: {"description": "Already a member"},
        422: {"description": "Missing account details, or the password breaks the policy"},
    },
)
async def accept_invitation(
    body: InvitationAccept,
    actor: CurrentActor,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> Response:
    """Join the organization and be signed in. A new email sends display_name and password
    and gets an account; an existing account accepts while signed in, without a password.
    ``state`` is ``enrolment_required`` when the account must now set up a second factor."""
    now = clock.now()
    invitation = await access_invitation_by_token(session, body.token, now=now, lock=True)
    accepted = await accept(
        session,
        actor=actor,
        current_session=getattr(request.state, "auth_session", None),
        invitation=invitation,
        data=body,
        now=now,
        settings=settings,
        hashing=request.app.state.hashing,
        user_agent=request.headers.get("user-agent"),
    )
    response = JSONResponse(
        AcceptResult(
            state=accepted.state, csrf_token=csrf_token(accepted.issued.token)
        ).model_dump()
    )
    set_session_cookie(
        response, accepted.issued.token, max_age=seconds_left(accepted.issued.record, now)
    )
    return response
