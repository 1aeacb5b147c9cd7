"""Use cases of dispatches and responses: record a letter sent (idempotently, one or a batch),
email it from Accord, change or close it, record a response with a stance per ask.

Check-then-act holds on PostgreSQL with several processes: a retried create is caught by
the unique (created_by, idempotency_key) constraint, never by a read alone; recipients are
share-locked while dispatches to them are written, so an archive cannot slip in between;
edits compare the row version (412 when someone else saved first).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.actors import Actor
from app.appeals.text.blocks import Block, blocks_from_json
from app.audit import AuditAction, record_event
from app.config import Settings
from app.kit.preconditions import PreconditionFailed
from app.models.appeals import Appeal
from app.models.outreach import Dispatch, FollowUp, Recipient, Response, ResponseStance
from app.notifications.service import enqueue_email
from app.notifications.smtp import Attachment
from app.outreach.access import OutreachAccess, OutreachRight, access_outreach
from app.outreach.dispatches import followups
from app.outreach.dispatches import repository as repo
from app.outreach.dispatches.errors import (
    AppealNotFrozen,
    AskUnknown,
    DateInvalid,
    DispatchNotFound,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    RecipientArchived,
    RecipientEmailMissing,
    RecipientsInvalid,
    ReferredToInvalid,
    ResponseNotFound,
    TranslationUnavailable,
)
from app.outreach.dispatches.schemas import (
    DispatchFields,
    DispatchUpdate,
    ResponseCreate,
    ResponseUpdate,
    StanceIn,
)
from app.outreach.letters import service as letters
from app.outreach.recipients import service as registry
from app.outreach.tracker import service as tracker

IDEMPOTENCY_KEY_MIN, IDEMPOTENCY_KEY_MAX = 8, 128


# --- access ------------------------------------------------------------------------------


async def access_dispatch(
    session: AsyncSession,
    actor: Actor,
    dispatch_id: uuid.UUID,
    need: OutreachRight = OutreachRight.READ,
) -> tuple[Dispatch, OutreachAccess]:
    """The dispatch and the actor's rights on its appeal's outreach (404 when the actor may
    not see the appeal, 403 without ``need``)."""
    dispatch = await repo.get_dispatch(session, dispatch_id)
    if dispatch is None:
        raise DispatchNotFound()
    return dispatch, await access_outreach(session, actor, dispatch.appeal_id, need)


async def access_response(
    session: AsyncSession,
    actor: Actor,
    response_id: uuid.UUID,
    need: OutreachRight = OutreachRight.READ,
) -> tuple[Response, Dispatch, OutreachAccess]:
    response = await repo.get_response(session, response_id)
    if response is None:
        raise ResponseNotFound()
    dispatch, access = await access_dispatch(session, actor, response.dispatch_id, need)
    return response, dispatch, access


# --- the text sent -----------------------------------------------------------------------


async def sent_blocks(session: AsyncSession, appeal_id: uuid.UUID, sha256: str) -> list[Block]:
    revision = await repo.revision_by_hash(session, appeal_id, sha256)
    return blocks_from_json(revision.blocks_json) if revision is not None else []


def asks_of(blocks: list[Block]) -> list[tuple[str, int, str]]:
    """(id, number, text) of each ask, numbered as a letter numbers them."""
    asks = [b for b in blocks if b.kind == "ask"]
    return [(b.id, n, b.text) for n, b in enumerate(asks, start=1)]


def letter_text(recipient: Recipient, blocks: list[Block], sha256: str) -> tuple[str, str]:
    """(subject, body) of a letter as a plain-text email: the addressee block, the text with
    numbered asks, and the revision hash. The letter itself, as the letters endpoint makes
    it, goes with it as a PDF (app/outreach/letters)."""
    subject = next((b.text for b in blocks if b.kind == "title"), "")
    parts = [recipient.addressee]
    number = 0
    for b in blocks:
        if b.kind == "title":
            continue
        if b.kind == "salutation" and recipient.salutation:
            parts.append(recipient.salutation)
        elif b.kind == "ask":
            number += 1
            parts.append(f"{number}. {b.text}")
        else:
            parts.append(b.text)
    parts.append(f"SHA-256: {sha256}")
    return subject, "\n\n".join(parts) + "\n"


# --- dispatches --------------------------------------------------------------------------


def idempotency_hash(key: str | None, recipient_id: uuid.UUID | None = None) -> str | None:
    """SHA-256 (hex) of the client's key; for a batch, of the key and each recipient."""
    if key is None:
        return None
    if not (
        IDEMPOTENCY_KEY_MIN <= len(key) <= IDEMPOTENCY_KEY_MAX
        and all(0x21 <= ord(c) <= 0x7E for c in key)
    ):
        raise IdempotencyKeyInvalid()
    material = key if recipient_id is None else f"{key}\x00{recipient_id}"
    return hashlib.sha256(material.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Recorded:
    dispatches: list[Dispatch]
    # A retry: the dispatches the first request made, nothing new.
    replayed: bool
    already_dispatched: set[uuid.UUID]


def _same_request(dispatch: Dispatch, fields: DispatchFields, appeal_id: uuid.UUID) -> bool:
    """Whether a retry asks for what the first request recorded. A language left out was
    derived per recipient then; it is not compared (a translation approved in between must
    not turn a retry into a refusal)."""
    return (
        dispatch.appeal_id == appeal_id
        and dispatch.channel == fields.channel
        and dispatch.sent_on == fields.sent_on
        and dispatch.reference == fields.reference
        and dispatch.note == fields.note
        and (fields.language is None or dispatch.language == fields.language)
        and (dispatch.delivery == "queued") == fields.send
    )


async def _replay(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    keys: dict[uuid.UUID, str],
    fields: DispatchFields,
    appeal: Appeal,
) -> list[Dispatch] | None:
    """The dispatches a first request with these keys made; None when there was none;
    422 when the key went with another request."""
    found = await repo.find_by_idempotency_keys(session, user_id, list(keys.values()))
    if not found:
        return None
    by_recipient = {d.recipient_id: d for d in found}
    if set(by_recipient) != set(keys) or not all(
        _same_request(d, fields, appeal.id) for d in found
    ):
        raise IdempotencyKeyReused()
    return [by_recipient[r] for r in keys]


async def batch_recipient_ids(
    session: AsyncSession, *, recipient_ids: list[uuid.UUID], group_id: uuid.UUID | None
) -> list[uuid.UUID]:
    """The recipients listed, or the group's (archived members left out, as the registry
    batches); 404 for no such group, 422 for a group with no one to send to."""
    if group_id is None:
        return recipient_ids
    members = await registry.list_group_recipients(session, group_id)
    if not members:
        raise RecipientsInvalid("This group has no members")
    return [r.id for r in members]


async def record_dispatches(
    session: AsyncSession,
    *,
    actor: Actor,
    user_id: uuid.UUID,
    access: OutreachAccess,
    recipient_ids: list[uuid.UUID],
    fields: DispatchFields,
    idempotency_key: str | None,
    batch: bool,
    settings: Settings,
    now: datetime,
) -> Recorded:
    """Dispatches of the appeal's frozen text to the recipients: all or none. A retry with
    the same Idempotency-Key and the same request returns the first result. ``user_id`` is
    the signed-in actor's: keys are the person's own."""
    access.require(OutreachRight.TRACK)
    appeal = access.appeal
    if not recipient_ids:
        raise RecipientsInvalid()
    keys: dict[uuid.UUID, str] = {}
    if idempotency_key is not None:
        keys = {
            r: idempotency_hash(idempotency_key, r if batch else None)  # type: ignore[misc]
            for r in recipient_ids
        }
        first = await _replay(session, user_id=user_id, keys=keys, fields=fields, appeal=appeal)
        if first is not None:
            return Recorded(first, replayed=True, already_dispatched=set())
    if appeal.frozen_sha256 is None:
        raise AppealNotFrozen()
    today = now.date()
    if fields.sent_on > today:
        raise DateInvalid("sent_on cannot be in the future")
    opened = await repo.signing_opened_on(session, appeal.id)
    if opened is not None and fields.sent_on < opened.date():
        raise DateInvalid(f"sent_on cannot be before the text was frozen ({opened.date()})")
    recipients = {
        r.id: r for r in await registry.recipients_by_ids(session, recipient_ids, share_lock=True)
    }
    # The text each recipient's letter is made from: the language asked for, or else each
    # recipient's own as the letters choose it (an approved translation of the frozen text).
    text_for: dict[uuid.UUID, tuple[str, uuid.UUID | None]] = {}
    if fields.language is not None and fields.language != appeal.language:
        translation = await repo.approved_translation(
            session, appeal.id, fields.language, appeal.frozen_sha256
        )
        if translation is None:
            raise TranslationUnavailable()
        text_for = dict.fromkeys(recipient_ids, (fields.language, translation.head_revision_id))
    elif fields.language is not None:
        text_for = dict.fromkeys(recipient_ids, (appeal.language, None))
    else:
        approved = await repo.approved_translations(session, appeal.id, appeal.frozen_sha256)
        for recipient_id in recipient_ids:
            chosen = letters.letter_language(
                recipients[recipient_id].language, appeal.language, approved
            )
            text_for[recipient_id] = (
                (appeal.language, None)
                if chosen is None
                else (approved[chosen].language, approved[chosen].head_revision_id)
            )
    archived = [r for r in recipient_ids if recipients[r].archived_at is not None]
    if archived:
        raise RecipientArchived(extra={"recipient_ids": [str(r) for r in archived]})
    if fields.send:
        no_email = [r for r in recipient_ids if not recipients[r].email]
        if no_email:
            raise RecipientEmailMissing(extra={"recipient_ids": [str(r) for r in no_email]})
    before = await repo.already_dispatched(session, appeal.id, fields.channel, recipient_ids)
    made: list[Dispatch] = []
    try:
        async with session.begin_nested():
            for recipient_id in recipient_ids:
                dispatch = Dispatch(
                    appeal_id=appeal.id,
                    recipient_id=recipient_id,
                    revision_sha256=appeal.frozen_sha256,
                    language=text_for[recipient_id][0],
                    translation_revision_id=text_for[recipient_id][1],
                    channel=fields.channel,
                    sent_on=fields.sent_on,
                    delivery="queued" if fields.send else "recorded",
                    created_by=user_id,
                    idempotency_key=keys.get(recipient_id),
                    created_at=now,
                )
                dispatch.reference = fields.reference
                dispatch.note = fields.note
                session.add(dispatch)
                made.append(dispatch)
            await session.flush()
    except IntegrityError:
        # Another request with the same key committed first (two processes, PostgreSQL).
        if not keys:
            raise
        first = await _replay(session, user_id=user_id, keys=keys, fields=fields, appeal=appeal)
        if first is None:
            raise
        return Recorded(first, replayed=True, already_dispatched=set())
    for dispatch in made:
        follow_up = FollowUp(
            dispatch_id=dispatch.id,
            due_on=dispatch.sent_on + timedelta(days=settings.outreach.follow_up_days),
            assignee_id=user_id,
            created_by=user_id,
            created_at=now,
        )
        session.add(follow_up)
    await session.flush()
    if fields.send:
        source_blocks = await sent_blocks(session, appeal.id, appeal.frozen_sha256)
        translated: dict[uuid.UUID, list[Block]] = {}
        for revision_id in {d.translation_revision_id for d in made}:
            if revision_id is not None:
                translated[revision_id] = await repo.translation_blocks(session, revision_id)
        pdfs = await letters.letter_pdfs(
            session,
            access=access,
            recipients=[(recipients[d.recipient_id], d.language) for d in made],
            day=fields.sent_on,
            public_url=settings.http.public_url,
        )
        for dispatch in made:
            recipient = recipients[dispatch.recipient_id]
            blocks = (
                translated[dispatch.translation_revision_id]
                if dispatch.translation_revision_id is not None
                else source_blocks
            )
            subject, body = letter_text(recipient, blocks, appeal.frozen_sha256)
            filename, pdf = pdfs[recipient.id]
            message = await enqueue_email(
                session,
                kind="outreach_letter",
                to=recipient.email or "",
                language=dispatch.language,
                now=now,
                attachment=Attachment(filename, "application/pdf", pdf),
                subject=subject,
                letter=body,
            )
            dispatch.outbox_message_id = message.id
        await session.flush()
    for dispatch in made:
        await record_event(
            session,
            actor=actor,
            action=AuditAction.DISPATCH_RECORDED,
            target=dispatch,
            details={
                "appeal_id": str(appeal.id),
                "recipient_id": str(dispatch.recipient_id),
                "channel": dispatch.channel,
                "delivery": dispatch.delivery,
            },
        )
    return Recorded(made, replayed=False, already_dispatched=before)


async def update_dispatch(
    session: AsyncSession,
    *,
    actor: Actor,
    dispatch: Dispatch,
    changes: DispatchUpdate,
    now: datetime,
) -> Dispatch:
    given = changes.model_fields_set
    changed: list[str] = []
    if "reference" in given and dispatch.reference != changes.reference:
        dispatch.reference = changes.reference
        changed.append("reference")
    if "note" in given and dispatch.note != changes.note:
        dispatch.note = changes.note
        changed.append("note")
    if changes.closed is not None and (dispatch.closed_at is not None) != changes.closed:
        dispatch.closed_at = now if changes.closed else None
        changed.append("closed" if changes.closed else "reopened")
    if not changed:
        return dispatch
    dispatch.updated_at = now
    try:
        await session.flush()
    except StaleDataError:
        raise PreconditionFailed() from None
    await record_event(
        session,
        actor=actor,
        action=AuditAction.DISPATCH_UPDATED,
        target=dispatch,
        details={"changed": changed},
    )
    return dispatch


# --- responses ---------------------------------------------------------------------------


def _check_received_on(received_on: date, dispatch: Dispatch, today: date) -> None:
    if received_on > today:
        raise DateInvalid("received_on cannot be in the future")
    if received_on < dispatch.sent_on:
        raise DateInvalid("received_on cannot be before the dispatch was sent")


async def _set_stances(
    session: AsyncSession,
    *,
    response: Response,
    dispatch: Dispatch,
    stances: list[StanceIn],
    existing: list[ResponseStance],
) -> None:
    """One row per ask of the text sent: the given stance, or "not_addressed"."""
    ask_ids = [
        a
        for a, _, _ in asks_of(
            await sent_blocks(session, dispatch.appeal_id, dispatch.revision_sha256)
        )
    ]
    given = {s.ask_id: s for s in stances}
    unknown = sorted(set(given) - set(ask_ids))
    if unknown:
        raise AskUnknown(extra={"ask_ids": unknown})
    rows = {row.ask_id: row for row in existing}
    for ask_id in ask_ids:
        stance = given.get(ask_id)
        row = rows.get(ask_id)
        if row is None:
            row = ResponseStance(response_id=response.id, ask_id=ask_id)
            session.add(row)
        row.stance = stance.stance if stance else "not_addressed"
        row.quote = stance.quote if stance else None
    await session.flush()


async def record_response(
    session: AsyncSession,
    *,
    actor: Actor,
    dispatch: Dispatch,
    body: ResponseCreate,
    now: datetime,
    public_url: str,
) -> Response:
    _check_received_on(body.received_on, dispatch, now.date())
    response = Response(
        dispatch_id=dispatch.id,
        received_on=body.received_on,
        channel=body.channel,
        kind=body.kind,
        published=body.published,
        published_at=now if body.published else None,
        recorded_by=actor.user_id,
        created_at=now,
    )
    response.summary = body.summary
    response.referred_to = body.referred_to if body.kind == "referral" else None
    session.add(response)
    await session.flush()
    await _set_stances(
        session, response=response, dispatch=dispatch, stances=body.stances, existing=[]
    )
    completed = 0
    if body.kind != "acknowledgement":
        completed = await followups.complete_open_follow_ups(
            session, actor=actor, dispatch_id=dispatch.id, now=now
        )
    await record_event(
        session,
        actor=actor,
        action=AuditAction.RESPONSE_RECORDED,
        target=response,
        details={
            "dispatch_id": str(dispatch.id),
            "kind": body.kind,
            "follow_ups_completed": completed,
        },
    )
    if body.published:
        await record_event(
            session, actor=actor, action=AuditAction.RESPONSE_PUBLISHED, target=response
        )
        await _announce(session, dispatch, response, public_url=public_url, now=now)
    return response


async def _announce(
    session: AsyncSession, dispatch: Dispatch, response: Response, *, public_url: str, now: datetime
) -> None:
    """A response just published: the signers who asked for updates hear of it (when the
    appeal's tracker is published)."""
    await tracker.announce(
        session,
        appeal_id=dispatch.appeal_id,
        response=response,
        recipient_id=dispatch.recipient_id,
        public_url=public_url,
        now=now,
    )


async def update_response(
    session: AsyncSession,
    *,
    actor: Actor,
    response: Response,
    dispatch: Dispatch,
    changes: ResponseUpdate,
    now: datetime,
    public_url: str,
) -> Response:
    given = changes.model_fields_set
    if changes.received_on is not None:
        _check_received_on(changes.received_on, dispatch, now.date())
        response.received_on = changes.received_on
    if changes.channel is not None:
        response.channel = changes.channel
    if changes.kind is not None:
        response.kind = changes.kind
    if "summary" in given:
        response.summary = changes.summary
    if "referred_to" in given:
        response.referred_to = changes.referred_to
    if response.kind != "referral":
        if "referred_to" in given and changes.referred_to is not None:
            raise ReferredToInvalid()
        response.referred_to = None
    published_change: AuditAction | None = None
    if changes.published is not None and changes.published != response.published:
        response.published = changes.published
        response.published_at = now if changes.published else None
        published_change = (
            AuditAction.RESPONSE_PUBLISHED
            if changes.published
            else AuditAction.RESPONSE_UNPUBLISHED
        )
    response.updated_at = now
    # updated_at always changes, so the UPDATE bumps the version even when only the stances
    # change: the ETag covers them too.
    try:
        await session.flush()
    except StaleDataError:
        raise PreconditionFailed() from None
    if changes.stances is not None:
        await _set_stances(
            session,
            response=response,
            dispatch=dispatch,
            stances=changes.stances,
            existing=await repo.stances_of(session, [response.id]),
        )
    await record_event(
        session,
        actor=actor,
        action=AuditAction.RESPONSE_UPDATED,
        target=response,
        details={"changed": sorted(given)},
    )
    if published_change is not None:
        await record_event(session, actor=actor, action=published_change, target=response)
    if published_change == AuditAction.RESPONSE_PUBLISHED:
        await _announce(session, dispatch, response, public_url=public_url, now=now)
    return response


# --- lists -------------------------------------------------------------------------------


async def with_recipients(session: AsyncSession, dispatches: list[Dispatch]) -> list[Any]:
    """(dispatch, recipient) rows in the order given."""
    rows = {
        d.id: (d, r)
        for d, r in await repo.dispatches_with_recipients(session, [d.id for d in dispatches])
    }
    return [rows[d.id] for d in dispatches]


async def appeal_dispatches(
    session: AsyncSession, appeal_id: uuid.UUID, *, cursor: uuid.UUID | None, limit: int
) -> tuple[list[Any], uuid.UUID | None]:
    return await repo.list_appeal_dispatches(session, appeal_id, cursor=cursor, limit=limit)


async def recipient_dispatches(
    session: AsyncSession, recipient_id: uuid.UUID, *, cursor: uuid.UUID | None, limit: int
) -> tuple[list[Any], uuid.UUID | None]:
    await registry.get_recipient(session, recipient_id)
    return await repo.list_recipient_dispatches(session, recipient_id, cursor=cursor, limit=limit)
