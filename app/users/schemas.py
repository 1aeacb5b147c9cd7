"""Request and response shapes of user administration."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import (
    BaseModel,
)

from app.kit.pagination import Page
from app.permissions import OrgRole, PlatformRole


class UserMembership(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    role: OrgRole


class UserAdminRead(BaseModel):
    id: uuid.UUID
    email: str
    display_name: str
    status: Literal["active", "suspended"]
    platform_roles: list[PlatformRole]
    memberships: list[UserMembership]
    # Linked to a single sign-on subject (which then decides who signs in; an admin may
    # unlink it so that the next sign-in links again by verified email).
    sso_linked: bool
    # A confirmed authenticator app or a passkey; and when any session was last used.
    second_factor: bool
    last_active_at: datetime | None
    created_at: datetime


class UserPage(Page[UserAdminRead]):
    pass
