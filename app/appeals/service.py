"""Appeals: start one, read and list them, save the text (no lost edits), history, diff,
export and the chain check. Services flush, never commit; every change is audited.

Co-authors, approvals and the lifecycle are in review.py; comments and suggestions in
discussion.py; translations in translations.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.actors import Actor
from app.appeals import repository as repo
from app.appeals.access import AppealAccess, AppealRight, list_visibility
from app.appeals.diff import diff_texts
from app.appeals.diff import to_json as diff_to_json
from app.appeals.errors import (
    AppealNotFound,
    EditConflict,
    RevisionNotFound,
    TextFrozen,
    TextInvalid,
)
from app.appeals.lifecycle import AppealAction, AppealState, allowed_actions, can_save_revision
from app.appeals.merge import merge_texts
from app.appeals.schemas import (
    AppealCreate,
    AppealPage,
    AppealRead,
    AppealSummary,
    BlockIn,
    BlockRead,
    ConflictRead,
    DiffRead,
    ImportResultRead,
    ParticipantRead,
    Person,
    RevisionPage,
    RevisionRead,
    SkippedLine,
    TextRead,
)
from app.appeals.text import blocks as text_blocks
from app.appeals.text.blocks import Block, BlockKind, blocks_from_json, blocks_to_json
from app.appeals.text.canonical import normalize_blocks, text_sha256
from app.appeals.text.importer import import_text
from app.appeals.text.inline import check_inline
from app.audit import AuditAction, record_event
from app.auth.errors import PermissionDenied
from app.auth.guards import permissions_in
from app.kit.preconditions import PreconditionFailed, PreconditionRequired
from app.models.appeals import Appeal, AppealParticipant, AppealRevision
from app.models.memberships import Organization
from app.organizations import service as organizations
from app.permissions import Permission
from app.users import service as users

# Which rights each lifecycle action needs (the state machine says whether it may happen).
ACTION_RIGHTS: dict[AppealAction, AppealRight] = {
    AppealAction.SUBMIT_FOR_REVIEW: AppealRight.EDIT,
    AppealAction.RETURN_TO_DRAFT: AppealRight.EDIT,
    AppealAction.WITHDRAW: AppealRight.MANAGE,
    AppealAction.APPROVE_COMPLETE: AppealRight.RUN,
    AppealAction.OPEN: AppealRight.RUN,
    AppealAction.REOPEN_REVIEW: AppealRight.RUN,
    AppealAction.CLOSE: AppealRight.RUN,
    AppealAction.ARCHIVE: AppealRight.RUN,
}


def revision_etag(revision_id: uuid.UUID | None) -> str:
    return f'"{revision_id}"'


def based_on(if_match: str | None) -> uuid.UUID:
    """The revision a save was based on, from If-Match (428 without it, 412 when it names
    nothing we could have sent)."""
    if not if_match:
        raise PreconditionRequired()
    tag = if_match.split(",")[0].strip().removeprefix("W/").strip('"')
    try:
        return uuid.UUID(tag)
    except ValueError:
        raise PreconditionFailed() from None


def checked_blocks(blocks: Sequence[BlockIn]) -> list[Block]:
    """The submitted blocks as a valid, NFC-normalized text (422 ``text_invalid`` with the
    rule broken otherwise)."""
    text = [Block(b.id, BlockKind(b.kind), b.text) for b in blocks]
    try:
        text_blocks.check_blocks(text)
        for block in text:
            check_inline(block.text)
    except text_blocks.TextInvalid as error:
        raise TextInvalid(str(error)) from None
    return normalize_blocks(text)


def block_reads(blocks: Sequence[Block]) -> list[BlockRead]:
    return [BlockRead(id=b.id, kind=b.kind, text=b.text) for b in blocks]


def import_pasted_text(source: str) -> ImportResultRead:
    """Blocks made from pasted text (nothing stored), and the lines left out; 422
    ``text_invalid`` when nothing is left to import or the result breaks a limit."""
    try:
        result = import_text(source)
    except text_blocks.TextInvalid as error:
        raise TextInvalid(str(error)) from None
    return ImportResultRead(
        blocks=block_reads(result.blocks),
        skipped=[SkippedLine(kind=s.kind, text=s.text) for s in result.skipped],
    )


def revision_blocks(revision: AppealRevision) -> list[Block]:
    return blocks_from_json(revision.blocks_json)


def person(user_id: uuid.UUID | None, names: dict[uuid.UUID, str]) -> Person | None:
    """The named person for an author or decider column (None when gone)."""
    if user_id is None or user_id not in names:
        return None
    return Person(id=user_id, name=names[user_id])


async def revision_read(
    session: AsyncSession, revision: AppealRevision, names: dict[uuid.UUID, str] | None = None
) -> RevisionRead:
    if names is None:
        names = await users.display_names(session, [revision.author_id, revision.credited_id])
    return RevisionRead(
        id=revision.id,
        number=revision.number,
        sha256=revision.sha256,
        parent_sha256=revision.parent_sha256,
        author=person(revision.author_id, names),
        credited=person(revision.credited_id, names),
        note=revision.note,
        merged=revision.merged,
        created_at=revision.created_at,
    )


async def text_read(session: AsyncSession, revision: AppealRevision) -> TextRead:
    return TextRead(
        revision=await revision_read(session, revision),
        blocks=block_reads(revision_blocks(revision)),
    )


async def flush_appeal(session: AsyncSession) -> None:
    """Flush a change of the appeal row. Writers hold its row lock, so a version mismatch
    means another writer got in first: 412, never a 500."""
    try:
        await session.flush()
    except StaleDataError:
        raise PreconditionFailed() from None


def _title_of(blocks: Sequence[Block]) -> str | None:
    for block in blocks:
        if block.kind == BlockKind.TITLE and block.text.strip():
            return block.text.strip()[:300]
    return None


async def add_revision(
    session: AsyncSession,
    *,
    actor: Actor,
    appeal: Appeal,
    blocks: list[Block],
    note: str | None,
    now: datetime,
    merged: bool = False,
    credited_id: uuid.UUID | None = None,
) -> AppealRevision:
    """Append a revision after the head (the caller holds the appeal's row lock) and make
    it the head. In review, the approvals of the previous text stop counting: they stay
    recorded against its hash."""
    revision = AppealRevision(
        appeal_id=appeal.id,
        number=appeal.head_number + 1,
        parent_id=appeal.head_revision_id,
        parent_sha256=appeal.head_sha256,
        sha256=text_sha256(blocks),
        author_id=actor.user_id,
        credited_id=credited_id,
        merged=merged,
        created_at=now,
    )
    revision.blocks_json = blocks_to_json(blocks)
    revision.note = note or None
    session.add(revision)
    await session.flush()
    approvals_reset = appeal.state == AppealState.REVIEW and appeal.head_sha256 != revision.sha256
    appeal.head_revision_id = revision.id
    appeal.head_number = revision.number
    appeal.head_sha256 = revision.sha256
    title = _title_of(blocks)
    if title is not None and title != appeal.title:
        appeal.title = title
    appeal.updated_at = now
    await flush_appeal(session)
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_REVISED,
        target=appeal,
        details={
            "number": revision.number,
            "sha256": revision.sha256,
            "merged": merged,
            "credited": str(credited_id) if credited_id else None,
            "approvals_reset": approvals_reset,
        },
    )
    if approvals_reset:
        from app.appeals import review

        await review.notify_approvals_reset(session, appeal=appeal, now=now)
    return revision


async def create_appeal(
    session: AsyncSession, *, actor: Actor, data: AppealCreate, now: datetime
) -> Appeal:
    """A member (or coordinator) starts an appeal for their organization, which leads it."""
    if Permission.APPEALS_DRAFT not in permissions_in(actor, data.lead_organization_id):
        raise PermissionDenied()
    if await organizations.get_organization(session, data.lead_organization_id) is None:
        raise PermissionDenied()
    blocks = checked_blocks(data.blocks)
    if _title_of(blocks) is None:
        title = Block(text_blocks.new_block_id(), BlockKind.TITLE, data.title)
        blocks = normalize_blocks([title, *[b for b in blocks if b.kind != BlockKind.TITLE]])
    appeal = Appeal(
        lead_organization_id=data.lead_organization_id,
        state=AppealState.DRAFT,
        language=data.language,
        head_number=0,
        created_by=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    appeal.title = data.title
    session.add(appeal)
    session.add(
        AppealParticipant(
            appeal_id=appeal.id,
            organization_id=data.lead_organization_id,
            role="lead",
            status="accepted",
            invited_by=actor.user_id,
            decided_by=actor.user_id,
            decided_at=now,
            created_at=now,
        )
    )
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_CREATED,
        target=appeal,
        details={
            "lead_organization_id": str(appeal.lead_organization_id),
            "language": appeal.language,
        },
    )
    await add_revision(session, actor=actor, appeal=appeal, blocks=blocks, note=data.note, now=now)
    return appeal


async def save_text(
    session: AsyncSession,
    *,
    actor: Actor,
    access: AppealAccess,
    blocks: Sequence[BlockIn],
    note: str | None,
    if_match: str | None,
    now: datetime,
) -> tuple[AppealRevision, bool]:
    """Save a new revision based on the one named in If-Match.

    When someone saved meanwhile, the two changes are merged per block: changes to
    different blocks are both kept (``merged``); the same block changed on both sides is
    412 ``edit_conflict`` with the current text, and nothing is saved. Returns the head
    and whether a merge happened. An unchanged text creates no revision."""
    appeal = access.appeal
    base_id = based_on(if_match)
    if not can_save_revision(AppealState(appeal.state)):
        raise TextFrozen()
    ours = checked_blocks(blocks)
    head = (
        await repo.get_revision(session, appeal.head_revision_id)
        if appeal.head_revision_id
        else None
    )
    if head is None:
        raise AppealNotFound()
    merged = False
    if base_id != head.id:
        base = await repo.get_revision(session, base_id)
        if base is None or base.appeal_id != appeal.id:
            raise PreconditionFailed()
        result = merge_texts(revision_blocks(base), ours, revision_blocks(head))
        if not result.clean or result.blocks is None:
            current = await text_read(session, head)
            raise EditConflict(
                headers={"ETag": revision_etag(head.id)},
                extra=ConflictRead(current=current, conflicts=list(result.conflicts)).model_dump(
                    mode="json"
                ),
            )
        ours = normalize_blocks(list(result.blocks))
        merged = True
    if text_sha256(ours) == head.sha256:
        return head, False
    revision = await add_revision(
        session, actor=actor, appeal=appeal, blocks=ours, note=note, now=now, merged=merged
    )
    return revision, merged


async def appeal_summaries(session: AsyncSession, appeals: Sequence[Appeal]) -> list[AppealSummary]:
    names = await organizations.organization_names(
        session, list({a.lead_organization_id for a in appeals})
    )
    return [
        AppealSummary(
            id=a.id,
            title=a.title,
            state=a.state,  # type: ignore[arg-type]
            language=a.language,
            lead_organization_id=a.lead_organization_id,
            lead_organization_name=names.get(a.lead_organization_id, ""),
            head_number=a.head_number,
            created_at=a.created_at,
            updated_at=a.updated_at,
        )
        for a in appeals
    ]


async def list_appeals(
    session: AsyncSession,
    *,
    actor: Actor,
    state: str | None,
    cursor: uuid.UUID | None,
    limit: int,
) -> AppealPage:
    """Appeals the actor may see, newest first: coordinators every one, others those of
    their organizations (lead, co-author or invited)."""
    rows, next_cursor = await repo.list_appeals(
        session, visible_to=list_visibility(actor), state=state, cursor=cursor, limit=limit
    )
    # Built without validating each field again: every value comes from a typed column
    # (state under a CHECK constraint), decrypted where it is internal. The page is the
    # route's response_model, so FastAPI serializes it as it is.
    names: dict[uuid.UUID, str] = {}
    items = []
    for row in rows:
        lead = row.lead_organization_id
        name = names.get(lead)
        if name is None:
            name = names[lead] = (
                Organization.name.decrypt(row.lead_organization_name_ct, row_id=lead) or ""
            )
        items.append(
            AppealSummary.model_construct(
                id=row.id,
                title=Appeal.title.decrypt(row.title_ct, row_id=row.id),
                state=row.state,
                language=row.language,
                lead_organization_id=lead,
                lead_organization_name=name,
                head_number=row.head_number,
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
        )
    return AppealPage.model_construct(items=items, next_cursor=next_cursor)


async def appeal_read(session: AsyncSession, access: AppealAccess) -> AppealRead:
    appeal = access.appeal
    participants = access.participants
    org_names = await organizations.organization_names(
        session, [p.organization_id for p in participants]
    )
    approved = {
        a.organization_id
        for a in await repo.approvals_for(session, appeal.id, sha256=appeal.head_sha256)
    }
    editors = await repo.list_editors(session, appeal.id)
    names = await users.display_names(session, [e.user_id for e in editors])
    summary = (await appeal_summaries(session, [appeal]))[0]
    actions = [
        action
        for action in sorted(allowed_actions(AppealState(appeal.state)))
        if ACTION_RIGHTS[action] in access.rights and action != AppealAction.APPROVE_COMPLETE
    ]
    return AppealRead(
        **summary.model_dump(),
        head_revision_id=appeal.head_revision_id,
        head_sha256=appeal.head_sha256,
        frozen_sha256=appeal.frozen_sha256,
        participants=[
            ParticipantRead(
                organization_id=p.organization_id,
                name=org_names.get(p.organization_id, ""),
                role=p.role,  # type: ignore[arg-type]
                status=p.status,  # type: ignore[arg-type]
                approved=p.organization_id in approved,
            )
            for p in participants
        ],
        editors=[p for e in editors if (p := person(e.user_id, names)) is not None],
        rights=sorted(r.value for r in access.rights),
        approve_for=sorted(access.approve_for),
        decide_for=sorted(access.decide_for),
        actions=[a.value for a in actions],  # type: ignore[misc]
        signing_window=await repo.has_signing_window(session, appeal.id),
    )


async def head_revision(session: AsyncSession, appeal: Appeal) -> AppealRevision:
    revision = (
        await repo.get_revision(session, appeal.head_revision_id)
        if appeal.head_revision_id
        else None
    )
    if revision is None:
        raise AppealNotFound()
    return revision


async def revision_by_number(session: AsyncSession, appeal: Appeal, number: int) -> AppealRevision:
    revision = await repo.get_revision_by_number(session, appeal.id, number)
    if revision is None:
        raise RevisionNotFound()
    return revision


async def list_revisions(
    session: AsyncSession, *, appeal: Appeal, cursor: uuid.UUID | None, limit: int
) -> RevisionPage:
    rows, next_cursor = await repo.list_revisions(session, appeal.id, cursor=cursor, limit=limit)
    names = await users.display_names(
        session, [r.author_id for r in rows] + [r.credited_id for r in rows]
    )
    return RevisionPage(
        items=[await revision_read(session, r, names) for r in rows], next_cursor=next_cursor
    )


async def diff_revisions(
    session: AsyncSession, *, appeal: Appeal, from_number: int, to_number: int
) -> DiffRead:
    old = await revision_by_number(session, appeal, from_number)
    new = await revision_by_number(session, appeal, to_number)
    return diff_read(revision_blocks(old), revision_blocks(new), old.number, new.number)


def diff_read(old: list[Block], new: list[Block], from_number: int, to_number: int) -> DiffRead:
    data = diff_to_json(diff_texts(old, new))
    return DiffRead(from_number=from_number, to_number=to_number, **data)


async def verify_appeal_chain(session: AsyncSession, appeal_id: uuid.UUID) -> list[str]:
    """What is wrong with one appeal's revisions (empty when the chain holds): every hash
    recomputed from the stored text, numbers without gaps, each parent hash the hash of
    the revision before, and the appeal's head the last revision."""
    appeal = await repo.get_appeal(session, appeal_id)
    if appeal is None:
        return [f"appeal {appeal_id}: missing"]
    problems: list[str] = []
    previous: AppealRevision | None = None
    revisions = await repo.all_revisions(session, appeal_id)
    for expected_number, revision in enumerate(revisions, start=1):
        where = f"appeal {appeal_id} revision {revision.number}"
        if revision.number != expected_number:
            problems.append(f"{where}: expected number {expected_number} (a revision is missing)")
        try:
            actual = text_sha256(revision_blocks(revision))
        except Exception:
            problems.append(f"{where}: the stored text cannot be read (tampered or wrong key)")
            actual = None
        if actual is not None and actual != revision.sha256:
            problems.append(f"{where}: sha256 does not match the stored text")
        expected_parent = previous.sha256 if previous else None
        if revision.parent_sha256 != expected_parent:
            problems.append(f"{where}: parent_sha256 is not the previous revision's hash")
        if previous is not None and revision.parent_id != previous.id:
            problems.append(f"{where}: parent is not the previous revision")
        previous = revision
    if previous is None:
        problems.append(f"appeal {appeal_id}: has no revision")
    elif appeal.head_revision_id != previous.id or appeal.head_sha256 != previous.sha256:
        problems.append(f"appeal {appeal_id}: head is not its last revision")
    return problems


async def verify_all_chains(session: AsyncSession) -> tuple[int, list[str]]:
    appeal_ids = await repo.all_appeal_ids(session)
    problems: list[str] = []
    for appeal_id in appeal_ids:
        problems += await verify_appeal_chain(session, appeal_id)
    return len(appeal_ids), problems
