"""The worker as it runs for real: concurrent workers, `accord worker`, the embedded task.

Each test has its own migrated database with real commits.
"""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import create_engine, create_sessionmaker, unit_of_work
from app.keys import KeyMaterial
from app.kit.clock import ManualClock
from app.main import create_app
from app.migrate import ROOT
from app.models.outbox import OutboxMessage
from app.notifications.service import enqueue_email
from app.notifications.worker import deliver_due
from tests.conftest import make_settings
from tests.notifications.conftest import SmtpServer, smtp_settings

MESSAGES = 45
WORKERS = 3


@pytest.fixture
async def engine(fresh_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(fresh_database_url)
    yield engine
    await engine.dispose()


async def queue_many(engine: AsyncEngine, count: int, now: datetime) -> list[str]:
    async with unit_of_work(create_sessionmaker(engine)) as session:
        messages = [
            await enqueue_email(
                session,
                kind="new_sign_in",
                to=f"person-{n}@example.org",
                language="ru",
                now=now,
                name=f"Person {n}",
                time="2026-11-28 10:00",
                method="password",
            )
            for n in range(count)
        ]
    return [str(m.id) for m in messages]


async def statuses(engine: AsyncEngine) -> list[tuple[str, int]]:
    async with create_sessionmaker(engine)() as session:
        rows = await session.execute(select(OutboxMessage.status, OutboxMessage.attempts))
        return [(status, attempts) for status, attempts in rows.all()]


async def test_concurrent_workers_send_each_message_exactly_once(
    fresh_database_url: str, engine: AsyncEngine, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    clock = ManualClock()
    settings = smtp_settings(fresh_database_url, tmp_path, smtp_server.port)
    ids = await queue_many(engine, MESSAGES, clock.now())

    async def worker() -> int:
        # An engine per worker: its own connection, as in another process.
        own = create_engine(fresh_database_url, pool_size=1)
        sessions = create_sessionmaker(own)
        delivered = 0
        try:
            while sent := await deliver_due(sessions, settings, clock, limit=4):
                delivered += sent
        finally:
            await own.dispose()
        return delivered

    delivered = await asyncio.gather(*(worker() for _ in range(WORKERS)))

    assert sum(delivered) == MESSAGES
    sent_ids = Counter(
        r.message["Message-ID"].strip("<>").split("@")[0] for r in smtp_server.received
    )
    assert sorted(sent_ids) == sorted(ids)
    assert set(sent_ids.values()) == {1}
    # Every message was claimed once: a second claim would have counted a second attempt.
    assert set(await statuses(engine)) == {("sent", 1)}


@pytest.fixture
def cli_env(
    fresh_database_url: str, test_keys: KeyMaterial, tmp_path: Path, smtp_server: SmtpServer
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.update(
        ACCORD_DATA_DIR=str(tmp_path / "data"),
        ACCORD_DATABASE__URL=fresh_database_url,
        ACCORD_KEYS__KEYRING=test_keys.keyring.to_json(),
        ACCORD_KEYS__AUDIT_SIGNING_KEY=base64.b64encode(test_keys.audit_signing_key).decode(),
        ACCORD_MAIL__MODE="smtp",
        ACCORD_MAIL__SMTP_HOST="127.0.0.1",
        ACCORD_MAIL__SMTP_PORT=str(smtp_server.port),
        ACCORD_MAIL__SMTP_SECURITY="none",
    )
    return env


async def accord(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


class TestWorkerCommand:
    async def test_once_delivers_what_is_due_and_exits(
        self, cli_env: dict[str, str], engine: AsyncEngine, smtp_server: SmtpServer
    ) -> None:
        ids = await queue_many(engine, 25, datetime.now(UTC))  # more than one batch

        process = await accord(cli_env, "worker", "--once")
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)

        assert process.returncode == 0, err.decode()
        assert "delivered 25 messages" in out.decode()
        assert sorted(
            r.message["Message-ID"].strip("<>").split("@")[0] for r in smtp_server.received
        ) == sorted(ids)
        assert set(await statuses(engine)) == {("sent", 1)}
        assert "person-" not in err.decode()  # the log names no recipient

    async def test_runs_until_sigterm_and_stops_cleanly(
        self, cli_env: dict[str, str], engine: AsyncEngine, smtp_server: SmtpServer
    ) -> None:
        await queue_many(engine, 1, datetime.now(UTC))
        process = await accord(cli_env, "worker")
        assert process.stderr is not None
        lines: list[str] = []
        # The first pass runs as soon as the loop starts: wait for its log line.
        while "outbox pass" not in (
            line := (await asyncio.wait_for(process.stderr.readline(), 60)).decode()
        ):
            assert line, "".join(lines)  # the process ended early
            lines.append(line)

        process.send_signal(signal.SIGTERM)
        _, rest = await asyncio.wait_for(process.communicate(), timeout=30)

        assert process.returncode == 0, rest.decode()
        assert "outbox worker stopped" in rest.decode()
        assert len(smtp_server.received) == 1

    async def test_refuses_to_run_in_production_with_mail_mode_dev(
        self, cli_env: dict[str, str]
    ) -> None:
        env = cli_env | {"ACCORD_ENV": "production", "ACCORD_MAIL__MODE": "dev"}

        process = await accord(env, "worker", "--once")
        _, err = await asyncio.wait_for(process.communicate(), timeout=60)

        assert process.returncode == 1
        assert "ACCORD_MAIL__MODE must be smtp" in err.decode()


class TestEmbeddedWorker:
    async def test_the_server_delivers_mail_in_development(
        self, fresh_database_url: str, engine: AsyncEngine, tmp_path: Path, test_keys: KeyMaterial
    ) -> None:
        [message_id] = await queue_many(engine, 1, datetime.now(UTC))
        app = create_app(
            make_settings(fresh_database_url, tmp_path, env="development"), keys=test_keys
        )

        async with app.router.lifespan_context(app):
            worker = app.state.outbox_worker
            assert worker is not None and worker.running
            await asyncio.wait_for(worker.passed.wait(), timeout=30)
            assert (tmp_path / "mail" / f"{message_id}.eml").exists()

        assert not worker.running
        assert await statuses(engine) == [("sent", 1)]

    @pytest.mark.parametrize(("env", "embedded"), [("test", True), ("development", False)])
    async def test_no_worker_in_tests_or_when_turned_off(
        self,
        env: str,
        embedded: bool,
        fresh_database_url: str,
        tmp_path: Path,
        test_keys: KeyMaterial,
    ) -> None:
        settings = make_settings(
            fresh_database_url, tmp_path, env=env, mail={"embedded_worker": embedded}
        )
        app = create_app(settings, keys=test_keys)

        async with app.router.lifespan_context(app):
            assert app.state.outbox_worker is None
