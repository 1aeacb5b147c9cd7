"""The last check of every authorization decision: the permission, then the step-up.

``access_*`` functions decide visibility (404) themselves, then call :func:`require_granted`
with what the actor holds where the object lives. Step-up is never chosen per route: it
follows from ``app.permissions.STEP_UP``.
"""

from __future__ import annotations

import uuid
from collections.abc import Set

from app.actors import Actor
from app.auth.errors import PermissionDenied, StepUpRequired
from app.permissions import (
    STEP_UP,
    Permission,
    permissions_in_organization,
    platform_permissions,
)


def require_granted(actor: Actor, granted: Set[Permission], need: Permission) -> None:
    """403 ``permission_denied`` without ``need``; 403 ``step_up_required`` when ``need`` is
    a step-up permission and the actor's second factor was not proven recently."""
    if need not in granted:
        raise PermissionDenied()
    if need in STEP_UP and not actor.second_factor_fresh:
        raise StepUpRequired()


def permissions_in(actor: Actor, organization_id: uuid.UUID) -> frozenset[Permission]:
    """What the actor may do inside one organization: platform roles plus the org role
    there (an org role counts only inside its own organization)."""
    return permissions_in_organization(actor.platform_roles, actor.memberships.get(organization_id))


def require_permission(actor: Actor, need: Permission) -> None:
    """For operations on no single object (create, list everything): platform roles only.

    403 ``permission_denied`` otherwise; ``step_up_required`` as for ``access_*``.
    """
    require_granted(actor, platform_permissions(actor.platform_roles), need)
