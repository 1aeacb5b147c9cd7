"""A raw copy of the database holds none of the values written into protected columns.

Canaries go into every column the data-class registry classifies internal or sealed
(tests/support/canaries.py walks it, so a new column is covered without editing this file),
and through the real account service; then the SQLite file (with its WAL) or a pg_dump is
searched for them raw, lower-cased, base64, hex and UTF-16.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

from app.actors import SYSTEM
from app.audit import AuditAction, record_event
from app.auth.passwords import password_hasher
from app.auth.service import create_account
from app.db import create_engine, create_sessionmaker, unit_of_work
from tests.conftest import TEST_AUTH
from tests.support.canaries import PlantedCanaries, encodings, plant_everywhere


async def _plant(url: str, canaries: dict[str, str]) -> PlantedCanaries:
    engine = create_engine(url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            planted = await plant_everywhere(session)
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
                action=AuditAction.USER_CREATED,
                target=user,
                details={"note": canaries["detail"]},
            )
    finally:
        await engine.dispose()
    return planted


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
    planted = await _plant(fresh_database_url, canaries)
    assert planted.missing == set(), "protected columns the planter could not reach"
    dump = _raw_copy(fresh_database_url, tmp_path)
    assert len(dump) > 1000  # the copy is real
    found = [
        (name, encoded)
        for name, value in canaries.items()
        for encoded in encodings(value)
        if encoded in dump
    ]
    assert found == []
    assert planted.found_in(dump) == []
    # The tag alone (a fragment of every canary) must not show up either.
    assert tag.encode() not in dump


async def test_the_scan_finds_a_canary_stored_readable(fresh_database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The scan itself can fail: a value written past the encryption shows up in the dump."""
    from sqlalchemy import update

    from app.models.memberships import Organization

    planted = await _plant(
        fresh_database_url,
        {
            "email": f"x-{uuid.uuid4().hex[:6]}@example.org",
            "name": "x",
            "password": "x" * 12,
            "detail": "x",
        },
    )
    leaked = planted.values["organizations.name_ct"]
    engine = create_engine(fresh_database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            await session.execute(update(Organization).values(name_ct=leaked.encode()))
    finally:
        await engine.dispose()
    hits = planted.found_in(_raw_copy(fresh_database_url, tmp_path))
    # Raw in the SQLite file, hex in a pg_dump of a bytea.
    assert "organizations.name_ct" in {place for place, _ in hits}
