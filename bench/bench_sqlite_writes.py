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
import subprocess
import sys
import tempfile
import time

import httpx
from support import ROOT, accord_env, migrate, signed_in_admin, wait_ready


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
        env = accord_env(tmp)
        migrate(env)
        headers = signed_in_admin(env)
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
            wait_ready(f"{url}/healthz")
            asyncio.run(measure(url, headers, args.count, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
