"""Organizations: list, create, read, edit, and their member lists.

Thin: access, one service call, a schema."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Response, status

from app.auth.dependencies import AppClock, SignedIn
from app.auth.guards import require_permission
from app.db import DbSession, UnitOfWorkRoute
from app.kit.pagination import Cursor, Limit
from app.kit.preconditions import check_if_match
from app.memberships import service as memberships
from app.memberships.schemas import ColleaguePage, MemberPage
from app.organizations import service
from app.organizations.access import access_organization, visible_organization_ids
from app.organizations.rules import organization_etag
from app.organizations.schemas import (
    OrganizationCreate,
    OrganizationPage,
    OrganizationRead,
    OrganizationUpdate,
)
from app.permissions import Permission

router = APIRouter(prefix="/organizations", tags=["organizations"], route_class=UnitOfWorkRoute)


@router.get("", operation_id="listOrganizations", response_model=OrganizationPage)
async def list_organizations(
    actor: SignedIn, session: DbSession, cursor: Cursor = None, limit: Limit = 50
) -> OrganizationPage:
    """Admins and coordinators see every organization; everyone else only their own."""
    only = visible_organization_ids(actor)
    return await service.list_organizations(
        session, only=None if only is None else list(only), cursor=cursor, limit=limit
    )


@router.post(
    "",
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
    "/{organization_id}",
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
    "/{organization_id}",
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
    "/{organization_id}/colleagues",
    operation_id="listColleagues",
    response_model=ColleaguePage,
)
async def list_colleagues(
    organization_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> ColleaguePage:
    """Everyone in the organization (and admins): its active members' names and roles, no
    addresses. The member list with addresses stays with representatives and admins."""
    organization = await access_organization(
        session, actor, organization_id, need=Permission.COLLEAGUES_READ
    )
    return await memberships.list_colleagues(
        session, organization=organization, cursor=cursor, limit=limit
    )


@router.get(
    "/{organization_id}/members",
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
    return await memberships.list_members(
        session, organization=organization, cursor=cursor, limit=limit
    )
