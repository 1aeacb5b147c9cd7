"""Use cases of the recipients registry: recipients, saved groups and CSV imports.

Coordinators only (app/outreach/access.py ``require_registry``, called by the router). The
functions flush, never commit: the request's unit of work commits. Names, addressees,
contacts and tags are encrypted, so what a database would check with a unique index
(one recipient per kind, country and name; one group per name) is checked here, after
decryption, under the registry lock (repository.lock_registry) so that two requests, or
two imports of one file, cannot both pass the check.

Other slices batch over groups: :func:`get_recipient` and :func:`list_group_recipients`.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.actors import Actor
from app.audit import AuditAction, record_event
from app.kit.names import comparable_name
from app.kit.preconditions import PreconditionFailed
from app.models.outreach import Recipient, RecipientGroup, RecipientGroupMember
from app.outreach.recipients import csv_import
from app.outreach.recipients import repository as repo
from app.outreach.recipients.errors import (
    GroupNameTaken,
    GroupNotFound,
    ImportInvalid,
    ImportTooLarge,
    MembersUnknown,
    RecipientDuplicate,
    RecipientInUse,
    RecipientNotFound,
)
from app.outreach.recipients.schemas import (
    GroupList,
    GroupMembersRead,
    GroupRead,
    ImportProblem,
    ImportReport,
    ImportRowPreview,
    RecipientIn,
    RecipientList,
    RecipientRead,
)

PREVIEW_ROWS = 5000


def tags_of(recipient: Recipient) -> list[str]:
    raw = recipient.tags_json
    return list(json.loads(raw)) if raw else []


def recipient_read(recipient: Recipient, group_ids: list[uuid.UUID] | None = None) -> RecipientRead:
    return RecipientRead(
        id=recipient.id,
        kind=recipient.kind,  # type: ignore[arg-type]
        country=recipient.country,
        language=recipient.language,
        name=recipient.name or "",
        addressee=recipient.addressee or "",
        salutation=recipient.salutation,
        email=recipient.email,
        postal_address=recipient.postal_address,
        tags=tags_of(recipient),
        group_ids=sorted(group_ids or []),
        archived=recipient.archived_at is not None,
        archived_at=recipient.archived_at,
        created_at=recipient.created_at,
        updated_at=recipient.updated_at,
        version=recipient.version,
    )


def _sort_key(recipient: Recipient) -> tuple[str, str]:
    return recipient.country or "~", comparable_name(recipient.name or "")


def _assign(recipient: Recipient, data: RecipientIn) -> None:
    recipient.kind = data.kind
    recipient.country = data.country
    recipient.language = data.language
    recipient.name = data.name
    recipient.addressee = data.addressee
    recipient.salutation = data.salutation
    recipient.email = data.email
    recipient.postal_address = data.postal_address
    recipient.tags_json = json.dumps(data.tags, ensure_ascii=False) if data.tags else None


async def _registry_keys(session: AsyncSession) -> dict[tuple[str, str, str], uuid.UUID]:
    return {
        csv_import.duplicate_key(r.kind, r.country, r.name or ""): r.id
        for r in await repo.all_recipients(session)
    }


async def _refuse_duplicate(
    session: AsyncSession, data: RecipientIn, *, other_than: uuid.UUID | None = None
) -> None:
    await repo.lock_registry(session)
    found = (await _registry_keys(session)).get(
        csv_import.duplicate_key(data.kind, data.country, data.name)
    )
    if found is not None and found != other_than:
        raise RecipientDuplicate()


# --- recipients -------------------------------------------------------------------------


async def get_recipient(
    session: AsyncSession, recipient_id: uuid.UUID, *, lock: bool = False
) -> Recipient:
    """The recipient (archived ones too), or 404 ``recipient_not_found``."""
    recipient = await repo.get_recipient(session, recipient_id, lock=lock)
    if recipient is None:
        raise RecipientNotFound()
    return recipient


async def recipients_by_ids(
    session: AsyncSession, recipient_ids: list[uuid.UUID], *, share_lock: bool = False
) -> list[Recipient]:
    """The recipients named (archived ones too), in the order named, each once; 404
    ``recipient_not_found`` listing the ids not in the registry. ``share_lock``: none of
    them can be archived or deleted until the caller's transaction ends (PostgreSQL)."""
    wanted = list(dict.fromkeys(recipient_ids))
    found = {r.id: r for r in await repo.recipients_by_ids(session, wanted, share_lock=share_lock)}
    missing = [r for r in wanted if r not in found]
    if missing:
        raise RecipientNotFound(extra={"recipient_ids": [str(r) for r in missing]})
    return [found[r] for r in wanted]


async def active_recipients(session: AsyncSession, *, limit: int) -> list[Recipient]:
    """The registry's recipients that are not archived, sorted by country and name, at most
    ``limit``."""
    recipients = sorted(await repo.all_recipients(session, archived=False), key=_sort_key)
    return recipients[:limit]


async def read_recipient(session: AsyncSession, recipient: Recipient) -> RecipientRead:
    pairs = await repo.memberships(session, [recipient.id])
    return recipient_read(recipient, [group for _, group in pairs])


async def list_recipients(
    session: AsyncSession,
    *,
    kind: str | None = None,
    country: str | None = None,
    tag: str | None = None,
    group_id: uuid.UUID | None = None,
    archived: bool | None = False,
    search: str | None = None,
) -> RecipientList:
    recipients = list(
        await repo.all_recipients(
            session, kind=kind, country=country, archived=archived, group_id=group_id
        )
    )
    if tag:
        wanted = comparable_name(tag)
        recipients = [r for r in recipients if wanted in map(comparable_name, tags_of(r))]
    if search:
        needle = comparable_name(search)
        recipients = [
            r
            for r in recipients
            if needle
            in comparable_name(
                " ".join(filter(None, [r.name, r.addressee, r.email, r.salutation, *tags_of(r)]))
            )
        ]
    recipients.sort(key=_sort_key)
    groups: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for recipient_id, group in await repo.memberships(session):
        groups[recipient_id].append(group)
    items = [recipient_read(r, groups.get(r.id, [])) for r in recipients]
    return RecipientList(items=items, total=len(items))


async def create_recipient(
    session: AsyncSession, *, actor: Actor, data: RecipientIn, now: datetime
) -> Recipient:
    await _refuse_duplicate(session, data)
    recipient = Recipient(created_at=now, created_by=actor.user_id)
    _assign(recipient, data)
    session.add(recipient)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.RECIPIENT_CREATED,
        target=recipient,
        details={"kind": recipient.kind, "country": recipient.country},
    )
    return recipient


async def replace_recipient(
    session: AsyncSession, *, actor: Actor, recipient: Recipient, data: RecipientIn, now: datetime
) -> Recipient:
    """Every field as given (the caller checked If-Match against the locked row)."""
    before = recipient_read(recipient).model_dump(include=set(RecipientIn.model_fields))
    after = {name: getattr(data, name) for name in RecipientIn.model_fields}
    changed = sorted(name for name in after if before.get(name) != after[name])
    if not changed:
        return recipient
    if {"kind", "country", "name"} & set(changed):
        await _refuse_duplicate(session, data, other_than=recipient.id)
    _assign(recipient, data)
    recipient.updated_at = now
    try:
        await session.flush()
    except StaleDataError:
        raise PreconditionFailed() from None
    # Field names only: the values are internal and the audit log outlives them.
    await record_event(
        session,
        actor=actor,
        action=AuditAction.RECIPIENT_UPDATED,
        target=recipient,
        details={"fields": changed},
    )
    return recipient


async def set_archived(
    session: AsyncSession, *, actor: Actor, recipient: Recipient, archived: bool, now: datetime
) -> Recipient:
    """Archive (kept for the dispatches that name it, left out of lists and groups' batches)
    or restore; doing what is already done changes nothing."""
    if (recipient.archived_at is not None) == archived:
        return recipient
    recipient.archived_at = now if archived else None
    recipient.updated_at = now
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.RECIPIENT_ARCHIVED if archived else AuditAction.RECIPIENT_RESTORED,
        target=recipient,
    )
    return recipient


async def delete_recipient(session: AsyncSession, *, actor: Actor, recipient: Recipient) -> None:
    """Only a recipient nothing was sent to: one with dispatches is archived instead."""
    if await repo.has_dispatches(session, recipient.id):
        raise RecipientInUse()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.RECIPIENT_DELETED,
        target=("recipient", recipient.id),
    )
    await session.delete(recipient)
    await session.flush()


# --- groups -----------------------------------------------------------------------------


def group_read(group: RecipientGroup, member_count: int) -> GroupRead:
    return GroupRead(
        id=group.id,
        name=group.name or "",
        member_count=member_count,
        created_at=group.created_at,
        updated_at=group.updated_at,
        version=group.version,
    )


async def get_group(
    session: AsyncSession, group_id: uuid.UUID, *, lock: bool = False
) -> RecipientGroup:
    group = await repo.get_group(session, group_id, lock=lock)
    if group is None:
        raise GroupNotFound()
    return group


async def read_group(session: AsyncSession, group: RecipientGroup) -> GroupRead:
    return group_read(group, len(await repo.member_ids(session, group.id)))


async def list_groups(session: AsyncSession) -> GroupList:
    counts = await repo.member_counts(session)
    groups = sorted(await repo.all_groups(session), key=lambda g: comparable_name(g.name or ""))
    return GroupList(items=[group_read(g, counts.get(g.id, 0)) for g in groups])


async def list_group_recipients(
    session: AsyncSession, group_id: uuid.UUID, *, include_archived: bool = False
) -> list[Recipient]:
    """The group's recipients, sorted by country and name: what letters and dispatches
    batch over. Archived recipients are left out unless asked for. 404 for no group."""
    await get_group(session, group_id)
    recipients = list(
        await repo.all_recipients(
            session, group_id=group_id, archived=None if include_archived else False
        )
    )
    return sorted(recipients, key=_sort_key)


async def group_members(session: AsyncSession, group: RecipientGroup) -> GroupMembersRead:
    recipients = await list_group_recipients(session, group.id, include_archived=True)
    groups: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for recipient_id, group_id in await repo.memberships(session, [r.id for r in recipients]):
        groups[recipient_id].append(group_id)
    return GroupMembersRead(
        group=group_read(group, len(recipients)),
        items=[recipient_read(r, groups.get(r.id, [])) for r in recipients],
    )


async def _groups_by_name(session: AsyncSession) -> dict[str, RecipientGroup]:
    return {comparable_name(g.name or ""): g for g in await repo.all_groups(session)}


async def create_group(
    session: AsyncSession, *, actor: Actor, name: str, now: datetime
) -> RecipientGroup:
    await repo.lock_registry(session)
    if comparable_name(name) in await _groups_by_name(session):
        raise GroupNameTaken()
    return await _new_group(session, actor=actor, name=name, now=now)


async def _new_group(
    session: AsyncSession, *, actor: Actor, name: str, now: datetime
) -> RecipientGroup:
    group = RecipientGroup(created_at=now, created_by=actor.user_id)
    group.name = name
    session.add(group)
    await session.flush()
    await record_event(
        session, actor=actor, action=AuditAction.RECIPIENT_GROUP_CREATED, target=group
    )
    return group


async def rename_group(
    session: AsyncSession, *, actor: Actor, group: RecipientGroup, name: str, now: datetime
) -> RecipientGroup:
    if group.name == name:
        return group
    await repo.lock_registry(session)
    holder = (await _groups_by_name(session)).get(comparable_name(name))
    if holder is not None and holder.id != group.id:
        raise GroupNameTaken()
    group.name = name
    group.updated_at = now
    try:
        await session.flush()
    except StaleDataError:
        raise PreconditionFailed() from None
    await record_event(
        session, actor=actor, action=AuditAction.RECIPIENT_GROUP_RENAMED, target=group
    )
    return group


async def delete_group(session: AsyncSession, *, actor: Actor, group: RecipientGroup) -> None:
    """The group goes; its recipients stay in the registry."""
    members = await repo.member_ids(session, group.id)
    await repo.remove_members(session, group.id, list(members))
    await record_event(
        session,
        actor=actor,
        action=AuditAction.RECIPIENT_GROUP_DELETED,
        target=("recipient_group", group.id),
        details={"members": len(members)},
    )
    await session.delete(group)
    await session.flush()


async def set_members(
    session: AsyncSession,
    *,
    actor: Actor,
    group: RecipientGroup,
    recipient_ids: list[uuid.UUID],
    now: datetime,
) -> RecipientGroup:
    """Replace the member list (the caller checked If-Match against the locked group)."""
    wanted = list(dict.fromkeys(recipient_ids))
    if set(wanted) - await repo.existing_ids(session, wanted):
        raise MembersUnknown()
    current = await repo.member_ids(session, group.id)
    removed = [rid for rid in current if rid not in set(wanted)]
    added = [rid for rid in wanted if rid not in current]
    await repo.remove_members(session, group.id, removed)
    session.add_all(RecipientGroupMember(group_id=group.id, recipient_id=rid) for rid in added)
    group.updated_at = now  # bumps the version: the group's ETag covers its members
    try:
        await session.flush()
    except StaleDataError:
        raise PreconditionFailed() from None
    await record_event(
        session,
        actor=actor,
        action=AuditAction.RECIPIENT_GROUP_MEMBERS_SET,
        target=group,
        details={"members": len(wanted), "added": len(added), "removed": len(removed)},
    )
    return group


# --- CSV import -------------------------------------------------------------------------


async def import_csv(
    session: AsyncSession, *, actor: Actor, text: str, dry_run: bool, now: datetime
) -> ImportReport:
    """Every row stored, or none: a single problem anywhere (in the file, or a recipient
    the registry holds already) stores nothing and answers 422 with the whole report; a
    dry run answers the same report with 200 and stores nothing either way."""
    try:
        parsed = csv_import.parse(text)
    except csv_import.TooLarge:
        raise ImportTooLarge() from None
    # Held to the end of the transaction: a second import of the same file waits here and
    # then finds the first one's rows as duplicates.
    await repo.lock_registry(session)
    registry = await _registry_keys(session)
    problems = list(parsed.problems)
    for row in parsed.rows:
        r = row.recipient
        if csv_import.duplicate_key(r.kind, r.country, r.name) in registry:
            problems.append(
                ImportProblem(
                    row=row.row,
                    column="name",
                    code="duplicate_in_registry",
                    message="This recipient is in the registry already",
                )
            )
    if not parsed.rows and not problems:
        problems.append(
            ImportProblem(row=1, column=None, code="rows_missing", message="The file has no rows")
        )
    problems.sort(key=lambda p: (p.row, p.column or ""))
    groups = await _groups_by_name(session)
    new_groups = {
        comparable_name(row.group): row.group
        for row in parsed.rows
        if row.group and comparable_name(row.group) not in groups
    }
    report = ImportReport(
        dry_run=dry_run,
        stored=False,
        rows=parsed.total,
        created=0,
        groups_created=len(new_groups),
        problems=problems,
        preview=[
            ImportRowPreview(
                row=row.row,
                kind=row.recipient.kind,
                country=row.recipient.country,
                name=row.recipient.name,
                group=row.group,
            )
            for row in parsed.rows[:PREVIEW_ROWS]
        ],
    )
    if problems and not dry_run:
        raise ImportInvalid(extra={"report": report.model_dump(mode="json")})
    if dry_run:
        return report
    for key, name in new_groups.items():
        groups[key] = await _new_group(session, actor=actor, name=name, now=now)
    made = []
    for row in parsed.rows:
        recipient = Recipient(created_at=now, created_by=actor.user_id)
        _assign(recipient, row.recipient)
        session.add(recipient)
        made.append((row, recipient))
    await session.flush()
    for row, recipient in made:
        if row.group:
            group = groups[comparable_name(row.group)]
            session.add(RecipientGroupMember(group_id=group.id, recipient_id=recipient.id))
            group.updated_at = now
    await session.flush()
    # Counts only: never a name.
    await record_event(
        session,
        actor=actor,
        action=AuditAction.RECIPIENTS_IMPORTED,
        details={"rows": len(parsed.rows), "groups_created": len(new_groups)},
    )
    return report.model_copy(update={"stored": True, "created": len(parsed.rows)})
