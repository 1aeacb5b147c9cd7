"""Outreach under load (issue #13), in one run; prints figures, asserts nothing.

1. The coordinators' dashboard (GET /api/outreach/dashboard) over 200 appeals x 200
   recipients: a dispatch for every pair, responses to ~60% of them (stances on the five
   asks for a third of those), an open follow-up for every unanswered one. p50/p95 over a
   number of requests, one after another.
2. Dispatch list pages (GET /api/appeals/{id}/dispatches and /api/recipients/{id}/dispatches,
   50 a page) as one appeal's dispatches grow from 1,000 to 1,000,000: the first page and a
   deep page (the cursor half-way down), beside a bare FastAPI + SQLAlchemy app reading the
   same page (same join, same keyset; no auth, no decryption). p50/p95 per size and the
   ratio of the largest size's p50 to the smallest's (flat = 1.0).
3. 200 letters (bench_letters.py: layout + typst PDF + text), time per letter.
4. A 25 MB document uploaded and downloaded (bench_documents.py) first, on the fresh
   server: the workers' idle RSS and their peak (VmHWM) after both.

Accord runs under uvicorn with 2 workers (bench_request_floor.serve), like production.

    .venv/bin/python bench/bench_outreach.py [--server postgresql://postgres@127.0.0.1:5432]
        [--sqlite] [--max-dispatches 1000000] [--only dashboard,lists,letters,documents]
        [--appeals 200] [--recipients 200] [--requests 30] [--page-requests 60]
        [--letters 200] [--megabytes 25]

It creates and drops its own PostgreSQL database (``--sqlite``: a temporary SQLite file).
Rows are seeded in bulk (COPY on PostgreSQL), with real ciphertext only in the columns
these endpoints decrypt (appeal titles, recipient names, the frozen revision's text).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from bench_documents import SEED as DOCUMENT_SEED
from bench_documents import run as run_documents
from bench_request_floor import create_database, drop_database, serve
from support import ROOT, accord_env, migrate, run_python, wait_ready

SIZES = (1_000, 10_000, 100_000, 1_000_000)
COUNTRIES = (
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)
RESPONSE_KINDS = ("acknowledgement", "substantive_reply", "refusal", "referral", "meeting_offered")
STANCES = ("supports", "partially_supports", "opposes", "no_position", "not_addressed")
CHANNELS = ("email", "post", "embassy", "diplomatic_note")
BATCH = 20_000

BARE_APP = """
import os, uuid
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from app.config import normalize_database_url
from app.models.appeals import Appeal
from app.models.outreach import Dispatch, Recipient

engine = create_async_engine(normalize_database_url(os.environ["BENCH_DATABASE_URL"]),
                             pool_size=8, max_overflow=0)
sessions = async_sessionmaker(engine, expire_on_commit=False)
app = FastAPI()

async def page(statement, cursor):
    if cursor is not None:
        statement = statement.where(Dispatch.id < cursor)
    async with sessions() as session:
        rows = (await session.execute(statement.order_by(Dispatch.id.desc()).limit(51))).all()
    items = [{"id": str(row[0].id), "channel": row[0].channel, "sent_on": str(row[0].sent_on),
              "recipient": str(row[1].id)} for row in rows[:50]]
    return {"items": items, "next_cursor": items[-1]["id"] if len(rows) > 50 else None}

@app.get("/appeal/{appeal_id}")
async def appeal_page(appeal_id: uuid.UUID, cursor: uuid.UUID | None = None):
    return await page(select(Dispatch, Recipient)
        .join(Recipient, Recipient.id == Dispatch.recipient_id)
        .where(Dispatch.appeal_id == appeal_id), cursor)

@app.get("/middle/{appeal_id}")
async def middle(appeal_id: uuid.UUID, offset: int):
    # Setup only (the deep page's cursor), not measured: an OFFSET walks the rows.
    async with sessions() as session:
        return str(await session.scalar(select(Dispatch.id)
            .where(Dispatch.appeal_id == appeal_id)
            .order_by(Dispatch.id.desc()).offset(offset).limit(1)))

@app.get("/recipient/{recipient_id}")
async def recipient_page(recipient_id: uuid.UUID, cursor: uuid.UUID | None = None):
    return await page(select(Dispatch, Recipient, Appeal)
        .join(Recipient, Recipient.id == Dispatch.recipient_id)
        .join(Appeal, Appeal.id == Dispatch.appeal_id)
        .where(Dispatch.recipient_id == recipient_id), cursor)
"""


# --- seeding (runs in a child process with Accord's environment: `--seed PHASE`) -----------


def _row(table: Any, values: dict[str, Any]) -> tuple[Any, ...]:
    """``values`` in the table's column order; None for the rest, version 1."""
    return tuple(values.get(c.name, 1 if c.name == "version" else None) for c in table.columns)


async def _bulk(session: Any, table: Any, rows: Iterator[tuple[Any, ...]]) -> int:
    """Insert ``rows`` (tuples in column order) in batches: COPY on PostgreSQL, an
    executemany insert elsewhere. Returns how many."""
    from sqlalchemy import insert

    connection = await session.connection()
    postgres = connection.dialect.name == "postgresql"
    names = [c.name for c in table.columns]
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            count += await _flush(connection, table, names, batch, postgres, insert)
            batch = []
    if batch:
        count += await _flush(connection, table, names, batch, postgres, insert)
    return count


async def _flush(
    connection: Any, table: Any, names: list[str], batch: list[Any], postgres: bool, insert: Any
) -> int:
    if postgres:
        raw = (await connection.get_raw_connection()).driver_connection
        await raw.copy_records_to_table(table.name, records=batch, columns=names)
    else:
        await connection.execute(insert(table), [dict(zip(names, r, strict=True)) for r in batch])
    return len(batch)


async def _seed(phase: str, argv: list[str]) -> dict[str, Any]:
    import hashlib

    import pyotp
    from sqlalchemy import func, select

    from app.actors import SYSTEM
    from app.appeals.text.blocks import Block, BlockKind, blocks_to_json, new_block_id
    from app.auth.passwords import password_hasher
    from app.auth.service import create_account
    from app.auth.sessions.service import csrf_token, open_session
    from app.config import get_settings
    from app.db import create_engine, create_sessionmaker, unit_of_work
    from app.keys import install_keys, load_keys
    from app.models.appeals import Appeal, AppealRevision
    from app.models.base import new_id
    from app.models.identity import TotpFactor
    from app.models.memberships import Organization
    from app.models.outreach import Dispatch, FollowUp, Recipient, Response, ResponseStance
    from app.models.users import PlatformRole, PlatformRoleGrant

    settings = get_settings()
    install_keys(load_keys(settings))
    engine = create_engine(settings.database_url)
    now = datetime.now(UTC)
    today = now.date()
    rng = random.Random(13)
    out: dict[str, Any] = {}
    async with unit_of_work(create_sessionmaker(engine)) as session:
        # The first coordinator is this bench's (the document seed makes another later).
        coordinator = await session.scalar(
            select(PlatformRoleGrant.user_id)
            .where(PlatformRoleGrant.role == PlatformRole.COORDINATOR)
            .order_by(PlatformRoleGrant.id)
            .limit(1)
        )
        if coordinator is None:
            user = await create_account(
                session,
                actor=SYSTEM,
                hasher=password_hasher(settings.auth),
                email="bench-outreach@example.org",
                display_name="Bench Outreach",
                password=None,
                platform_roles=frozenset({PlatformRole.COORDINATOR}),
            )
            factor = TotpFactor(user_id=user.id, confirmed_at=now)
            factor.secret = pyotp.random_base32()
            session.add(factor)
            issued = await open_session(
                session,
                user_id=user.id,
                method="password",
                now=now,
                settings=settings.session,
                user_agent="bench",
                second_factor=True,
            )
            org = Organization(country="LT")
            org.name, org.short_name = "Bench coalition", "BC"
            session.add(org)
            await session.flush()
            coordinator = user.id
            out |= {"token": issued.token, "csrf": csrf_token(issued.token)}
        org_id = await session.scalar(select(Organization.id).where(Organization.country == "LT"))

        asks = [Block(new_block_id(), BlockKind.ASK, f"Ask number {n}.") for n in range(1, 6)]
        blocks = [
            Block(new_block_id(), BlockKind.TITLE, "Release the prisoners of conscience"),
            Block(new_block_id(), BlockKind.PARAGRAPH, "We write to you about the people held."),
            *asks,
        ]
        sha = hashlib.sha256(blocks_to_json(blocks).encode()).hexdigest()

        def appeal(title: str) -> Appeal:
            row = Appeal(
                lead_organization_id=org_id,
                state="open",
                language="en",
                head_number=1,
                head_sha256=sha,
                frozen_sha256=sha,
                created_by=coordinator,
            )
            row.title = title
            session.add(row)
            return row

        def recipient(n: int) -> Recipient:
            row = Recipient(kind="ministry", country=COUNTRIES[n % len(COUNTRIES)], language="en")
            row.name = f"{COUNTRIES[n % len(COUNTRIES)]} — Minister of Foreign Affairs {n}"
            row.addressee = f"The Minister {n}\nMinistry of Foreign Affairs"
            session.add(row)
            return row

        def dispatch(appeal_id: Any, recipient_id: Any, sent_on: date) -> dict[str, Any]:
            return {
                "id": new_id(),
                "appeal_id": appeal_id,
                "recipient_id": recipient_id,
                "revision_sha256": sha,
                "language": "en",
                "channel": CHANNELS[rng.randrange(len(CHANNELS))],
                "sent_on": sent_on,
                "delivery": "recorded",
                "created_by": coordinator,
                "created_at": now,
            }

        if phase == "matrix":
            appeals_n, recipients_n = int(argv[0]), int(argv[1])
            appeal_rows = [appeal(f"Appeal {n:03d}") for n in range(appeals_n)]
            recipient_rows = [recipient(n) for n in range(recipients_n)]
            await session.flush()
            for row in appeal_rows:
                revision = AppealRevision(
                    appeal_id=row.id, number=1, sha256=sha, author_id=coordinator
                )
                revision.blocks_json = blocks_to_json(blocks)
                session.add(revision)
            await session.flush()
            dispatches, responses, stances, follow_ups = [], [], [], []
            for a in appeal_rows:
                for r in recipient_rows:
                    sent_on = today - timedelta(days=rng.randrange(10, 120))
                    d = dispatch(a.id, r.id, sent_on)
                    dispatches.append(_row(Dispatch.__table__, d))
                    if rng.random() < 0.6:
                        kind = RESPONSE_KINDS[rng.randrange(len(RESPONSE_KINDS))]
                        response_id = new_id()
                        responses.append(
                            _row(
                                Response.__table__,
                                {
                                    "id": response_id,
                                    "dispatch_id": d["id"],
                                    "received_on": sent_on + timedelta(days=rng.randrange(1, 9)),
                                    "channel": "email",
                                    "kind": kind,
                                    "published": False,
                                    "recorded_by": coordinator,
                                    "created_at": now,
                                },
                            )
                        )
                        if kind == "substantive_reply" or rng.random() < 0.2:
                            for ask in asks:
                                stance = STANCES[rng.randrange(len(STANCES))]
                                stances.append(
                                    _row(
                                        ResponseStance.__table__,
                                        {
                                            "id": new_id(),
                                            "response_id": response_id,
                                            "ask_id": ask.id,
                                            "stance": stance,
                                        },
                                    )
                                )
                    else:
                        follow_ups.append(
                            _row(
                                FollowUp.__table__,
                                {
                                    "id": new_id(),
                                    "dispatch_id": d["id"],
                                    "due_on": sent_on + timedelta(days=30),
                                    "assignee_id": coordinator,
                                    "created_by": coordinator,
                                    "created_at": now,
                                },
                            )
                        )
            out["dispatches"] = await _bulk(session, Dispatch.__table__, iter(dispatches))
            out["responses"] = await _bulk(session, Response.__table__, iter(responses))
            out["stances"] = await _bulk(session, ResponseStance.__table__, iter(stances))
            out["follow_ups"] = await _bulk(session, FollowUp.__table__, iter(follow_ups))
        elif phase == "list":
            target = int(argv[0])
            listed = await session.scalar(select(Appeal).where(Appeal.head_number == 2))
            if listed is None:
                listed = appeal("The listed appeal")
                listed.head_number = 2
                to = recipient(10_000)
                to.kind = "parliament"  # the only one: how the next phase finds it
                await session.flush()
            else:
                to = await session.scalar(select(Recipient).where(Recipient.kind == "parliament"))
            have = await session.scalar(
                select(func.count()).select_from(Dispatch).where(Dispatch.appeal_id == listed.id)
            )
            started = time.perf_counter()
            rows = (
                _row(
                    Dispatch.__table__,
                    dispatch(listed.id, to.id, today - timedelta(days=n % 3000)),
                )
                for n in range(have or 0, target)
            )
            out["added"] = await _bulk(session, Dispatch.__table__, rows)
            out["seconds"] = round(time.perf_counter() - started, 1)
            out |= {"appeal_id": str(listed.id), "recipient_id": str(to.id)}
    if engine.dialect.name == "postgresql":
        # What autovacuum would do soon after a bulk load: planner statistics for the new rows.
        async with engine.connect() as connection:
            await connection.exec_driver_sql("ANALYZE")
    await engine.dispose()
    return out


# --- measuring ------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def timed(client: httpx.Client, url: str, count: int, headers: dict[str, str]) -> list[float]:
    """Seconds per GET of ``url``, ``count`` times one after another (after 3 unmeasured)."""
    timings = []
    for n in range(count + 3):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code} {response.text[:300]}")
        if n >= 3:
            timings.append(elapsed)
    return timings


def ms(values: list[float]) -> str:
    p50, p95 = statistics.median(values) * 1000, percentile(values, 0.95) * 1000
    return f"p50 {p50:8.1f} ms  p95 {p95:8.1f} ms"


def measure_dashboard(
    client: httpx.Client, headers: dict[str, str], requests: int
) -> tuple[list[float], int]:
    timings = timed(client, "/api/outreach/dashboard", requests, headers)
    body = client.get("/api/outreach/dashboard", headers=headers)
    return timings, len(body.content)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--seed":
        print(json.dumps(asyncio.run(_seed(sys.argv[2], sys.argv[3:]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    parser.add_argument("--only", default="documents,dashboard,lists,letters")
    parser.add_argument("--appeals", type=int, default=200)
    parser.add_argument("--recipients", type=int, default=200)
    parser.add_argument("--requests", type=int, default=20, help="dashboard requests")
    parser.add_argument("--max-dispatches", type=int, default=SIZES[-1])
    parser.add_argument("--page-requests", type=int, default=60, help="per page and size")
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--megabytes", type=float, default=25)
    parser.add_argument("--port", type=int, default=8793)
    args = parser.parse_args()
    only = set(args.only.split(","))
    sizes = [s for s in SIZES if s <= args.max_dispatches]

    database = "" if args.sqlite else asyncio.run(create_database(args.server))
    servers: list[subprocess.Popen[bytes]] = []
    report: list[str] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = {
                "ACCORD_LOG__LEVEL": "WARNING",
                "ACCORD_OUTREACH__DOCUMENT_MAX_BYTES": str(int(args.megabytes * 1_000_000)),
            }
            if database:
                settings["ACCORD_DATABASE__URL"] = f"{args.server}/{database}"
            env = accord_env(tmp, **settings)
            database_url = settings.get("ACCORD_DATABASE__URL", f"sqlite:///{tmp}/accord.db")
            migrate(env)
            here = str(Path(__file__).resolve())

            def seed(phase: str, *extra: object) -> dict[str, Any]:
                try:
                    return json.loads(run_python(env, here, "--seed", phase, *map(str, extra)))
                except subprocess.CalledProcessError as error:
                    raise SystemExit(f"seeding {phase} failed:\n{error.stderr[-3000:]}") from None

            coordinator = seed("list", 0)  # the coordinator's session, nothing listed yet
            headers = {
                "cookie": f"__Host-accord_session={coordinator['token']}",
                "x-csrf-token": coordinator["csrf"],
            }
            accord_url = f"http://127.0.0.1:{args.port}"
            server = serve("app.asgi:app", args.port, env, ROOT)
            servers.append(server)
            wait_ready(f"{accord_url}/readyz", 90)
            kind = "SQLite" if args.sqlite else "PostgreSQL"
            print(f"database: {kind}; uvicorn, 2 workers", flush=True)

            print(f"workers after start-up: {workers_memory(server)}", flush=True)
            if "documents" in only:
                print(f"\n== {args.megabytes:g} MB document, fresh server ==", flush=True)
                documents = json.loads(run_python(env, "-c", DOCUMENT_SEED))
                run_documents(accord_url, documents, int(args.megabytes * 1_000_000), server)

            with httpx.Client(base_url=accord_url, timeout=300) as client:
                if "dashboard" in only:
                    started = time.perf_counter()
                    counts = seed("matrix", args.appeals, args.recipients)
                    seconds = time.perf_counter() - started
                    print(
                        f"\n== dashboard, {args.appeals} appeals x {args.recipients} "
                        f"recipients ==\nseeded in {seconds:.1f} s: {counts}",
                        flush=True,
                    )
                    timings, size = measure_dashboard(client, headers, args.requests)
                    line = (
                        f"GET /api/outreach/dashboard ({len(timings)} requests, "
                        f"{size / 1e6:.1f} MB): {ms(timings)}"
                    )
                    print(line, flush=True)
                    report.append(line)
                    print(f"workers after it: {workers_memory(server)}", flush=True)

                if "lists" in only and sizes:
                    (Path(tmp) / "bare_outreach.py").write_text(BARE_APP)
                    bare_env = {**env, "BENCH_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
                    bare_port = args.port + 1
                    servers.append(serve("bare_outreach:app", bare_port, bare_env, Path(tmp)))
                    print("\n== dispatch list pages (50), one appeal's dispatches ==", flush=True)
                    pages = measure_lists(client, headers, bare_port, sizes, seed, args)
                    report += pages

            if "letters" in only:
                report += letters(args.letters)
    finally:
        for running in servers:
            running.terminate()
            running.wait(timeout=30)
        if database:
            asyncio.run(drop_database(args.server, database))
    print("\n== summary ==")
    for line in report:
        print(line)


def workers_memory(server: subprocess.Popen[bytes]) -> str:
    """VmRSS / VmHWM (peak) of each uvicorn worker, MiB (the server's children that serve:
    the first child is multiprocessing's resource tracker)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    figures = []
    for pid in children:
        status = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        )
        if "multiprocessing.resource_tracker" in Path(f"/proc/{pid}/cmdline").read_text():
            continue
        rss, peak = (int(status[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))
        figures.append(f"{rss:.1f} / {peak:.1f}")
    return "VmRSS / VmHWM " + ", ".join(figures) + " MiB"


def measure_lists(
    client: httpx.Client,
    headers: dict[str, str],
    bare_port: int,
    sizes: list[int],
    seed: Any,
    args: argparse.Namespace,
) -> list[str]:
    bare = httpx.Client(base_url=f"http://127.0.0.1:{bare_port}", timeout=300)
    results: dict[str, dict[int, list[float]]] = {}
    for size in sizes:
        added = seed("list", size)
        print(
            f"{size:>9,} dispatches (seeded +{added['added']:,} in {added['seconds']} s)",
            flush=True,
        )
        appeal, recipient = added["appeal_id"], added["recipient_id"]
        wait_ready(f"http://127.0.0.1:{bare_port}/appeal/{appeal}", 60)
        # Half-way down: the cursor of the page that starts at row size/2.
        deep_appeal = bare.get(f"/middle/{appeal}", params={"offset": size // 2}).json()
        targets = {
            "Accord appeal list, first page": (
                client,
                f"/api/appeals/{appeal}/dispatches?limit=50",
                headers,
            ),
            "bare SQLAlchemy, first page": (bare, f"/appeal/{appeal}", {}),
            "Accord appeal list, deep page": (
                client,
                f"/api/appeals/{appeal}/dispatches?limit=50&cursor={deep_appeal}",
                headers,
            ),
            "bare SQLAlchemy, deep page": (bare, f"/appeal/{appeal}?cursor={deep_appeal}", {}),
            "Accord recipient list, first page": (
                client,
                f"/api/recipients/{recipient}/dispatches?limit=50",
                headers,
            ),
            "Accord recipient list, deep page": (
                client,
                f"/api/recipients/{recipient}/dispatches?limit=50&cursor={deep_appeal}",
                headers,
            ),
            "bare SQLAlchemy recipient, deep page": (
                bare,
                f"/recipient/{recipient}?cursor={deep_appeal}",
                {},
            ),
        }
        samples: dict[str, list[float]] = {label: [] for label in targets}
        for _ in range(2):  # interleaved halves: a noisy neighbour hits both sides alike
            for label, (who, url, hdrs) in targets.items():
                samples[label] += timed(who, url, max(1, args.page_requests // 2), hdrs)
        for label, values in samples.items():
            results.setdefault(label, {})[size] = values
            print(f"  {label:38} {ms(values)}", flush=True)
    bare.close()
    lines = [f"dispatch list pages, p50 ms at {', '.join(f'{s:,}' for s in sizes)} dispatches"]
    for label, by_size in results.items():
        p50s = [statistics.median(by_size[s]) * 1000 for s in sizes]
        ratio = p50s[-1] / p50s[0]
        figures = "  ".join(f"{p:7.1f}" for p in p50s)
        lines.append(f"  {label:38} {figures}   largest/smallest {ratio:.2f}x")
    # The sizes are measured one after another, so a busier machine later inflates the
    # larger ones; Accord over the bare page measured alongside it cancels that out.
    lines.append("Accord p50 / bare SQLAlchemy p50 at each size (the same pages, interleaved)")
    pairs = {
        "appeal list, first page": (
            "Accord appeal list, first page",
            "bare SQLAlchemy, first page",
        ),
        "appeal list, deep page": ("Accord appeal list, deep page", "bare SQLAlchemy, deep page"),
        "recipient list, deep page": (
            "Accord recipient list, deep page",
            "bare SQLAlchemy recipient, deep page",
        ),
    }
    for label, (ours, bare_label) in pairs.items():
        ratios = [
            statistics.median(results[ours][s]) / statistics.median(results[bare_label][s])
            for s in sizes
        ]
        figures = "  ".join(f"{r:7.2f}" for r in ratios)
        lines.append(f"  {label:38} {figures}   largest/smallest {ratios[-1] / ratios[0]:.2f}x")
    return lines


def letters(count: int) -> list[str]:
    from bench_letters import blocks, signatories

    from app.outreach.letters.layout import Recipient, build_letter
    from app.outreach.letters.text import letter_text
    from app.outreach.letters.typeset import letter_pdf

    text, signers = blocks(), signatories()
    timings: list[float] = []
    for n in range(count):
        started = time.perf_counter()
        letter = build_letter(
            text,
            language=("en", "be", "ru")[n % 3],
            recipient=Recipient(
                f"The Honorable Minister {n}\nMinistry of Foreign Affairs", None, "en"
            ),
            signatories=signers,
            day=date(2026, 11, 30),
            sha256="e" * 64,
            verify_url="https://accord.example/sign/x",
        )
        letter_pdf(letter)
        letter_text(letter)
        timings.append(time.perf_counter() - started)
    line = (
        f"{count} letters (layout + typst PDF + text, one process): {sum(timings):.1f} s, "
        f"per letter {ms(timings)}, max {max(timings) * 1000:.1f} ms"
    )
    print(f"\n== letters ==\n{line}", flush=True)
    return [line]


if __name__ == "__main__":
    main()
