"""The last check of every authorization decision: the permission, then the step-up.

``access_*`` functions decide visibility (404) themselves, then call :func:`require_granted`
with what the actor holds where the object lives. Step-up is never chosen per route: it
follows from ``app.permissions.STEP_UP``.
"""

from __future__ import annotations

from collections.abc import Set

from app.actors import Actor
from app.auth.errors import PermissionDenied, StepUpRequired
from app.permissions import STEP_UP, Permission


def require_granted(actor: Actor, granted: Set[Permission], need: Permission) -> None:
    """403 ``permission_denied`` without ``need``; 403 ``step_up_required`` when ``need`` is
    a step-up permission and the actor's second factor was not proven recently."""
    if need not in granted:
        raise PermissionDenied()
    if need in STEP_UP and not actor.second_factor_fresh:
        raise StepUpRequired()
