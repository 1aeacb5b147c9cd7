"""Sign-ins per second through the real server beside raw Argon2id hashes per second.

Starts `uvicorn app.asgi:app --workers N` on 127.0.0.1 with production Argon2 parameters
against a fresh SQLite database (or --database-url), creates one account per concurrent
client (each account's budget of attempts in flight is small on purpose), then runs a
bounded flood of sign-ins with right passwords and prints throughput, latency percentiles,
the status mix and the server's memory. The ceiling, measured in the same run, is
argon2-cffi verifying the same hash in N processes (the same number as server workers),
before and after the server's run; the higher of the two counts.
Last, it times wrong passwords against unknown emails (account enumeration by timing):
the two medians should be close. --cheap-hash shows what the path beside the hash sustains.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx
from support import ROOT, accord_env, migrate, run_python, wait_ready

from app.auth.passwords import password_hasher
from app.config import AuthSettings

PASSWORD = "violet tractor umbrella 42"  # noqa: S105 - the benchmark account's


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (uvicorn's workers)."""
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1])
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += rss_kib(int(child))
    return total


def _verify_for(seconds: float) -> int:
    hasher = password_hasher(AuthSettings())
    stored = hasher.hash(PASSWORD)
    deadline = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < deadline:
        hasher.verify(stored, PASSWORD)
        n += 1
    return n


def raw_hashes_per_second(seconds: float, processes: int) -> float:
    with ProcessPoolExecutor(processes) as pool:
        return sum(pool.map(_verify_for, [seconds] * processes)) / seconds


async def flood(
    url: str, emails: list[str], total: int, concurrency: int
) -> tuple[list[float], dict[int, int], float]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue = iter(range(total))

    async def client(email: str) -> None:
        async with httpx.AsyncClient(timeout=60) as http:
            for _ in queue:
                started = time.perf_counter()
                response = await http.post(
                    f"{url}/api/auth/sign-in", json={"email": email, "password": PASSWORD}
                )
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    start = time.perf_counter()
    await asyncio.gather(*(client(emails[i % len(emails)]) for i in range(concurrency)))
    return latencies, statuses, time.perf_counter() - start


WRK_SCRIPT = """
local counter = 0
local emails = {%s}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local email = emails[(counter %% #emails) + 1]
  return wrk.format(nil, "/api/auth/sign-in", nil,
    '{"email":"' .. email .. '","password":"%s"}')
end
"""


def wrk_flood(
    url: str, emails: list[str], seconds: int, concurrency: int, tmp: str
) -> tuple[float, dict[str, float], str]:
    """(successful sign-ins/s, latency percentiles in ms, wrk's status line) from wrk, a C
    load generator that leaves the two cores to the server far more than a Python client."""
    script = Path(tmp) / "sign_in.lua"
    script.write_text(WRK_SCRIPT % (", ".join(f'"{e}"' for e in emails), PASSWORD))
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{concurrency}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    duration = float(re.search(r"requests in ([\d.]+)s", out).group(1))  # type: ignore[union-attr]
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: .*", out)
    ok = total - (int(failed.group(1)) if failed else 0)
    percentiles = {}
    for label, value, unit in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
        percentiles[label] = float(value) * scale
    status = f"{total} requests, {total - ok} not 2xx" + (f"; {errors.group(0)}" if errors else "")
    return ok / duration, percentiles, status


async def enumeration_timing(url: str, emails: list[str], rounds: int) -> tuple[float, float]:
    """Median ms of a wrong password for a real account and for an unknown email,
    interleaved so that both meet the same load; one wrong password per account, so that
    no account's budget runs out (a refusal skips the hash and would time nothing)."""
    wrong, unknown = [], []
    async with httpx.AsyncClient(timeout=60) as http:
        for i in range(rounds):
            real = emails[i % len(emails)]
            for target, samples in ((real, wrong), (f"nobody-{i}@example.org", unknown)):
                started = time.perf_counter()
                await http.post(
                    f"{url}/api/auth/sign-in", json={"email": target, "password": "wrong " * 3}
                )
                samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(wrong), statistics.median(unknown)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=8.0, help="ceiling measurement")
    parser.add_argument(
        "--load",
        choices=["wrk", "httpx"],
        default="wrk" if shutil.which("wrk") else "httpx",
        help="load generator (wrk: Debian's wrk, time-bounded; httpx: --requests in Python)",
    )
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk load")
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--cheap-hash",
        action="store_true",
        help="Argon2id at its minimum (t=1, 8 KiB): what the path beside the hash sustains,"
        " where the shared rows' locks show; the ratio to raw Argon2id means nothing then",
    )
    args = parser.parse_args()

    # The ceiling is measured before and after the server's run and the higher one counts:
    # on a shared machine, other work during one of them must not flatter the ratio.
    ceilings = [raw_hashes_per_second(args.seconds, args.workers)]
    with tempfile.TemporaryDirectory() as tmp:
        # One client address sends everything: lift its budget, keep the accounts'.
        env = accord_env(tmp, ACCORD_THROTTLE__ADDRESS_FAILURES="1000000")
        if args.cheap_hash:
            env.update(ACCORD_AUTH__ARGON2_TIME_COST="1", ACCORD_AUTH__ARGON2_MEMORY_KIB="8")
        if args.database_url:
            env["ACCORD_DATABASE__URL"] = args.database_url
        migrate(env)
        emails = [f"bench-{i}@example.org" for i in range(args.concurrency)]
        run_python(env, "-c", BOOTSTRAP, PASSWORD, *emails)
        port = 8765
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.asgi:app",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
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
            before = rss_kib(server.pid)
            if args.load == "wrk":
                rate, percentiles, status_line = wrk_flood(
                    url, emails, args.duration, args.concurrency, tmp
                )
            else:
                latencies, statuses, elapsed = asyncio.run(
                    flood(url, emails, args.requests, args.concurrency)
                )
                rate = statuses.get(200, 0) / elapsed
                cuts = statistics.quantiles(latencies, n=100)
                percentiles = {"50": cuts[49] * 1000, "90": cuts[89] * 1000, "99": cuts[98] * 1000}
                status_line = f"{dict(sorted(statuses.items()))}"
            after = rss_kib(server.pid)
            wrong_ms, unknown_ms = asyncio.run(enumeration_timing(url, emails, 20))
        finally:
            server.terminate()
            server.wait(timeout=10)

    ceilings.append(raw_hashes_per_second(args.seconds, args.workers))
    ceiling = max(ceilings)
    params = AuthSettings()
    print(
        f"argon2id params     : t={params.argon2_time_cost}, m={params.argon2_memory_kib} KiB,"
        f" p={params.argon2_parallelism}"
        + (" for the ceiling; the server's t=1, m=8 KiB (--cheap-hash)" if args.cheap_hash else "")
    )
    load = f"wrk {args.duration} s" if args.load == "wrk" else f"httpx {args.requests} requests"
    print(f"load                : {load}, {args.concurrency} connections, {args.workers} worker(s)")
    print(f"responses           : {status_line}")
    print(f"sign-ins/s (200s)   : {rate:8.1f}")
    print(
        f"raw argon2id/s      : {ceiling:8.1f}  (verify, {args.workers} processes, same parameters;"
        f" before/after the server: {ceilings[0]:.1f} / {ceilings[1]:.1f})"
    )
    print(f"ratio               : {rate / ceiling:8.2f} of the ceiling")
    print(
        f"latency p50/p90/p99 : {percentiles.get('50', 0):.0f} / {percentiles.get('90', 0):.0f}"
        f" / {percentiles.get('99', 0):.0f} ms"
    )
    print(f"server RSS          : {before / 1024:.0f} MiB before, {after / 1024:.0f} MiB after")
    print(
        f"enumeration timing  : wrong password {wrong_ms:.0f} ms, unknown email {unknown_ms:.0f} ms"
        f" (median of 20 each, ratio {unknown_ms / wrong_ms:.2f})"
    )


BOOTSTRAP = """
import asyncio, sys
from app.config import get_settings
from app.keys import install_keys, load_keys
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.auth.service import create_account
from app.auth.passwords import password_hasher
from app.actors import SYSTEM

async def main():
    settings = get_settings()
    install_keys(load_keys(settings))
    engine = create_engine(settings.database_url)
    async with unit_of_work(create_sessionmaker(engine)) as session:
        for email in sys.argv[2:]:
            await create_account(session, actor=SYSTEM, hasher=password_hasher(settings.auth),
                                 email=email, display_name="Bench", password=sys.argv[1])
    await engine.dispose()

asyncio.run(main())
"""


if __name__ == "__main__":
    main()
