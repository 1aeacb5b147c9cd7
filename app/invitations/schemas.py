"""Request and response shapes of invitations and their acceptance."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import (
    BaseModel,
)

from app.actors import SessionState
from app.auth.schemas import NewPassword
from app.kit.email import EmailAddress
from app.kit.pagination import Page
from app.kit.schemas import DisplayName, Input, Language, Token
from app.permissions import InvitablePlatformRole, OrgRole

InvitationStatus = Literal["pending", "accepted", "expired", "revoked"]


class InvitationCreate(Input):
    email: EmailAddress
    organization_id: uuid.UUID
    role: OrgRole
    platform_role: InvitablePlatformRole | None = None
    language: Language = "en"


class InvitationRead(BaseModel):
    id: uuid.UUID
    email: str
    organization_id: uuid.UUID
    role: OrgRole
    platform_role: InvitablePlatformRole | None
    language: Language
    status: InvitationStatus
    invited_by: uuid.UUID | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None
    sent_count: int


class InvitationPage(Page[InvitationRead]):
    pass


class InvitationToken(Input):
    token: Token


class OwnInvitation(BaseModel):
    """A pending invitation to the signed-in person's own address (accepted from its email
    link: the link's token is the proof, and only the email holds it)."""

    id: uuid.UUID
    organization_name: str
    role: OrgRole
    platform_role: InvitablePlatformRole | None
    expires_at: datetime


class OwnInvitationList(BaseModel):
    items: list[OwnInvitation]


class InvitationPreview(BaseModel):
    """What the holder of a live invitation link may see before accepting."""

    organization_name: str
    role: OrgRole
    platform_role: InvitablePlatformRole | None
    email: str
    expires_at: datetime
    account_exists: bool


class InvitationAccept(Input):
    """New account: display_name and password. Existing account: neither (sign in first)."""

    token: Token
    display_name: DisplayName | None = None
    password: NewPassword | None = None
    language: Language | None = None


class AcceptResult(BaseModel):
    state: SessionState
    csrf_token: str
