"""Request and response shapes. Inputs forbid unknown fields (no mass assignment), trim text
and bound every length; outputs say exactly what leaves the server."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from app.actors import SessionState
from app.auth.schemas import NewPassword
from app.kit.email import EmailAddress

OrgRole = Literal["representative", "member"]
Language = Literal["en", "be", "ru"]
InvitationStatus = Literal["pending", "accepted", "expired", "revoked"]
GrantStatus = Literal["pending", "approved", "rejected", "expired"]
# grant: make the user an admin; revoke: take admin away; suspend: suspend an admin.
AdminRequestKind = Literal["grant", "revoke", "suspend"]

# C0/C1 controls and the Unicode line/paragraph separators: never inside a one-line value
# (they break emails, logs and layouts, and hide text in the UI).
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Multi-line text keeps newlines and tabs, nothing else invisible.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _one_line(value: str) -> str:
    if _LINE_BREAKING.search(value):
        raise ValueError("must be a single line without control characters")
    return value


def _multi_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value.replace("\r\n", "\n")


# ISO 3166-1 alpha-2, as pycountry knows them: an enum in the OpenAPI schema.
_CODES = sorted(country.alpha_2 for country in pycountry.countries)
CountryCode = StrEnum("CountryCode", [(code, code) for code in _CODES])  # type: ignore[misc]
CountryCode.__doc__ = "ISO 3166-1 alpha-2 country code"


def _country(value: object) -> str:
    # Lower case and surrounding spaces are forgiven; anything else is refused here, with a
    # short message (the enum's own would list every code).
    code = value.strip().upper() if isinstance(value, str) else ""
    if code not in CountryCode.__members__:
        raise ValueError("must be an ISO 3166-1 alpha-2 country code")
    return code


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


Name = Annotated[str, _text(200), AfterValidator(_one_line)]
ShortName = Annotated[str, _text(50), AfterValidator(_one_line)]
Description = Annotated[str, _text(5000), AfterValidator(_multi_line)]
Contact = Annotated[str, _text(2000), AfterValidator(_multi_line)]
DisplayName = Annotated[str, _text(100), AfterValidator(_one_line)]
Country = Annotated[CountryCode, BeforeValidator(_country), AfterValidator(str)]
Token = Annotated[str, StringConstraints(min_length=1, max_length=128)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- organizations ---------------------------------------------------------------------


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


class OrganizationPage(BaseModel):
    items: list[OrganizationRead]
    next_cursor: uuid.UUID | None


# --- memberships -----------------------------------------------------------------------


class MemberRead(BaseModel):
    id: uuid.UUID = Field(description="The membership id")
    user_id: uuid.UUID
    organization_id: uuid.UUID
    display_name: str
    email: str
    role: OrgRole
    user_status: str
    created_at: datetime


class MemberPage(BaseModel):
    items: list[MemberRead]
    next_cursor: uuid.UUID | None


class MembershipUpdate(Input):
    role: OrgRole


class MembershipRead(BaseModel):
    id: uuid.UUID
    user_id: uuid.UUID
    organization_id: uuid.UUID
    role: OrgRole
    created_at: datetime


# --- invitations -----------------------------------------------------------------------


class InvitationCreate(Input):
    email: EmailAddress
    organization_id: uuid.UUID
    role: OrgRole
    platform_role: Literal["coordinator"] | None = None
    language: Language = "en"


class InvitationRead(BaseModel):
    id: uuid.UUID
    email: str
    organization_id: uuid.UUID
    role: OrgRole
    platform_role: Literal["coordinator"] | None
    language: Language
    status: InvitationStatus
    invited_by: uuid.UUID | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None
    sent_count: int


class InvitationPage(BaseModel):
    items: list[InvitationRead]
    next_cursor: uuid.UUID | None


class InvitationToken(Input):
    token: Token


class InvitationPreview(BaseModel):
    """What the holder of a live invitation link may see before accepting."""

    organization_name: str
    role: OrgRole
    platform_role: Literal["coordinator"] | None
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


# --- users -----------------------------------------------------------------------------


class UserMembership(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    role: OrgRole


class UserAdminRead(BaseModel):
    id: uuid.UUID
    email: str
    display_name: str
    status: Literal["active", "suspended"]
    platform_roles: list[Literal["admin", "coordinator"]]
    memberships: list[UserMembership]
    # Linked to a single sign-on subject (which then decides who signs in; an admin may
    # unlink it so that the next sign-in links again by verified email).
    sso_linked: bool
    created_at: datetime


class UserPage(BaseModel):
    items: list[UserAdminRead]
    next_cursor: uuid.UUID | None


class SessionsRevoked(BaseModel):
    revoked: int


class AdminGrantRequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


class AdminGrantRequestPage(BaseModel):
    items: list[AdminGrantRequestRead]
    next_cursor: uuid.UUID | None
