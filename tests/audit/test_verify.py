"""verify_audit_log against an attacker who can write to the database but holds no keys."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.audit.chain import chain_hash, checkpoint_message, event_body
from app.audit.export import checkpoint_now, read_checkpoint
from app.audit.verify import Checkpoint
from app.keys import KeyMaterial
from app.kit.crypto.signing import generate_signing_key, sign
from app.models.base import new_id
from tests.audit.conftest import (
    CHECKPOINTS,
    EVENTS,
    HEAD,
    append,
    append_one_per_transaction,
    delete_events_from,
    set_event,
    store_raw_details,
    stored_events,
    tamper,
    verify,
)
from tests.support.keys import fresh_keys

SIZE = 6


@pytest.fixture
async def log(sessions: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    """Six events, each committed in its own transaction: checkpoints at 1..6."""
    await append_one_per_transaction(sessions, SIZE)
    return sessions


def _any_problem(problems: list[str], *fragments: str) -> bool:
    return any(all(f in p for f in fragments) for p in problems)


class TestIntactLog:
    async def test_an_intact_log_verifies(
        self, log: async_sessionmaker[AsyncSession], test_keys: KeyMaterial
    ) -> None:
        report = await verify(log, test_keys)

        assert report.ok, report.problems
        assert (report.events, report.checkpoints) == (SIZE, SIZE)

    async def test_an_empty_log_verifies(
        self, sessions: async_sessionmaker[AsyncSession], test_keys: KeyMaterial
    ) -> None:
        report = await verify(sessions, test_keys)

        assert report.ok
        assert (report.events, report.checkpoints) == (0, 0)

    async def test_a_checkpoint_of_the_empty_log_verifies(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
        tmp_path: Path,
    ) -> None:
        path = tmp_path / "empty.json"
        path.write_text(json.dumps(await checkpoint_now(engine)))

        report = await verify(sessions, test_keys, [read_checkpoint(path)])

        assert report.ok, report.problems
        assert report.checkpoints == 2

    async def test_a_log_signed_by_another_key_is_reported(
        self, log: async_sessionmaker[AsyncSession]
    ) -> None:
        other = fresh_keys()

        report = await verify(log, other)

        assert len(report.problems) == SIZE
        assert all("signature is not valid" in p for p in report.problems)


class TestModifiedEvent:
    @pytest.mark.parametrize(
        "values",
        [
            {"action": "member.removed"},
            {"target_id": "t-someone-else"},
            {"target_type": "appeal"},
            {"actor_id": uuid.UUID(int=1)},
            {"actor_type": "system"},
            {"occurred_at": datetime(2020, 1, 1, tzinfo=UTC)},
        ],
        ids=lambda values: next(iter(values)),
    )
    async def test_a_modified_event_is_reported(
        self,
        engine: AsyncEngine,
        log: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
        values: dict[str, object],
    ) -> None:
        await tamper(engine, set_event(3, **values))

        report = await verify(log, test_keys)

        assert report.problems == ["event 3: content does not match its hash"]

    async def test_details_moved_from_another_event_are_reported(
        self, engine: AsyncEngine, log: async_sessionmaker[AsyncSession], test_keys: KeyMaterial
    ) -> None:
        events = await stored_events(engine)
        await tamper(engine, set_event(3, details_ct=events[1].details_ct))

        report = await verify(log, test_keys)

        assert report.problems == ["event 3: details do not decrypt (altered or moved)"]

    @pytest.mark.parametrize("position", [0, 5, 20, -1])
    async def test_details_with_a_flipped_byte_are_reported(
        self,
        engine: AsyncEngine,
        log: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
        position: int,
    ) -> None:
        blob = bytearray((await stored_events(engine))[2].details_ct)
        blob[position] ^= 0x01
        await tamper(engine, set_event(3, details_ct=bytes(blob)))

        report = await verify(log, test_keys)

        assert report.problems == ["event 3: details do not decrypt (altered or moved)"]


class TestDeletedInsertedReordered:
    async def test_a_deleted_event_in_the_middle_is_reported(
        self, engine: AsyncEngine, log: async_sessionmaker[AsyncSession], test_keys: KeyMaterial
    ) -> None:
        await tamper(engine, delete(EVENTS).where(EVENTS.c.seq == 3))

        report = await verify(log, test_keys)

        assert _any_problem(report.problems, "sequence break", "expected event 3, found 4")
        assert "event 4: link to the previous event is broken" in report.problems
        assert _any_problem(report.problems, "checkpoint at 3", "rewritten")

    async def test_an_inserted_forged_event_is_reported(
        self, engine: AsyncEngine, log: async_sessionmaker[AsyncSession], test_keys: KeyMaterial
    ) -> None:
        events = await stored_events(engine)
        # Make room at 3 (two steps: the unique index on seq is checked row by row), then
        # insert a forgery that links correctly to event 2 and carries a correct hash over
        # its own fields; its details are copied, as the attacker cannot encrypt.
        forged_id, at = new_id(), datetime.now(UTC)
        body = event_body(
            seq=3,
            event_id=forged_id,
            occurred_at=at,
            actor_type="system",
            actor_id=None,
            action="member.approved",
            target_type="member",
            target_id="m-1",
            details={},
        )
        forged = {
            "id": forged_id,
            "seq": 3,
            "occurred_at": at,
            "actor_type": "system",
            "actor_id": None,
            "action": "member.approved",
            "target_type": "member",
            "target_id": "m-1",
            "details_ct": events[2].details_ct,
            "prev_hash": events[1].hash,
            "hash": chain_hash(events[1].hash, body),
        }
        await tamper(
            engine,
            update(EVENTS).where(EVENTS.c.seq >= 3).values(seq=-EVENTS.c.seq),
            update(EVENTS).where(EVENTS.c.seq < 0).values(seq=-EVENTS.c.seq + 1),
            insert(EVENTS).values(**forged),
            update(HEAD).values(seq=SIZE + 1),
        )

        report = await verify(log, test_keys)

        assert [e.seq for e in await stored_events(engine)] == list(range(1, SIZE + 2))
        assert not _any_problem(report.problems, "sequence break")
        assert "event 3: details do not decrypt (altered or moved)" in report.problems
        assert "event 4: link to the previous event is broken" in report.problems
        for seq in range(4, SIZE + 2):
            assert f"event {seq}: content does not match its hash" in report.problems

    async def test_two_swapped_events_are_reported(
        self, engine: AsyncEngine, log: async_sessionmaker[AsyncSession], test_keys: KeyMaterial
    ) -> None:
        await tamper(
            engine,
            set_event(3, seq=-1),
            set_event(4, seq=3),
            set_event(-1, seq=4),
        )

        report = await verify(log, test_keys)

        assert not report.ok
        for seq in (3, 4, 5):
            assert f"event {seq}: link to the previous event is broken" in report.problems
        for seq in (3, 4):
            assert f"event {seq}: content does not match its hash" in report.problems


class TestTruncation:
    async def test_truncation_with_its_checkpoints_is_reported_against_an_external_checkpoint(
        self,
        engine: AsyncEngine,
        log: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
        tmp_path: Path,
    ) -> None:
        saved = tmp_path / "offsite-checkpoint.json"
        saved.write_text(json.dumps(await checkpoint_now(engine)))
        await tamper(
            engine, delete_events_from(5), delete(CHECKPOINTS).where(CHECKPOINTS.c.size >= 5)
        )
        # What is left in the database is consistent in itself ...
        assert (await verify(log, test_keys)).ok

        report = await verify(log, test_keys, [read_checkpoint(saved)])

        # ... and only the checkpoint kept elsewhere shows what is missing.
        assert report.problems == [
            f"checkpoint at {SIZE} (offsite-checkpoint.json): the log has only 4 events"
            " — truncated after the checkpoint"
        ]

    async def test_truncation_is_reported_by_the_stored_checkpoints(
        self, engine: AsyncEngine, log: async_sessionmaker[AsyncSession], test_keys: KeyMaterial
    ) -> None:
        await tamper(engine, delete_events_from(5))

        report = await verify(log, test_keys)

        assert report.problems == [
            f"checkpoint at {size} (database): the log has only 4 events"
            " — truncated after the checkpoint"
            for size in (5, 6)
        ]

    async def test_an_external_checkpoint_detects_a_rewritten_tail(
        self,
        engine: AsyncEngine,
        log: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
        tmp_path: Path,
    ) -> None:
        saved = tmp_path / "offsite.json"
        saved.write_text(json.dumps(await checkpoint_now(engine)))
        # The attacker truncates to 4 (events and checkpoints), resets the head and lets the
        # application append two fresh events: the log is as long as before, and consistent.
        events = await stored_events(engine)
        await tamper(
            engine,
            delete_events_from(5),
            delete(CHECKPOINTS).where(CHECKPOINTS.c.size >= 5),
            update(HEAD).values(seq=4, hash=events[3].hash),
        )
        await append(log, 2)
        assert (await verify(log, test_keys)).ok

        report = await verify(log, test_keys, [read_checkpoint(saved)])

        assert report.problems == [
            f"checkpoint at {SIZE} (offsite.json): the event it signed has been rewritten"
        ]


class TestRehashedTail:
    async def test_a_rewritten_and_rehashed_last_event_is_reported_by_its_checkpoint(
        self, engine: AsyncEngine, log: async_sessionmaker[AsyncSession], test_keys: KeyMaterial
    ) -> None:
        last = (await stored_events(engine))[-1]
        # The attacker knows (or guesses) the details and re-hashes; the chain is keyless.
        body = event_body(
            seq=last.seq,
            event_id=last.id,
            occurred_at=last.occurred_at,
            actor_type=last.actor_type,
            actor_id=last.actor_id,
            action="member.declined",
            target_type=last.target_type,
            target_id=last.target_id,
            details={"n": SIZE - 1, "org": f"org-{SIZE - 1}"},
        )
        digest = chain_hash(last.prev_hash, body)
        await tamper(
            engine,
            set_event(last.seq, action="member.declined", hash=digest),
            update(HEAD).values(hash=digest),
        )

        report = await verify(log, test_keys)

        # The chain itself is consistent again; only the signed checkpoint gives it away.
        assert report.problems == [
            f"checkpoint at {SIZE} (database): the event it signed has been rewritten"
        ]


class TestForgedCheckpoints:
    async def test_a_checkpoint_signed_with_another_key_is_reported(
        self, engine: AsyncEngine, log: async_sessionmaker[AsyncSession], test_keys: KeyMaterial
    ) -> None:
        last = (await stored_events(engine))[-1]
        at = datetime.now(UTC)
        signature = sign(generate_signing_key(), checkpoint_message(SIZE, last.hash, at))
        await tamper(
            engine,
            insert(CHECKPOINTS).values(
                id=new_id(), size=SIZE, head_hash=last.hash, created_at=at, signature=signature
            ),
        )

        report = await verify(log, test_keys)

        assert report.problems == [f"checkpoint at {SIZE} (database): signature is not valid"]

    @pytest.mark.parametrize(
        "values",
        [{"size": 2}, {"head_hash": bytes(32)}, {"signature": bytes(64)}],
        ids=lambda values: next(iter(values)),
    )
    async def test_an_altered_stored_checkpoint_is_reported(
        self,
        engine: AsyncEngine,
        log: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
        values: dict[str, object],
    ) -> None:
        await tamper(engine, update(CHECKPOINTS).where(CHECKPOINTS.c.size == 4).values(**values))

        report = await verify(log, test_keys)

        assert len(report.problems) == 1
        assert report.problems[0].endswith("(database): signature is not valid")

    async def test_an_external_checkpoint_with_a_bad_signature_is_reported(
        self,
        engine: AsyncEngine,
        log: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
    ) -> None:
        async with log() as session:
            tip = bytes(await session.scalar(select(HEAD.c.hash)))
        forged = Checkpoint(
            size=SIZE,
            head_hash=tip,
            created_at=datetime.now(UTC),
            signature=bytes(64),
            source="forged.json",
        )

        report = await verify(log, test_keys, [forged])

        assert report.problems == [f"checkpoint at {SIZE} (forged.json): signature is not valid"]


class TestUndecodableDetails:
    """Whatever an attacker writes into ``details_ct`` — even TEXT that is not UTF-8, which
    SQLite's dynamic typing lets a raw UPDATE store in a BLOB column — is one PROBLEM for that
    event, and the rest of the chain is still checked."""

    @pytest.mark.parametrize(
        "stored",
        [
            pytest.param((b"\xff\xfe\x80 not utf-8 \xc3\x28", "text"), id="invalid-utf8-text"),
            pytest.param((b"plain words, no ciphertext", "text"), id="utf8-text"),
            pytest.param((b"\xff\xfe\x80 not utf-8 \xc3\x28", "bytes"), id="invalid-utf8-bytes"),
            pytest.param((b"", "bytes"), id="empty"),
        ],
    )
    async def test_undecodable_details_are_reported_and_checking_goes_on(
        self,
        engine: AsyncEngine,
        log: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
        stored: tuple[bytes, str],
    ) -> None:
        payload, kind = stored
        await tamper(engine, store_raw_details(engine, 3, payload, as_text=kind == "text"))
        await tamper(engine, set_event(5, action="member.removed"))

        report = await verify(log, test_keys)

        assert report.events == SIZE
        assert report.checkpoints == SIZE
        assert report.problems == [
            "event 3: details do not decrypt (altered or moved)",
            "event 5: content does not match its hash",
        ]


@pytest.fixture
def sqlite_only(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("only SQLite stores a value of another type than its column's")


def _store_text(table: str, column: str, where: str, value: bytes) -> Any:
    return text(f"UPDATE {table} SET {column} = CAST(:value AS TEXT) WHERE {where}").bindparams(
        value=value
    )


@pytest.mark.usefixtures("sqlite_only")
class TestUnreadableRows:
    """A row the database cannot even hand over is one problem; the walk goes on."""

    @pytest.mark.parametrize(
        ("column", "value"),
        [
            ("action", b"\xff\xfe not utf-8"),
            ("hash", b"\xff\xfe not utf-8"),
            ("occurred_at", b"not a time"),
            ("actor_id", b"not a uuid"),
        ],
    )
    async def test_an_unreadable_event_is_reported_and_checking_goes_on(
        self,
        engine: AsyncEngine,
        log: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
        column: str,
        value: bytes,
    ) -> None:
        await tamper(engine, _store_text("audit_events", column, "seq = 3", value))
        await tamper(engine, set_event(5, action="member.removed"))

        report = await verify(log, test_keys)

        assert report.events == SIZE
        assert len(report.problems) == 3, report.problems
        assert report.problems[0].startswith("event 3: its stored values cannot be read (")
        assert "event 5: content does not match its hash" in report.problems
        # What checkpoint 3 signed can no longer be confirmed.
        assert "checkpoint at 3 (database): the event it signed has been rewritten" in (
            report.problems
        )

    @pytest.mark.parametrize(
        ("column", "problem"),
        [
            ("head_hash", "checkpoint at 2 (database): signature is not valid"),
            ("created_at", "stored checkpoints cannot be read (OperationalError; altered)"),
        ],
    )
    async def test_an_unreadable_stored_checkpoint_is_reported_and_the_chain_is_checked(
        self,
        engine: AsyncEngine,
        log: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
        column: str,
        problem: str,
    ) -> None:
        await tamper(engine, _store_text("audit_checkpoints", column, "size = 2", b"\xff\xfe"))
        await tamper(engine, set_event(5, action="member.removed"))

        report = await verify(log, test_keys)

        assert report.events == SIZE
        assert sorted(report.problems) == sorted(
            [problem, "event 5: content does not match its hash"]
        )
