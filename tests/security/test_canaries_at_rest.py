"""A raw copy of the database holds none of the values written through encrypted columns."""

from __future__ import annotations

import base64
import os
import subprocess
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

from app.actors import SYSTEM
from app.audit import record_event
from app.auth.passwords import password_hasher
from app.auth.service import create_account
from app.db import create_engine, create_sessionmaker, unit_of_work
from tests.conftest import TEST_AUTH


def _encodings(value: str) -> list[bytes]:
    raw = value.encode()
    return [
        raw,
        raw.lower(),
        base64.b64encode(raw),
        base64.urlsafe_b64encode(raw),
        raw.hex().encode(),
        raw.hex().upper().encode(),
        value.encode("utf-16-le"),
    ]


async def _plant(url: str, canaries: dict[str, str]) -> None:
    engine = create_engine(url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            user = await create_account(
                session,
                actor=SYSTEM,
                hasher=password_hasher(TEST_AUTH),
                email=canaries["email"],
                display_name=canaries["name"],
                password=canaries["password"],
            )
            await record_event(
                session,
                actor=SYSTEM,
                action="canary.planted",
                target=user,
                details={"note": canaries["detail"]},
            )
    finally:
        await engine.dispose()


def _raw_copy(url: str, tmp_path: Path) -> bytes:
    if url.startswith("sqlite"):
        path = Path(make_url(url).database or "")
        # The WAL file holds recent pages that are not yet in the main file.
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    parsed = make_url(url)
    result = subprocess.run(
        [
            "pg_dump",
            "-h",
            parsed.host or "127.0.0.1",
            "-p",
            str(parsed.port or 5432),
            "-U",
            parsed.username or "postgres",
            "--no-owner",
            parsed.database or "",
        ],
        capture_output=True,
        check=True,
        env={**os.environ, "PGPASSWORD": parsed.password or ""},
    )
    return result.stdout


async def test_no_canary_in_a_raw_copy_of_the_database(fresh_database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:12]
    canaries = {
        "email": f"canary-{tag}@example.org",
        "name": f"Canary Person {tag}",
        "password": f"canary-password-{tag}",
        "detail": f"canary-detail-{tag}",
    }
    await _plant(fresh_database_url, canaries)
    dump = _raw_copy(fresh_database_url, tmp_path)
    assert len(dump) > 1000  # the copy is real
    found = [
        (name, encoded)
        for name, value in canaries.items()
        for encoded in _encodings(value)
        if encoded in dump
    ]
    assert found == []
    # The tag alone (a fragment of every canary) must not show up either.
    assert tag.encode() not in dump
