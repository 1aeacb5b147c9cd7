"""Organizations and their members. Thin: access, one service call, a schema."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from app.auth.dependencies import AppClock, SignedIn
from app.auth.schemas import Outcome
from app.db import DbSession, UnitOfWorkRoute
from app.memberships import service
from app.memberships.access import (
    access_membership,
    access_organization,
    require_permission,
    visible_organization_ids,
)
from app.memberships.rules import check_if_match, organization_etag
from app.memberships.schemas import (
    MemberPage,
    MembershipRead,
    MembershipUpdate,
    OrganizationCreate,
    OrganizationPage,
    OrganizationRead,
    OrganizationUpdate,
)
from app.permissions import Permission

router = APIRouter(tags=["organizations"], route_class=UnitOfWorkRoute)

Cursor = Annotated[uuid.UUID | None, Query(description="next_cursor of the previous page")]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/organizations", operation_id="listOrganizations", response_model=OrganizationPage)
async def list_organizations(
    actor: SignedIn, session: DbSession, cursor: Cursor = None, limit: Limit = 50
) -> OrganizationPage:
    """Admins and coordinators see every organization; everyone else only their own."""
    only = visible_organization_ids(actor)
    return await service.list_organizations(
        session, only=None if only is None else list(only), cursor=cursor, limit=limit
    )


@router.post(
    "/organizations",
    operation_id="createOrganization",
    response_model=OrganizationRead,
    status_code=status.HTTP_201_CREATED,
)
async def create_organization(
    body: OrganizationCreate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    response: Response,
) -> OrganizationRead:
    """Admins only."""
    require_permission(actor, Permission.ORGANIZATIONS_MANAGE)
    organization = await service.create_organization(
        session, actor=actor, data=body, now=clock.now()
    )
    response.headers["ETag"] = organization_etag(organization)
    return service.organization_read(organization)


@router.get(
    "/organizations/{organization_id}",
    operation_id="getOrganization",
    response_model=OrganizationRead,
    responses={404: {"description": "No such organization, or not one the caller may see"}},
)
async def get_organization(
    organization_id: uuid.UUID, actor: SignedIn, session: DbSession, response: Response
) -> OrganizationRead:
    """The ETag header is the version to send back in If-Match when updating."""
    organization = await access_organization(session, actor, organization_id)
    response.headers["ETag"] = organization_etag(organization)
    return service.organization_read(organization)


@router.patch(
    "/organizations/{organization_id}",
    operation_id="updateOrganization",
    response_model=OrganizationRead,
    responses={
        412: {"description": "Changed since the caller read it (If-Match is stale)"},
        428: {"description": "If-Match missing"},
    },
)
async def update_organization(
    organization_id: uuid.UUID,
    body: OrganizationUpdate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> OrganizationRead:
    """Admins only; send If-Match with the ETag last read (lost updates are refused)."""
    organization = await access_organization(
        session, actor, organization_id, need=Permission.ORGANIZATIONS_MANAGE
    )
    check_if_match(if_match, organization_etag(organization))
    organization = await service.update_organization(
        session, actor=actor, organization=organization, changes=body, now=clock.now()
    )
    response.headers["ETag"] = organization_etag(organization)
    return service.organization_read(organization)


@router.get(
    "/organizations/{organization_id}/members",
    operation_id="listMembers",
    response_model=MemberPage,
)
async def list_members(
    organization_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> MemberPage:
    """Admins, and representatives of this organization (read-only)."""
    organization = await access_organization(
        session, actor, organization_id, need=Permission.MEMBERSHIPS_READ
    )
    return await service.list_members(
        session, organization=organization, cursor=cursor, limit=limit
    )


@router.patch(
    "/memberships/{membership_id}", operation_id="updateMembership", response_model=MembershipRead
)
async def update_membership(
    membership_id: uuid.UUID,
    body: MembershipUpdate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> MembershipRead:
    """Change a member's org role (admins, fresh second factor). The member's sessions end."""
    membership = await access_membership(session, actor, membership_id)
    membership = await service.change_membership_role(
        session, actor=actor, membership=membership, role=body.role, now=clock.now()
    )
    return MembershipRead.model_validate(membership, from_attributes=True)


@router.delete(
    "/memberships/{membership_id}", operation_id="removeMembership", response_model=Outcome
)
async def remove_membership(
    membership_id: uuid.UUID, actor: SignedIn, session: DbSession, clock: AppClock
) -> Outcome:
    """Remove someone from an organization (admins). The member's sessions end."""
    membership = await access_membership(session, actor, membership_id)
    await service.remove_membership(session, actor=actor, membership=membership, now=clock.now())
    return Outcome()
