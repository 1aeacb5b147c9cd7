"""Signatories: who signed an open appeal, in which disclosure tier, bound to which text.

What is stored, by tier (a signature never holds more than its tier needs):

* ``public`` — the name and line as printed (public data, plaintext: they will be printed
  under the letter anyway); an organization's mandate is internal (encrypted).
* ``withheld`` / ``counted`` — nothing readable: the name, line and mandate are sealed
  (HPKE) to the appeal's custody key, which the server does not hold
  (app/signatories/custody.py).

No signature stores who signed in plaintext. ``dedupe_index`` (one signature per person or
organization) and ``signer_index`` (which officer asked, so that another must confirm) are
keyed hashes in a per-appeal domain: the same person gives unrelated values in two appeals.
Whoever holds the server's keys can still *test* a given person against them while signing
is open; when signing closes they are erased for ``withheld`` and ``counted`` signatures
(app/signatories/service.py close_signing).

Counts are counters (``signature_counts``) kept in the same transaction as the change they
count, spread over a few slots so concurrent signers do not queue on one row.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
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

# "public": someone from the public page, confirmed by a code sent to their email.
SIGNATURE_KINDS = ("organization", "member", "public")
TIERS = ("public", "withheld", "counted")
SIGNATURE_STATUSES = (
    "unconfirmed",
    "pending_second_officer",
    "counted",
    "awaiting_reconsent",
    "lapsed",
    # A coordinator invalidated it (bulk, with a reason): counted apart, never printed.
    "invalidated",
)
# What an emailed code is for: confirming a public signature, withdrawing it, or binding
# it to a new text.
CODE_PURPOSES = ("confirm", "withdraw", "reconsent")
SHA256_HEX = 64
MAC_SIZE = 36
# A printed name and its line, as in a coalition's letter ("First Deputy Minister of
# Foreign Affairs (1994-1997), Ambassador …").
NAME_MAX = 200
LINE_MAX = 400
PUBLIC = classified("public")
# Counter rows per (appeal, bucket): a signer adds to one chosen at random.
COUNT_SLOTS = 8


class SigningWindow(IdMixin, TimestampMixin, Base):
    """How an open appeal collects signatures: set by a coordinator when it opens."""

    __tablename__ = "signing_windows"

    appeal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), unique=True, info=METADATA
    )
    closes_at: Mapped[datetime] = mapped_column(info=METADATA)
    target: Mapped[int | None] = mapped_column(Integer, info=METADATA)
    # Counts at which co-authors are told, ascending, comma-separated (a few numbers, so
    # metadata stays short); the highest one told so far.
    milestones_csv: Mapped[str] = mapped_column(String(64), info=METADATA)
    milestone_reached: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("0"), info=METADATA
    )
    # The tiers signers may choose, comma-separated ("public,withheld,counted").
    tiers_csv: Mapped[str] = mapped_column(String(32), info=METADATA)
    allow_organizations: Mapped[bool] = mapped_column(Boolean, info=METADATA)
    allow_members: Mapped[bool] = mapped_column(Boolean, info=METADATA)
    # The public page: anyone may sign with an email address they confirm by a code.
    allow_public: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=false(), info=METADATA
    )
    # Set when signing ended (the appeal closed or the deadline passed) and the links from
    # people to withheld and counted signatures were erased.
    ended_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    # The appeal's custody public key (X25519, raw); the private key exists only as shares.
    custody_public_key: Mapped[bytes] = mapped_column(LargeBinary(32), info=METADATA)
    custody_threshold: Mapped[int] = mapped_column(SmallInteger, info=METADATA)
    # The key version every signer index of this window is made under: a rotation while
    # signing is open must not let a person's second signature slip past the unique index
    # (app/signatories/service.py index_version; retiring it: app/key_lifecycle.py).
    key_version: Mapped[int] = mapped_column(Integer, info=METADATA)
    opened_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    updated_at: Mapped[datetime | None] = mapped_column(info=METADATA)

    @property
    def tiers(self) -> list[str]:
        return [tier for tier in self.tiers_csv.split(",") if tier]

    @tiers.setter
    def tiers(self, value: list[str]) -> None:
        self.tiers_csv = ",".join(value)

    @property
    def milestones(self) -> list[int]:
        return [int(n) for n in self.milestones_csv.split(",") if n]

    @milestones.setter
    def milestones(self, value: list[int]) -> None:
        self.milestones_csv = ",".join(str(n) for n in value)


class CustodyKey(IdMixin, TimestampMixin, Base):
    """A person's custody public key, made in their browser (the private key never comes
    here). Replacing it affects only appeals opened afterwards."""

    __tablename__ = "custody_keys"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, info=METADATA
    )
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32), info=METADATA)


class AppealCustodian(IdMixin, TimestampMixin, Base):
    """A custodian of one appeal's custody key: their share, sealed to their own key."""

    __tablename__ = "appeal_custodians"
    __table_args__ = (UniqueConstraint("appeal_id", "user_id"),)

    appeal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), info=METADATA
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), info=METADATA
    )
    # The organization the custodian answers for (custodians come from at least two).
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), info=METADATA
    )
    # The custodian's public key the share was sealed to (their key may change later).
    custody_public_key: Mapped[bytes] = mapped_column(LargeBinary(32), info=METADATA)
    share_sealed: Mapped[bytes] = mapped_column(LargeBinary, info=classified("sealed", "hpke"))


class Signature(IdMixin, TimestampMixin, Base):
    """One signature. Its id is random (UUIDv4), not time-ordered like other rows' (UUIDv7):
    an id that carries the moment of signing, kept for good, could be matched against
    anything else that records when a person was active. ``created_at`` and ``counted_at``
    of sealed signatures are coarsened to the end of signing when it ends, for the same
    reason (app/signatories/service.py end_signing)."""

    __tablename__ = "signatures"
    __table_args__ = (
        one_of("kind", SIGNATURE_KINDS),
        one_of("tier", TIERS),
        one_of("status", SIGNATURE_STATUSES),
        one_of("code_for", CODE_PURPOSES),
        # One signature per person or organization and appeal; NULL once erased.
        UniqueConstraint("appeal_id", "dedupe_index"),
        # The printed list: an appeal's public signatures in signing order.
        Index(
            "ix_signatures_appeal_tier_status", "appeal_id", "tier", "status", "counted_at", "id"
        ),
    )

    appeal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), info=METADATA
    )
    kind: Mapped[str] = mapped_column(String(16), info=METADATA)
    tier: Mapped[str] = mapped_column(String(16), info=METADATA)
    status: Mapped[str] = mapped_column(String(24), info=METADATA)
    # The frozen revision the signer was shown and signed.
    revision_sha256: Mapped[str] = mapped_column(String(SHA256_HEX), info=METADATA)
    # Printed under the letter: only for the public tier.
    public_name: Mapped[str | None] = mapped_column(String(NAME_MAX), info=PUBLIC)
    public_line: Mapped[str | None] = mapped_column(String(LINE_MAX), info=PUBLIC)
    # Only for a public organization signature: which organization (printed anyway).
    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), info=METADATA
    )
    # A public organization signature's mandate (board resolution date and reference).
    mandate_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    # withheld / counted: name, line and mandate, sealed to the appeal's custody key.
    sealed_identity: Mapped[bytes | None] = mapped_column(
        LargeBinary, info=classified("sealed", "hpke")
    )
    # Keyed MACs of "member:<user id>" / "organization:<id>" in the appeal's domain
    # (app/signatories/service.py dedupe_value): like a token's MAC, of a value never stored
    # here, so there is no encrypted source column to name.
    dedupe_index: Mapped[bytes | None] = mapped_column(
        LargeBinary(MAC_SIZE), info=classified("internal", "token_mac")
    )
    # The officer who signed for an organization, until a second one confirms or it lapses.
    signer_index: Mapped[bytes | None] = mapped_column(
        LargeBinary(MAC_SIZE), info=classified("internal", "token_mac")
    )
    # The receipt code's MAC; NULL once its key version was retired by force
    # (app/key_lifecycle.py): the signature stays, its receipt no longer checks.
    receipt_mac: Mapped[bytes | None] = mapped_column(
        LargeBinary(MAC_SIZE), unique=True, info=classified("internal", "token_mac")
    )
    confirm_by: Mapped[datetime | None] = mapped_column(info=METADATA)
    counted_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    # A public signer's optional country (ISO 3166 alpha-2): internal, so it can be counted.
    country_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    # A public signer's email domain as a per-appeal keyed hash, so that a coordinator can
    # invalidate a flood from one domain without the server reading addresses; erased with
    # the other indexes when signing closes.
    domain_index: Mapped[bytes | None] = mapped_column(
        LargeBinary(MAC_SIZE), index=True, info=classified("internal", "token_mac")
    )
    # The code emailed to a public signer (to confirm, or to withdraw), as a MAC; the
    # signature's email itself is only in sealed_identity and, per appeal, dedupe_index.
    code_mac: Mapped[bytes | None] = mapped_column(
        LargeBinary(MAC_SIZE), info=classified("internal", "token_mac")
    )
    code_for: Mapped[str | None] = mapped_column(String(16), info=METADATA)
    code_expires_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    code_attempts: Mapped[int] = mapped_column(
        SmallInteger, nullable=False, server_default=text("0"), info=METADATA
    )

    mandate = Encrypted("mandate_ct")
    country = Encrypted("country_ct")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("id", uuid.uuid4())
        super().__init__(**kwargs)


class SignatureCount(Base):
    """A share of one count: the count of a bucket is the sum over its slots."""

    __tablename__ = "signature_counts"

    appeal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), primary_key=True, info=METADATA
    )
    # "<status>:<kind>:<tier>", e.g. "counted:member:withheld" (app/signatories/counts.py).
    bucket: Mapped[str] = mapped_column(String(64), primary_key=True, info=METADATA)
    slot: Mapped[int] = mapped_column(SmallInteger, primary_key=True, info=METADATA)
    count: Mapped[int] = mapped_column(Integer, nullable=False, info=METADATA)


class UnsealRequest(IdMixin, TimestampMixin, Base):
    """A custodian asks to read an appeal's sealed identities (app/signatories/unsealing.py)."""

    __tablename__ = "unseal_requests"

    appeal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appeals.id", ondelete="CASCADE"), index=True, info=METADATA
    )
    requested_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info=METADATA
    )
    reason_ct: Mapped[bytes] = encrypted_column()
    # An X25519 key made in the requester's browser for this request only.
    requester_public_key: Mapped[bytes] = mapped_column(LargeBinary(32), info=METADATA)

    reason = Encrypted("reason_ct")


class UnsealApproval(IdMixin, TimestampMixin, Base):
    """A custodian's share, sealed by their browser to the request's key."""

    __tablename__ = "unseal_approvals"
    __table_args__ = (UniqueConstraint("request_id", "custodian_id"),)

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("unseal_requests.id", ondelete="CASCADE"), info=METADATA
    )
    custodian_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), info=METADATA
    )
    sealed_share: Mapped[bytes] = mapped_column(LargeBinary, info=classified("sealed", "hpke"))


class SpentChallenge(Base):
    """A proof-of-work challenge already used to sign: each solves for one submission."""

    __tablename__ = "spent_challenges"

    # The challenge itself: a SHA-256 in hex (app/kit/crypto/proof_of_work.py checks it).
    challenge: Mapped[str] = mapped_column(String(64), primary_key=True, info=METADATA)
    expires_at: Mapped[datetime] = mapped_column(index=True, info=METADATA)
