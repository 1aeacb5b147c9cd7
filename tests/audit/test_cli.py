"""`accord audit verify` and `accord audit checkpoint`, run as the operator runs them."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.keys import KeyMaterial
from app.migrate import ROOT
from tests.audit.conftest import (
    CHECKPOINTS,
    append_one_per_transaction,
    delete_events_from,
    set_event,
    store_raw_details,
    tamper,
)


@dataclass
class Result:
    code: int
    out: str


@pytest.fixture
def cli_env(fresh_database_url: str, test_keys: KeyMaterial, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.update(
        ACCORD_ENV="test",
        ACCORD_DATA_DIR=str(tmp_path / "data"),
        ACCORD_DATABASE__URL=fresh_database_url,
        ACCORD_KEYS__KEYRING=test_keys.keyring.to_json(),
        ACCORD_KEYS__AUDIT_SIGNING_KEY=base64.b64encode(test_keys.audit_signing_key).decode(),
    )
    return env


@pytest.fixture
async def accord(cli_env: dict[str, str]):  # type: ignore[no-untyped-def]
    async def run(*args: str) -> Result:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app.cli",
            *args,
            cwd=ROOT,
            env=cli_env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await process.communicate()
        return Result(process.returncode or 0, out.decode())

    return run


@pytest.fixture
async def log(sessions: async_sessionmaker[AsyncSession]) -> None:
    await append_one_per_transaction(sessions, 3)


@pytest.mark.usefixtures("log")
class TestVerify:
    async def test_an_intact_log_exits_0(self, accord) -> None:  # type: ignore[no-untyped-def]
        result = await accord("audit", "verify")

        assert result.code == 0, result.out
        assert "3 events, 3 checkpoints checked" in result.out
        assert "audit log intact" in result.out
        assert "PROBLEM" not in result.out

    async def test_a_tampered_log_exits_1_with_a_problem_line(
        self,
        accord,  # type: ignore[no-untyped-def]
        engine: AsyncEngine,
    ) -> None:
        await tamper(engine, set_event(2, action="member.removed"))

        result = await accord("audit", "verify")

        assert result.code == 1
        assert "PROBLEM: event 2: content does not match its hash" in result.out.splitlines()
        assert "audit log verification FAILED" in result.out
        assert "audit log intact" not in result.out

    async def test_undecodable_details_are_a_problem_line_and_the_rest_is_checked(
        self,
        accord,  # type: ignore[no-untyped-def]
        engine: AsyncEngine,
    ) -> None:
        # TEXT that is not UTF-8 on SQLite; the same bytes as a blob on PostgreSQL.
        await tamper(engine, store_raw_details(engine, 2, b"\xff\xfe\x80 \xc3\x28", as_text=True))
        await tamper(engine, set_event(3, action="member.removed"))

        result = await accord("audit", "verify")

        assert result.code == 1, result.out
        lines = result.out.splitlines()
        assert "PROBLEM: event 2: details do not decrypt (altered or moved)" in lines
        assert "PROBLEM: event 3: content does not match its hash" in lines
        assert "3 events, 3 checkpoints checked" in lines
        assert "audit log verification FAILED" in lines
        assert "Traceback" not in result.out

    async def test_a_verification_that_cannot_finish_is_a_problem_line(
        self,
        accord,  # type: ignore[no-untyped-def]
        cli_env: dict[str, str],
        tmp_path: Path,
    ) -> None:
        cli_env["ACCORD_DATABASE__URL"] = f"sqlite:///{tmp_path}/missing/dir/accord.db"

        result = await accord("audit", "verify")

        assert result.code == 1, result.out
        assert result.out.splitlines()[0].startswith("PROBLEM: verification stopped: ")
        assert "audit log verification FAILED" in result.out
        assert "Traceback" not in result.out


@pytest.mark.usefixtures("log")
class TestCheckpoint:
    async def test_checkpoint_writes_a_signed_document_of_the_head(
        self,
        accord,  # type: ignore[no-untyped-def]
        test_keys: KeyMaterial,
        tmp_path: Path,
    ) -> None:
        saved = tmp_path / "checkpoint.json"

        result = await accord("audit", "checkpoint", "--output", str(saved))

        assert result.code == 0, result.out
        document = json.loads(saved.read_text())
        assert document["format"] == "accord-audit-checkpoint/1"
        assert document["size"] == 3
        assert base64.b64decode(document["public_key"]) == test_keys.audit_public_key
        verified = await accord("audit", "verify", "--checkpoint", str(saved))
        assert verified.code == 0, verified.out
        assert "3 events, 5 checkpoints checked" in verified.out

    async def test_a_saved_checkpoint_detects_truncation(
        self,
        accord,  # type: ignore[no-untyped-def]
        engine: AsyncEngine,
        tmp_path: Path,
    ) -> None:
        saved = tmp_path / "offsite.json"
        assert (await accord("audit", "checkpoint", "--output", str(saved))).code == 0
        await tamper(
            engine, delete_events_from(2), delete(CHECKPOINTS).where(CHECKPOINTS.c.size >= 2)
        )
        assert (await accord("audit", "verify")).code == 0

        result = await accord("audit", "verify", "--checkpoint", str(saved))

        assert result.code == 1
        assert (
            "PROBLEM: checkpoint at 3 (offsite.json): the log has only 1 events"
            " — truncated after the checkpoint"
        ) in result.out.splitlines()
        assert "audit log verification FAILED" in result.out
