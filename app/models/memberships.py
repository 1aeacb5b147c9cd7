"""Organizations of the coalition, who belongs to them, and how people are invited."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
    text,
)
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
from app.permissions import INVITABLE_PLATFORM_ROLES, OrgRole

INVITATION_EMAIL_DOMAIN = "invitation.email"
ORGANIZATION_NAME_DOMAIN = "organization.name"


class Organization(IdMixin, TimestampMixin, Base):
    __tablename__ = "organizations"

    # Belonging to the coalition can itself endanger an organization: names are internal.
    name_ct: Mapped[bytes] = encrypted_column()
    # One organization per name, compared as people read names (app/kit/names.py): two
    # organizations that look the same in every list would be signed for by mistake.
    # NULL only for rows written before the index existed (filled by `accord keys rotate`).
    name_index: Mapped[bytes | None] = mapped_column(
        LargeBinary(36),
        unique=True,
        nullable=True,
        info=classified(
            "internal",
            "blind_index",
            source="name_ct",
            domain=ORGANIZATION_NAME_DOMAIN,
            normalize="name",
        ),
    )
    short_name_ct: Mapped[bytes] = encrypted_column()
    description_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    contact_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    country: Mapped[str | None] = mapped_column(String(2), info=METADATA)
    # Signing for this organization needs a second representative's confirmation
    # (app/signatories/service.py): one officer alone cannot commit it.
    signing_two_officers: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=false(), info=METADATA
    )
    updated_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    # The row version behind the ETag: every UPDATE says WHERE version = <the one read> and
    # bumps it, so of two writers holding the same If-Match only one can win.
    version: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("1"), info=METADATA
    )

    __mapper_args__ = {"version_id_col": version}

    name = Encrypted("name_ct")
    short_name = Encrypted("short_name_ct")
    description = Encrypted("description_ct")
    contact = Encrypted("contact_ct")


class Membership(IdMixin, TimestampMixin, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organization_id"), one_of("role", OrgRole))

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, info=METADATA
    )
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True, info=METADATA
    )
    role: Mapped[str] = mapped_column(String(32), info=METADATA)


class Invitation(IdMixin, TimestampMixin, Base):
    __tablename__ = "invitations"
    __table_args__ = (
        one_of("role", OrgRole),
        one_of("platform_role", INVITABLE_PLATFORM_ROLES),
    )

    email_ct: Mapped[bytes] = encrypted_column()
    email_index: Mapped[bytes] = mapped_column(
        LargeBinary(36),
        index=True,
        info=classified(
            "internal", "blind_index", source="email_ct", domain=INVITATION_EMAIL_DOMAIN
        ),
    )
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True, info=METADATA
    )
    role: Mapped[str] = mapped_column(String(32), info=METADATA)
    # Platform role offered with the invitation (coordinator, never admin), if any.
    platform_role: Mapped[str | None] = mapped_column(String(32), info=METADATA)
    language: Mapped[str] = mapped_column(String(8), default="en", info=METADATA)
    token_mac: Mapped[bytes] = mapped_column(
        LargeBinary(36), unique=True, info=classified("internal", "token_mac")
    )
    invited_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    expires_at: Mapped[datetime] = mapped_column(info=METADATA)
    accepted_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    revoked_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    sent_count: Mapped[int] = mapped_column(Integer, default=1, info=METADATA)

    email = Encrypted("email_ct")


ADMIN_REQUEST_KINDS = ("grant", "revoke", "suspend")


class AdminGrantRequest(IdMixin, TimestampMixin, Base):
    """Changing who is an admin takes two admins: one asks, a different one approves.

    ``kind``: ``grant`` (make the user an admin), ``revoke`` (take admin away from them) or
    ``suspend`` (suspend an admin's account). A rogue admin can thus neither crown an
    accomplice nor sideline the admins who would stop them.
    """

    __tablename__ = "admin_grant_requests"
    __table_args__ = (
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in ADMIN_REQUEST_KINDS) + ")",
            name="kind",
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, info=METADATA
    )
    requested_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    decided_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    status: Mapped[str] = mapped_column(String(16), default="pending", info=METADATA)
    decided_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    kind: Mapped[str] = mapped_column(
        String(16), nullable=False, server_default=text("'grant'"), info=METADATA
    )
