"""A real server (`accord serve`, as `make run` starts it) and Debian's Chromium."""

from __future__ import annotations

import email
import email.policy
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, async_playwright

from app.migrate import ROOT
from tests.support.databases import create_database, drop_database, using_postgres

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DIST = ROOT / "frontend" / "dist"


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    output: Path
    process: subprocess.Popen[bytes]
    # The server's ACCORD_* settings: a script run with them works on its database and keys.
    settings: dict[str, str]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def spooled_mail(server: LiveServer, to: str, subject: str) -> list[EmailMessage]:
    """Messages to ``to`` with ``subject`` in the server's mail spool (file mode), oldest
    first."""
    found = []
    for path in sorted(
        Path(server.data_dir, "mail").glob("*.eml"), key=lambda p: p.stat().st_mtime
    ):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        if message["To"] == to and message["Subject"] == subject:
            found.append(message)
    return found


def awaited_mail(server: LiveServer, to: str, subject: str, *, seconds: float = 30) -> EmailMessage:
    """The newest such message, waiting for the worker to deliver it (a second or two)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := spooled_mail(server, to, subject):
            return found[-1]
        time.sleep(0.3)
    raise AssertionError(f"no message {subject!r} to {to} in the mail spool")


def first_admin(server: LiveServer) -> tuple[str, str]:
    """The email and one-time password of the first admin: written by `accord serve` to
    <data dir>/first-admin.txt (0600) and printed after the server's start-up lines, as
    the last thing on the terminal."""
    written = server.data_dir / "first-admin.txt"
    assert written.stat().st_mode & 0o777 == 0o600
    text = written.read_text()
    found_email = re.search(r"email:\s+(\S+)", text)
    found_password = re.search(r"password:\s+(\S+)", text)
    assert found_email and found_password, text
    password = found_password.group(1)
    deadline = time.monotonic() + 10
    while password not in server.output.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    printed = server.output.read_text()
    assert password in printed, f"the credentials were not shown:\n{printed}"
    assert printed.index("Application startup complete") < printed.index(password)
    return found_email.group(1), password


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    data_dir: Path,
    *,
    database_url: str | None = None,
    extra_env: dict[str, str] | None = None,
    public_url: bool = True,
) -> LiveServer:
    """`accord serve --port <free port>`; with ``public_url`` False the server derives its
    public URL from the port, as a newcomer's `make run` on another port does."""
    if not (DIST / "index.html").is_file():
        pytest.fail("frontend/dist is missing: run `make test` (it builds the frontend first)")
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ACCORD_") or key == "ACCORD_TEST_DATABASE_URL"
    }
    env.update(
        {
            "ACCORD_ENV": "development",
            "ACCORD_DATA_DIR": str(data_dir),
            "ACCORD_FRONTEND_DIST": str(DIST),
            "ACCORD_AUTH__ARGON2_MEMORY_KIB": "1024",
        }
    )
    if public_url:
        env["ACCORD_HTTP__PUBLIC_URL"] = f"http://localhost:{port}"
    if database_url:
        env["ACCORD_DATABASE__URL"] = database_url
    env.update(extra_env or {})
    output = data_dir.parent / f"server-{port}.log"
    with output.open("wb") as sink:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    settings = {key: value for key, value in env.items() if key.startswith("ACCORD_")}
    server = LiveServer(f"http://localhost:{port}", data_dir, output, process, settings)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited early:\n{output.read_text()}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.stop()
    pytest.fail(f"server did not answer in time:\n{output.read_text()}")


@pytest.fixture(scope="session")
async def server_database(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str | None]:
    if not using_postgres():
        yield None  # the embedded SQLite under the data dir, as `make run` uses
        return
    url = await create_database(tmp_path_factory.mktemp("e2e-db"), "e2e", migrate=False)
    yield url
    await drop_database(url)


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, server_database: str | None
) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("e2e") / "data", database_url=server_database)
    yield server
    server.stop()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        await instance.close()


OwnServer = Callable[..., Awaitable[LiveServer]]


@pytest.fixture
async def own_server(tmp_path: Path) -> AsyncIterator[OwnServer]:
    """Starts servers that belong to one test: a fresh data dir and (on PostgreSQL) a fresh
    database each, so a test may use up the first admin's one-time password."""
    servers: list[LiveServer] = []
    databases: list[str] = []

    async def start(
        extra_env: dict[str, str] | None = None, *, public_url: bool = True
    ) -> LiveServer:
        home = tmp_path / f"server{len(servers)}"
        home.mkdir()
        database_url = None
        if using_postgres():
            database_url = await create_database(tmp_path, f"e2e_{home.name}", migrate=False)
            databases.append(database_url)
        server = start_server(
            home / "data", database_url=database_url, extra_env=extra_env, public_url=public_url
        )
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
    for database_url in databases:
        await drop_database(database_url)
