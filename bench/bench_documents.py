"""A 25 MB document through Accord: upload (streamed in, encrypted in 256 KiB chunks) and
download (streamed out, decrypted), against a running server (uvicorn, 2 workers).

Prints the time and throughput of each, whether the bytes came back identical, and the
serving workers' peak resident memory (VmHWM): a file must never be whole in memory, so the
peak should stay far below 100 MB. Asserts nothing.

    .venv/bin/python bench/bench_documents.py [--megabytes 25] [--server postgresql://...]

Without ``--server`` it runs on the embedded SQLite database; with one, on a PostgreSQL
database it creates and drops.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from bench_request_floor import create_database, drop_database, serve
from support import ROOT, accord_env, migrate, run_python, wait_ready

SEED = """
import asyncio, hashlib, json
from datetime import UTC, date, datetime
import pyotp
from app.actors import SYSTEM
from app.auth.passwords import password_hasher
from app.auth.service import create_account
from app.auth.sessions.service import csrf_token, open_session
from app.config import get_settings
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.keys import install_keys, load_keys
from app.models.appeals import Appeal
from app.models.identity import TotpFactor
from app.models.memberships import Organization
from app.models.outreach import Dispatch, Recipient
from app.models.users import PlatformRole

async def main():
    settings = get_settings()
    install_keys(load_keys(settings))
    engine = create_engine(settings.database_url)
    async with unit_of_work(create_sessionmaker(engine)) as session:
        org = Organization(country="LT")
        org.name, org.short_name = "Bench organization", "BO"
        session.add(org)
        await session.flush()
        sha = hashlib.sha256(b"bench").hexdigest()
        appeal = Appeal(lead_organization_id=org.id, state="open", language="en",
                        head_number=1, head_sha256=sha, frozen_sha256=sha)
        appeal.title = "Bench appeal"
        session.add(appeal)
        recipient = Recipient(kind="government", country="DK", language="da")
        recipient.name, recipient.addressee = "Bench recipient", "Bench recipient"
        session.add(recipient)
        await session.flush()
        dispatch = Dispatch(appeal_id=appeal.id, recipient_id=recipient.id, revision_sha256=sha,
                            language="en", channel="email", sent_on=date.today(),
                            delivery="recorded")
        session.add(dispatch)
        user = await create_account(session, actor=SYSTEM,
            hasher=password_hasher(settings.auth), email="bench-coordinator@example.org",
            display_name="Bench", password=None,
            platform_roles=frozenset({PlatformRole.COORDINATOR}))
        factor = TotpFactor(user_id=user.id, confirmed_at=datetime.now(UTC))
        factor.secret = pyotp.random_base32()
        session.add(factor)
        issued = await open_session(session, user_id=user.id, method="password",
            now=datetime.now(UTC), settings=settings.session, user_agent="bench",
            second_factor=True)
        result = {"dispatch_id": str(dispatch.id), "token": issued.token,
                  "csrf": csrf_token(issued.token)}
    await engine.dispose()
    print(json.dumps(result))

asyncio.run(main())
"""

PIECE = 65_536


def content(size: int) -> Iterator[bytes]:
    """A PDF-looking file of ``size`` bytes, made as it is sent (the client holds no copy)."""
    head = b"%PDF-1.7\n"
    yield head
    sent, counter = len(head), 0
    while sent < size:
        piece = hashlib.sha256(counter.to_bytes(8, "big")).digest() * (PIECE // 32)
        piece = piece[: size - sent]
        counter += 1
        sent += len(piece)
        yield piece


def worker_peak_rss(server: subprocess.Popen[bytes]) -> int:
    """The largest VmHWM (peak resident set, KiB) among the server's worker processes."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    peaks = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]))
    return max(peaks)


def run(accord: str, seeded: dict[str, str], size: int, server: subprocess.Popen[bytes]) -> None:
    headers = {
        "cookie": f"__Host-accord_session={seeded['token']}",
        "x-csrf-token": seeded["csrf"],
        "content-type": "application/octet-stream",
        "x-filename": "bench.pdf",
    }
    idle = worker_peak_rss(server)
    print(f"idle workers' peak RSS: {idle / 1024:.1f} MiB")
    sent_hash = hashlib.sha256()

    def body() -> Iterator[bytes]:
        for piece in content(size):
            sent_hash.update(piece)
            yield piece

    with httpx.Client(base_url=accord, timeout=300) as client:
        started = time.perf_counter()
        answer = client.post(
            f"/api/dispatches/{seeded['dispatch_id']}/documents",
            content=body(),
            headers={**headers, "content-length": str(size)},
        )
        upload = time.perf_counter() - started
        if answer.status_code != 201:
            raise SystemExit(f"upload failed: {answer.status_code} {answer.text[:200]}")
        document_id = answer.json()["id"]
        print(f"upload   {size / 1e6:.1f} MB in {upload:.2f} s: {size / 1e6 / upload:.1f} MB/s")
        got_hash, got = hashlib.sha256(), 0
        started = time.perf_counter()
        with client.stream("GET", f"/api/documents/{document_id}", headers=headers) as stream:
            if stream.status_code != 200:
                raise SystemExit(f"download failed: {stream.status_code}")
            for piece in stream.iter_bytes():
                got_hash.update(piece)
                got += len(piece)
        download = time.perf_counter() - started
        print(f"download {got / 1e6:.1f} MB in {download:.2f} s: {got / 1e6 / download:.1f} MB/s")
        same = got_hash.digest() == sent_hash.digest()
        print(f"identical bytes: {same}")
    peak = worker_peak_rss(server)
    print(f"workers' peak RSS after both: {peak / 1024:.1f} MiB (+{(peak - idle) / 1024:.1f} MiB)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=25)
    parser.add_argument("--server", default="", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    size = int(args.megabytes * 1_000_000)
    database = await create_database(args.server) if args.server else ""
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = {"ACCORD_OUTREACH__DOCUMENT_MAX_BYTES": str(size)}
            if database:
                settings["ACCORD_DATABASE__URL"] = f"{args.server}/{database}"
            env = accord_env(tmp, **settings)
            migrate(env)
            seeded = json.loads(run_python(env, "-c", SEED))
            server = serve("app.asgi:app", args.port, env, ROOT)
            try:
                wait_ready(f"http://127.0.0.1:{args.port}/readyz", 60)
                print(f"database: {'PostgreSQL' if database else 'SQLite'}; cpus: {os.cpu_count()}")
                run(f"http://127.0.0.1:{args.port}", seeded, size, server)
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        if database:
            await drop_database(args.server, database)


if __name__ == "__main__":
    asyncio.run(main())
