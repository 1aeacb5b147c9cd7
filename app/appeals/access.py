"""The only way routes load an appeal: who may see it, and what they may do with it.

An appeal is a compartment. Only these see it at all, everyone else gets 404 (not even the
title leaks, whatever their platform role):

=====================================  ====================================================
who                                    may
=====================================  ====================================================
coordinator (``appeals:run``)          everything: read, comment, edit, manage, run
member of the lead organization        read, comment, suggest, edit, invite co-authors
representative of the lead             … and manage: name editors, withdraw, approve
                                       translations; approve for the lead
member of an accepted co-author org    read, comment, suggest
representative of a co-author org      … and approve for their organization, leave
representative of an invited org       read (to decide), accept or decline
editor named by the lead               read, comment, suggest, edit (while still a
                                       member of a writing organization)
=====================================  ====================================================

Org roles count only in their own organization (app/permissions.py); a platform admin
holds no appeals permission, so an admin who is not a member sees nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.appeals import repository as repo
from app.appeals.errors import AppealNotFound
from app.auth.errors import PermissionDenied
from app.auth.guards import permissions_in
from app.models.appeals import Appeal, AppealParticipant
from app.permissions import Permission, platform_permissions

# Participant statuses under which some of an organization's members see the appeal: its
# members write while it is accepted, its representatives read an invitation to decide it.
TAKING_PART = ("invited", "accepted")


class AppealRight(StrEnum):
    READ = "read"
    COMMENT = "comment"  # comment and suggest
    EDIT = "edit"  # save revisions, decide suggestions, submit for review
    INVITE = "invite"  # invite co-author organizations (the lead organization acts)
    MANAGE = "manage"  # editors, withdraw, approve translations
    RUN = "run"  # open, close, archive, move an approved or open appeal back to review


@dataclass(frozen=True)
class AppealAccess:
    appeal: Appeal
    participants: Sequence[AppealParticipant]
    rights: frozenset[AppealRight]
    # Organizations the actor may approve the text for, and decide an invitation for.
    approve_for: frozenset[uuid.UUID]
    decide_for: frozenset[uuid.UUID]

    def require(self, need: AppealRight) -> None:
        if need not in self.rights:
            raise PermissionDenied()


def appeal_rights(
    actor: Actor, participants: Sequence[AppealParticipant], *, is_editor: bool
) -> tuple[frozenset[AppealRight], frozenset[uuid.UUID], frozenset[uuid.UUID]]:
    """(rights, organizations the actor approves for, organizations the actor decides for).

    Pure: the table in this module's docstring, nothing else."""
    rights: set[AppealRight] = set()
    approve_for: set[uuid.UUID] = set()
    decide_for: set[uuid.UUID] = set()
    if Permission.APPEALS_RUN in platform_permissions(actor.platform_roles):
        rights |= set(AppealRight)
    # A named editor edits only while still a member of an organization writing the
    # appeal: leaving (or being removed from) it ends the access the naming gave.
    if is_editor and any(
        p.status == "accepted" and p.organization_id in actor.memberships for p in participants
    ):
        rights |= {AppealRight.READ, AppealRight.COMMENT, AppealRight.EDIT}
    for participant in participants:
        if participant.organization_id not in actor.memberships:
            continue
        granted = permissions_in(actor, participant.organization_id)
        representative = Permission.APPEALS_SIGN_FOR_ORG in granted
        drafter = Permission.APPEALS_DRAFT in granted
        if participant.status == "accepted" and drafter:
            rights |= {AppealRight.READ, AppealRight.COMMENT}
            if participant.role == "lead":
                rights |= {AppealRight.EDIT, AppealRight.INVITE}
                if representative:
                    rights.add(AppealRight.MANAGE)
            if representative:
                approve_for.add(participant.organization_id)
                if participant.role == "co_author":
                    decide_for.add(participant.organization_id)
        elif participant.status == "invited" and representative:
            rights.add(AppealRight.READ)
            decide_for.add(participant.organization_id)
    return frozenset(rights), frozenset(approve_for), frozenset(decide_for)


def list_visibility(actor: Actor) -> tuple[list[uuid.UUID], list[uuid.UUID]] | None:
    """Which appeals the actor's lists show, for the repository: ``None`` means every one
    (coordinators); else (organizations they draft in, organizations they represent) —
    the same rules as :func:`appeal_rights`, in a form a query can apply."""
    if Permission.APPEALS_RUN in platform_permissions(actor.platform_roles):
        return None
    drafting: list[uuid.UUID] = []
    representing: list[uuid.UUID] = []
    for organization_id in actor.memberships:
        granted = permissions_in(actor, organization_id)
        if Permission.APPEALS_DRAFT in granted:
            drafting.append(organization_id)
        if Permission.APPEALS_SIGN_FOR_ORG in granted:
            representing.append(organization_id)
    return drafting, representing


async def access_appeal(
    session: AsyncSession,
    actor: Actor,
    appeal_id: uuid.UUID,
    need: AppealRight = AppealRight.READ,
    *,
    lock: bool = False,
) -> AppealAccess:
    """The appeal with the actor's rights on it: 404 unless the actor may read it (never a
    hint that it exists), 403 when they may read it but lack ``need``.

    ``lock`` takes the appeal's row lock (PostgreSQL ``FOR UPDATE``) for a change that
    depends on its current head or state, so concurrent writers queue instead of racing."""
    appeal = await repo.get_appeal(session, appeal_id, lock=lock)
    if appeal is None or actor.user_id is None:
        raise AppealNotFound()
    participants = await repo.list_participants(session, appeal.id)
    is_editor = await repo.is_editor(session, appeal.id, actor.user_id)
    rights, approve_for, decide_for = appeal_rights(actor, participants, is_editor=is_editor)
    if AppealRight.READ not in rights:
        raise AppealNotFound()
    access = AppealAccess(appeal, participants, rights, approve_for, decide_for)
    access.require(need)
    return access
