"""What the API shows of dispatches, responses and follow-ups, and the per-recipient
overview of an appeal (a constant number of queries, whatever the number of recipients)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.appeals.schemas import Person
from app.models.appeals import Appeal
from app.models.outreach import Dispatch, FollowUp, Recipient, Response, ResponseStance
from app.notifications.service import outbox_states
from app.outreach.access import OutreachAccess, OutreachRight
from app.outreach.dispatches import repository as repo
from app.outreach.dispatches.schemas import (
    AskRead,
    DispatchDetail,
    DispatchRead,
    FollowUpRead,
    LastDispatch,
    LastResponse,
    MyFollowUpRead,
    NextFollowUp,
    OutreachOverview,
    RecipientBrief,
    RecipientDispatchRead,
    RecipientOutreach,
    ResponseRead,
    StanceRead,
)
from app.outreach.dispatches.service import asks_of, sent_blocks
from app.outreach.dispatches.status import (
    DispatchFacts,
    FollowUpFacts,
    ResponseFacts,
    follow_up_overdue,
    recipient_status,
)
from app.outreach.recipients import service as recipients
from app.users import service as users


def _person(user_id: uuid.UUID | None, names: dict[uuid.UUID, str]) -> Person | None:
    if user_id is None or user_id not in names:
        return None
    return Person(id=user_id, name=names[user_id])


def recipient_brief(recipient: Recipient) -> RecipientBrief:
    return RecipientBrief(
        id=recipient.id,
        name=recipient.name,
        kind=recipient.kind,  # type: ignore[arg-type]
        country=recipient.country,
        archived=recipient.archived_at is not None,
    )


async def deliveries(session: AsyncSession, dispatches: list[Dispatch]) -> dict[uuid.UUID, str]:
    """Each dispatch's delivery, by id: "recorded"; or, for one emailed from Accord, its
    outbox message's state — "queued" until the worker has sent it, then "sent" (or
    "failed" when it gave up). Read from the outbox, never stored twice."""
    states = await outbox_states(
        session, [d.outbox_message_id for d in dispatches if d.outbox_message_id is not None]
    )
    found: dict[uuid.UUID, str] = {}
    for dispatch in dispatches:
        state = states.get(dispatch.outbox_message_id) if dispatch.outbox_message_id else None
        found[dispatch.id] = (
            state if dispatch.delivery == "queued" and state in ("sent", "failed") else None
        ) or dispatch.delivery
    return found


def _dispatch_fields(
    dispatch: Dispatch,
    recipient: Recipient,
    names: dict[uuid.UUID, str],
    delivery: dict[uuid.UUID, str],
) -> dict[str, Any]:
    return {
        "id": dispatch.id,
        "appeal_id": dispatch.appeal_id,
        "recipient": recipient_brief(recipient),
        "channel": dispatch.channel,
        "sent_on": dispatch.sent_on,
        "reference": dispatch.reference,
        "note": dispatch.note,
        "language": dispatch.language,
        "revision_sha256": dispatch.revision_sha256,
        "translation_revision_id": dispatch.translation_revision_id,
        "delivery": delivery.get(dispatch.id, dispatch.delivery),
        "closed_at": dispatch.closed_at,
        "created_by": _person(dispatch.created_by, names),
        "created_at": dispatch.created_at,
        "version": dispatch.version,
    }


async def dispatch_reads(session: AsyncSession, rows: list[Any]) -> list[DispatchRead]:
    """(dispatch, recipient) rows as the API shows them."""
    names = await users.display_names(session, [d.created_by for d, _ in rows])
    delivery = await deliveries(session, [d for d, _ in rows])
    return [DispatchRead(**_dispatch_fields(d, r, names, delivery)) for d, r in rows]


async def recipient_dispatch_reads(
    session: AsyncSession, rows: list[Any]
) -> list[RecipientDispatchRead]:
    names = await users.display_names(session, [d.created_by for d, _, _ in rows])
    delivery = await deliveries(session, [d for d, _, _ in rows])
    return [
        RecipientDispatchRead(**_dispatch_fields(d, r, names, delivery), appeal_title=a.title)
        for d, r, a in rows
    ]


def follow_up_read(follow_up: FollowUp, names: dict[uuid.UUID, str], today: date) -> FollowUpRead:
    return FollowUpRead(
        id=follow_up.id,
        dispatch_id=follow_up.dispatch_id,
        due_on=follow_up.due_on,
        assignee=_person(follow_up.assignee_id, names),
        note=follow_up.note,
        done_at=follow_up.done_at,
        overdue=follow_up_overdue(
            follow_up.due_on, done=follow_up.done_at is not None, today=today
        ),
        version=follow_up.version,
    )


async def follow_up_reads(
    session: AsyncSession, follow_ups: list[FollowUp], today: date
) -> list[FollowUpRead]:
    names = await users.display_names(session, [f.assignee_id for f in follow_ups])
    return [follow_up_read(f, names, today) for f in follow_ups]


def _response_read(
    response: Response, stances: list[ResponseStance], names: dict[uuid.UUID, str]
) -> ResponseRead:
    return ResponseRead(
        id=response.id,
        dispatch_id=response.dispatch_id,
        received_on=response.received_on,
        channel=response.channel,  # type: ignore[arg-type]
        kind=response.kind,  # type: ignore[arg-type]
        summary=response.summary,
        referred_to=response.referred_to,
        published=response.published,
        published_at=response.published_at,
        stances=[
            StanceRead(ask_id=s.ask_id, stance=s.stance, quote=s.quote)  # type: ignore[arg-type]
            for s in stances
        ],
        recorded_by=_person(response.recorded_by, names),
        created_at=response.created_at,
        version=response.version,
    )


async def response_reads(
    session: AsyncSession, responses: list[Response], ask_order: list[str]
) -> list[ResponseRead]:
    stances = await repo.stances_of(session, [r.id for r in responses])
    by_response: dict[uuid.UUID, list[ResponseStance]] = defaultdict(list)
    position = {a: n for n, a in enumerate(ask_order)}
    for s in sorted(stances, key=lambda s: position.get(s.ask_id, len(position))):
        by_response[s.response_id].append(s)
    names = await users.display_names(session, [r.recorded_by for r in responses])
    return [_response_read(r, by_response[r.id], names) for r in responses]


async def response_read(
    session: AsyncSession, response: Response, dispatch: Dispatch
) -> ResponseRead:
    blocks = await sent_blocks(session, dispatch.appeal_id, dispatch.revision_sha256)
    return (await response_reads(session, [response], [a for a, _, _ in asks_of(blocks)]))[0]


async def dispatch_detail(session: AsyncSession, dispatch: Dispatch, today: date) -> DispatchDetail:
    # The foreign key RESTRICTs deleting a recipient written to: it is there.
    recipient = await recipients.get_recipient(session, dispatch.recipient_id)
    names = await users.display_names(session, [dispatch.created_by])
    asks = asks_of(await sent_blocks(session, dispatch.appeal_id, dispatch.revision_sha256))
    responses = await repo.responses_of(session, [dispatch.id])
    return DispatchDetail(
        **_dispatch_fields(dispatch, recipient, names, await deliveries(session, [dispatch])),
        asks=[AskRead(id=i, number=n, text=t) for i, n, t in asks],
        responses=await response_reads(session, responses, [a for a, _, _ in asks]),
        follow_ups=await follow_up_reads(
            session, await repo.follow_ups_of(session, [dispatch.id]), today
        ),
    )


async def my_follow_ups(
    session: AsyncSession, user_id: uuid.UUID, today: date
) -> list[MyFollowUpRead]:
    rows = await repo.open_follow_ups_of(session, user_id)
    names = await users.display_names(session, [f.assignee_id for f, _, _, _ in rows])
    return [
        MyFollowUpRead(
            **follow_up_read(f, names, today).model_dump(),
            appeal_id=appeal.id,
            appeal_title=appeal.title,
            recipient=recipient_brief(recipient),
        )
        for f, _dispatch, recipient, appeal in rows
    ]


async def overview(
    session: AsyncSession,
    *,
    access: OutreachAccess,
    today: date,
    follow_up_days: int,
) -> OutreachOverview:
    """Every recipient the appeal was sent to, with its derived status."""
    appeal: Appeal = access.appeal
    rows = await repo.appeal_dispatches_with_recipients(session, appeal.id)
    responses = await repo.appeal_responses(session, appeal.id)
    addressed_rows = await repo.appeal_addressed_asks(session, appeal.id)
    follow_ups = await repo.appeal_follow_ups(session, appeal.id)
    asks = (
        asks_of(await sent_blocks(session, appeal.id, appeal.frozen_sha256))
        if appeal.frozen_sha256
        else []
    )
    ask_ids = [a for a, _, _ in asks]

    addressed: dict[uuid.UUID, set[str]] = defaultdict(set)
    for response_id, ask_id in addressed_rows:
        addressed[response_id].add(ask_id)
    recipient_of: dict[uuid.UUID, uuid.UUID] = {}
    dispatches: dict[uuid.UUID, list[Dispatch]] = defaultdict(list)
    recipients: dict[uuid.UUID, Recipient] = {}
    for dispatch, recipient in rows:
        recipient_of[dispatch.id] = recipient.id
        dispatches[recipient.id].append(dispatch)
        recipients[recipient.id] = recipient
    answers: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in responses:
        answers[recipient_of[row.dispatch_id]].append(row)
    chases: dict[uuid.UUID, list[FollowUp]] = defaultdict(list)
    for follow_up in follow_ups:
        chases[recipient_of[follow_up.dispatch_id]].append(follow_up)
    names = await users.display_names(session, [f.assignee_id for f in follow_ups])
    delivery = await deliveries(session, [d for d, _ in rows])

    items: list[RecipientOutreach] = []
    for recipient_id, sent in dispatches.items():
        open_ids = {d.id for d in sent if d.closed_at is None}
        their_answers = answers[recipient_id]
        open_chases = [f for f in chases[recipient_id] if f.dispatch_id in open_ids]
        status = recipient_status(
            dispatches=[DispatchFacts(d.sent_on, d.closed_at is not None) for d in sent],
            responses=[
                ResponseFacts(r.kind, r.received_on, str(r.id), frozenset(addressed[r.id]))
                for r in their_answers
            ],
            follow_ups=[FollowUpFacts(f.due_on, f.done_at is not None) for f in open_chases],
            ask_ids=ask_ids,
            today=today,
            follow_up_days=follow_up_days,
        )
        last = max(sent, key=lambda d: (d.sent_on, d.id))
        latest = max(their_answers, key=lambda r: (r.received_on, r.id), default=None)
        upcoming = next((f for f in open_chases if f.done_at is None), None)
        items.append(
            RecipientOutreach(
                recipient=recipient_brief(recipients[recipient_id]),
                status=status,
                dispatches=len(sent),
                last_dispatch=LastDispatch(
                    id=last.id,
                    channel=last.channel,  # type: ignore[arg-type]
                    sent_on=last.sent_on,
                    delivery=delivery[last.id],  # type: ignore[arg-type]
                ),
                last_response=LastResponse(
                    id=latest.id, kind=latest.kind, received_on=latest.received_on
                )
                if latest is not None
                else None,
                next_follow_up=NextFollowUp(
                    id=upcoming.id,
                    dispatch_id=upcoming.dispatch_id,
                    due_on=upcoming.due_on,
                    overdue=follow_up_overdue(upcoming.due_on, done=False, today=today),
                    assignee=_person(upcoming.assignee_id, names),
                )
                if upcoming is not None
                else None,
            )
        )
    items.sort(key=lambda i: i.recipient.name.casefold())
    return OutreachOverview(
        appeal_id=appeal.id,
        frozen_sha256=appeal.frozen_sha256,
        follow_up_days=follow_up_days,
        asks=[AskRead(id=i, number=n, text=t) for i, n, t in asks],
        recipients=items,
        can_track=OutreachRight.TRACK in access.rights,
    )
