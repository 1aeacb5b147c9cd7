"""Real server processes for tests of what must hold across workers (throttles, limits,
optimistic concurrency): `uvicorn app.asgi:app` on free ports against one database."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from app.migrate import ROOT
from tests.e2e.conftest import free_port


def start_server(port: int, database_url: str, keys, data_dir) -> subprocess.Popen[bytes]:  # type: ignore[no-untyped-def]
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


def wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    # Generous: importing the app takes seconds of CPU, and on a loaded 2-core CI machine two
    # servers starting at once missed a 30 s deadline (setup errors, not test failures).
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("server process exited")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("server did not start")


@pytest.fixture
async def two_servers(fresh_database_url, test_keys, tmp_path) -> AsyncIterator[list[str]]:  # type: ignore[no-untyped-def]
    """Two server processes on one fresh database; yields their base URLs."""
    ports = [free_port(), free_port()]
    servers = [start_server(p, fresh_database_url, test_keys, tmp_path) for p in ports]
    try:
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        for url, server in zip(urls, servers, strict=True):
            wait_ready(url, server)
        yield urls
    finally:
        # Both told to stop first; one that hangs (a deadlock under test) is killed, so no
        # server outlives the run holding its port and database.
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
