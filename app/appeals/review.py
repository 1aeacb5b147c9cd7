"""Co-authors, editors, approvals and the lifecycle of an appeal.

Approval is an organization's representative signing off one exact revision hash. Any new
revision makes earlier approvals no longer current (they stay recorded against their
hash). When every co-authoring organization has approved the head, the appeal moves from
review to approved by itself; a coordinator opens it, which freezes the hash signatures
will bind to. Callers hold the appeal's row lock (``access_appeal(..., lock=True)``), so
two approvals arriving together both see each other.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import SYSTEM, Actor
from app.appeals import repository as repo
from app.appeals.access import AppealAccess, AppealRight
from app.appeals.errors import (
    AlreadyParticipating,
    ApprovalIncomplete,
    CoAuthorDecisionRefused,
    ParticipantNotFound,
    StaleApproval,
    TransitionRefused,
    TranslationsNotReady,
)
from app.appeals.lifecycle import (
    AppealAction,
    AppealState,
    co_authors_may_leave,
    transition,
)
from app.appeals.lifecycle import TransitionRefused as Refused
from app.appeals.service import flush_appeal
from app.audit import AuditAction, record_event
from app.auth.errors import PermissionDenied
from app.config import Settings
from app.memberships import service as memberships
from app.models.appeals import Appeal, AppealApproval, AppealEditor, AppealParticipant
from app.notifications.service import notify_user
from app.organizations import service as organizations
from app.organizations.errors import OrganizationNotFound
from app.signatories import service as signing
from app.users import service as users
from app.users.errors import UserNotFound


def appeal_link(settings: Settings | None, appeal: Appeal) -> str:
    from app.config import get_settings

    base = (settings or get_settings()).http.public_url.rstrip("/")
    return f"{base}/appeals/{appeal.id}"


async def tell_representatives(
    session: AsyncSession,
    *,
    appeal: Appeal,
    organization_ids: list[uuid.UUID],
    kind: str,
    now: datetime,
    settings: Settings | None = None,
    **values: str,
) -> None:
    """Email each representative of the organizations, in their language. The email names
    neither the appeal nor the coalition (mail crosses providers an adversary may read):
    the link leads to the page, behind sign-in."""
    for _, user in await users.representatives_of(session, organization_ids):
        await notify_user(
            session, user=user, kind=kind, now=now, link=appeal_link(settings, appeal), **values
        )


def _writing(participants: list[AppealParticipant]) -> list[uuid.UUID]:
    return [p.organization_id for p in participants if p.status == "accepted"]


async def notify_approvals_reset(session: AsyncSession, *, appeal: Appeal, now: datetime) -> None:
    participants = await repo.list_participants(session, appeal.id)
    await tell_representatives(
        session,
        appeal=appeal,
        organization_ids=_writing(participants),
        kind="appeal_approvals_reset",
        now=now,
    )


async def _move(
    session: AsyncSession,
    *,
    actor: Actor,
    appeal: Appeal,
    action: AppealAction,
    now: datetime,
) -> None:
    try:
        target = transition(AppealState(appeal.state), action)
    except Refused as refused:
        raise TransitionRefused(str(refused)) from None
    before = appeal.state
    appeal.state = target.value
    appeal.updated_at = now
    if target == AppealState.OPEN:
        appeal.frozen_sha256 = appeal.head_sha256
    elif before == AppealState.OPEN:
        appeal.frozen_sha256 = None
    await flush_appeal(session)
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_STATE_CHANGED,
        target=appeal,
        details={"from": before, "to": target.value, "action": action.value},
    )


async def _approvals_complete(session: AsyncSession, appeal: Appeal) -> bool:
    participants = await repo.list_participants(session, appeal.id)
    approved = {
        a.organization_id
        for a in await repo.approvals_for(session, appeal.id, sha256=appeal.head_sha256)
    }
    return all(org in approved for org in _writing(participants))


async def _complete_if_approved(session: AsyncSession, *, appeal: Appeal, now: datetime) -> None:
    if appeal.state == AppealState.REVIEW and await _approvals_complete(session, appeal):
        await _move(
            session, actor=SYSTEM, appeal=appeal, action=AppealAction.APPROVE_COMPLETE, now=now
        )


async def change_state(
    session: AsyncSession,
    *,
    actor: Actor,
    access: AppealAccess,
    action: AppealAction,
    now: datetime,
    settings: Settings,
) -> Appeal:
    """Take one lifecycle action (the state machine in lifecycle.py says whether it may
    happen; ``ACTION_RIGHTS`` who may)."""
    from app.appeals.service import ACTION_RIGHTS
    from app.appeals.translations import translations_ready

    access.require(ACTION_RIGHTS[action])
    appeal = access.appeal
    if action in (
        AppealAction.APPROVE_COMPLETE,
        AppealAction.OPEN,
    ) and not await _approvals_complete(session, appeal):
        raise ApprovalIncomplete()
    if action == AppealAction.OPEN and not await translations_ready(session, appeal):
        raise TranslationsNotReady()
    if action == AppealAction.OPEN:
        await signing.require_window(session, appeal.id)
    await _move(session, actor=actor, appeal=appeal, action=action, now=now)
    if action == AppealAction.OPEN:
        await signing.after_opening(session, appeal)
    elif action == AppealAction.CLOSE:
        await signing.end_signing(session, appeal.id, now=now)
    if action in (AppealAction.SUBMIT_FOR_REVIEW, AppealAction.REOPEN_REVIEW):
        await tell_representatives(
            session,
            appeal=appeal,
            organization_ids=_writing(list(access.participants)),
            kind="appeal_approval_requested",
            now=now,
            settings=settings,
        )
        # No completion here even when approvals of this very hash exist: moving back to
        # review is how a text is reopened for change, so it stays open until a
        # representative approves again (approve() completes the round).
    return appeal


async def close_by_deadline(
    session: AsyncSession, *, appeal: Appeal, now: datetime, settings: Settings
) -> None:
    """The signing deadline passed: the system closes the appeal (the worker)."""
    await _move(session, actor=SYSTEM, appeal=appeal, action=AppealAction.CLOSE, now=now)
    await signing.end_signing(session, appeal.id, now=now)


async def approve(
    session: AsyncSession,
    *,
    actor: Actor,
    access: AppealAccess,
    organization_id: uuid.UUID,
    sha256: str,
    now: datetime,
) -> Appeal:
    """A representative approves, for their organization, exactly the text they read."""
    if organization_id not in access.approve_for:
        raise PermissionDenied()
    appeal = access.appeal
    if appeal.state != AppealState.REVIEW:
        raise TransitionRefused("Approvals are given while the appeal is in review")
    if sha256 != appeal.head_sha256 or appeal.head_revision_id is None:
        raise StaleApproval()
    existing = await repo.approvals_for(session, appeal.id, sha256=sha256)
    if any(a.organization_id == organization_id for a in existing):
        # Approved already (perhaps before the appeal went back to review unchanged): no
        # second record, but the round may complete now.
        await _complete_if_approved(session, appeal=appeal, now=now)
        return appeal
    session.add(
        AppealApproval(
            appeal_id=appeal.id,
            organization_id=organization_id,
            revision_id=appeal.head_revision_id,
            sha256=sha256,
            approved_by=actor.user_id,
            created_at=now,
        )
    )
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        return appeal  # another representative of the same organization was first
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_APPROVED,
        target=appeal,
        details={
            "organization_id": str(organization_id),
            "sha256": sha256,
            "number": appeal.head_number,
        },
    )
    await _complete_if_approved(session, appeal=appeal, now=now)
    return appeal


async def invite_co_author(
    session: AsyncSession,
    *,
    actor: Actor,
    access: AppealAccess,
    organization_id: uuid.UUID,
    now: datetime,
    settings: Settings,
) -> AppealParticipant:
    access.require(AppealRight.INVITE)
    appeal = access.appeal
    if not co_authors_may_leave(AppealState(appeal.state)):
        raise CoAuthorDecisionRefused("Co-authors can be invited only before the appeal opens")
    if await organizations.get_organization(session, organization_id) is None:
        raise OrganizationNotFound()
    existing = next((p for p in access.participants if p.organization_id == organization_id), None)
    if existing is not None and existing.status in ("invited", "accepted"):
        raise AlreadyParticipating()
    if existing is None:
        existing = AppealParticipant(
            appeal_id=appeal.id, organization_id=organization_id, role="co_author", created_at=now
        )
        session.add(existing)
    existing.status = "invited"
    existing.invited_by = actor.user_id
    existing.decided_by = None
    existing.decided_at = None
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise AlreadyParticipating() from None
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_CO_AUTHOR_INVITED,
        target=appeal,
        details={"organization_id": str(organization_id)},
    )
    await tell_representatives(
        session,
        appeal=appeal,
        organization_ids=[organization_id],
        kind="appeal_co_author_invited",
        now=now,
        settings=settings,
    )
    return existing


async def co_author_candidates(
    session: AsyncSession, *, access: AppealAccess
) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of the organizations the lead may invite: every organization of the
    coalition not already writing or invited. Only those who may invite see this list —
    a member of the lead organization must be able to name who co-authors, while which
    organizations belong to the coalition stays hidden from everyone else."""
    access.require(AppealRight.INVITE)
    taken = {p.organization_id for p in access.participants if p.status in ("invited", "accepted")}
    return [
        (organization_id, name)
        for organization_id, name in await organizations.all_organization_names(session)
        if organization_id not in taken
    ]


async def decide_co_authoring(
    session: AsyncSession,
    *,
    actor: Actor,
    access: AppealAccess,
    organization_id: uuid.UUID,
    decision: str,
    now: datetime,
) -> AppealParticipant:
    """A representative accepts or declines their organization's invitation, or leaves
    (only before signatures open; the lead cannot leave its own appeal)."""
    participant = next(
        (p for p in access.participants if p.organization_id == organization_id), None
    )
    if participant is None:
        raise ParticipantNotFound()
    if organization_id not in access.decide_for:
        raise PermissionDenied()
    state = AppealState(access.appeal.state)
    if decision in ("accept", "decline"):
        if participant.status != "invited":
            raise CoAuthorDecisionRefused("There is no open invitation to decide")
        if decision == "accept" and not co_authors_may_leave(state):
            raise CoAuthorDecisionRefused("The appeal has moved past drafting")
        participant.status = "accepted" if decision == "accept" else "declined"
    else:
        if participant.role == "lead" or participant.status != "accepted":
            raise CoAuthorDecisionRefused("Only a co-author organization can leave")
        if not co_authors_may_leave(state):
            raise CoAuthorDecisionRefused("Organizations cannot leave once signatures open")
        participant.status = "left"
    participant.decided_by = actor.user_id
    participant.decided_at = now
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_CO_AUTHOR_DECIDED,
        target=access.appeal,
        details={"organization_id": str(organization_id), "decision": decision},
    )
    if decision == "leave":
        await _complete_if_approved(session, appeal=access.appeal, now=now)
    return participant


async def add_editor(
    session: AsyncSession, *, actor: Actor, access: AppealAccess, user_id: uuid.UUID, now: datetime
) -> AppealEditor:
    """The lead names a person to edit: someone already inside the compartment (a member
    of an organization writing the appeal), so naming cannot widen who sees it."""
    access.require(AppealRight.MANAGE)
    writing = set(_writing(list(access.participants)))
    held = await memberships.memberships_of_users(session, [user_id])
    if not any(m.organization_id in writing for m in held.get(user_id, [])):
        raise UserNotFound()
    existing = await repo.get_editor(session, access.appeal.id, user_id)
    if existing is not None:
        return existing
    editor = AppealEditor(
        appeal_id=access.appeal.id, user_id=user_id, added_by=actor.user_id, created_at=now
    )
    session.add(editor)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_EDITOR_ADDED,
        target=access.appeal,
        details={"user_id": str(user_id)},
    )
    return editor


async def remove_editor(
    session: AsyncSession, *, actor: Actor, access: AppealAccess, user_id: uuid.UUID
) -> None:
    access.require(AppealRight.MANAGE)
    editor = await repo.get_editor(session, access.appeal.id, user_id)
    if editor is None:
        raise UserNotFound()
    await session.delete(editor)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_EDITOR_REMOVED,
        target=access.appeal,
        details={"user_id": str(user_id)},
    )
