"""Messages to send after the transaction that produced them commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import (
    METADATA,
    Base,
    Encrypted,
    EncryptedBytes,
    IdMixin,
    TimestampMixin,
    encrypted_column,
)


class OutboxMessage(IdMixin, TimestampMixin, Base):
    __tablename__ = "outbox_messages"

    kind: Mapped[str] = mapped_column(String(48), info=METADATA)
    recipient_ct: Mapped[bytes] = encrypted_column()
    subject_ct: Mapped[bytes] = encrypted_column()
    body_ct: Mapped[bytes] = encrypted_column()
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True, info=METADATA)
    attempts: Mapped[int] = mapped_column(Integer, default=0, info=METADATA)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True, info=METADATA)
    sent_at: Mapped[datetime | None] = mapped_column(info=METADATA)
    # A short error class name for operators, never the server's message (it may echo data).
    last_error: Mapped[str | None] = mapped_column(String(64), info=METADATA)
    # Deleted once delivered instead of kept as sent: it carried what must not outlive
    # delivery (a public signer's address and code: their email is otherwise only sealed).
    delete_when_sent: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=false(), info=METADATA
    )
    # One file sent with the message (a letter's PDF): its name and contents encrypted like
    # the body, its media type plain.
    attachment_name_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    attachment_ct: Mapped[bytes | None] = encrypted_column(nullable=True)
    attachment_type: Mapped[str | None] = mapped_column(String(64), info=METADATA)

    recipient = Encrypted("recipient_ct")
    subject = Encrypted("subject_ct")
    body = Encrypted("body_ct")
    attachment_name = Encrypted("attachment_name_ct")
    attachment = EncryptedBytes("attachment_ct")
