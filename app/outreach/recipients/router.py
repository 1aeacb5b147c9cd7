"""The recipients registry: recipients, saved groups, CSV import. Coordinators only.

Thin: the registry check (app/outreach/access.py), one service call, a schema.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response, status

from app.auth.dependencies import AppClock, SignedIn
from app.db import DbSession, UnitOfWorkRoute
from app.kit.preconditions import IF_MATCH_REFUSALS, check_if_match, row_etag
from app.kit.schemas import Outcome
from app.outreach.access import require_registry
from app.outreach.recipients import service
from app.outreach.recipients.schemas import (
    GroupIn,
    GroupList,
    GroupMembersIn,
    GroupMembersRead,
    GroupRead,
    ImportIn,
    ImportInvalidRead,
    ImportReport,
    RecipientIn,
    RecipientKind,
    RecipientList,
    RecipientRead,
    SearchText,
    Tag,
)

router = APIRouter(prefix="/recipients", tags=["outreach"], route_class=UnitOfWorkRoute)
groups_router = APIRouter(
    prefix="/recipient-groups", tags=["outreach"], route_class=UnitOfWorkRoute
)

NO_RECIPIENT: dict[int | str, dict[str, Any]] = {404: {"description": "recipient_not_found"}}
NO_GROUP: dict[int | str, dict[str, Any]] = {404: {"description": "recipient_group_not_found"}}
CountryFilter = Annotated[str | None, Query(min_length=2, max_length=2, pattern="^[A-Za-z]{2}$")]


@router.get("", operation_id="listRecipients", response_model=RecipientList)
async def list_recipients(
    actor: SignedIn,
    session: DbSession,
    kind: Annotated[RecipientKind | None, Query()] = None,
    country: CountryFilter = None,
    tag: Annotated[Tag | None, Query()] = None,
    group_id: Annotated[uuid.UUID | None, Query()] = None,
    state: Annotated[Literal["active", "archived", "all"], Query()] = "active",
    q: Annotated[
        SearchText | None,
        Query(description="Text searched in names, addressees, emails, salutations and tags"),
    ] = None,
) -> RecipientList:
    """Every matching recipient, by country and name (see RecipientList: not paged)."""
    require_registry(actor)
    return await service.list_recipients(
        session,
        kind=kind,
        country=country.upper() if country else None,
        tag=tag,
        group_id=group_id,
        archived={"active": False, "archived": True, "all": None}[state],
        search=q,
    )


@router.post(
    "",
    operation_id="createRecipient",
    response_model=RecipientRead,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "recipient_duplicate"}},
)
async def create_recipient(
    body: RecipientIn, actor: SignedIn, session: DbSession, clock: AppClock, response: Response
) -> RecipientRead:
    require_registry(actor)
    recipient = await service.create_recipient(session, actor=actor, data=body, now=clock.now())
    response.headers["ETag"] = row_etag(recipient)
    return await service.read_recipient(session, recipient)


@router.post(
    "/import",
    operation_id="importRecipients",
    response_model=ImportReport,
    responses={
        413: {"description": "import_too_large: more than 512 KB or 5,000 rows"},
        422: {
            "description": "import_invalid (the body has the row-by-row `report`; nothing "
            "was stored) or a request that is not valid",
            "model": ImportInvalidRead,
        },
    },
)
async def import_recipients(
    body: ImportIn,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    dry_run: Annotated[bool, Query()] = False,
) -> ImportReport:
    """All rows or none. With ``dry_run`` the same report, and nothing stored."""
    require_registry(actor)
    return await service.import_csv(
        session, actor=actor, text=body.csv, dry_run=dry_run, now=clock.now()
    )


@router.get(
    "/{recipient_id}",
    operation_id="getRecipient",
    response_model=RecipientRead,
    responses=NO_RECIPIENT,
)
async def get_recipient(
    recipient_id: uuid.UUID, actor: SignedIn, session: DbSession, response: Response
) -> RecipientRead:
    """The ETag header is what an update sends back in If-Match."""
    require_registry(actor)
    recipient = await service.get_recipient(session, recipient_id)
    response.headers["ETag"] = row_etag(recipient)
    return await service.read_recipient(session, recipient)


@router.put(
    "/{recipient_id}",
    operation_id="updateRecipient",
    response_model=RecipientRead,
    responses={**NO_RECIPIENT, **IF_MATCH_REFUSALS, 409: {"description": "recipient_duplicate"}},
)
async def update_recipient(
    recipient_id: uuid.UUID,
    body: RecipientIn,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> RecipientRead:
    """Every field replaced; send If-Match with the ETag last read."""
    require_registry(actor)
    recipient = await service.get_recipient(session, recipient_id, lock=True)
    check_if_match(if_match, row_etag(recipient))
    recipient = await service.replace_recipient(
        session, actor=actor, recipient=recipient, data=body, now=clock.now()
    )
    response.headers["ETag"] = row_etag(recipient)
    return await service.read_recipient(session, recipient)


@router.post(
    "/{recipient_id}/archive",
    operation_id="archiveRecipient",
    response_model=RecipientRead,
    responses=NO_RECIPIENT,
)
async def archive_recipient(
    recipient_id: uuid.UUID, actor: SignedIn, session: DbSession, clock: AppClock
) -> RecipientRead:
    """Left out of lists and group batches; kept for the dispatches that name it."""
    require_registry(actor)
    recipient = await service.get_recipient(session, recipient_id, lock=True)
    recipient = await service.set_archived(
        session, actor=actor, recipient=recipient, archived=True, now=clock.now()
    )
    return await service.read_recipient(session, recipient)


@router.post(
    "/{recipient_id}/restore",
    operation_id="restoreRecipient",
    response_model=RecipientRead,
    responses=NO_RECIPIENT,
)
async def restore_recipient(
    recipient_id: uuid.UUID, actor: SignedIn, session: DbSession, clock: AppClock
) -> RecipientRead:
    require_registry(actor)
    recipient = await service.get_recipient(session, recipient_id, lock=True)
    recipient = await service.set_archived(
        session, actor=actor, recipient=recipient, archived=False, now=clock.now()
    )
    return await service.read_recipient(session, recipient)


@router.delete(
    "/{recipient_id}",
    operation_id="deleteRecipient",
    response_model=Outcome,
    responses={**NO_RECIPIENT, 409: {"description": "recipient_in_use: archive it instead"}},
)
async def delete_recipient(recipient_id: uuid.UUID, actor: SignedIn, session: DbSession) -> Outcome:
    """Only a recipient nothing was sent to."""
    require_registry(actor)
    recipient = await service.get_recipient(session, recipient_id, lock=True)
    await service.delete_recipient(session, actor=actor, recipient=recipient)
    return Outcome()


# --- groups -----------------------------------------------------------------------------


@groups_router.get("", operation_id="listRecipientGroups", response_model=GroupList)
async def list_groups(actor: SignedIn, session: DbSession) -> GroupList:
    require_registry(actor)
    return await service.list_groups(session)


@groups_router.post(
    "",
    operation_id="createRecipientGroup",
    response_model=GroupRead,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "recipient_group_name_taken"}},
)
async def create_group(
    body: GroupIn, actor: SignedIn, session: DbSession, clock: AppClock, response: Response
) -> GroupRead:
    require_registry(actor)
    group = await service.create_group(session, actor=actor, name=body.name, now=clock.now())
    response.headers["ETag"] = row_etag(group)
    return await service.read_group(session, group)


@groups_router.patch(
    "/{group_id}",
    operation_id="renameRecipientGroup",
    response_model=GroupRead,
    responses={**NO_GROUP, **IF_MATCH_REFUSALS, 409: {"description": "recipient_group_name_taken"}},
)
async def rename_group(
    group_id: uuid.UUID,
    body: GroupIn,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> GroupRead:
    require_registry(actor)
    group = await service.get_group(session, group_id, lock=True)
    check_if_match(if_match, row_etag(group))
    group = await service.rename_group(
        session, actor=actor, group=group, name=body.name, now=clock.now()
    )
    response.headers["ETag"] = row_etag(group)
    return await service.read_group(session, group)


@groups_router.delete(
    "/{group_id}", operation_id="deleteRecipientGroup", response_model=Outcome, responses=NO_GROUP
)
async def delete_group(group_id: uuid.UUID, actor: SignedIn, session: DbSession) -> Outcome:
    """The group goes; its recipients stay in the registry."""
    require_registry(actor)
    group = await service.get_group(session, group_id, lock=True)
    await service.delete_group(session, actor=actor, group=group)
    return Outcome()


@groups_router.get(
    "/{group_id}/members",
    operation_id="listRecipientGroupMembers",
    response_model=GroupMembersRead,
    responses=NO_GROUP,
)
async def list_members(
    group_id: uuid.UUID, actor: SignedIn, session: DbSession, response: Response
) -> GroupMembersRead:
    """The members (archived ones too); the ETag is what replacing them sends in If-Match."""
    require_registry(actor)
    group = await service.get_group(session, group_id)
    response.headers["ETag"] = row_etag(group)
    return await service.group_members(session, group)


@groups_router.put(
    "/{group_id}/members",
    operation_id="setRecipientGroupMembers",
    response_model=GroupMembersRead,
    responses={**NO_GROUP, **IF_MATCH_REFUSALS, 422: {"description": "recipients_unknown"}},
)
async def set_members(
    group_id: uuid.UUID,
    body: GroupMembersIn,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> GroupMembersRead:
    """Replace the whole member list."""
    require_registry(actor)
    group = await service.get_group(session, group_id, lock=True)
    check_if_match(if_match, row_etag(group))
    group = await service.set_members(
        session, actor=actor, group=group, recipient_ids=body.recipient_ids, now=clock.now()
    )
    response.headers["ETag"] = row_etag(group)
    return await service.group_members(session, group)
