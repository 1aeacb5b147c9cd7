from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import (
    METADATA,
    Base,
    Encrypted,
    IdMixin,
    TimestampMixin,
    classified,
    encrypted_column,
    one_of,
)
from app.permissions import PlatformRole

# PlatformRole is defined in app.permissions; re-exported for existing imports.
__all__ = [
    "EMAIL_INDEX_DOMAIN",
    "EmailChange",
    "PlatformRole",
    "PlatformRoleGrant",
    "User",
    "UserStatus",
]

EMAIL_INDEX_DOMAIN = "user.email"


class UserStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"

    email_ct: Mapped[bytes] = encrypted_column()
    email_index: Mapped[bytes] = mapped_column(
        LargeBinary(36),
        unique=True,
        info=classified("internal", "blind_index", source="email_ct", domain=EMAIL_INDEX_DOMAIN),
    )
    display_name_ct: Mapped[bytes] = encrypted_column()
    password_hash: Mapped[str | None] = mapped_column(
        String(255), info=classified("internal", "password_hash")
    )
    password_change_required: Mapped[bool] = mapped_column(default=False, info=METADATA)
    status: Mapped[str] = mapped_column(String(16), default=UserStatus.ACTIVE, info=METADATA)
    # Interface and email language (en, be, ru).
    language: Mapped[str] = mapped_column(
        String(8), default="en", server_default="en", info=METADATA
    )
    updated_at: Mapped[datetime | None] = mapped_column(info=METADATA)

    email = Encrypted("email_ct")
    display_name = Encrypted("display_name_ct")


class PlatformRoleGrant(IdMixin, TimestampMixin, Base):
    __tablename__ = "platform_role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role"), one_of("role", PlatformRole))

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, info=METADATA
    )
    role: Mapped[str] = mapped_column(String(32), info=METADATA)


class EmailChange(IdMixin, TimestampMixin, Base):
    """A change of a user's email address, waiting to be confirmed with the code sent to the
    new address: nothing changes until then. One per user (a new request replaces it);
    deleted when confirmed, after too many wrong codes, and by housekeeping once expired."""

    __tablename__ = "email_changes"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, info=METADATA
    )
    new_email_ct: Mapped[bytes] = encrypted_column()
    # The code itself, encrypted (compared in constant time): a keyed MAC would pin its key
    # version, while `keys rotate` re-encrypts this like any other value.
    code_ct: Mapped[bytes] = encrypted_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0, info=METADATA)
    expires_at: Mapped[datetime] = mapped_column(index=True, info=METADATA)

    new_email = Encrypted("new_email_ct")
    code = Encrypted("code_ct")
