"""Audit appends per second beside a raw-insert ceiling, one transaction each (prints figures)."""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time

from sqlalchemy import Column, Integer, LargeBinary, MetaData, Table

from app.actors import SYSTEM
from app.audit import AuditAction, record_event
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.keys import KeyMaterial, install_keys
from app.kit.crypto import Keyring
from app.kit.crypto.keyring import generate_master_key
from app.kit.crypto.signing import generate_signing_key
from app.migrate import upgrade


async def run(url: str, n: int, writers: int) -> None:
    await upgrade(url)
    install_keys(KeyMaterial(Keyring({1: generate_master_key()}, 1), generate_signing_key(), None))
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)

    async def append(count: int) -> None:
        for i in range(count):
            async with unit_of_work(sessions) as session:
                await record_event(
                    session, actor=SYSTEM, action=AuditAction.ORGANIZATION_UPDATED, details={"i": i}
                )

    start = time.perf_counter()
    await asyncio.gather(*(append(n // writers) for _ in range(writers)))
    audited = time.perf_counter() - start

    ceiling_table = Table(
        "bench_ceiling",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("body", LargeBinary),
    )
    async with engine.begin() as conn:
        await conn.run_sync(ceiling_table.metadata.create_all)

    async def insert(offset: int, count: int) -> None:
        for i in range(count):
            async with engine.begin() as conn:
                await conn.execute(
                    ceiling_table.insert().values(id=offset + i, body=os.urandom(200))
                )

    start = time.perf_counter()
    per = n // writers
    await asyncio.gather(*(insert(w * per, per) for w in range(writers)))
    ceiling = time.perf_counter() - start
    await engine.dispose()

    total = per * writers
    print(f"database      : {url.split('://')[0]}")
    print(
        f"audit appends : {total / audited:8.0f} /s  ({writers} concurrent writers, {total} events)"
    )
    print(f"raw ceiling   : {total / ceiling:8.0f} /s  (same count, one INSERT per transaction)")
    print(f"ratio         : {audited / ceiling:8.2f}x the ceiling's time per event")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--writers", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        if url.startswith("postgresql://"):
            url = "postgresql+asyncpg://" + url.split("://", 1)[1]
        asyncio.run(run(url, args.events, args.writers))


if __name__ == "__main__":
    main()
