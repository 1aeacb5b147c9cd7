"""Sign-in state: sessions, throttles, second factors."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import (
    METADATA,
    Base,
    Encrypted,
    IdMixin,
    TimestampMixin,
    classified,
    encrypted_column,
)

TOKEN_MAC = classified("internal", "token_mac")


class AuthSession(IdMixin, TimestampMixin, Base):
    """A signed-in browser. The cookie holds a random token; only its MAC is stored."""

    __tablename__ = "auth_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, info=METADATA
    )
    token_mac: Mapped[bytes] = mapped_column(LargeBinary(36), unique=True, info=TOKEN_MAC)
    last_seen_at: Mapped[datetime] = mapped_column(info=METADATA)
    expires_at: Mapped[datetime] = mapped_column(info=METADATA)
    # When a second factor was last proven in this session (None: password only so far).
    second_factor_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    # How the session was opened: password, passkey, oidc.
    method: Mapped[str] = mapped_column(String(16), info=METADATA)
    revoked_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    revoked_reason: Mapped[str | None] = mapped_column(String(32), info=METADATA)
    user_agent_ct: Mapped[bytes | None] = encrypted_column(nullable=True)

    user_agent = Encrypted("user_agent_ct")


class AuthThrottle(IdMixin, Base):
    """Failed sign-in attempts per account or client address, shared by every process."""

    __tablename__ = "auth_throttles"

    # MAC of "account:<email>" or "address:<ip>": neither is stored readable.
    key_mac: Mapped[bytes] = mapped_column(LargeBinary(36), unique=True, info=TOKEN_MAC)
    failures: Mapped[int] = mapped_column(Integer, default=0, info=METADATA)
    window_started_at: Mapped[datetime] = mapped_column(info=METADATA)
    blocked_until: Mapped[datetime | None] = mapped_column(info=METADATA)


class TotpFactor(IdMixin, TimestampMixin, Base):
    __tablename__ = "totp_factors"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, info=METADATA
    )
    secret_ct: Mapped[bytes] = encrypted_column()
    confirmed_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    # The last accepted time step: a code is accepted once only (no replay).
    last_used_step: Mapped[int | None] = mapped_column(Integer, info=METADATA)

    secret = Encrypted("secret_ct")


class RecoveryCode(IdMixin, TimestampMixin, Base):
    """One single-use recovery code, in one of two forms (app/auth/factors/recovery_codes.py):

    ``code_digest_ct``: an Argon2id digest of the code, encrypted; ``keys rotate`` re-encrypts
    it, so codes never hold a key version. ``code_mac``: a keyed MAC of the code, the form
    of codes made before 2026-11-29; it cannot be recomputed without the code, so such a code
    holds its key version until it is replaced or withdrawn (app/key_lifecycle.py).
    """

    __tablename__ = "recovery_codes"
    __table_args__ = (
        CheckConstraint("(code_mac IS NULL) <> (code_digest_ct IS NULL)", name="one_form"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, info=METADATA
    )
    code_mac: Mapped[bytes | None] = mapped_column(LargeBinary(36), unique=True, info=TOKEN_MAC)
    code_digest_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    used_at: Mapped[datetime | None] = mapped_column(info=METADATA)

    code_digest = Encrypted("code_digest_ct")


class Passkey(IdMixin, TimestampMixin, Base):
    __tablename__ = "passkeys"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, info=METADATA
    )
    # Looked up by credential id at sign-in (MAC), and listed to the browser (ciphertext).
    # The MAC is recomputed from the ciphertext's plaintext by `keys rotate` (source,
    # mac_purpose: app/auth/passkeys/repository.py's CREDENTIAL_ID_PURPOSE).
    credential_id_mac: Mapped[bytes] = mapped_column(
        LargeBinary(36),
        unique=True,
        info=classified(
            "internal", "token_mac", source="credential_id_ct", mac_purpose="passkey-id"
        ),
    )
    credential_id_ct: Mapped[bytes] = encrypted_column()
    public_key_ct: Mapped[bytes] = encrypted_column()
    name_ct: Mapped[bytes] = encrypted_column()
    sign_count: Mapped[int] = mapped_column(Integer, default=0, info=METADATA)
    transports: Mapped[str | None] = mapped_column(String(64), info=METADATA)
    last_used_at: Mapped[datetime | None] = mapped_column(info=METADATA)

    name = Encrypted("name_ct")
    # base64url text of the WebAuthn credential id and COSE public key.
    credential_id = Encrypted("credential_id_ct")
    public_key = Encrypted("public_key_ct")


class AuthChallenge(IdMixin, TimestampMixin, Base):
    """A single-use, short-lived server-side challenge: WebAuthn ceremonies, OIDC state.

    The browser holds only an opaque handle (its MAC is stored); what the server must
    remember (the WebAuthn challenge, an OIDC nonce and PKCE verifier) is encrypted.
    """

    __tablename__ = "auth_challenges"

    purpose: Mapped[str] = mapped_column(String(32), info=METADATA)
    handle_mac: Mapped[bytes] = mapped_column(LargeBinary(36), unique=True, info=TOKEN_MAC)
    payload_ct: Mapped[bytes] = encrypted_column()
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, info=METADATA
    )
    expires_at: Mapped[datetime] = mapped_column(index=True, info=METADATA)
    used_at: Mapped[datetime | None] = mapped_column(info=METADATA)

    payload = Encrypted("payload_ct")


class OidcIdentity(IdMixin, TimestampMixin, Base):
    """An account's link to one single-sign-on provider's subject (`sub`).

    The first SSO sign-in matches on the verified email and records the subject; from then
    on the subject decides, so a provider account that later claims the same email (an
    email change, a reused address) cannot take the account over. Issuer and subject are
    stored only as MACs.
    """

    __tablename__ = "oidc_identities"
    __table_args__ = (UniqueConstraint("user_id", "issuer_mac"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, info=METADATA
    )
    issuer_mac: Mapped[bytes] = mapped_column(LargeBinary(36), info=TOKEN_MAC)
    subject_mac: Mapped[bytes] = mapped_column(LargeBinary(36), unique=True, info=TOKEN_MAC)
    last_used_at: Mapped[datetime | None] = mapped_column(info=METADATA)
