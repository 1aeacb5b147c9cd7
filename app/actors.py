"""Who is acting: a signed-in user, the system (CLI, jobs) or nobody."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Literal

ActorType = Literal["user", "system", "anonymous"]
# full: everything the roles allow. second_factor_required: password accepted, the
# second factor not yet. enrolment_required: a privileged user without any second factor.
SessionState = Literal["full", "second_factor_required", "enrolment_required"]

_EMPTY: Mapping[uuid.UUID, str] = MappingProxyType({})


@dataclass(frozen=True)
class Actor:
    type: ActorType
    user_id: uuid.UUID | None = None
    platform_roles: frozenset[str] = field(default_factory=frozenset)
    session_id: uuid.UUID | None = None
    # organization id -> org role
    memberships: Mapping[uuid.UUID, str] = field(default_factory=lambda: _EMPTY)
    session_state: SessionState | None = None
    second_factor_at: datetime | None = None
    # A second factor proven within the step-up window (app/permissions.py STEP_UP).
    second_factor_fresh: bool = False
    # The password was set by someone else (bootstrap): nothing but changing it is allowed.
    password_change_required: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.type == "user" and self.user_id is not None

    @property
    def roles(self) -> frozenset[str]:
        """Platform roles plus every org role held in some organization."""
        return self.platform_roles | frozenset(self.memberships.values())


ANONYMOUS = Actor(type="anonymous")
SYSTEM = Actor(type="system")


def user_actor(user_id: uuid.UUID, *, roles: frozenset[str] = frozenset()) -> Actor:
    return Actor(type="user", user_id=user_id, platform_roles=roles, session_state="full")
