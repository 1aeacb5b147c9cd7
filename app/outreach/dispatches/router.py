"""Dispatches, responses, follow-ups and an appeal's per-recipient outreach overview.

Thin: access (app/outreach/access.py), one service call, a schema. Coordinators record;
the writing organizations' representatives read.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Response, status

from app.auth.dependencies import AppClock, AppSettings, SignedIn, signed_in_user_id
from app.db import DbSession, UnitOfWorkRoute
from app.kit.pagination import Cursor, Limit
from app.kit.preconditions import IF_MATCH_REFUSALS, check_if_match, row_etag
from app.kit.schemas import Outcome
from app.outreach.access import OutreachRight, access_outreach, require_registry
from app.outreach.dispatches import followups, reads, service
from app.outreach.dispatches.schemas import (
    DispatchBatchCreate,
    DispatchBatchRead,
    DispatchCreate,
    DispatchDetail,
    DispatchPage,
    DispatchRead,
    DispatchUpdate,
    FollowUpAssignees,
    FollowUpCreate,
    FollowUpRead,
    FollowUpUpdate,
    MyFollowUps,
    OutreachOverview,
    RecipientDispatchPage,
    ResponseCreate,
    ResponseRead,
    ResponseUpdate,
)

router = APIRouter(tags=["outreach"], route_class=UnitOfWorkRoute)

IdempotencyKey = Annotated[
    str | None,
    Header(
        description="A random value the client made for this one create (8 to 128 visible "
        "ASCII characters): a retry with the same key and body returns the first result"
    ),
]
IfMatch = Annotated[str | None, Header()]
NOT_VISIBLE: dict[int | str, dict[str, Any]] = {
    404: {"description": "appeal_not_found (or the dispatch's, response's, follow-up's)"}
}
CREATE_REFUSALS: dict[int | str, dict[str, Any]] = {
    **NOT_VISIBLE,
    409: {"description": "appeal_not_frozen, recipient_archived"},
    422: {
        "description": "date_invalid, translation_unavailable, idempotency_key_reused, "
        "idempotency_key_invalid, recipient_email_missing, recipients_invalid"
    },
}


@router.post(
    "/appeals/{appeal_id}/dispatches",
    operation_id="recordDispatch",
    response_model=DispatchRead,
    status_code=status.HTTP_201_CREATED,
    responses={**CREATE_REFUSALS, 200: {"description": "a retry: the first dispatch"}},
)
async def record_dispatch(
    appeal_id: uuid.UUID,
    body: DispatchCreate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    settings: AppSettings,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> DispatchRead:
    """Record the appeal's frozen text as sent to a recipient (or send it by email from
    Accord with ``send``). A follow-up is planned for the configured number of days later."""
    access = await access_outreach(session, actor, appeal_id, OutreachRight.TRACK)
    recorded = await service.record_dispatches(
        session,
        actor=actor,
        user_id=signed_in_user_id(actor),
        access=access,
        recipient_ids=[body.recipient_id],
        fields=body,
        idempotency_key=idempotency_key,
        batch=False,
        settings=settings,
        now=clock.now(),
    )
    if recorded.replayed:
        response.status_code = status.HTTP_200_OK
    rows = await service.with_recipients(session, recorded.dispatches)
    response.headers["ETag"] = row_etag(recorded.dispatches[0])
    return (await reads.dispatch_reads(session, rows))[0]


@router.post(
    "/appeals/{appeal_id}/dispatches/batch",
    operation_id="recordDispatchBatch",
    response_model=DispatchBatchRead,
    status_code=status.HTTP_201_CREATED,
    responses={**CREATE_REFUSALS, 200: {"description": "a retry: the first batch"}},
)
async def record_dispatch_batch(
    appeal_id: uuid.UUID,
    body: DispatchBatchCreate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    settings: AppSettings,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> DispatchBatchRead:
    """One letter to many recipients (listed, or a saved group's members): all or none.
    Recipients already sent this appeal by the same channel are reported, not skipped."""
    access = await access_outreach(session, actor, appeal_id, OutreachRight.TRACK)
    recorded = await service.record_dispatches(
        session,
        actor=actor,
        user_id=signed_in_user_id(actor),
        access=access,
        recipient_ids=await service.batch_recipient_ids(
            session, recipient_ids=body.recipient_ids, group_id=body.group_id
        ),
        fields=body,
        idempotency_key=idempotency_key,
        batch=True,
        settings=settings,
        now=clock.now(),
    )
    if recorded.replayed:
        response.status_code = status.HTTP_200_OK
    rows = await service.with_recipients(session, recorded.dispatches)
    return DispatchBatchRead(
        items=await reads.dispatch_reads(session, rows),
        already_dispatched=sorted(recorded.already_dispatched),
    )


@router.get(
    "/appeals/{appeal_id}/dispatches",
    operation_id="listAppealDispatches",
    response_model=DispatchPage,
    responses=NOT_VISIBLE,
)
async def list_appeal_dispatches(
    appeal_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> DispatchPage:
    """The appeal's dispatches, newest first."""
    access = await access_outreach(session, actor, appeal_id)
    rows, next_cursor = await service.appeal_dispatches(
        session, access.appeal.id, cursor=cursor, limit=limit
    )
    return DispatchPage(items=await reads.dispatch_reads(session, rows), next_cursor=next_cursor)


@router.get(
    "/appeals/{appeal_id}/outreach",
    operation_id="getAppealOutreach",
    response_model=OutreachOverview,
    responses=NOT_VISIBLE,
)
async def get_appeal_outreach(
    appeal_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    settings: AppSettings,
) -> OutreachOverview:
    """Each recipient the appeal was sent to: derived status, last dispatch, last response
    and next follow-up."""
    access = await access_outreach(session, actor, appeal_id)
    return await reads.overview(
        session,
        access=access,
        today=clock.now().date(),
        follow_up_days=settings.outreach.follow_up_days,
    )


@router.get(
    "/recipients/{recipient_id}/dispatches",
    operation_id="listRecipientDispatches",
    response_model=RecipientDispatchPage,
    responses={404: {"description": "recipient_not_found"}},
)
async def list_recipient_dispatches(
    recipient_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> RecipientDispatchPage:
    """Everything sent to a recipient, across appeals, newest first (the registry's view:
    coordinators)."""
    require_registry(actor)
    rows, next_cursor = await service.recipient_dispatches(
        session, recipient_id, cursor=cursor, limit=limit
    )
    return RecipientDispatchPage(
        items=await reads.recipient_dispatch_reads(session, rows), next_cursor=next_cursor
    )


@router.get(
    "/dispatches/{dispatch_id}",
    operation_id="getDispatch",
    response_model=DispatchDetail,
    responses=NOT_VISIBLE,
)
async def get_dispatch(
    dispatch_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    response: Response,
) -> DispatchDetail:
    """A dispatch with the asks of the text sent, its responses and follow-ups. Its ETag is
    what an edit sends back in If-Match."""
    dispatch, _ = await service.access_dispatch(session, actor, dispatch_id)
    response.headers["ETag"] = row_etag(dispatch)
    return await reads.dispatch_detail(session, dispatch, clock.now().date())


@router.patch(
    "/dispatches/{dispatch_id}",
    operation_id="updateDispatch",
    response_model=DispatchDetail,
    responses={**NOT_VISIBLE, **IF_MATCH_REFUSALS},
)
async def update_dispatch(
    dispatch_id: uuid.UUID,
    body: DispatchUpdate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    response: Response,
    if_match: IfMatch = None,
) -> DispatchDetail:
    """Change the reference or note, close (nothing more expected) or reopen."""
    dispatch, _ = await service.access_dispatch(session, actor, dispatch_id, OutreachRight.TRACK)
    check_if_match(if_match, row_etag(dispatch))
    dispatch = await service.update_dispatch(
        session, actor=actor, dispatch=dispatch, changes=body, now=clock.now()
    )
    response.headers["ETag"] = row_etag(dispatch)
    return await reads.dispatch_detail(session, dispatch, clock.now().date())


@router.post(
    "/dispatches/{dispatch_id}/responses",
    operation_id="recordResponse",
    response_model=ResponseRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        **NOT_VISIBLE,
        422: {"description": "ask_unknown, date_invalid, referred_to_invalid"},
    },
)
async def record_response(
    dispatch_id: uuid.UUID,
    body: ResponseCreate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    settings: AppSettings,
    response: Response,
) -> ResponseRead:
    """What the recipient answered, with a stance on each ask of the text sent (an ask
    left out is recorded as not addressed)."""
    dispatch, _ = await service.access_dispatch(session, actor, dispatch_id, OutreachRight.TRACK)
    recorded = await service.record_response(
        session,
        actor=actor,
        dispatch=dispatch,
        body=body,
        now=clock.now(),
        public_url=settings.http.public_url,
    )
    response.headers["ETag"] = row_etag(recorded)
    return await reads.response_read(session, recorded, dispatch)


@router.patch(
    "/responses/{response_id}",
    operation_id="updateResponse",
    response_model=ResponseRead,
    responses={
        **NOT_VISIBLE,
        **IF_MATCH_REFUSALS,
        422: {"description": "ask_unknown, date_invalid, referred_to_invalid"},
    },
)
async def update_response(
    response_id: uuid.UUID,
    body: ResponseUpdate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    settings: AppSettings,
    response: Response,
    if_match: IfMatch = None,
) -> ResponseRead:
    """Correct a response, replace its stances, or publish it on the tracker (or not)."""
    found, dispatch, _ = await service.access_response(
        session, actor, response_id, OutreachRight.TRACK
    )
    check_if_match(if_match, row_etag(found))
    found = await service.update_response(
        session,
        actor=actor,
        response=found,
        dispatch=dispatch,
        changes=body,
        now=clock.now(),
        public_url=settings.http.public_url,
    )
    response.headers["ETag"] = row_etag(found)
    return await reads.response_read(session, found, dispatch)


@router.post(
    "/dispatches/{dispatch_id}/follow-ups",
    operation_id="addFollowUp",
    response_model=FollowUpRead,
    status_code=status.HTTP_201_CREATED,
    responses={**NOT_VISIBLE, 422: {"description": "assignee_invalid"}},
)
async def add_follow_up(
    dispatch_id: uuid.UUID,
    body: FollowUpCreate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> FollowUpRead:
    """Plan another chase, for oneself or another coordinator."""
    dispatch, _ = await service.access_dispatch(session, actor, dispatch_id, OutreachRight.TRACK)
    made = await followups.add_follow_up(
        session, actor=actor, dispatch=dispatch, body=body, now=clock.now()
    )
    return (await reads.follow_up_reads(session, [made], clock.now().date()))[0]


@router.patch(
    "/follow-ups/{follow_up_id}",
    operation_id="updateFollowUp",
    response_model=FollowUpRead,
    responses={**NOT_VISIBLE, **IF_MATCH_REFUSALS, 422: {"description": "assignee_invalid"}},
)
async def update_follow_up(
    follow_up_id: uuid.UUID,
    body: FollowUpUpdate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    if_match: IfMatch = None,
) -> FollowUpRead:
    """Move the due date, reassign to another coordinator, mark done (or not)."""
    follow_up, _, _ = await followups.access_follow_up(
        session, actor, follow_up_id, OutreachRight.TRACK
    )
    check_if_match(if_match, row_etag(follow_up))
    follow_up = await followups.update_follow_up(
        session, actor=actor, follow_up=follow_up, changes=body, now=clock.now()
    )
    return (await reads.follow_up_reads(session, [follow_up], clock.now().date()))[0]


@router.delete(
    "/follow-ups/{follow_up_id}",
    operation_id="deleteFollowUp",
    response_model=Outcome,
    responses=NOT_VISIBLE,
)
async def delete_follow_up(follow_up_id: uuid.UUID, actor: SignedIn, session: DbSession) -> Outcome:
    """Drop a planned chase."""
    follow_up, _, _ = await followups.access_follow_up(
        session, actor, follow_up_id, OutreachRight.TRACK
    )
    await followups.delete_follow_up(session, follow_up=follow_up)
    return Outcome()


@router.get("/follow-ups", operation_id="listMyFollowUps", response_model=MyFollowUps)
async def list_my_follow_ups(actor: SignedIn, session: DbSession, clock: AppClock) -> MyFollowUps:
    """The caller's open follow-ups across appeals, soonest first (coordinators)."""
    require_registry(actor)
    return MyFollowUps(
        items=await reads.my_follow_ups(session, signed_in_user_id(actor), clock.now().date())
    )


@router.get(
    "/follow-ups/assignees",
    operation_id="listFollowUpAssignees",
    response_model=FollowUpAssignees,
)
async def list_follow_up_assignees(actor: SignedIn, session: DbSession) -> FollowUpAssignees:
    """The active coordinators, by name: whom a follow-up may be given to (coordinators)."""
    require_registry(actor)
    return FollowUpAssignees(items=await followups.assignees(session))
