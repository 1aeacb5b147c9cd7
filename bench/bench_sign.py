"""Signing under load, on PostgreSQL, in one run (prints figures; asserts nothing).

1. **Public sign + confirm** through Accord (2 workers): per signer a proof-of-work
   challenge, the signature (sealed to the custody key, code emailed through the outbox),
   then the confirmation with the code (read back from the outbox, as the signer reads their
   mail). Beside it, on the same database and with the same load generator, a bare FastAPI
   app (2 workers) inserting one row per request through the SQLAlchemy ORM, and through raw
   asyncpg. The proof of work is set to its minimum here: it costs the browser, not us.
2. **Counts**: the public page (text, hash and counts) with 1,000 and then 1,000,000
   signatures stored (wrk, 64 connections): counters, so the figure should stay flat.
3. **CSV export** of 100,000 public signatures through the API, streamed: the serving
   worker's peak resident memory (VmHWM) and the time it took.

    .venv/bin/python bench/bench_sign.py [--signers 2000] [--concurrency 64] [--seconds 8]
        [--large 1000000] [--server postgresql://postgres@127.0.0.1:5432]

The load generator is one Python process (httpx, ``--concurrency`` connections): it bounds
Accord and the bare app alike, so read the ratios. It creates and drops its own database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from bench_request_floor import create_database, drop_database, serve, wrk
from support import ROOT, accord_env, migrate, run_python, wait_ready

from app.kit.crypto.proof_of_work import Challenge, solve

# An organization, an appeal open for signatures with the public allowed, its frozen
# revision, and a coordinator's session (who may export); then, on request, signatures.
SEED = """
import asyncio, hashlib, json, secrets, sys, uuid
from datetime import UTC, datetime, timedelta
import pyotp
from sqlalchemy import func, select
from app.actors import SYSTEM
from app.auth.passwords import password_hasher
from app.auth.service import create_account
from app.auth.sessions.service import csrf_token, open_session
from app.config import get_settings
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.keys import current_keyring, install_keys, load_keys
from app.kit.crypto import generate_sealing_keypair
from app.models.appeals import Appeal, AppealRevision
from app.models.base import new_id
from app.models.identity import TotpFactor
from app.models.memberships import Organization
from app.models.signatories import Signature, SignatureCount, SigningWindow
from app.models.users import PlatformRole

async def setup(session, settings):
    org = Organization(country="LT")
    org.name, org.short_name = "Bench organization", "BO"
    session.add(org)
    await session.flush()
    sha = hashlib.sha256(b"bench").hexdigest()
    appeal = Appeal(lead_organization_id=org.id, state="open", language="en",
                    head_number=1, head_sha256=sha, frozen_sha256=sha)
    appeal.title = "Bench appeal"
    session.add(appeal)
    await session.flush()
    revision = AppealRevision(appeal_id=appeal.id, number=1, sha256=sha)
    revision.blocks_json = json.dumps([
        {"id": "b" * 26, "kind": "title", "text": "Bench appeal"},
        {"id": "c" * 26, "kind": "ask", "text": "Release every political prisoner."}])
    session.add(revision)
    session.add(SigningWindow(appeal_id=appeal.id,
        closes_at=datetime.now(UTC) + timedelta(days=10), milestones_csv="",
        tiers_csv="public,withheld,counted", allow_organizations=True, allow_members=True,
        allow_public=True, custody_public_key=generate_sealing_keypair()[1],
        custody_threshold=2, key_version=current_keyring().current_version))
    user = await create_account(session, actor=SYSTEM, hasher=password_hasher(settings.auth),
        email="bench-coordinator@example.org", display_name="Bench", password=None,
        platform_roles=frozenset({PlatformRole.COORDINATOR}))
    factor = TotpFactor(user_id=user.id, confirmed_at=datetime.now(UTC))
    factor.secret = pyotp.random_base32()
    session.add(factor)
    issued = await open_session(session, user_id=user.id, method="password",
        now=datetime.now(UTC), settings=settings.session, user_agent="bench",
        second_factor=True)
    return {"appeal_id": str(appeal.id), "sha256": sha, "token": issued.token,
            "csrf": csrf_token(issued.token)}

async def fill(session, target, public_share):
    appeal = (await session.scalars(select(Appeal))).one()
    have = await session.scalar(select(func.count()).select_from(Signature))
    connection = await (await session.connection()).get_raw_connection()
    raw = connection.driver_connection
    now = datetime.now(UTC)
    public = int(target * public_share) - await session.scalar(
        select(func.count()).select_from(Signature).where(Signature.tier == "public"))
    rows = []
    for n in range(have, target):
        tier = "public" if n - have < public else "counted"
        rows.append((new_id(), appeal.id, "public", tier, "counted", appeal.frozen_sha256,
                     f"Signer {n}" if tier == "public" else None,
                     "Teacher, Minsk" if tier == "public" else None,
                     secrets.token_bytes(36), now, now, 0))
    columns = ["id", "appeal_id", "kind", "tier", "status", "revision_sha256", "public_name",
               "public_line", "receipt_mac", "counted_at", "created_at", "code_attempts"]
    for start in range(0, len(rows), 50_000):
        await raw.copy_records_to_table("signatures", records=rows[start:start + 50_000],
                                        columns=columns)
    for tier in ("public", "counted"):
        number = await session.scalar(select(func.count()).select_from(Signature)
            .where(Signature.tier == tier))
        await session.execute(SignatureCount.__table__.delete().where(
            SignatureCount.bucket == f"counted:public:{tier}"))
        session.add(SignatureCount(appeal_id=appeal.id, bucket=f"counted:public:{tier}",
                                   slot=0, count=number))

async def codes(session):
    from app.models.outbox import OutboxMessage
    import re
    found = {}
    for message in (await session.scalars(select(OutboxMessage)
            .where(OutboxMessage.kind == "signing_code"))).all():
        found[message.recipient] = re.search(r"\\n\\n(\\d{6})\\n\\n", message.body).group(1)
    return found

async def main():
    settings = get_settings()
    install_keys(load_keys(settings))
    engine = create_engine(settings.database_url)
    async with unit_of_work(create_sessionmaker(engine)) as session:
        if sys.argv[1] == "setup":
            out = await setup(session, settings)
        elif sys.argv[1] == "codes":
            out = await codes(session)
        else:
            await fill(session, int(sys.argv[2]), float(sys.argv[3]))
            out = {}
    await engine.dispose()
    print(json.dumps(out))

asyncio.run(main())
"""

BARE_APP = """
import os, uuid
import asyncpg
from fastapi import FastAPI
from sqlalchemy import String
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

URL = os.environ["BENCH_DATABASE_URL"]
engine = create_async_engine(URL.replace("postgresql://", "postgresql+asyncpg://"),
                             pool_size=8, max_overflow=0)
sessions = async_sessionmaker(engine, expire_on_commit=False)
app = FastAPI()
pool = None

class Base(DeclarativeBase):
    pass

class Row(Base):
    __tablename__ = "bench_rows"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))

@app.on_event("startup")
async def start():
    global pool
    pool = await asyncpg.create_pool(URL, min_size=8, max_size=8)

@app.post("/orm")
async def orm(body: dict):
    async with sessions() as session:
        session.add(Row(id=uuid.uuid4(), name=body["name"]))
        await session.commit()
    return {"ok": True}

@app.post("/raw")
async def raw(body: dict):
    async with pool.acquire() as conn:
        await conn.execute("INSERT INTO bench_rows (id, name) VALUES ($1, $2)",
                           uuid.uuid4(), body["name"])
    return {"ok": True}
"""


def seed(env: dict[str, str], *args: str) -> Any:
    return json.loads(run_python(env, "-c", SEED, *args) or "{}")


async def _run(
    jobs: list[Any], concurrency: int, work: Any
) -> tuple[float, list[float], Counter[str]]:
    """Run ``work(client, job)`` (True, or what went wrong: a status code or an error) for
    every job, ``concurrency`` at a time: seconds taken, each job's latency, and the
    failures by what went wrong."""
    latencies: list[float] = []
    failed: Counter[str] = Counter()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(timeout=60, limits=limits) as client:

        async def worker() -> None:
            while not queue.empty():
                job = queue.get_nowait()
                started = time.perf_counter()
                try:
                    outcome = await work(client, job)
                except httpx.HTTPError as error:
                    outcome = type(error).__name__
                latencies.append(time.perf_counter() - started)
                if outcome is not True:
                    failed[str(outcome)] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, latencies, failed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def sign_and_confirm(
    accord: str, env: dict[str, str], appeal: dict[str, str], signers: int, concurrency: int
) -> dict[str, Any]:
    emails = [f"bench.{n}@example.org" for n in range(signers)]
    base = f"{accord}/api/public/appeals/{appeal['appeal_id']}"

    async def start(client: httpx.AsyncClient, address: str) -> bool | str:
        made = await client.post(f"{accord}/api/public/challenges")
        body = {
            "name": f"Bench Signer {address}",
            "email": address,
            "tier": "withheld",
            "revision_sha256": appeal["sha256"],
            "consent": True,
            "proof_of_work": solve(Challenge(**made.json())),
        }
        status = (await client.post(f"{base}/signatures", json=body)).status_code
        return True if status == 202 else f"sign {status}"

    took_sign, sign_latencies, sign_failed = await _run(emails, concurrency, start)
    codes = seed(env, "codes")

    async def confirm(client: httpx.AsyncClient, address: str) -> bool | str:
        body = {"email": address, "code": codes.get(address, "000000")}
        status = (await client.post(f"{base}/signatures/confirm", json=body)).status_code
        return True if status == 201 else f"confirm {status}"

    took_confirm, confirm_latencies, confirm_failed = await _run(emails, concurrency, confirm)
    return {
        "signers": signers,
        "flows_per_s": signers / (took_sign + took_confirm),
        "sign_p99": percentile(sign_latencies, 0.99),
        "confirm_p99": percentile(confirm_latencies, 0.99),
        "failed": sign_failed + confirm_failed,
    }


async def inserts(url: str, count: int, concurrency: int) -> dict[str, Any]:
    async def insert(client: httpx.AsyncClient, n: int) -> bool | str:
        status = (await client.post(url, json={"name": f"row {n}"})).status_code
        return True if status == 200 else f"insert {status}"

    took, latencies, failed = await _run(list(range(count)), concurrency, insert)
    return {"per_s": count / took, "p99": percentile(latencies, 0.99), "failed": failed}


async def settle(database_url: str) -> None:
    """After a bulk load: vacuum, analyze and checkpoint now, so that the measurement
    that follows does not share the machine with autovacuum and a checkpoint."""
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("VACUUM ANALYZE signatures")
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


def worker_peak_rss(server: subprocess.Popen[bytes]) -> int:
    """The largest VmHWM (peak resident set, KiB) among the server's worker processes."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    peaks = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]))
    return max(peaks)


def export_csv(accord: str, appeal: dict[str, str]) -> tuple[float, int, int]:
    headers = {
        "cookie": f"__Host-accord_session={appeal['token']}",
        "x-csrf-token": appeal["csrf"],
    }
    started = time.perf_counter()
    size = lines = 0
    with httpx.stream(
        "GET",
        f"{accord}/api/appeals/{appeal['appeal_id']}/signatures.csv",
        headers=headers,
        timeout=300,
    ) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            size += len(chunk)
            lines += chunk.count(b"\n")
    return time.perf_counter() - started, size, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--signers", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--exported", type=int, default=100_000)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    name = asyncio.run(create_database(args.server))
    database_url = f"{args.server}/{name}"
    servers: list[subprocess.Popen[bytes]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = accord_env(
                tmp,
                ACCORD_DATABASE__URL=database_url,
                ACCORD_LOG__LEVEL="WARNING",
                ACCORD_DATABASE__POOL_SIZE="8",
                ACCORD_THROTTLE__PROOF_OF_WORK_MAX_NUMBER="1",
                ACCORD_THROTTLE__PUBLIC_SIGNINGS_PER_ADDRESS="1000000000",
            )
            migrate(env)
            appeal = seed(env, "setup")
            run_python(
                env,
                "-c",
                "import asyncio, asyncpg, sys\n"
                "async def main():\n"
                "    c = await asyncpg.connect(sys.argv[1])\n"
                "    await c.execute('CREATE TABLE bench_rows (id uuid PRIMARY KEY,"
                " name varchar(200))')\n"
                "    await c.close()\n"
                "asyncio.run(main())",
                database_url,
            )
            accord = "http://127.0.0.1:8791"
            servers.append(serve("app.asgi:app", 8791, env, ROOT))
            (Path(tmp) / "bare_insert.py").write_text(BARE_APP)
            bare_env = {**env, "BENCH_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
            bare = "http://127.0.0.1:8792"
            servers.append(serve("bare_insert:app", 8792, bare_env, Path(tmp)))
            wait_ready(f"{accord}/healthz")
            wait_ready(f"{bare}/docs")

            flows = asyncio.run(
                sign_and_confirm(accord, env, appeal, args.signers, args.concurrency)
            )
            orm = asyncio.run(inserts(f"{bare}/orm", args.signers, args.concurrency))
            raw = asyncio.run(inserts(f"{bare}/raw", args.signers, args.concurrency))

            page = f"{accord}/api/public/appeals/{appeal['appeal_id']}"
            seed(env, "fill", str(args.small), "0.5")
            asyncio.run(settle(database_url))
            counts_small = wrk(page, args.seconds, {})
            seed(env, "fill", str(args.large), str(args.exported / args.large))
            asyncio.run(settle(database_url))
            counts_large = wrk(page, args.seconds, {})

            took_csv, csv_bytes, csv_lines = export_csv(accord, appeal)
            peak_kib = worker_peak_rss(servers[0])
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        asyncio.run(drop_database(args.server, name))

    print(f"PostgreSQL, 2 workers each; load: one Python client, {args.concurrency} connections")
    print(
        f"public sign + confirm ({flows['signers']} signers, 3 requests each):"
        f" {flows['flows_per_s']:.0f} signers/s; p99 sign {flows['sign_p99']:.0f} ms,"
        f" confirm {flows['confirm_p99']:.0f} ms; failed {sum(flows['failed'].values())}"
        f" {dict(flows['failed']) or ''}"
    )
    print(
        f"bare ORM one-row insert: {orm['per_s']:.0f}/s, p99 {orm['p99']:.0f} ms;"
        f" raw asyncpg insert: {raw['per_s']:.0f}/s, p99 {raw['p99']:.0f} ms"
    )
    print(
        f"sign + confirm vs bare ORM insert: {flows['flows_per_s'] / orm['per_s']:.2f}x;"
        f" vs raw asyncpg: {flows['flows_per_s'] / raw['per_s']:.2f}x"
    )
    for label, (rate, p50, p99, failed) in (
        (f"{args.small:,} signatures", counts_small),
        (f"{args.large:,} signatures", counts_large),
    ):
        print(
            f"public page with counts, {label}: {rate:.0f} req/s, p50 {p50:.1f} ms,"
            f" p99 {p99:.1f} ms, non-2xx {failed}"
        )
    print(
        f"counts throughput at {args.small:,} / at {args.large:,}:"
        f" {counts_small[0] / counts_large[0]:.2f}x (flat = 1.0)"
    )
    print(
        f"CSV of {csv_lines - 1:,} public signatures: {csv_bytes / 1e6:.1f} MB in"
        f" {took_csv:.1f} s; serving worker peak RSS {peak_kib / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
