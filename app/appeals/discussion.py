"""Comments and suggestions on an appeal's text.

A comment thread is anchored to a passage by a text-quote selector (exact text with some
context) taken from the revision it was made on; every read re-locates it in the current
text, and a passage no longer found shows the comment as outdated beside its revision. A
suggestion is a proposed change (replace a passage, insert a block, remove one): accepted
by someone who may edit, it becomes a revision crediting its author; rejected, it keeps
the reason; outdated when its passage changed.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.appeals import repository as repo
from app.appeals.access import TAKING_PART, AppealAccess, AppealRight, appeal_rights
from app.appeals.anchoring import Anchor, locate, make_anchor
from app.appeals.errors import (
    CommentNotFound,
    MentionNotAllowed,
    RevisionNotFound,
    SelectionInvalid,
    SuggestionDecided,
    SuggestionNotFound,
    SuggestionOutdated,
    TextFrozen,
    TextInvalid,
)
from app.appeals.lifecycle import AppealState, can_save_revision
from app.appeals.review import appeal_link
from app.appeals.schemas import (
    AnchorRead,
    CommentRead,
    InsertChange,
    LocatedRead,
    Person,
    RemoveChange,
    ReplaceChange,
    SuggestionRead,
)
from app.appeals.service import add_revision, head_revision, person, revision_blocks
from app.appeals.suggestions import (
    Insert,
    Remove,
    Replace,
    Suggestion,
    apply_suggestion,
    is_outdated,
)
from app.appeals.suggestions import SuggestionOutdated as Outdated
from app.appeals.text.blocks import Block, BlockKind
from app.appeals.text.blocks import TextInvalid as BlocksInvalid
from app.appeals.text.canonical import normalize_blocks
from app.audit import AuditAction, record_event
from app.config import Settings
from app.memberships import service as memberships
from app.models.appeals import AppealComment, AppealRevision, AppealSuggestion
from app.models.users import User, UserStatus
from app.notifications.service import notify_user
from app.permissions import Permission
from app.users import service as users


async def _revision_of(
    session: AsyncSession, access: AppealAccess, revision_id: uuid.UUID
) -> AppealRevision:
    revision = await repo.get_revision(session, revision_id)
    if revision is None or revision.appeal_id != access.appeal.id:
        raise RevisionNotFound()
    return revision


def _anchor_in(revision: AppealRevision, block_id: str, start: int, end: int) -> Anchor:
    block = next((b for b in revision_blocks(revision) if b.id == block_id), None)
    if block is None:
        raise SelectionInvalid()
    try:
        return make_anchor(block, start, end)
    except ValueError:
        raise SelectionInvalid() from None


async def _readers(session: AsyncSession, access: AppealAccess, people: list[User]) -> list[User]:
    """Those of ``people`` who may read the appeal now: active, and granted READ by the
    same rules that decide their own access (:func:`appeal_rights`)."""
    ids = [p.id for p in people]
    held = await memberships.memberships_of_users(session, ids)
    roles = await users.platform_roles_of(session, ids)
    editors = {e.user_id for e in await repo.list_editors(session, access.appeal.id)}
    readers = []
    for candidate in people:
        if candidate.status != UserStatus.ACTIVE:
            continue
        actor = Actor(
            type="user",
            user_id=candidate.id,
            platform_roles=frozenset(roles.get(candidate.id, [])),
            memberships={m.organization_id: m.role for m in held.get(candidate.id, [])},
        )
        rights, _, _ = appeal_rights(actor, access.participants, is_editor=candidate.id in editors)
        if AppealRight.READ in rights:
            readers.append(candidate)
    return readers


async def _check_mentions(
    session: AsyncSession, access: AppealAccess, mentions: list[uuid.UUID]
) -> list[User]:
    """The mentioned people, each of whom must be able to read the appeal already: a
    mention never widens the compartment."""
    if not mentions:
        return []
    readers = await _readers(session, access, await users.get_users(session, mentions))
    if len(readers) != len(set(mentions)):
        raise MentionNotAllowed()
    return readers


async def mentionable(session: AsyncSession, *, actor: Actor, access: AppealAccess) -> list[Person]:
    """Whom a comment may mention: everyone else who may read the appeal, by name (no
    address: the email goes out from the server). The candidates are the members of the
    organizations taking part and the coordinators; each passes the rule a mention is
    checked against, so the list and the check cannot disagree."""
    taking_part = [p.organization_id for p in access.participants if p.status in TAKING_PART]
    candidates = await memberships.member_ids_of(session, taking_part)
    candidates |= {c.id for c in await users.active_holders_of(session, Permission.APPEALS_RUN)}
    candidates.discard(actor.user_id)  # type: ignore[arg-type]
    readers = await _readers(session, access, await users.get_users(session, candidates))
    people = [Person(id=reader.id, name=reader.display_name) for reader in readers]
    return sorted(people, key=lambda someone: (someone.name.casefold(), str(someone.id)))


async def _notify_mentions(
    session: AsyncSession,
    access: AppealAccess,
    people: list[User],
    *,
    now: datetime,
    settings: Settings,
) -> None:
    for mentioned in people:
        await notify_user(
            session,
            user=mentioned,
            kind="appeal_mention",
            now=now,
            link=appeal_link(settings, access.appeal),
        )


async def add_comment(
    session: AsyncSession,
    *,
    actor: Actor,
    access: AppealAccess,
    revision_id: uuid.UUID,
    block_id: str,
    start: int,
    end: int,
    body: str,
    mentions: list[uuid.UUID],
    now: datetime,
    settings: Settings,
) -> AppealComment:
    access.require(AppealRight.COMMENT)
    revision = await _revision_of(session, access, revision_id)
    anchor = _anchor_in(revision, block_id, start, end)
    people = await _check_mentions(session, access, mentions)
    comment = AppealComment(
        appeal_id=access.appeal.id,
        revision_id=revision.id,
        block_id=block_id,
        author_id=actor.user_id,
        created_at=now,
    )
    comment.anchor_json = json.dumps(dataclasses.asdict(anchor), ensure_ascii=False)
    comment.body = body
    session.add(comment)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_COMMENTED,
        target=access.appeal,
        details={"comment_id": str(comment.id), "number": revision.number, "mentions": len(people)},
    )
    await _notify_mentions(session, access, people, now=now, settings=settings)
    return comment


async def reply(
    session: AsyncSession,
    *,
    actor: Actor,
    access: AppealAccess,
    comment_id: uuid.UUID,
    body: str,
    mentions: list[uuid.UUID],
    now: datetime,
    settings: Settings,
) -> AppealComment:
    access.require(AppealRight.COMMENT)
    parent = await repo.get_comment(session, access.appeal.id, comment_id)
    if parent is None:
        raise CommentNotFound()
    root = (
        parent
        if parent.parent_id is None
        else await repo.get_comment(session, access.appeal.id, parent.parent_id)
    )
    if root is None:
        raise CommentNotFound()
    people = await _check_mentions(session, access, mentions)
    answer = AppealComment(
        appeal_id=access.appeal.id,
        revision_id=access.appeal.head_revision_id or root.revision_id,
        parent_id=root.id,
        author_id=actor.user_id,
        created_at=now,
    )
    answer.body = body
    session.add(answer)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_COMMENTED,
        target=access.appeal,
        details={"comment_id": str(answer.id), "reply_to": str(root.id), "mentions": len(people)},
    )
    await _notify_mentions(session, access, people, now=now, settings=settings)
    return answer


async def resolve(
    session: AsyncSession,
    *,
    actor: Actor,
    access: AppealAccess,
    comment_id: uuid.UUID,
    resolved: bool,
    now: datetime,
) -> AppealComment:
    access.require(AppealRight.COMMENT)
    comment = await repo.get_comment(session, access.appeal.id, comment_id)
    if comment is None or comment.parent_id is not None:
        raise CommentNotFound()
    if (comment.resolved_at is not None) == resolved:
        return comment
    comment.resolved_at = now if resolved else None
    comment.resolved_by = actor.user_id if resolved else None
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_COMMENT_RESOLVED,
        target=access.appeal,
        details={"comment_id": str(comment.id), "resolved": resolved},
    )
    return comment


async def list_comments(session: AsyncSession, *, access: AppealAccess) -> list[CommentRead]:
    """Threads, oldest first, each with where its passage is in the current text."""
    comments = await repo.list_comments(session, access.appeal.id)
    head = await head_revision(session, access.appeal)
    current = revision_blocks(head)
    numbers = {r.id: r.number for r in await repo.all_revisions(session, access.appeal.id)}
    names = await users.display_names(
        session, [c.author_id for c in comments] + [c.resolved_by for c in comments]
    )
    threads: dict[uuid.UUID, CommentRead] = {}
    replies: list[AppealComment] = []
    for comment in comments:
        if comment.parent_id is not None:
            replies.append(comment)
            continue
        anchor = Anchor(**json.loads(comment.anchor_json)) if comment.anchor_json else None
        found = locate(anchor, current) if anchor else None
        threads[comment.id] = _comment_read(comment, names, numbers, anchor, found)
    for answer in replies:
        thread = threads.get(answer.parent_id) if answer.parent_id else None
        if thread is not None:
            thread.replies.append(_comment_read(answer, names, numbers, None, None))
    return list(threads.values())


def _comment_read(
    comment: AppealComment,
    names: dict[uuid.UUID, str],
    numbers: dict[uuid.UUID, int],
    anchor: Anchor | None,
    found: Any,
) -> CommentRead:
    return CommentRead(
        id=comment.id,
        parent_id=comment.parent_id,
        author=person(comment.author_id, names),
        body=comment.body,
        created_at=comment.created_at,
        revision_number=numbers.get(comment.revision_id, 0),
        anchor=AnchorRead(**dataclasses.asdict(anchor)) if anchor else None,
        located=LocatedRead(block_id=found.block_id, start=found.start, end=found.end)
        if found
        else None,
        outdated=anchor is not None and found is None,
        resolved_at=comment.resolved_at,
        resolved_by=person(comment.resolved_by, names),
    )


# --- suggestions ----------------------------------------------------------------------


def _to_json(suggestion: Suggestion) -> str:
    data = dataclasses.asdict(suggestion)
    data["type"] = type(suggestion).__name__.lower()
    return json.dumps(data, ensure_ascii=False)


def _from_json(stored: str) -> Suggestion:
    data = json.loads(stored)
    kind = data.pop("type")
    if kind == "replace":
        return Replace(
            block_id=data["block_id"],
            anchor=Anchor(**data["anchor"]),
            replacement=data["replacement"],
        )
    if kind == "insert":
        return Insert(
            after_block_id=data["after_block_id"], kind=BlockKind(data["kind"]), text=data["text"]
        )
    return Remove(block_id=data["block_id"])


def _change_read(suggestion: Suggestion) -> dict[str, Any]:
    if isinstance(suggestion, Replace):
        return {
            "kind": "replace",
            "block_id": suggestion.block_id,
            "exact": suggestion.anchor.exact,
            "replacement": suggestion.replacement,
        }
    if isinstance(suggestion, Insert):
        return {
            "kind": "insert",
            "after_block_id": suggestion.after_block_id,
            "block_kind": suggestion.kind.value,
            "text": suggestion.text,
        }
    return {"kind": "remove", "block_id": suggestion.block_id}


async def suggest(
    session: AsyncSession,
    *,
    actor: Actor,
    access: AppealAccess,
    revision_id: uuid.UUID,
    change: ReplaceChange | InsertChange | RemoveChange,
    note: str | None,
    now: datetime,
) -> AppealSuggestion:
    access.require(AppealRight.COMMENT)
    if not can_save_revision(AppealState(access.appeal.state)):
        raise TextFrozen()
    revision = await _revision_of(session, access, revision_id)
    suggestion: Suggestion
    if isinstance(change, ReplaceChange):
        anchor = _anchor_in(revision, change.block_id, change.start, change.end)
        suggestion = Replace(
            block_id=change.block_id, anchor=anchor, replacement=change.replacement
        )
    elif isinstance(change, InsertChange):
        suggestion = Insert(
            after_block_id=change.after_block_id,
            kind=BlockKind(change.block_kind),
            text=change.text,
        )
    else:
        suggestion = Remove(block_id=change.block_id)
    try:
        apply_suggestion(revision_blocks(revision), suggestion)
    except Outdated:
        raise SelectionInvalid() from None
    except BlocksInvalid as error:
        raise TextInvalid(str(error)) from None
    row = AppealSuggestion(
        appeal_id=access.appeal.id,
        revision_id=revision.id,
        kind=type(suggestion).__name__.lower(),
        block_id=getattr(suggestion, "block_id", None)
        or getattr(suggestion, "after_block_id", None),
        author_id=actor.user_id,
        status="open",
        created_at=now,
    )
    row.change_json = _to_json(suggestion)
    row.note = note or None
    session.add(row)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_SUGGESTED,
        target=access.appeal,
        details={"suggestion_id": str(row.id), "kind": row.kind, "number": revision.number},
    )
    return row


async def _open_suggestion(
    session: AsyncSession, access: AppealAccess, suggestion_id: uuid.UUID
) -> AppealSuggestion:
    row = await repo.get_suggestion(session, access.appeal.id, suggestion_id, lock=True)
    if row is None:
        raise SuggestionNotFound()
    if row.status != "open":
        raise SuggestionDecided()
    return row


async def _tell_author(
    session: AsyncSession,
    access: AppealAccess,
    row: AppealSuggestion,
    *,
    now: datetime,
    settings: Settings,
) -> None:
    if row.author_id is None:
        return
    for author in await users.get_users(session, [row.author_id]):
        await notify_user(
            session,
            user=author,
            kind="appeal_suggestion_decided",
            now=now,
            link=appeal_link(settings, access.appeal),
        )


async def accept_suggestion(
    session: AsyncSession,
    *,
    actor: Actor,
    access: AppealAccess,
    suggestion_id: uuid.UUID,
    now: datetime,
    settings: Settings,
) -> AppealSuggestion:
    access.require(AppealRight.EDIT)
    if not can_save_revision(AppealState(access.appeal.state)):
        raise TextFrozen()
    row = await _open_suggestion(session, access, suggestion_id)
    head = await head_revision(session, access.appeal)
    try:
        blocks: list[Block] = apply_suggestion(revision_blocks(head), _from_json(row.change_json))
    except Outdated:
        raise SuggestionOutdated() from None
    except BlocksInvalid as error:
        raise TextInvalid(str(error)) from None
    revision = await add_revision(
        session,
        actor=actor,
        appeal=access.appeal,
        blocks=normalize_blocks(blocks),
        note=None,
        now=now,
        credited_id=row.author_id,
    )
    row.status = "accepted"
    row.decided_by = actor.user_id
    row.decided_at = now
    row.result_revision_id = revision.id
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_SUGGESTION_DECIDED,
        target=access.appeal,
        details={"suggestion_id": str(row.id), "decision": "accepted", "number": revision.number},
    )
    await _tell_author(session, access, row, now=now, settings=settings)
    return row


async def reject_suggestion(
    session: AsyncSession,
    *,
    actor: Actor,
    access: AppealAccess,
    suggestion_id: uuid.UUID,
    reason: str,
    now: datetime,
    settings: Settings,
) -> AppealSuggestion:
    access.require(AppealRight.EDIT)
    row = await _open_suggestion(session, access, suggestion_id)
    row.status = "rejected"
    row.decided_by = actor.user_id
    row.decided_at = now
    row.reason = reason
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_SUGGESTION_DECIDED,
        target=access.appeal,
        details={"suggestion_id": str(row.id), "decision": "rejected"},
    )
    await _tell_author(session, access, row, now=now, settings=settings)
    return row


async def list_suggestions(session: AsyncSession, *, access: AppealAccess) -> list[SuggestionRead]:
    rows = await repo.list_suggestions(session, access.appeal.id)
    current = revision_blocks(await head_revision(session, access.appeal))
    numbers = {r.id: r.number for r in await repo.all_revisions(session, access.appeal.id)}
    names = await users.display_names(
        session, [r.author_id for r in rows] + [r.decided_by for r in rows]
    )
    return [suggestion_read(r, current, numbers, names) for r in rows]


def suggestion_read(
    row: AppealSuggestion,
    current: list[Block],
    numbers: dict[uuid.UUID, int],
    names: dict[uuid.UUID, str],
) -> SuggestionRead:
    suggestion = _from_json(row.change_json)
    return SuggestionRead(
        id=row.id,
        kind=row.kind,  # type: ignore[arg-type]
        status=row.status,  # type: ignore[arg-type]
        author=person(row.author_id, names),
        created_at=row.created_at,
        revision_number=numbers.get(row.revision_id, 0),
        change=_change_read(suggestion),
        note=row.note,
        outdated=row.status == "open" and is_outdated(current, suggestion),
        decided_by=person(row.decided_by, names),
        decided_at=row.decided_at,
        reason=row.reason,
        result_revision_number=numbers.get(row.result_revision_id)
        if row.result_revision_id
        else None,
    )
