"""The pure part of the audit log: canonical encoding, the hash chain and checkpoint text."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

ACTION_PATTERN = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")


def canonical_time(value: datetime) -> str:
    """UTC, microseconds, no offset: identical whether the database kept the zone or not."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def event_body(
    *,
    seq: int,
    event_id: uuid.UUID,
    occurred_at: datetime,
    actor_type: str,
    actor_id: uuid.UUID | None,
    action: str,
    target_type: str | None,
    target_id: str | None,
    details: dict[str, Any],
) -> bytes:
    document = {
        "v": 1,
        "seq": seq,
        "id": str(event_id),
        "at": canonical_time(occurred_at),
        "actor_type": actor_type,
        "actor_id": str(actor_id) if actor_id else None,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "details": details,
    }
    return canonical_json(document).encode()


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: bytes, body: bytes) -> bytes:
    return hashlib.sha256(b"accord-audit/v1\x00" + prev_hash + body).digest()


def checkpoint_message(size: int, head_hash: bytes, created_at: datetime) -> bytes:
    return (
        f"accord-audit-checkpoint/v1\n{size}\n{head_hash.hex()}\n{canonical_time(created_at)}"
    ).encode()
