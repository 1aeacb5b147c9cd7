"""Request and response shapes of the auth API (sign-in and sessions, second factors,
passkeys, the account's credentials, single sign-on)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from app.actors import SessionState
from app.auth.factors.service import SecondFactorMethod
from app.auth.passkeys import AuthenticationPurpose
from app.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from app.kit.email import EmailAddress
from app.kit.schemas import Input
from app.permissions import OrgRole, PlatformRole


class SessionIssued(BaseModel):
    # Sent with a new session cookie: what the session may do, and its CSRF token (the
    # old one died with the old cookie).
    state: SessionState
    csrf_token: str


# --- sign-in and sessions ------------------------------------------------------------------


class SignIn(Input):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class SignInResult(SessionIssued):
    pass


class UserRead(BaseModel):
    id: uuid.UUID
    email: str
    display_name: str
    language: str
    platform_roles: list[PlatformRole]
    password_change_required: bool


# Not "MembershipRead": that name is app.memberships' (schema names are unique).
class SessionMembership(BaseModel):
    organization_id: uuid.UUID
    role: OrgRole


# Why the session this browser held ended, said once on the next page load so that the
# sign-in page can tell the person (app/auth/sessions/service.py why_ended).
SessionEnded = Literal[
    "expired",
    "signed_out_elsewhere",
    "ended_by_admin",
    "access_changed",
    "password_changed",
    "suspended",
]


class AnonymousSession(BaseModel):
    """Nobody is signed in in this browser."""

    state: Literal["anonymous"]
    ended: SessionEnded | None = Field(
        description="Why the session this browser held has ended; null when there was none"
    )


class SessionInfo(BaseModel):
    state: SessionState
    csrf_token: str
    user: UserRead
    memberships: list[SessionMembership]
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


# --- second factors ------------------------------------------------------------------------


class CodeInput(Input):
    code: str = Field(min_length=1, max_length=64)


class TotpEnrolmentRead(BaseModel):
    secret: str = Field(description="Base32 secret for manual entry; shown this once")
    otpauth_uri: str
    qr_svg: str = Field(description="SVG markup of a QR code holding otpauth_uri")


class TotpEnrolmentConfirmed(SessionIssued):
    recovery_codes: list[str] = Field(description="Ten single-use codes; shown this once")


class SecondFactorVerified(SessionIssued):
    method: SecondFactorMethod
    recovery_codes_remaining: int


class RecoveryCodesIssued(BaseModel):
    recovery_codes: list[str] = Field(description="Ten single-use codes; shown this once")


class RecoveryCodesRemaining(BaseModel):
    remaining: int


# --- passkeys ------------------------------------------------------------------------------

# Shown to the user in their list; no control characters.
PasskeyName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$"
    ),
]
Handle = Annotated[str, Field(min_length=1, max_length=128)]
Credential = Annotated[dict[str, Any], Field(description="The result of credential.toJSON()")]


class RegistrationStart(Input):
    name: PasskeyName


class RegistrationFinish(Input):
    handle: Handle
    # The name to store; defaults to the one given when the ceremony started.
    name: PasskeyName | None = None
    credential: Credential


class AuthenticationStart(Input):
    purpose: AuthenticationPurpose


class AuthenticationFinish(Input):
    handle: Handle
    credential: Credential


class PasskeyUpdate(Input):
    name: PasskeyName


class CeremonyRead(BaseModel):
    handle: str
    options: dict[str, Any]


class PasskeyRead(BaseModel):
    id: uuid.UUID
    name: str
    created_at: datetime
    last_used_at: datetime | None


class PasskeyList(BaseModel):
    items: list[PasskeyRead]


class RegistrationResult(BaseModel):
    passkey: PasskeyRead
    # The session was elevated: a new cookie, hence a new CSRF token.
    state: SessionState
    csrf_token: str
    recovery_codes: list[str] | None = Field(
        default=None,
        description="New recovery codes, shown once: issued with a passkey when the account "
        "had none (losing the only passkey must not lock the person out)",
    )


class AuthenticationResult(SessionIssued):
    pass


# --- the account's credentials -------------------------------------------------------------

CurrentPassword = Annotated[
    str | None,
    Field(max_length=1024, description="Required when the account has no second factor"),
]

# A password being chosen. The schema states the policy's length limits; the server checks
# them with the rest of the policy, so a violation gets password_rejected with its reason
# (too_short, too_long, …) rather than a bare validation error.
NewPassword = Annotated[
    str,
    Field(
        min_length=1,
        max_length=1024,
        json_schema_extra={
            "minLength": MIN_PASSWORD_LENGTH,
            "maxLength": MAX_PASSWORD_LENGTH,
            "description": f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters; "
            "common and guessable passwords are refused (password_rejected, with a reason)",
        },
    ),
]


class PasswordChangeInput(Input):
    current_password: CurrentPassword = None
    new_password: NewPassword


class PasswordChanged(SessionIssued):
    other_sessions_revoked: int


class EmailChangeInput(Input):
    new_email: EmailAddress
    current_password: CurrentPassword = None


class EmailChangePending(BaseModel):
    email: str = Field(description="The new address; in force once the code sent to it is entered")
    expires_at: datetime


class EmailChangeStatus(BaseModel):
    pending: EmailChangePending | None


class EmailChangeConfirm(Input):
    code: Annotated[
        str,
        StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{4}[ -]?[0-9]{4}$"),
        Field(description="The 8-digit code sent to the new address"),
    ]


class EmailChanged(BaseModel):
    email: str


# --- single sign-on ------------------------------------------------------------------------


class OidcConfig(Input):
    enabled: bool
    # The button label, e.g. "Sign in with Coalition ID".
    display_name: str
