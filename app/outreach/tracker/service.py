"""The public tracker: publish or take it down (coordinators), and what anyone sees once
it is published — the frozen text and its hash, the public signatories, bucketed counts,
and each recipient's status and published stances. Never a recipient's contacts, a
response's summary, documents, or anything of an unpublished response."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.appeals import service as appeals
from app.appeals.schemas import BlockRead
from app.audit import AuditAction, record_event
from app.models.appeals import Appeal
from app.models.outreach import AppealOutreach, Recipient, Response
from app.outreach import appeal_settings, updates
from app.outreach.access import OutreachRight, access_outreach
from app.outreach.dispatches import status
from app.outreach.tracker import repository as repo
from app.outreach.tracker.atom import FeedEntry, feed
from app.outreach.tracker.errors import TextNotFound, TextNotFrozen, TrackerNotFound
from app.outreach.tracker.schemas import (
    PublicTrackerRead,
    PublishedResponse,
    PublishedStance,
    TrackedRecipient,
    TrackerRead,
    VerifiedText,
)
from app.signatories import counts as counting
from app.signatories import service as signing
from app.signatories.schemas import PublicSignatureRead

# The public page shows this many signatories; the letter prints them all.
SIGNATORIES_SHOWN = 500


def tracker_path(appeal_id: uuid.UUID) -> str:
    return f"/track/{appeal_id}"


def _read(outreach: AppealOutreach | None, appeal_id: uuid.UUID) -> TrackerRead:
    published_at = outreach.tracker_published_at if outreach else None
    return TrackerRead(
        published=published_at is not None,
        published_at=published_at,
        path=tracker_path(appeal_id),
    )


async def tracker_settings(
    session: AsyncSession, actor: Actor, appeal_id: uuid.UUID
) -> TrackerRead:
    await access_outreach(session, actor, appeal_id, OutreachRight.READ)
    return _read(await appeal_settings.find(session, appeal_id), appeal_id)


async def set_published(
    session: AsyncSession,
    actor: Actor,
    appeal_id: uuid.UUID,
    *,
    published: bool,
    public_url: str,
    now: datetime,
) -> TrackerRead:
    """Publish the tracker (the appeal must have a frozen text) or take it down. Publishing
    tells the signers who asked for updates about each response already published."""
    access = await access_outreach(session, actor, appeal_id, OutreachRight.TRACK, lock=True)
    appeal = access.appeal
    outreach, _ = await appeal_settings.ensure(session, appeal_id)
    was_published = outreach.tracker_published_at is not None
    if published == was_published:
        return _read(outreach, appeal_id)
    if published:
        if appeal.frozen_sha256 is None:
            raise TextNotFrozen()
        outreach.tracker_published_at = now
        outreach.tracker_published_by = actor.user_id
    else:
        outreach.tracker_published_at = None
        outreach.tracker_published_by = None
    outreach.updated_at = now
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.TRACKER_PUBLISHED if published else AuditAction.TRACKER_UNPUBLISHED,
        target=appeal,
        now=now,
    )
    if published:
        for response, recipient_id in await repo.published_responses(session, appeal_id):
            await announce(
                session,
                appeal_id=appeal.id,
                response=response,
                recipient_id=recipient_id,
                public_url=public_url,
                now=now,
            )
    return _read(outreach, appeal_id)


async def announce(
    session: AsyncSession,
    *,
    appeal_id: uuid.UUID,
    response: Response,
    recipient_id: uuid.UUID,
    public_url: str,
    now: datetime,
) -> int:
    """Tell the appeal's update subscribers about a published response, if the tracker is
    published (otherwise there is nothing public to point them at) and they were not told
    of it before (a response or tracker taken down and published again is no news). How
    many were told."""
    outreach = await appeal_settings.find(session, appeal_id)
    appeal = await session.get(Appeal, appeal_id)
    if appeal is None or outreach is None or outreach.tracker_published_at is None:
        return 0
    if not response.published:
        return 0
    if not await repo.claim_announcement(session, response.id, now):
        return 0
    recipient = await session.get(Recipient, recipient_id)
    return await updates.tell_subscribers(
        session,
        appeal_id=appeal.id,
        title=appeal.title,
        recipient_name=recipient.name if recipient is not None else "",
        tracker_url=f"{public_url}{tracker_path(appeal.id)}",
        public_url=public_url,
        now=now,
    )


async def _published(session: AsyncSession, appeal_id: uuid.UUID) -> tuple[Appeal, str, datetime]:
    """The appeal of a published tracker, its frozen hash and when it was published."""
    outreach = await appeal_settings.find(session, appeal_id)
    if outreach is None or outreach.tracker_published_at is None:
        raise TrackerNotFound()
    appeal = await session.get(Appeal, appeal_id)
    if appeal is None or appeal.frozen_sha256 is None:
        raise TrackerNotFound()
    return appeal, appeal.frozen_sha256, outreach.tracker_published_at


async def public_tracker(session: AsyncSession, appeal_id: uuid.UUID) -> PublicTrackerRead:
    appeal, sha256, published_at = await _published(session, appeal_id)
    revision = await signing.frozen_revision(session, appeal, sha256)
    blocks = appeals.revision_blocks(revision) if revision is not None else []
    ask_numbers = {
        block.id: number
        for number, block in enumerate((b for b in blocks if b.kind == "ask"), start=1)
    }
    signatures = await signing.public_signatures(
        session, appeal, after=None, limit=SIGNATORIES_SHOWN + 1
    )
    responses = await repo.published_responses(session, appeal_id)
    stances = defaultdict(list)
    for stance in await repo.stances_of(session, [response.id for response, _ in responses]):
        if stance.ask_id in ask_numbers:
            stances[stance.response_id].append(stance)
    by_recipient: dict[uuid.UUID, list[Response]] = defaultdict(list)
    for response, recipient_id in responses:
        by_recipient[recipient_id].append(response)
    recipients = [
        TrackedRecipient(
            name=written.recipient.name,
            kind=written.recipient.kind,
            country=written.recipient.country,
            first_sent_on=written.first_sent_on,
            status=status.public_status(
                dispatches=[
                    status.DispatchFacts(sent_on=sent_on, closed=closed)
                    for sent_on, closed in written.dispatches
                ],
                responses=[
                    status.ResponseFacts(
                        kind=r.kind,
                        received_on=r.received_on,
                        order=str(r.id),
                        addressed=frozenset(
                            s.ask_id for s in stances[r.id] if s.stance != "not_addressed"
                        ),
                    )
                    for r in by_recipient[written.recipient.id]
                ],
                ask_ids=ask_numbers,
            ),
            responses=[
                PublishedResponse(
                    id=response.id,
                    received_on=response.received_on,
                    kind=response.kind,  # type: ignore[arg-type]
                    stances=sorted(
                        (
                            PublishedStance(
                                ask_id=stance.ask_id,
                                ask_number=ask_numbers[stance.ask_id],
                                stance=stance.stance,  # type: ignore[arg-type]
                                quote=stance.quote,
                            )
                            for stance in stances[response.id]
                        ),
                        key=lambda s: s.ask_number,
                    ),
                )
                for response in by_recipient[written.recipient.id]
            ],
        )
        for written in await repo.written_to(session, appeal_id)
    ]
    recipients.sort(key=lambda r: (r.country or "", r.name.casefold()))
    return PublicTrackerRead(
        appeal_id=appeal.id,
        title=appeal.title,
        revision_sha256=sha256,
        blocks=[BlockRead(id=b.id, kind=b.kind, text=b.text) for b in blocks],
        published_at=published_at,
        counts=counting.counts_read(await counting.read(session, appeal.id), exact=False),
        signatories=[
            PublicSignatureRead(
                id=row.id,
                kind=row.kind,  # type: ignore[arg-type]
                name=row.public_name or "",
                line=row.public_line,
            )
            for row in signatures[:SIGNATORIES_SHOWN]
        ],
        more_signatories=len(signatures) > SIGNATORIES_SHOWN,
        recipients=recipients,
    )


async def public_feed(session: AsyncSession, appeal_id: uuid.UUID, *, public_url: str) -> bytes:
    """The Atom feed of the tracker: one entry per published response."""
    tracker = await public_tracker(session, appeal_id)
    link = f"{public_url}{tracker_path(appeal_id)}"
    entries = [
        FeedEntry(
            id=f"urn:uuid:{response.id}",
            title=f"{recipient.name}: {response.kind.replace('_', ' ')}",
            updated=datetime.combine(
                response.received_on, datetime.min.time(), tracker.published_at.tzinfo
            ),
            link=link,
            summary=", ".join(
                f"{s.ask_number}: {s.stance.replace('_', ' ')}" for s in response.stances
            )
            or response.kind.replace("_", " "),
        )
        for recipient in tracker.recipients
        for response in recipient.responses
    ]
    entries.sort(key=lambda e: e.updated, reverse=True)
    updated = max([tracker.published_at, *(e.updated for e in entries)])
    return feed(
        feed_id=f"urn:uuid:{appeal_id}",
        title=tracker.title,
        link=link,
        updated=updated,
        entries=entries,
    )


async def verified_text(session: AsyncSession, sha256: str) -> VerifiedText:
    """The text a letter names by its hash, for anyone holding the letter (the hash is in
    its footer): only a text that was frozen for signatures or sent; 404 otherwise."""
    revision = await repo.vouched_revision(session, sha256)
    appeal = await session.get(Appeal, revision.appeal_id) if revision is not None else None
    if revision is None or appeal is None:
        raise TextNotFound()
    blocks = appeals.revision_blocks(revision)
    outreach = await appeal_settings.find(session, appeal.id)
    published = (
        outreach is not None
        and outreach.tracker_published_at is not None
        and appeal.frozen_sha256 == sha256
    )
    return VerifiedText(
        sha256=sha256,
        title=next((b.text for b in blocks if b.kind == "title"), appeal.title),
        language=appeal.language,
        blocks=appeals.block_reads(blocks),
        tracker_path=tracker_path(appeal.id) if published else None,
    )
