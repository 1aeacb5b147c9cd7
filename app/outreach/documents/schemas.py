"""What the document routes answer. Uploads take the raw file as the body (no JSON)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class DocumentRead(BaseModel):
    id: uuid.UUID
    role: Literal["dispatch_proof", "response"]
    dispatch_id: uuid.UUID | None
    response_id: uuid.UUID | None
    # The stored name: sanitized, its extension the detected type's.
    filename: str
    media_type: str
    size: int
    uploaded_at: datetime
    uploaded_by: uuid.UUID | None


class DocumentList(BaseModel):
    items: list[DocumentRead]
