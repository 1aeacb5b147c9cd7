"""Who may see and record an appeal's outreach, and the recipients registry. Every outreach
route loads what it touches through these functions.

=====================================  ====================================================
who                                    may
=====================================  ====================================================
coordinator (``outreach:track``)       the registry; every appeal's outreach: read, record
                                       dispatches, responses, follow-ups, documents,
                                       publish the tracker
representative of an organization      read the outreach of an appeal their organization
writing the appeal (lead or co-author) writes (read-only: letters, dispatches, responses)
anyone else who can read the appeal    403 (they know the appeal, not its outreach)
anyone else                            404 (app/appeals/access.py: not even the title)
=====================================  ====================================================
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.appeals.access import AppealAccess, access_appeal
from app.auth.errors import PermissionDenied
from app.auth.guards import permissions_in, require_permission
from app.models.appeals import Appeal
from app.permissions import Permission, platform_permissions


class OutreachRight(StrEnum):
    READ = "read"
    TRACK = "track"  # record and change: dispatches, responses, follow-ups, tracker


@dataclass(frozen=True)
class OutreachAccess:
    appeal: Appeal
    appeal_access: AppealAccess
    rights: frozenset[OutreachRight]

    def require(self, need: OutreachRight) -> None:
        if need not in self.rights:
            raise PermissionDenied()


def outreach_rights(actor: Actor, appeal_access: AppealAccess) -> frozenset[OutreachRight]:
    """Pure: the table in this module's docstring, for an actor who can read the appeal."""
    if Permission.OUTREACH_TRACK in platform_permissions(actor.platform_roles):
        return frozenset(OutreachRight)
    for participant in appeal_access.participants:
        if participant.status != "accepted":
            continue
        if participant.organization_id not in actor.memberships:
            continue
        if Permission.APPEALS_SIGN_FOR_ORG in permissions_in(actor, participant.organization_id):
            return frozenset({OutreachRight.READ})
    return frozenset()


async def access_outreach(
    session: AsyncSession,
    actor: Actor,
    appeal_id: uuid.UUID,
    need: OutreachRight = OutreachRight.READ,
    *,
    lock: bool = False,
) -> OutreachAccess:
    """The appeal with the actor's outreach rights on it: 404 unless the actor may read the
    appeal at all, 403 when they may read it but not its outreach, or lack ``need``."""
    appeal_access = await access_appeal(session, actor, appeal_id, lock=lock)
    access = OutreachAccess(
        appeal_access.appeal, appeal_access, outreach_rights(actor, appeal_access)
    )
    if not access.rights:
        raise PermissionDenied()
    access.require(need)
    return access


def require_registry(actor: Actor) -> None:
    """The recipients registry, groups and the cross-appeal dashboard: coordinators only."""
    require_permission(actor, Permission.OUTREACH_TRACK)
