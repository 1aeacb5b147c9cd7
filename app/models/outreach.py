"""Outreach: the governments and officials an appeal is sent to, what was sent to each, what
came back, the chases planned, and the documents that prove it.

Who a coalition writes to, how to reach them and what they answered is internal: names,
addressee lines, contacts, references, summaries, quotes, file names and file contents are
encrypted (file contents under a per-file key that the keyring wraps, app/outreach/documents).
Kinds, channels, states, dates, countries (ISO 3166 alpha-2) and language tags are metadata:
the dashboard groups and counts by them. A recipient's status is derived from its dispatches,
responses and follow-ups, never stored (app/outreach/status.py).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
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

RECIPIENT_KINDS = (
    "government",
    "ministry",
    "parliament",
    "international_organization",
    "embassy",
    "official",
)
CHANNELS = (
    "email",
    "post",
    "hand_delivery",
    "embassy",
    "meeting",
    "diplomatic_note",
    "web_form",
)
# What became of a dispatch sent by email from Accord (through the outbox); "recorded" is a
# dispatch made elsewhere and only recorded here.
DELIVERIES = ("recorded", "queued", "sent", "failed")
RESPONSE_KINDS = (
    "acknowledgement",
    "substantive_reply",
    "refusal",
    "referral",
    "meeting_offered",
)
STANCES = ("supports", "partially_supports", "opposes", "no_position", "not_addressed")
# What a document proves: the dispatch (a receipt, a scan of the letter sent) or a response.
DOCUMENT_ROLES = ("dispatch_proof", "response")
DOCUMENT_STATES = ("uploading", "stored")
COUNTRY_CODE = 2
LANGUAGE_TAG = 35
SHA256_HEX = 64
BLOCK_ID = 64
MEDIA_TYPE = 64
MAC_SIZE = 36
SUBSCRIPTION_EMAIL_DOMAIN = "update-subscription-email"


class Recipient(IdMixin, TimestampMixin, Base):
    """A government, institution or official that appeals are sent to."""

    __tablename__ = "recipients"
    __table_args__ = (
        one_of("kind", RECIPIENT_KINDS),
        Index("ix_recipients_country_id", "country", "id"),
    )

    kind: Mapped[str] = mapped_column(String(32), info=METADATA)
    country: Mapped[str | None] = mapped_column(String(COUNTRY_CODE), info=METADATA)
    # BCP 47 tag of the language letters should be in, when a current translation exists.
    language: Mapped[str] = mapped_column(String(LANGUAGE_TAG), info=METADATA)
    # The short name in lists ("Denmark — Prime Minister").
    name_ct: Mapped[bytes] = encrypted_column()
    # The addressee block exactly as a letter prints it, one line per line.
    addressee_ct: Mapped[bytes] = encrypted_column()
    salutation_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    email_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    postal_address_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    # JSON list of tags ("EU", "Nordic"): internal, a registry has hundreds of rows at most.
    tags_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    archived_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    updated_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    version: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("1"), info=METADATA
    )

    __mapper_args__ = {"version_id_col": version}

    name = Encrypted("name_ct")
    addressee = Encrypted("addressee_ct")
    salutation = Encrypted("salutation_ct")
    email = Encrypted("email_ct")
    postal_address = Encrypted("postal_address_ct")
    tags_json = Encrypted("tags_ct")


class RecipientGroup(IdMixin, TimestampMixin, Base):
    """A saved group of recipients ("EU foreign ministers")."""

    __tablename__ = "recipient_groups"

    name_ct: Mapped[bytes] = encrypted_column()
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    updated_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    version: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("1"), info=METADATA
    )

    __mapper_args__ = {"version_id_col": version}

    name = Encrypted("name_ct")


class RecipientGroupMember(Base):
    __tablename__ = "recipient_group_members"

    group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("recipient_groups.id", ondelete="CASCADE"), primary_key=True, info=METADATA
    )
    recipient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("recipients.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
        info=METADATA,
    )


class AppealOutreach(IdMixin, Base):
    """An appeal's outreach settings: the letters' closing phrase and its public tracker."""

    __tablename__ = "appeal_outreach"

    appeal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), unique=True, info=METADATA
    )
    # Printed after the signatories ("as well as other participants of …").
    signature_closing_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    tracker_published_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    tracker_published_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    updated_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    version: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("1"), info=METADATA
    )

    __mapper_args__ = {"version_id_col": version}

    signature_closing = Encrypted("signature_closing_ct")


class Dispatch(IdMixin, TimestampMixin, Base):
    """An appeal sent to one recipient: which text, how, when, and the proof of it."""

    __tablename__ = "dispatches"
    __table_args__ = (
        one_of("channel", CHANNELS),
        one_of("delivery", DELIVERIES),
        # An appeal's dispatches and a recipient's, newest first, as keyset pages.
        Index("ix_dispatches_appeal_id_id", "appeal_id", "id"),
        Index("ix_dispatches_recipient_id_id", "recipient_id", "id"),
        # A retried create with the same Idempotency-Key finds the first one.
        UniqueConstraint("created_by", "idempotency_key"),
    )

    appeal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), info=METADATA
    )
    recipient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("recipients.id", ondelete="RESTRICT"), info=METADATA
    )
    # The frozen text sent: the appeal's revision hash, and the translation's when the
    # letter went in another language.
    revision_sha256: Mapped[str] = mapped_column(String(SHA256_HEX), info=METADATA)
    language: Mapped[str] = mapped_column(String(LANGUAGE_TAG), info=METADATA)
    translation_revision_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("translation_revisions.id", ondelete="RESTRICT"), info=METADATA
    )
    channel: Mapped[str] = mapped_column(String(24), info=METADATA)
    sent_on: Mapped[date] = mapped_column(Date, info=METADATA)
    # A tracking number, a note verbale's number, a web form's confirmation.
    reference_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    note_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    # "recorded", or "queued" when emailed from Accord: how that email fared is its outbox
    # message's state, read from there (sent, failed), never copied here.
    delivery: Mapped[str] = mapped_column(String(16), default="recorded", info=METADATA)
    outbox_message_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), info=METADATA
    )
    # Closed by a coordinator: nothing more is expected (the status says "closed").
    closed_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    # SHA-256 (hex) of the client's Idempotency-Key, a random value it made for this one
    # create: a retry by the same person finds this row instead of making a second.
    idempotency_key: Mapped[str | None] = mapped_column(String(SHA256_HEX), info=METADATA)
    updated_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    version: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("1"), info=METADATA
    )

    __mapper_args__ = {"version_id_col": version}

    reference = Encrypted("reference_ct")
    note = Encrypted("note_ct")


class Response(IdMixin, TimestampMixin, Base):
    """What a recipient answered to one dispatch."""

    __tablename__ = "responses"
    __table_args__ = (
        one_of("channel", CHANNELS),
        one_of("kind", RESPONSE_KINDS),
        Index("ix_responses_dispatch_id_id", "dispatch_id", "id"),
    )

    dispatch_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("dispatches.id", ondelete="CASCADE"), info=METADATA
    )
    received_on: Mapped[date] = mapped_column(Date, info=METADATA)
    channel: Mapped[str] = mapped_column(String(24), info=METADATA)
    kind: Mapped[str] = mapped_column(String(24), info=METADATA)
    summary_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    # A referral's other body, as the response names it.
    referred_to_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    # Shown on the appeal's public tracker (when the tracker itself is published).
    published: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=false(), info=METADATA
    )
    published_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    # When the appeal's update subscribers were told of it: once, however often it or the
    # tracker is unpublished and published again.
    subscribers_told_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    updated_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    version: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("1"), info=METADATA
    )

    __mapper_args__ = {"version_id_col": version}

    summary = Encrypted("summary_ct")
    referred_to = Encrypted("referred_to_ct")


class ResponseStance(IdMixin, Base):
    """A response's stance on one ask of the appeal (the ask's stable block id)."""

    __tablename__ = "response_stances"
    __table_args__ = (one_of("stance", STANCES), UniqueConstraint("response_id", "ask_id"))

    response_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), info=METADATA
    )
    ask_id: Mapped[str] = mapped_column(String(BLOCK_ID), info=METADATA)
    stance: Mapped[str] = mapped_column(String(24), info=METADATA)
    quote_ct: Mapped[bytes | None] = encrypted_column(nullable=True)

    quote = Encrypted("quote_ct")


class FollowUp(IdMixin, TimestampMixin, Base):
    """A planned chase of a dispatch: due on a date, assigned to a person; overdue is derived."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_assignee_id_due_on", "assignee_id", "due_on"),)

    dispatch_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("dispatches.id", ondelete="CASCADE"), index=True, info=METADATA
    )
    due_on: Mapped[date] = mapped_column(Date, info=METADATA)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    note_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    done_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    updated_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    version: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("1"), info=METADATA
    )

    __mapper_args__ = {"version_id_col": version}

    note = Encrypted("note_ct")


class FollowUpDigest(Base):
    """The day each person was last sent their digest of due and overdue follow-ups."""

    __tablename__ = "follow_up_digests"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, info=METADATA
    )
    sent_on: Mapped[date] = mapped_column(Date, info=METADATA)


class Document(IdMixin, TimestampMixin, Base):
    """An uploaded file (proof of dispatch, a response letter), stored encrypted in chunks.

    The file key is random per document and stored only wrapped by the keyring
    (``file_key_ct``): rotation re-wraps it and never touches the chunks."""

    __tablename__ = "documents"
    __table_args__ = (one_of("role", DOCUMENT_ROLES), one_of("state", DOCUMENT_STATES))

    dispatch_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("dispatches.id", ondelete="CASCADE"), index=True, info=METADATA
    )
    response_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True, info=METADATA
    )
    role: Mapped[str] = mapped_column(String(16), info=METADATA)
    state: Mapped[str] = mapped_column(String(16), default="uploading", info=METADATA)
    # Detected from the content, one of the accepted types (app/outreach/documents).
    media_type: Mapped[str] = mapped_column(String(MEDIA_TYPE), info=METADATA)
    size: Mapped[int] = mapped_column(BigInteger, default=0, info=METADATA)
    chunk_count: Mapped[int] = mapped_column(Integer, default=0, info=METADATA)
    filename_ct: Mapped[bytes] = encrypted_column()
    file_key_ct: Mapped[bytes] = encrypted_column()
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )

    filename = Encrypted("filename_ct")
    # base64 of the 32-byte file key (Encrypted stores text).
    file_key_b64 = Encrypted("file_key_ct")


class DocumentChunk(Base):
    """One chunk of a document, AES-256-GCM under the document's own key, bound to the
    document id, its position and whether it is the last (so chunks cannot be reordered,
    dropped or moved to another file)."""

    __tablename__ = "document_chunks"

    document_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, info=METADATA
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, info=METADATA)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary, info=classified("internal", "file_key"))


class UpdateSubscription(IdMixin, TimestampMixin, Base):
    """A public signer who asked to be told when a response to an appeal is published.

    Kept apart from the signature (no link to it, so it says nothing about a tier) and made
    only once the address is proven (the signing code); ``created_at`` is the day, not the
    moment, so it cannot be matched to a confirmation time. The address is internal, given
    by the signer for this purpose; ``email_index`` keeps one row per address and appeal."""

    __tablename__ = "update_subscriptions"
    __table_args__ = (UniqueConstraint("appeal_id", "email_index"),)

    appeal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), info=METADATA
    )
    email_ct: Mapped[bytes] = encrypted_column()
    email_index: Mapped[bytes] = mapped_column(
        LargeBinary(MAC_SIZE),
        info=classified(
            "internal", "blind_index", source="email_ct", domain=SUBSCRIPTION_EMAIL_DOMAIN
        ),
    )
    language: Mapped[str] = mapped_column(String(LANGUAGE_TAG), info=METADATA)
    # A random token put in every update email's unsubscribe link: kept encrypted to be
    # written into the emails, and as its SHA-256 to find the row (it carries 256 bits,
    # so an unkeyed hash of it gives nothing away).
    unsubscribe_token_ct: Mapped[bytes] = encrypted_column()
    unsubscribe_sha256: Mapped[str] = mapped_column(String(SHA256_HEX), unique=True, info=METADATA)

    email = Encrypted("email_ct")
    unsubscribe_token = Encrypted("unsubscribe_token_ct")
