from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import METADATA, Base, Encrypted, IdMixin, encrypted_column

GENESIS_HASH = bytes(32)


class AuditEvent(IdMixin, Base):
    """One append-only, hash-chained record. See app/audit/chain.py for the hash."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(Integer, unique=True, info=METADATA)
    occurred_at: Mapped[datetime] = mapped_column(info=METADATA)
    actor_type: Mapped[str] = mapped_column(String(32), info=METADATA)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(index=True, info=METADATA)
    action: Mapped[str] = mapped_column(String(64), index=True, info=METADATA)
    target_type: Mapped[str | None] = mapped_column(String(32), info=METADATA)
    target_id: Mapped[str | None] = mapped_column(String(64), index=True, info=METADATA)
    details_ct: Mapped[bytes] = encrypted_column()
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary(32), info=METADATA)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True, info=METADATA)

    details_json = Encrypted("details_ct")


class AuditCheckpoint(IdMixin, Base):
    """A signed statement 'the log had `size` events ending in `head_hash`'."""

    __tablename__ = "audit_checkpoints"

    size: Mapped[int] = mapped_column(Integer, index=True, info=METADATA)
    head_hash: Mapped[bytes] = mapped_column(LargeBinary(32), info=METADATA)
    created_at: Mapped[datetime] = mapped_column(info=METADATA)
    signature: Mapped[bytes] = mapped_column(LargeBinary(64), info=METADATA)


class AuditHead(Base):
    """Single row: the append lock and the current tip. Verification never trusts it."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, info=METADATA)
    seq: Mapped[int] = mapped_column(Integer, info=METADATA)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32), info=METADATA)
