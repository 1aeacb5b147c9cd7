"""Request and response shapes of admin requests (the two-person rule)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from app.kit.pagination import Page
from app.kit.schemas import Input

GrantStatus = Literal["pending", "approved", "rejected", "expired"]


# grant: make the user an admin; revoke: take admin away; suspend: suspend an admin.
AdminRequestKind = Literal["grant", "revoke", "suspend"]


class AdminGrantRequestCreate(Input):
    user_id: uuid.UUID
    kind: AdminRequestKind = "grant"


class AdminGrantRequestRead(BaseModel):
    id: uuid.UUID
    kind: AdminRequestKind
    user_id: uuid.UUID
    requested_by: uuid.UUID | None
    decided_by: uuid.UUID | None
    status: GrantStatus
    created_at: datetime
    decided_at: datetime | None


class AdminGrantRequestPage(Page[AdminGrantRequestRead]):
    pass
