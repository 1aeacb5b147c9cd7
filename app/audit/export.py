"""Checkpoints as documents to keep away from the server (`accord audit checkpoint`)."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.audit.chain import canonical_time
from app.audit.service import make_checkpoint
from app.audit.verify import Checkpoint
from app.db import create_sessionmaker, unit_of_work
from app.keys import current_keys
from app.kit.clock import Clock, SystemClock
from app.models.audit import AuditHead


async def checkpoint_now(engine: AsyncEngine, *, clock: Clock | None = None) -> dict[str, Any]:
    clock = clock or SystemClock()
    async with unit_of_work(create_sessionmaker(engine), clock=clock) as session:
        head = (await session.scalars(select(AuditHead).where(AuditHead.id == 1))).one()
        checkpoint = make_checkpoint(head.seq, bytes(head.hash), now=clock.now())
        session.add(checkpoint)
    return {
        "format": "accord-audit-checkpoint/1",
        "size": checkpoint.size,
        "head_hash": checkpoint.head_hash.hex(),
        "created_at": canonical_time(checkpoint.created_at),
        "signature": base64.b64encode(checkpoint.signature).decode(),
        "public_key": base64.b64encode(current_keys().audit_public_key).decode(),
    }


def read_checkpoint(path: Path) -> Checkpoint:
    document = json.loads(path.read_text())
    return Checkpoint(
        size=int(document["size"]),
        head_hash=bytes.fromhex(document["head_hash"]),
        created_at=datetime.fromisoformat(document["created_at"]),
        signature=base64.b64decode(document["signature"]),
        source=path.name,
    )
