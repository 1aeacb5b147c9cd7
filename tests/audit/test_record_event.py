"""record_event: the chain, one signed checkpoint per transaction (at a cadence of one
event: tests/audit/conftest.py), encrypted details, the vocabulary."""

from __future__ import annotations

import base64
import itertools

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.actors import SYSTEM, user_actor
from app.audit import AuditAction, record_event
from app.audit.chain import checkpoint_message
from app.audit.service import event_details
from app.db import unit_of_work
from app.keys import KeyMaterial
from app.kit.crypto.signing import verify_signature
from app.models.audit import GENESIS_HASH, AuditEvent
from app.models.base import new_id
from tests.audit.conftest import (
    CHECKPOINTS,
    EVENTS,
    append,
    stored_checkpoints,
    stored_events,
    stored_head,
    verify,
)


class TestChain:
    async def test_events_are_numbered_from_one_without_gaps(
        self, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        await append(sessions, 2)
        await append(sessions, 3)

        assert [e.seq for e in await stored_events(engine)] == [1, 2, 3, 4, 5]

    async def test_each_event_links_to_the_hash_of_the_one_before(
        self, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        await append(sessions, 2)
        await append(sessions, 2)

        events = await stored_events(engine)
        assert events[0].prev_hash == GENESIS_HASH
        for before, after in itertools.pairwise(events):
            assert after.prev_hash == before.hash
        assert len({e.hash for e in events}) == 4

    async def test_audit_head_follows_the_last_event(
        self, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        await append(sessions, 3)

        head = await stored_head(engine)
        last = (await stored_events(engine))[-1]
        assert (head.seq, head.hash) == (3, last.hash)

    async def test_actor_action_and_target_are_stored_as_given(
        self, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        actor = user_actor(new_id())
        async with unit_of_work(sessions) as session:
            await record_event(
                session,
                actor=actor,
                action=AuditAction.ORGANIZATION_UPDATED,
                target=("organization", "a-42"),
            )

        (event,) = await stored_events(engine)
        assert (event.actor_type, event.actor_id) == ("user", actor.user_id)
        assert (event.action, event.target_type, event.target_id) == (
            "organization.updated",
            "organization",
            "a-42",
        )


class TestCheckpoints:
    async def test_each_committed_transaction_that_appended_gets_one_signed_checkpoint(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
    ) -> None:
        await append(sessions, 2)
        await append(sessions, 1)

        events = await stored_events(engine)
        checkpoints = await stored_checkpoints(engine)
        assert [(c.size, c.head_hash) for c in checkpoints] == [
            (2, events[1].hash),
            (3, events[2].hash),
        ]
        for checkpoint in checkpoints:
            message = checkpoint_message(
                checkpoint.size, checkpoint.head_hash, checkpoint.created_at
            )
            assert verify_signature(test_keys.audit_public_key, message, checkpoint.signature)

    async def test_a_transaction_without_events_adds_no_checkpoint(
        self, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        await append(sessions, 1)
        async with unit_of_work(sessions) as session:
            await session.execute(select(AuditEvent))

        assert [c.size for c in await stored_checkpoints(engine)] == [1]

    async def test_an_append_costs_three_statements_and_reads_no_checkpoint_row_alone(
        self, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        """Every audited change pays for its appends: the head's advance (which, on a
        transaction's first append, also reads the newest checkpoint), the event, the head's
        new hash. No separate read of the checkpoints."""
        await append(sessions, 1)
        seen: list[str] = []

        def statement(conn, cursor, sql, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
            seen.append(" ".join(sql.split()).upper())

        event.listen(engine.sync_engine, "before_cursor_execute", statement)
        try:
            await append(sessions, 2)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", statement)

        writes = [sql.split()[0] for sql in seen if "AUDIT_EVENTS" in sql or "AUDIT_HEAD" in sql]
        assert writes == ["UPDATE", "INSERT", "UPDATE"] * 2, seen
        assert not [sql for sql in seen if sql.startswith("SELECT") and "AUDIT_CHECKPOINTS" in sql]
        # The checkpoint the commit signed still counts from the one before (size 1).
        assert [c.size for c in await stored_checkpoints(engine)] == [1, 3]


class TestDetails:
    async def test_details_are_stored_encrypted(
        self, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        canary = "canary-7f3a9c1e-organizer-name"
        await append(sessions, details={"note": canary})

        (event,) = await stored_events(engine)
        raw = bytes(event.details_ct)
        assert canary.encode() not in raw
        assert canary.encode().hex().encode() not in raw
        assert base64.b64encode(canary.encode())[:20] not in raw

    async def test_details_read_back_through_event_details(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        details = {"note": "Ціхановская", "ids": [1, 2], "nested": {"ok": True}}
        await append(sessions, details=details)

        async with sessions() as session:
            event = (await session.scalars(select(AuditEvent))).one()
            assert event_details(event) == details

    async def test_no_details_read_back_as_an_empty_dict(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        async with unit_of_work(sessions) as session:
            await record_event(session, actor=SYSTEM, action=AuditAction.KEY_ROTATED)

        async with sessions() as session:
            event = (await session.scalars(select(AuditEvent))).one()
            assert event_details(event) == {}


class TestActionNames:
    @pytest.mark.parametrize(
        "action",
        [
            "",
            "created",
            "user.",
            ".created",
            "User.created",
            "user.Created",
            "user.created.again",
            "user created",
            "user-account.created",
            "1user.created",
            "user.created\n",
            "user.created; DROP TABLE audit_events",
        ],
    )
    async def test_an_action_that_is_not_entity_dot_past_participle_is_refused(
        self, session: AsyncSession, action: str
    ) -> None:
        with pytest.raises(ValueError, match=r"entity\.past_participle"):
            await record_event(session, actor=SYSTEM, action=action)

        assert (await session.scalars(select(AuditEvent))).all() == []

    @pytest.mark.parametrize("action", ["user.created", AuditAction.USER_CREATED])
    async def test_a_listed_action_is_accepted_as_member_or_value(
        self, session: AsyncSession, action: str
    ) -> None:
        event = await record_event(session, actor=SYSTEM, action=action)  # type: ignore[arg-type]

        assert event.action == "user.created"
        assert type(event.action) is str  # stored as the plain value

    @pytest.mark.parametrize("action", ["made.up", "sealed_data.opened", "a.b", "user.creatd"])
    async def test_an_unlisted_action_is_refused_and_nothing_is_written(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        action: str,
    ) -> None:
        with pytest.raises(ValueError, match="not in the vocabulary"):
            async with unit_of_work(sessions) as session:
                await record_event(session, actor=SYSTEM, action=action)  # type: ignore[arg-type]

        assert await stored_events(engine) == []
        assert await stored_checkpoints(engine) == []
        assert (await stored_head(engine)).seq == 0


class TestRollback:
    async def test_a_rolled_back_transaction_leaves_no_event_checkpoint_or_head_change(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
    ) -> None:
        await append(sessions, 1)
        head_before = await stored_head(engine)

        with pytest.raises(RuntimeError, match="handler failed"):
            async with unit_of_work(sessions) as session:
                await record_event(session, actor=SYSTEM, action=AuditAction.ORGANIZATION_UPDATED)
                await session.flush()
                raise RuntimeError("handler failed")

        assert [e.seq for e in await stored_events(engine)] == [1]
        assert [c.size for c in await stored_checkpoints(engine)] == [1]
        assert tuple(await stored_head(engine)) == tuple(head_before)

    async def test_the_next_event_after_a_rollback_continues_the_chain(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
    ) -> None:
        await append(sessions, 1)
        async with sessions() as session:
            await record_event(session, actor=SYSTEM, action=AuditAction.ORGANIZATION_UPDATED)
            await session.rollback()
            # The same session goes on to commit other work: no checkpoint for the lost tip.
            await session.commit()
        await append(sessions, 1)

        events = await stored_events(engine)
        assert [e.seq for e in events] == [1, 2]
        assert events[1].prev_hash == events[0].hash
        assert [c.size for c in await stored_checkpoints(engine)] == [1, 2]
        assert (await verify(sessions, test_keys)).ok


class TestSavepoints:
    async def test_a_rolled_back_savepoint_keeps_the_checkpoint_of_earlier_events(
        self, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        async with unit_of_work(sessions) as session:
            await record_event(session, actor=SYSTEM, action=AuditAction.ORGANIZATION_CREATED)
            savepoint = await session.begin_nested()
            await savepoint.rollback()
        async with engine.connect() as conn:
            events = (await conn.execute(select(func.count()).select_from(EVENTS))).scalar()
            checkpoints = (await conn.execute(select(CHECKPOINTS.c.size))).scalars().all()
        assert events == 1
        assert checkpoints == [1]
