"""Follow-ups: planned chases of a dispatch (one is made with each dispatch), reassigned
among coordinators, marked done; and the daily digest that emails each assignee what is
due today and overdue.

The digest goes once per person per day (UTC) even with several workers: a person's row in
``follow_up_digests`` is claimed by one atomic INSERT … ON CONFLICT DO UPDATE … WHERE
sent_on < today, in the same transaction as the queued email. Of two workers, the second
waits on the first's row lock and then finds the day already taken (PostgreSQL); SQLite
serializes writers anyway.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.actors import Actor
from app.appeals.schemas import Person
from app.jobs.runner import JobContext
from app.kit.preconditions import PreconditionFailed
from app.kit.upsert import insert_for
from app.models.outreach import Dispatch, FollowUp, FollowUpDigest
from app.notifications.service import enqueue_email
from app.outreach.access import OutreachAccess, OutreachRight, access_outreach
from app.outreach.dispatches import repository as repo
from app.outreach.dispatches.errors import AssigneeInvalid, FollowUpNotFound
from app.outreach.dispatches.schemas import FollowUpCreate, FollowUpUpdate
from app.outreach.dispatches.status import follow_up_overdue
from app.permissions import Permission, platform_permissions
from app.users import service as users

log = logging.getLogger("accord.outreach")


async def access_follow_up(
    session: AsyncSession,
    actor: Actor,
    follow_up_id: uuid.UUID,
    need: OutreachRight = OutreachRight.READ,
) -> tuple[FollowUp, Dispatch, OutreachAccess]:
    follow_up = await repo.get_follow_up(session, follow_up_id)
    if follow_up is None:
        raise FollowUpNotFound()
    dispatch = await repo.get_dispatch(session, follow_up.dispatch_id)
    if dispatch is None:  # deleted with its appeal meanwhile
        raise FollowUpNotFound()
    return follow_up, dispatch, await access_outreach(session, actor, dispatch.appeal_id, need)


async def assignees(session: AsyncSession) -> list[Person]:
    """Everyone a follow-up may be given to (the rule :func:`_check_assignee` enforces)."""
    found = await users.active_holders_of(session, Permission.OUTREACH_TRACK)
    return [Person(id=user.id, name=user.display_name) for user in found]


async def _check_assignee(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Only an active coordinator (who may track outreach) can be given a follow-up."""
    user = await users.get_user(session, user_id)
    if user is None or user.status != "active":
        raise AssigneeInvalid()
    roles = (await users.platform_roles_of(session, [user_id])).get(user_id, [])
    if Permission.OUTREACH_TRACK not in platform_permissions(frozenset(roles)):
        raise AssigneeInvalid()


async def add_follow_up(
    session: AsyncSession,
    *,
    actor: Actor,
    dispatch: Dispatch,
    body: FollowUpCreate,
    now: datetime,
) -> FollowUp:
    assignee = body.assignee_id or actor.user_id
    if body.assignee_id is not None and body.assignee_id != actor.user_id:
        await _check_assignee(session, body.assignee_id)
    follow_up = FollowUp(
        dispatch_id=dispatch.id,
        due_on=body.due_on,
        assignee_id=assignee,
        created_by=actor.user_id,
        created_at=now,
    )
    follow_up.note = body.note
    session.add(follow_up)
    await session.flush()
    return follow_up


async def update_follow_up(
    session: AsyncSession,
    *,
    actor: Actor,
    follow_up: FollowUp,
    changes: FollowUpUpdate,
    now: datetime,
) -> FollowUp:
    given = changes.model_fields_set
    if changes.due_on is not None:
        follow_up.due_on = changes.due_on
    if changes.assignee_id is not None and changes.assignee_id != follow_up.assignee_id:
        await _check_assignee(session, changes.assignee_id)
        follow_up.assignee_id = changes.assignee_id
    if "note" in given:
        follow_up.note = changes.note
    if changes.done is not None and (follow_up.done_at is not None) != changes.done:
        follow_up.done_at = now if changes.done else None
        follow_up.done_by = actor.user_id if changes.done else None
    follow_up.updated_at = now
    try:
        await session.flush()
    except StaleDataError:
        raise PreconditionFailed() from None
    return follow_up


async def complete_open_follow_ups(
    session: AsyncSession, *, actor: Actor, dispatch_id: uuid.UUID, now: datetime
) -> int:
    """A decisive answer came (anything but an acknowledgement): the chases planned for it
    are made, so they leave the assignees' lists and digests. How many."""
    return await repo.complete_follow_ups(session, dispatch_id, by=actor.user_id, now=now)


async def delete_follow_up(session: AsyncSession, *, follow_up: FollowUp) -> None:
    await session.delete(follow_up)
    await session.flush()


# --- the daily digest --------------------------------------------------------------------


async def claim_digest(session: AsyncSession, user_id: uuid.UUID, today: date) -> bool:
    """Take today's digest for the person: True for exactly one caller per day."""
    insert = insert_for(session)
    statement = (
        insert(FollowUpDigest)
        .values(user_id=user_id, sent_on=today)
        .on_conflict_do_update(
            index_elements=[FollowUpDigest.user_id],
            set_={"sent_on": today},
            where=FollowUpDigest.sent_on < today,
        )
        .returning(FollowUpDigest.user_id)
    )
    return (await session.execute(statement)).first() is not None


DIGEST_LIMIT = 200


def _lines(rows: list[tuple[str, date]]) -> str:
    return "\n".join(f"- {name} ({due.isoformat()})" for name, due in rows) or "-"


async def send_digest(
    session: AsyncSession, *, user_id: uuid.UUID, today: date, now: datetime, link: str
) -> bool:
    """Queue the person's digest if nobody has today; True when queued."""
    user = await users.get_user(session, user_id)
    if user is None or user.status != "active":
        return False
    rows = await repo.open_follow_ups_of(session, user_id, due_by=today, limit=DIGEST_LIMIT)
    if not rows:
        return False
    if not await claim_digest(session, user_id, today):
        return False
    due_today: list[tuple[str, date]] = []
    overdue: list[tuple[str, date]] = []
    for follow_up, _dispatch, recipient, _appeal in rows:
        # The recipient's short name only: no contacts, no appeal title (mail crosses
        # providers an adversary may read).
        item = (recipient.name, follow_up.due_on)
        if follow_up_overdue(follow_up.due_on, done=False, today=today):
            overdue.append(item)
        else:
            due_today.append(item)
    await enqueue_email(
        session,
        kind="follow_up_digest",
        to=user.email,
        language=user.language,
        now=now,
        name=user.display_name,
        due_today=_lines(due_today),
        overdue=_lines(overdue),
        link=link,
    )
    return True


async def follow_up_digests(ctx: JobContext) -> None:
    """The worker's job: today's digest to each assignee with something due or overdue."""
    now = ctx.now()
    today = now.date()
    link = ctx.settings.http.public_url.rstrip("/") + "/"
    async with ctx.unit_of_work() as session:
        assignees = await repo.assignees_due(session, today)
    sent = 0
    for user_id in assignees:
        if ctx.stop.is_set():
            break
        # One unit of work per person: one failure does not hold back the others.
        async with ctx.unit_of_work() as session:
            if await send_digest(session, user_id=user_id, today=today, now=now, link=link):
                sent += 1
    if sent:
        log.info("follow-up digests queued", extra={"event": "outreach.digests", "count": sent})
