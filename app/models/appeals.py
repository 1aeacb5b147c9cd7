"""Appeals: a joint text co-drafted by member organizations, its immutable revisions, the
organizations that write and approve it, comments, suggestions and translations.

Titles, texts, comments, suggestions and translations are internal (encrypted, bound to
their row); hashes, states, numbers and ids are metadata. Revisions are never updated: a
save inserts one, and ``appeals.head_*`` points at the newest.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import (
    METADATA,
    Base,
    Encrypted,
    IdMixin,
    TimestampMixin,
    encrypted_column,
    one_of,
)

APPEAL_STATES = ("draft", "review", "approved", "open", "closed", "archived", "withdrawn")
PARTICIPANT_ROLES = ("lead", "co_author")
PARTICIPANT_STATUSES = ("invited", "accepted", "declined", "left")
SUGGESTION_KINDS = ("replace", "insert", "remove")
SUGGESTION_STATUSES = ("open", "accepted", "rejected", "withdrawn")
SHA256_HEX = 64
# BCP 47 tags are at most 35 characters in practice (RFC 5646 §4.4.1 recommends that much).
LANGUAGE_TAG = 35


class Appeal(IdMixin, TimestampMixin, Base):
    __tablename__ = "appeals"
    __table_args__ = (
        one_of("state", APPEAL_STATES),
        # A coordinator's list filtered by state, newest first.
        Index("ix_appeals_state_id", "state", "id"),
    )

    lead_organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True, info=METADATA
    )
    state: Mapped[str] = mapped_column(String(16), default="draft", info=METADATA)
    # The title of the newest revision (its title block), kept here for lists.
    title_ct: Mapped[bytes] = encrypted_column()
    language: Mapped[str] = mapped_column(String(LANGUAGE_TAG), info=METADATA)
    head_revision_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("appeal_revisions.id", use_alter=True, ondelete="SET NULL"), info=METADATA
    )
    head_number: Mapped[int] = mapped_column(Integer, default=0, info=METADATA)
    head_sha256: Mapped[str | None] = mapped_column(String(SHA256_HEX), info=METADATA)
    # The hash signatures bind to: set when the appeal opens, cleared when it goes back to
    # review.
    frozen_sha256: Mapped[str | None] = mapped_column(String(SHA256_HEX), info=METADATA)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    updated_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    # Row version: every state change and save bumps it (UPDATE … WHERE version = <read>),
    # so two writers racing on one appeal cannot both win.
    version: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("1"), info=METADATA
    )

    __mapper_args__ = {"version_id_col": version}

    title = Encrypted("title_ct")


class AppealParticipant(IdMixin, TimestampMixin, Base):
    """An organization writing the appeal: the lead, or a co-author it invited."""

    __tablename__ = "appeal_participants"
    __table_args__ = (
        UniqueConstraint("appeal_id", "organization_id"),
        one_of("role", PARTICIPANT_ROLES),
        one_of("status", PARTICIPANT_STATUSES),
        # The visibility filter of every appeals list: per organization and status, the
        # newest appeals first straight from the index (repository.list_appeals).
        Index("ix_appeal_participants_visibility", "organization_id", "status", "appeal_id"),
    )

    appeal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), info=METADATA
    )
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), info=METADATA
    )
    role: Mapped[str] = mapped_column(String(16), info=METADATA)
    status: Mapped[str] = mapped_column(String(16), info=METADATA)
    invited_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    decided_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    decided_at: Mapped[datetime | None] = mapped_column(info=METADATA)


class AppealEditor(IdMixin, TimestampMixin, Base):
    """A person the lead organization named to edit, beyond its own members."""

    __tablename__ = "appeal_editors"
    __table_args__ = (
        UniqueConstraint("appeal_id", "user_id"),
        # A person's appeals as editor, newest first (repository.list_appeals).
        Index("ix_appeal_editors_user_appeal", "user_id", "appeal_id"),
    )

    appeal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), info=METADATA
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), info=METADATA
    )
    added_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )


class AppealRevision(IdMixin, TimestampMixin, Base):
    """An immutable snapshot of the text. ``sha256`` is over its canonical form
    (app/appeals/text/canonical.py); ``parent_sha256`` chains it to the one before."""

    __tablename__ = "appeal_revisions"
    # One revision per number: of two saves racing from one head only one gets it.
    __table_args__ = (UniqueConstraint("appeal_id", "number"),)

    appeal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), info=METADATA
    )
    number: Mapped[int] = mapped_column(Integer, info=METADATA)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("appeal_revisions.id", ondelete="RESTRICT"), info=METADATA
    )
    parent_sha256: Mapped[str | None] = mapped_column(String(SHA256_HEX), info=METADATA)
    sha256: Mapped[str] = mapped_column(String(SHA256_HEX), index=True, info=METADATA)
    blocks_ct: Mapped[bytes] = encrypted_column()
    note_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    # An accepted suggestion's author, credited on the revision it became.
    credited_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    # The three-way merge this save went through, if another save came first.
    merged: Mapped[bool] = mapped_column(default=False, info=METADATA)

    blocks_json = Encrypted("blocks_ct")
    note = Encrypted("note_ct")


class AppealApproval(IdMixin, TimestampMixin, Base):
    """An organization's sign-off on one exact revision hash. Never deleted: a new revision
    makes the older approvals no longer current, and they stay on record for their hash."""

    __tablename__ = "appeal_approvals"
    __table_args__ = (UniqueConstraint("appeal_id", "organization_id", "sha256"),)

    appeal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), info=METADATA
    )
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), info=METADATA
    )
    revision_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeal_revisions.id", ondelete="CASCADE"), info=METADATA
    )
    sha256: Mapped[str] = mapped_column(String(SHA256_HEX), info=METADATA)
    approved_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )


class AppealComment(IdMixin, TimestampMixin, Base):
    """A remark on a passage (a thread's first comment) or a reply (``parent_id`` set).

    The anchor is a W3C text-quote selector (exact text with some prefix and suffix) kept
    encrypted as JSON: the quote is the appeal's text. It is re-located on every newer
    revision (app/appeals/anchoring.py), so nothing needs rewriting when the text moves.
    """

    __tablename__ = "appeal_comments"
    __table_args__ = (Index("ix_appeal_comments_appeal_created", "appeal_id", "id"),)

    appeal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), info=METADATA
    )
    revision_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeal_revisions.id", ondelete="CASCADE"), info=METADATA
    )
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("appeal_comments.id", ondelete="CASCADE"), index=True, info=METADATA
    )
    block_id: Mapped[str | None] = mapped_column(String(32), info=METADATA)
    anchor_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    body_ct: Mapped[bytes] = encrypted_column()
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    resolved_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )

    anchor_json = Encrypted("anchor_ct")
    body = Encrypted("body_ct")


class AppealSuggestion(IdMixin, TimestampMixin, Base):
    """A proposed change: replace a passage, insert a block (or ask), or remove one.

    ``change_ct`` holds the change as encrypted JSON (app/appeals/suggestions.py says its
    shape). Accepted, it becomes a revision crediting its author; rejected, it keeps the
    reason; outdated is derived (its passage no longer found), never stored.
    """

    __tablename__ = "appeal_suggestions"
    __table_args__ = (
        one_of("kind", SUGGESTION_KINDS),
        one_of("status", SUGGESTION_STATUSES),
        Index("ix_appeal_suggestions_appeal_created", "appeal_id", "id"),
    )

    appeal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), info=METADATA
    )
    revision_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeal_revisions.id", ondelete="CASCADE"), info=METADATA
    )
    kind: Mapped[str] = mapped_column(String(16), info=METADATA)
    block_id: Mapped[str | None] = mapped_column(String(32), info=METADATA)
    change_ct: Mapped[bytes] = encrypted_column()
    note_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    status: Mapped[str] = mapped_column(String(16), default="open", info=METADATA)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    decided_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    reason_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    result_revision_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("appeal_revisions.id", ondelete="SET NULL"), info=METADATA
    )

    change_json = Encrypted("change_ct")
    note = Encrypted("note_ct")
    reason = Encrypted("reason_ct")


class AppealTranslation(IdMixin, TimestampMixin, Base):
    """The appeal in another language: same block ids as the source, revisions of its own,
    each tied to the source revision it translates. Stale when the source moved on."""

    __tablename__ = "appeal_translations"
    __table_args__ = (UniqueConstraint("appeal_id", "language"),)

    appeal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), info=METADATA
    )
    language: Mapped[str] = mapped_column(String(LANGUAGE_TAG), info=METADATA)
    head_revision_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("translation_revisions.id", use_alter=True, ondelete="SET NULL"),
        info=METADATA,
    )
    head_number: Mapped[int] = mapped_column(Integer, default=0, info=METADATA)
    head_sha256: Mapped[str | None] = mapped_column(String(SHA256_HEX), info=METADATA)
    # The source revision the newest translation revision translates.
    source_sha256: Mapped[str | None] = mapped_column(String(SHA256_HEX), info=METADATA)
    # Approval of one exact translation revision (hash), by the lead or a coordinator.
    approved_sha256: Mapped[str | None] = mapped_column(String(SHA256_HEX), info=METADATA)
    approved_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    approved_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    version: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("1"), info=METADATA
    )

    __mapper_args__ = {"version_id_col": version}


class TranslationRevision(IdMixin, TimestampMixin, Base):
    __tablename__ = "translation_revisions"
    __table_args__ = (UniqueConstraint("translation_id", "number"),)

    translation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeal_translations.id", ondelete="CASCADE"), info=METADATA
    )
    number: Mapped[int] = mapped_column(Integer, info=METADATA)
    parent_sha256: Mapped[str | None] = mapped_column(String(SHA256_HEX), info=METADATA)
    sha256: Mapped[str] = mapped_column(String(SHA256_HEX), info=METADATA)
    source_revision_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeal_revisions.id", ondelete="RESTRICT"), info=METADATA
    )
    source_sha256: Mapped[str] = mapped_column(String(SHA256_HEX), info=METADATA)
    blocks_ct: Mapped[bytes] = encrypted_column()
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )

    blocks_json = Encrypted("blocks_ct")
