from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.actors import SessionState


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignIn(Input):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class SignInResult(BaseModel):
    state: SessionState
    csrf_token: str


class UserRead(BaseModel):
    id: uuid.UUID
    email: str
    display_name: str
    language: str
    platform_roles: list[str]
    password_change_required: bool


class MembershipRead(BaseModel):
    organization_id: uuid.UUID
    role: str


class SessionInfo(BaseModel):
    state: SessionState
    csrf_token: str
    user: UserRead
    memberships: list[MembershipRead]
    totp_enabled: bool
    passkeys: int
    second_factor_fresh: bool


class SessionRead(BaseModel):
    id: uuid.UUID
    created_at: datetime
    last_seen_at: datetime
    method: str
    user_agent: str | None
    current: bool


class SessionList(BaseModel):
    items: list[SessionRead]


class RevokedCount(BaseModel):
    revoked: int


class Outcome(BaseModel):
    status: Literal["ok"] = "ok"
