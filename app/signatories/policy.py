"""Who may see and sign an appeal that has a signing window. Pure: no I/O.

=====================================  ================================================
who                                    may
=====================================  ================================================
coordinator (``appeals:run``)          see everything (exact counts), export, run
writing organizations' members         see (exact counts)
… their representatives                … and export the public list
any member of an organization          see the frozen text, public counts and list;
                                       sign as themselves (when members may sign)
a representative of an organization    sign for it (when organizations may sign),
                                       confirm a fellow officer's signature, withdraw
=====================================  ================================================

Before an appeal first opens it has no window and this table does not apply: it is still
the writers' compartment (app/appeals/access.py). Signing itself also needs the window to
be open (:func:`signing_open`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.actors import Actor
from app.appeals.access import AppealRight, appeal_rights
from app.appeals.lifecycle import AppealState
from app.auth.guards import permissions_in
from app.models.appeals import Appeal, AppealParticipant
from app.models.signatories import SigningWindow
from app.permissions import Permission, platform_permissions


@dataclass(frozen=True)
class SigningRights:
    view: bool
    exact_counts: bool
    export: bool
    run: bool
    as_member: bool
    # Organizations the actor may sign for (and confirm or withdraw for).
    for_organizations: frozenset[uuid.UUID]


def signing_rights(
    actor: Actor,
    window: SigningWindow,
    participants: Sequence[AppealParticipant],
    *,
    is_editor: bool,
) -> SigningRights:
    run = Permission.APPEALS_RUN in platform_permissions(actor.platform_roles)
    writer_rights, approve_for, _ = appeal_rights(actor, participants, is_editor=is_editor)
    writer = AppealRight.READ in writer_rights
    member = bool(actor.memberships)
    represents = frozenset(
        organization_id
        for organization_id in actor.memberships
        if Permission.APPEALS_SIGN_FOR_ORG in permissions_in(actor, organization_id)
    )
    return SigningRights(
        view=run or writer or member,
        exact_counts=run or writer,
        export=run or bool(approve_for),
        run=run,
        as_member=member and window.allow_members,
        for_organizations=represents if window.allow_organizations else frozenset(),
    )


def signing_open(appeal: Appeal, window: SigningWindow, now: datetime) -> bool:
    """Signatures are taken: the appeal is open with a frozen text, before the deadline."""
    return (
        appeal.state == AppealState.OPEN
        and appeal.frozen_sha256 is not None
        and window.ended_at is None
        and now < window.closes_at
    )


def may_browse_open_appeals(actor: Actor) -> bool:
    """Who sees the list of appeals open for signatures: the people who may see each of
    them once opened (members of an organization, coordinators)."""
    return bool(actor.memberships) or Permission.APPEALS_RUN in platform_permissions(
        actor.platform_roles
    )
