"""Request and response shapes of organizations. Inputs forbid unknown fields, trim text
and bound every length; outputs say exactly what leaves the server."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import (
    BaseModel,
    Field,
    model_validator,
)

from app.kit.pagination import Page
from app.kit.schemas import Contact, Country, Description, Input, Name, ShortName


class OrganizationCreate(Input):
    name: Name
    short_name: ShortName
    country: Country | None = None
    description: Description | None = None
    contact: Contact | None = Field(
        default=None, description="Internal contact details: seen only by those who see the org"
    )


class OrganizationUpdate(Input):
    """Only the fields sent change; ``null`` clears an optional field."""

    name: Name | None = None
    short_name: ShortName | None = None
    country: Country | None = None
    description: Description | None = None
    contact: Contact | None = None

    @model_validator(mode="after")
    def _required_stay_set(self) -> OrganizationUpdate:
        for name in ("name", "short_name"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be cleared")
        return self


class OrganizationRead(BaseModel):
    id: uuid.UUID
    name: str
    short_name: str
    country: str | None
    description: str | None
    contact: str | None
    created_at: datetime
    updated_at: datetime | None


class OrganizationPage(Page[OrganizationRead]):
    pass
