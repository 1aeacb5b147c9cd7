"""Throttles live in the database: two server processes share one count."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time

import httpx
import pytest

from app.db import create_engine, create_sessionmaker, unit_of_work
from app.migrate import ROOT
from tests.auth.factories import PASSWORD, make_user
from tests.e2e.conftest import free_port


def _start(port: int, database_url: str, keys, data_dir) -> subprocess.Popen[bytes]:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.update(
        {
            "ACCORD_ENV": "test",
            "ACCORD_DATA_DIR": str(data_dir),
            "ACCORD_DATABASE__URL": database_url,
            "ACCORD_KEYS__KEYRING": keys.keyring.to_json(),
            "ACCORD_KEYS__AUDIT_SIGNING_KEY": base64.b64encode(keys.audit_signing_key).decode(),
            "ACCORD_AUTH__ARGON2_MEMORY_KIB": "64",
            "ACCORD_AUTH__ARGON2_TIME_COST": "1",
            "ACCORD_FRONTEND_DIST": str(data_dir / "none"),
        }
    )
    return subprocess.Popen(
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


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("server process exited")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("server did not start")


async def test_failures_counted_by_two_processes_block_the_account(
    fresh_database_url, test_keys, tmp_path, settings
) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(fresh_database_url)
    async with unit_of_work(create_sessionmaker(engine)) as session:
        email = (await make_user(session)).email
    await engine.dispose()

    ports = [free_port(), free_port()]
    servers = [_start(p, fresh_database_url, test_keys, tmp_path) for p in ports]
    try:
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        for url, server in zip(urls, servers, strict=True):
            _wait_ready(url, server)
        limit = settings.throttle.account_failures
        async with httpx.AsyncClient(timeout=30) as http:
            for attempt in range(limit):
                response = await http.post(
                    f"{urls[attempt % 2]}/api/auth/sign-in",
                    json={"email": email, "password": "not it, not it, not it"},
                )
                assert response.status_code == 401
            # Neither process saw `limit` failures itself; together they did.
            for url in urls:
                blocked = await http.post(
                    f"{url}/api/auth/sign-in", json={"email": email, "password": PASSWORD}
                )
                assert blocked.status_code == 429
                assert blocked.json()["code"] == "too_many_attempts"
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
