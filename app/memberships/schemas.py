"""Request and response shapes of memberships (a user's org role in one organization)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import (
    BaseModel,
    Field,
)

from app.kit.pagination import Page
from app.kit.schemas import Input
from app.permissions import OrgRole


class MemberRead(BaseModel):
    id: uuid.UUID = Field(description="The membership id")
    user_id: uuid.UUID
    organization_id: uuid.UUID
    display_name: str
    email: str
    role: OrgRole
    user_status: str
    created_at: datetime


class MemberPage(Page[MemberRead]):
    pass


class ColleagueRead(BaseModel):
    """A fellow member as everyone in the organization sees them: the name they chose to
    show to the coalition and their role; never their address or account."""

    display_name: str
    role: OrgRole


class ColleaguePage(Page[ColleagueRead]):
    pass


class MembershipUpdate(Input):
    role: OrgRole


class MembershipRead(BaseModel):
    id: uuid.UUID
    user_id: uuid.UUID
    organization_id: uuid.UUID
    role: OrgRole
    created_at: datetime
