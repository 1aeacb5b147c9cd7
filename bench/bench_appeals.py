"""Appeals under load, on PostgreSQL, in one run (prints figures; asserts nothing).

1. The appeals list page as a member sees it (50 newest of the appeals their organization
   writes, the compartment filter applied) through Accord (2 workers, wrk 64 connections),
   beside a bare FastAPI + SQLAlchemy app on the same database: at 1,000 and at 100,000
   appeals, so both the ratio and the growth show. One organization in 20 is the member's.
   The bare page is what one would write without Accord's framework, for the same answer:
   one ORM query of Appeal joined to its lead Organization with the same filter (appeals the
   organization writes, as an accepted participant), newest 51 first; titles and
   organization names decrypted through the models' attributes (app/kit/crypto, as Accord
   does), the same fields and next_cursor, serialized through the same response model
   (AppealPage: FastAPI then dumps it with pydantic, faster than returning plain dicts),
   with as many pooled connections per worker as Accord has (16). It has no sign-in: Accord
   also reads the caller's session, user and memberships on each request. Before measuring,
   the two pages are checked to be the same JSON.
2. A diff of two 20,000-word revisions (app.appeals.diff, in process): median and p99.
3. Saving a revision of a 5,000-word appeal through the API (If-Match, one editor, one
   after another): p50 and p99.

    .venv/bin/python bench/bench_appeals.py [--seconds 8] [--rounds 2] [--large 100000]
        [--server postgresql://postgres@127.0.0.1:5432]

It creates and drops its own database on that server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from bench_appeals_diff import revisions
from bench_request_floor import create_database, drop_database, serve, wrk
from support import ROOT, accord_env, migrate, run_python, wait_ready

from app.appeals.diff import diff_texts

# Seeds organizations, a member of the first with a signed-in session, and appeals spread
# over the organizations (rows written with Core, titles encrypted per row as the app does).
SEED = """
import asyncio, json, sys, uuid
from datetime import UTC, datetime
from sqlalchemy import func, insert, select
from app.actors import SYSTEM
from app.auth.passwords import password_hasher
from app.auth.service import create_account
from app.auth.sessions.service import csrf_token, open_session
from app.config import get_settings
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.keys import current_keyring, install_keys, load_keys
from app.kit.crypto.aead import encrypt_text
from app.models.appeals import Appeal, AppealParticipant
from app.models.base import new_id
from app.models.memberships import Membership, Organization

TARGET = int(sys.argv[1])
ORGANIZATIONS = 20

async def main():
    settings = get_settings()
    install_keys(load_keys(settings))
    engine = create_engine(settings.database_url)
    out = {}
    async with unit_of_work(create_sessionmaker(engine)) as session:
        orgs = list((await session.scalars(select(Organization).order_by(Organization.id))).all())
        if not orgs:
            for n in range(ORGANIZATIONS):
                org = Organization(country="LT")
                org.name = f"Bench organization {n}"
                org.short_name = f"B{n}"
                session.add(org)
                orgs.append(org)
            await session.flush()
            user = await create_account(session, actor=SYSTEM,
                hasher=password_hasher(settings.auth), email="bench-member@example.org",
                display_name="Bench Member", password=None,
                platform_roles=frozenset())
            session.add(Membership(user_id=user.id, organization_id=orgs[0].id, role="member"))
            issued = await open_session(session, user_id=user.id, method="password",
                now=datetime.now(UTC), settings=settings.session, user_agent="bench")
            out = {"token": issued.token, "csrf": csrf_token(issued.token),
                   "organization_id": str(orgs[0].id)}
        have = await session.scalar(select(func.count()).select_from(Appeal))
        keyring = current_keyring()
        now = datetime.now(UTC)
        rows, participants = [], []
        for n in range(have, TARGET):
            appeal_id = new_id()
            org = orgs[n % len(orgs)]
            rows.append({"id": appeal_id, "lead_organization_id": org.id, "state": "draft",
                "title_ct": encrypt_text(keyring, f"Appeal {n}", table="appeals",
                    column="title_ct", row_id=appeal_id),
                "language": "en", "head_number": 0, "created_at": now, "updated_at": now})
            participants.append({"id": new_id(), "appeal_id": appeal_id, "organization_id": org.id,
                "role": "lead", "status": "accepted", "created_at": now})
            if len(rows) == 5000:
                await session.execute(insert(Appeal.__table__), rows)
                await session.execute(insert(AppealParticipant.__table__), participants)
                rows, participants = [], []
        if rows:
            await session.execute(insert(Appeal.__table__), rows)
            await session.execute(insert(AppealParticipant.__table__), participants)
    await engine.dispose()
    print(json.dumps(out))

asyncio.run(main())
"""

BARE_APP = """
import os, uuid
from fastapi import FastAPI
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from app.appeals.schemas import AppealPage
from app.config import get_settings
from app.keys import install_keys, load_keys
from app.models.appeals import Appeal, AppealParticipant
from app.models.memberships import Organization

URL = os.environ["BENCH_DATABASE_URL"]
ORG = uuid.UUID(os.environ["BENCH_ORGANIZATION_ID"])
install_keys(load_keys(get_settings()))
engine = create_async_engine(URL.replace("postgresql://", "postgresql+asyncpg://"),
                             pool_size=16, max_overflow=0)
sessions = async_sessionmaker(engine, expire_on_commit=False)
app = FastAPI()

@app.get("/page", response_model=AppealPage)
async def page():
    async with sessions() as session:
        statement = (
            select(Appeal, Organization)
            .join(Organization, Organization.id == Appeal.lead_organization_id)
            .where(exists().where(AppealParticipant.appeal_id == Appeal.id,
                                  AppealParticipant.organization_id.in_([ORG]),
                                  AppealParticipant.status == "accepted"))
            .order_by(Appeal.id.desc())
            .limit(51)
        )
        rows = (await session.execute(statement)).all()
    items = [{"id": a.id, "title": a.title, "state": a.state, "language": a.language,
              "lead_organization_id": a.lead_organization_id, "lead_organization_name": o.name,
              "head_number": a.head_number, "created_at": a.created_at,
              "updated_at": a.updated_at} for a, o in rows[:50]]
    return {"items": items, "next_cursor": rows[49][0].id if len(rows) > 50 else None}
"""


def seed(env: dict[str, str], target: int) -> dict[str, str]:
    return json.loads(run_python(env, "-c", SEED, str(target)) or "{}")


def words(blocks: list) -> int:  # type: ignore[type-arg]
    return sum(len(b.text.split()) for b in blocks)


def same_page(accord: str, bare: str, headers: dict[str, str]) -> None:
    """Both sides answer the same page, or measuring them side by side means nothing."""
    ours = httpx.get(f"{accord}/api/appeals?limit=50", headers=headers, timeout=10).json()
    theirs = httpx.get(f"{bare}/page", timeout=10).json()
    if ours != theirs:
        raise SystemExit(f"the bare page differs from Accord's:\n{theirs}\n{ours}")


def measure_list(accord: str, bare: str, headers: dict[str, str], args: argparse.Namespace) -> dict:  # type: ignore[type-arg]
    targets = {
        "Accord GET /api/appeals (member, 50)": (f"{accord}/api/appeals?limit=50", headers),
        "bare SQLAlchemy page (same filter)": (f"{bare}/page", {}),
    }
    results: dict[str, list[tuple[float, float, float, str]]] = {k: [] for k in targets}
    for _ in range(args.rounds):
        for label, (url, hdrs) in targets.items():
            results[label].append(wrk(url, args.seconds, hdrs))
    return {label: max(runs, key=lambda r: r[0]) for label, runs in results.items()}


def measure_saves(
    accord: str, headers: dict[str, str], organization_id: str, saves: int
) -> list[float]:
    """Seconds per save of a 5,000-word appeal (50 blocks of 100 words), one block edited
    each time."""
    old, _ = revisions(11)
    blocks = [{"id": b.id, "kind": "paragraph", "text": b.text} for b in old[:50]]
    with httpx.Client(base_url=accord, headers=headers, timeout=30) as client:
        created = client.post(
            "/api/appeals",
            json={"lead_organization_id": organization_id, "title": "Bench", "blocks": blocks},
        )
        created.raise_for_status()
        appeal_id = created.json()["id"]
        etag = client.get(f"/api/appeals/{appeal_id}/text").headers["etag"]
        timings = []
        for n in range(saves):
            blocks[n % len(blocks)]["text"] += f" edit{n}"
            started = time.perf_counter()
            response = client.put(
                f"/api/appeals/{appeal_id}/text",
                json={"blocks": blocks},
                headers={"If-Match": etag},
            )
            timings.append(time.perf_counter() - started)
            response.raise_for_status()
            etag = response.headers["etag"]
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    name = asyncio.run(create_database(args.server))
    database_url = f"{args.server}/{name}"
    servers: list[subprocess.Popen[bytes]] = []
    pages: dict[int, dict] = {}  # type: ignore[type-arg]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = accord_env(
                tmp,
                ACCORD_DATABASE__URL=database_url,
                ACCORD_LOG__LEVEL="WARNING",
                ACCORD_DATABASE__POOL_SIZE="8",
            )
            migrate(env)
            member = seed(env, args.small)
            headers = {
                "cookie": f"__Host-accord_session={member['token']}",
                "x-csrf-token": member["csrf"],
            }
            accord = "http://127.0.0.1:8781"
            servers.append(serve("app.asgi:app", 8781, env, ROOT))
            (Path(tmp) / "bare_appeals.py").write_text(BARE_APP)
            bare_env = {
                **env,
                "BENCH_DATABASE_URL": database_url,
                "BENCH_ORGANIZATION_ID": member["organization_id"],
                "PYTHONPATH": str(ROOT),
            }
            bare = "http://127.0.0.1:8782"
            servers.append(serve("bare_appeals:app", 8782, bare_env, Path(tmp)))
            wait_ready(f"{accord}/healthz")
            wait_ready(f"{bare}/page")
            same_page(accord, bare, headers)
            pages[args.small] = measure_list(accord, bare, headers, args)
            seed(env, args.large)
            pages[args.large] = measure_list(accord, bare, headers, args)
            save_times = measure_saves(accord, headers, member["organization_id"], args.saves)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        asyncio.run(drop_database(args.server, name))

    print(f"PostgreSQL, 2 workers each, wrk 64 connections, {args.rounds}x{args.seconds} s")
    head = f"{'appeals':>8}  {'endpoint':38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
    print(f"{head} {'x bare':>7}  non-2xx")
    for size, results in pages.items():
        bare_rate = results["bare SQLAlchemy page (same filter)"][0]
        for label, (rate, p50, p99, failed) in results.items():
            figures = f"{rate:8.0f} {p50:8.1f} {p99:8.1f} {rate / bare_rate:7.2f}"
            print(f"{size:8d}  {label:38} {figures}  {failed}")
    accord_label = "Accord GET /api/appeals (member, 50)"
    growth = pages[args.small][accord_label][0] / pages[args.large][accord_label][0]
    print(f"list throughput at {args.small:,} / at {args.large:,}: {growth:.2f}x (flat = 1.0)")

    old, new = revisions(7)
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        diff_texts(old, new)
        timings.append(time.perf_counter() - started)
    print(
        f"diff of two revisions ({words(old):,} / {words(new):,} words): "
        f"median {statistics.median(timings) * 1000:.0f} ms, "
        f"p99 {percentile(timings, 0.99) * 1000:.0f} ms"
    )
    print(
        f"save a revision of a 5,000-word appeal ({len(save_times)} saves, one after another): "
        f"p50 {percentile(save_times, 0.5) * 1000:.0f} ms, "
        f"p99 {percentile(save_times, 0.99) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
