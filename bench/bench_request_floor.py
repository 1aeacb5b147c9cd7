"""What a signed-in request costs before a route does its own work, beside the same stack.

In one run, on PostgreSQL with 2 worker processes each, under Debian's wrk (64 connections,
time-bounded runs, interleaved): Accord's signed-in GET /api/auth/session, a signed-in list
page (GET /api/organizations) and /healthz; and a bare FastAPI app on the same database
reading one row by primary key with SQLAlchemy (session.get) and with raw asyncpg. Prints
req/s, p50 and p99 and each Accord endpoint's ratio to the bare SQLAlchemy read (the issue's
target for the session read: >= 0.6x, p99 < 150 ms).

    .venv/bin/python bench/bench_request_floor.py [--seconds 8] [--rounds 2]
        [--server postgresql://postgres@127.0.0.1:5432]

It creates and drops its own database on that server. BENCH_SERVER_LOG=FILE keeps the
servers' stderr (warnings and errors) there.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import asyncpg
import httpx
from support import ROOT, accord_env, migrate, signed_in_admin, wait_ready

BARE_APP = """
import os, uuid
import asyncpg
from fastapi import FastAPI
from sqlalchemy import LargeBinary, Uuid
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Organization(Base):
    __tablename__ = "organizations"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name_ct: Mapped[bytes] = mapped_column(LargeBinary)

URL = os.environ["BENCH_DATABASE_URL"]
ROW = uuid.UUID(os.environ["BENCH_ROW_ID"])
# 2 workers x (8 ORM + 8 raw) here, 2 x 8 in Accord: well under the server's
# max_connections (100 by default), which other clients share.
engine = create_async_engine(URL.replace("postgresql://", "postgresql+asyncpg://"),
                             pool_size=8, max_overflow=0)
sessions = async_sessionmaker(engine, expire_on_commit=False)
app = FastAPI()
pool = None

@app.get("/orm")
async def orm():
    async with sessions() as session:
        row = await session.get(Organization, ROW)
        return {"id": str(row.id)}

@app.get("/raw")
async def raw():
    global pool
    if pool is None:
        pool = await asyncpg.create_pool(URL, min_size=1, max_size=8)
    row = await pool.fetchrow("SELECT id, name_ct FROM organizations WHERE id = $1", ROW)
    return {"id": str(row["id"])}
"""


def wrk(url: str, seconds: int, headers: dict[str, str]) -> tuple[float, float, float, str]:
    command = ["wrk", "-t2", "-c64", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    cuts = {}
    for label, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        cuts[label] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, cuts.get("50", 0.0), cuts.get("99", 0.0), failed.group(1) if failed else "0"


def serve(target: str, port: int, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", target, "--port", str(port), "--workers", "2"),
            *("--log-level", "warning", "--no-access-log"),
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "a"),
    )


async def create_database(server: str) -> str:
    name = f"accord_floor_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(f"{server}/postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return name


async def drop_database(server: str, name: str) -> None:
    conn = await asyncpg.connect(f"{server}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2, help="interleaved runs per endpoint")
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
                # Accord keeps twice this many connections (app/db.py): 8 per worker, as
                # the bare app's SQLAlchemy pool.
                ACCORD_DATABASE__POOL_SIZE="4",
            )
            migrate(env)
            admin = signed_in_admin(env)
            cookie = {"Cookie": admin["cookie"]}
            accord = "http://127.0.0.1:8771"
            servers.append(serve("app.asgi:app", 8771, env, ROOT))
            wait_ready(f"{accord}/healthz")
            for n in range(50):  # a list page of 50 organizations
                response = httpx.post(
                    f"{accord}/api/organizations",
                    json={"name": f"Organization {n}", "short_name": f"O{n}", "country": "LT"},
                    headers=admin,
                )
                response.raise_for_status()
            row_id = response.json()["id"]
            (Path(tmp) / "bare_app.py").write_text(BARE_APP)
            bare_env = {**env, "BENCH_DATABASE_URL": database_url, "BENCH_ROW_ID": row_id}
            bare = "http://127.0.0.1:8772"
            servers.append(serve("bare_app:app", 8772, bare_env, Path(tmp)))
            wait_ready(f"{bare}/orm")
            targets = {
                "bare asyncpg, one row": (f"{bare}/raw", {}),
                "bare SQLAlchemy session.get": (f"{bare}/orm", {}),
                "Accord GET /api/auth/session": (f"{accord}/api/auth/session", cookie),
                "Accord GET /api/organizations": (f"{accord}/api/organizations?limit=50", cookie),
                "Accord GET /healthz": (f"{accord}/healthz", {}),
            }
            results: dict[str, list[tuple[float, float, float, str]]] = {k: [] for k in targets}
            # Not measured: each server opens its pool's connections and fills its statement
            # caches under the first load; a run that included it would time the set-up.
            for url, headers in targets.values():
                wrk(url, 2, headers)
            for _ in range(args.rounds):
                for label, (url, headers) in targets.items():
                    results[label].append(wrk(url, args.seconds, headers))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        asyncio.run(drop_database(args.server, name))

    def best(label: str) -> tuple[float, float, float, str]:
        return max(results[label], key=lambda r: r[0])

    floor = best("bare SQLAlchemy session.get")[0]
    print(f"PostgreSQL, 2 workers each, wrk 64 connections, {args.rounds}x{args.seconds} s")
    print(f"{'endpoint':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x ORM':>6}  non-2xx")
    for label in targets:
        rate, p50, p99, failed = best(label)
        print(f"{label:34} {rate:8.0f} {p50:8.1f} {p99:8.1f} {rate / floor:6.2f}  {failed}")


if __name__ == "__main__":
    main()
