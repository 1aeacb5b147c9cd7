"""Concurrent writes on the embedded database beside the same writes one after another.

Starts `uvicorn app.asgi:app` (one worker, the embedded mode) on a fresh SQLite database,
signs an admin in (a session with a fresh second factor, made directly in the database),
then creates organizations through the API: N one after another, then N with C at once.
Prints both rates and their ratio: with writers queued inside the process (app/db.py)
concurrency should cost nothing (target: concurrent >= 0.9 x sequential).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.keys import KeyMaterial  # noqa: E402
from app.kit.crypto import Keyring  # noqa: E402
from app.kit.crypto.keyring import generate_master_key  # noqa: E402
from app.kit.crypto.signing import generate_signing_key  # noqa: E402

BOOTSTRAP = """
import asyncio, json, sys
from datetime import UTC, datetime
import pyotp
from app.actors import SYSTEM
from app.auth.passwords import password_hasher
from app.auth.service import create_account
from app.auth.sessions import csrf_token, open_session
from app.config import get_settings
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.keys import install_keys, load_keys
from app.models.identity import TotpFactor
from app.models.users import PlatformRole

async def main():
    settings = get_settings()
    install_keys(load_keys(settings))
    engine = create_engine(settings.database_url)
    async with unit_of_work(create_sessionmaker(engine)) as session:
        user = await create_account(session, actor=SYSTEM, hasher=password_hasher(settings.auth),
            email="bench-admin@example.org", display_name="Bench", password=None,
            platform_roles=frozenset({PlatformRole.ADMIN}))
        factor = TotpFactor(user_id=user.id, confirmed_at=datetime.now(UTC))
        factor.secret = pyotp.random_base32()
        session.add(factor)
        issued = await open_session(session, user_id=user.id, method="password",
            now=datetime.now(UTC), settings=settings.session, user_agent="bench",
            second_factor=True)
    await engine.dispose()
    print(json.dumps({"token": issued.token, "csrf": csrf_token(issued.token)}))

asyncio.run(main())
"""


async def create(http: httpx.AsyncClient, url: str, headers: dict[str, str], n: int) -> int:
    response = await http.post(
        f"{url}/api/organizations",
        json={"name": f"Organization {n}", "short_name": f"O{n}", "country": "LT"},
        headers=headers,
    )
    return response.status_code


async def measure(url: str, headers: dict[str, str], count: int, concurrency: int) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        await create(http, url, headers, -1)  # warm-up
        started = time.perf_counter()
        sequential = [await create(http, url, headers, n) for n in range(count)]
        sequential_rate = count / (time.perf_counter() - started)

        queue = iter(range(count, 2 * count))
        statuses: list[int] = []

        async def client() -> None:
            for n in queue:
                statuses.append(await create(http, url, headers, n))

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        concurrent_rate = count / (time.perf_counter() - started)
    ok = sequential.count(201) + statuses.count(201)
    print(f"organizations created : {ok} of {2 * count} (201)")
    print(f"one after another     : {sequential_rate:7.1f}/s")
    print(f"{concurrency:2d} at once           : {concurrent_rate:7.1f}/s")
    print(f"ratio                 : {concurrent_rate / sequential_rate:7.2f} (target >= 0.9)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        keys = KeyMaterial(Keyring({1: generate_master_key()}, 1), generate_signing_key(), None)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
        env.update(
            {
                "ACCORD_ENV": "test",
                "ACCORD_DATA_DIR": tmp,
                "ACCORD_KEYS__KEYRING": keys.keyring.to_json(),
                "ACCORD_KEYS__AUDIT_SIGNING_KEY": base64.b64encode(keys.audit_signing_key).decode(),
                "ACCORD_FRONTEND_DIST": f"{tmp}/none",
                "ACCORD_MAIL__EMBEDDED_WORKER": "false",
            }
        )
        run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "text": True}
        subprocess.run([sys.executable, "-m", "app.cli", "db", "upgrade"], **run)  # type: ignore[call-overload]
        secrets = json.loads(subprocess.run([sys.executable, "-c", BOOTSTRAP], **run).stdout)  # type: ignore[call-overload]
        headers = {
            "cookie": f"__Host-accord_session={secrets['token']}",
            "x-csrf-token": secrets["csrf"],
        }
        port = 8766
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.asgi:app",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            asyncio.run(measure(url, headers, args.count, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
