"""A real SMTP server (aiosmtpd) on 127.0.0.1 that records what it receives.

It can be told to answer 451 (try again later) for the next N messages, quoting the
recipient back the way real relays do, so tests can check that the reply never reaches
the database or the logs.
"""

from __future__ import annotations

import email
import email.policy
import io
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from app.config import Settings
from app.kit.clock import ManualClock
from app.logs import JsonFormatter
from tests.conftest import make_settings

# A string only the relay's refusal contains: if it shows up anywhere, the reply leaked.
RELAY_CANARY = "relay-canary-7f3a9c"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)
    refuse_next: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.refuse_next > 0:
                self.refuse_next -= 1
                return f"451 4.3.0 {RELAY_CANARY}: mailbox of {envelope.rcpt_tos[0]} busy"
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), parsed)  # type: ignore[arg-type]
            )
        return "250 2.0.0 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            login = (auth_data.login.decode(), auth_data.password.decode())
            self.logins.append(login)
            return AuthResult(success=login == ("relay-user", "relay-pass"))
        return AuthResult(success=False)


@dataclass
class SmtpServer:
    handler: RecordingHandler
    port: int

    @property
    def received(self) -> list[Received]:
        return self.handler.received


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(**smtp_options: Any) -> Iterator[SmtpServer]:
    handler = RecordingHandler()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=_free_port(),
        server_hostname="relay.test",
        **smtp_options,
    )
    controller.start()
    try:
        yield SmtpServer(handler, controller.port)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    yield from _serve()


@pytest.fixture
def smtp_server_with_login() -> Iterator[SmtpServer]:
    handler_box: list[RecordingHandler] = []

    def authenticator(*args: Any) -> AuthResult:
        return handler_box[0].authenticate(*args)

    for server in _serve(authenticator=authenticator, auth_require_tls=False):
        handler_box.append(server.handler)
        yield server


def smtp_settings(database_url: str, data_dir: Path, port: int, **mail: object) -> Settings:
    values: dict[str, object] = {
        "mode": "smtp",
        "from_address": "Accord Coalition <noreply@accord.example.org>",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": "none",
        "smtp_timeout_seconds": 10,
        "max_attempts": 3,
    }
    values.update(mail)
    return make_settings(database_url, data_dir, mail=values)


@pytest.fixture
def mail_settings(database_url: str, tmp_path: Path, smtp_server: SmtpServer) -> Settings:
    return smtp_settings(database_url, tmp_path, smtp_server.port)


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Every log line this process writes, as the production formatter renders it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    # The test relay's own log ("mail.log") is the outside world, not ours.
    handler.addFilter(lambda record: not record.name.startswith("mail.log"))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)
