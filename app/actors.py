"""Who is acting: a signed-in user, the system (CLI, jobs) or nobody."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Literal

ActorType = Literal["user", "system", "anonymous"]


@dataclass(frozen=True)
class Actor:
    type: ActorType
    user_id: uuid.UUID | None = None
    platform_roles: frozenset[str] = field(default_factory=frozenset)
    session_id: uuid.UUID | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.type == "user" and self.user_id is not None


ANONYMOUS = Actor(type="anonymous")
SYSTEM = Actor(type="system")


def user_actor(user_id: uuid.UUID, *, roles: frozenset[str] = frozenset()) -> Actor:
    return Actor(type="user", user_id=user_id, platform_roles=roles)
