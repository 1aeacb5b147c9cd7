"""A database of the test's own with real commits, and the raw access an attacker would have."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.actors import SYSTEM, Actor, user_actor
from app.audit import AuditAction, record_event
from app.audit.service import CheckpointCadence, configure_checkpoints
from app.audit.verify import Checkpoint, VerificationReport, verify_audit_log
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.keys import KeyMaterial
from app.models.audit import AuditCheckpoint, AuditEvent, AuditHead

EVENTS = AuditEvent.__table__
CHECKPOINTS = AuditCheckpoint.__table__
HEAD = AuditHead.__table__


@pytest.fixture(autouse=True)
def _checkpoint_every_transaction() -> Iterator[None]:
    """These tests count checkpoints per committed transaction: a checkpoint whenever one
    event waits. tests/audit/test_cadence.py covers the configured cadence."""
    previous = configure_checkpoints(CheckpointCadence(every_events=1))
    yield
    configure_checkpoints(previous)


@pytest.fixture
async def engine(fresh_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(fresh_database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


async def append(
    sessions: async_sessionmaker[AsyncSession],
    count: int = 1,
    *,
    actor: Actor = SYSTEM,
    action: AuditAction = AuditAction.ORGANIZATION_CREATED,
    details: dict[str, Any] | None = None,
) -> None:
    """Commit ``count`` events in one transaction, as a request or job would."""
    async with unit_of_work(sessions) as session:
        for n in range(count):
            await record_event(
                session,
                actor=actor,
                action=action,
                target=("thing", f"t-{n}"),
                details=details if details is not None else {"n": n},
            )


async def append_one_per_transaction(
    sessions: async_sessionmaker[AsyncSession], count: int
) -> None:
    for n in range(count):
        await append(
            sessions,
            actor=user_actor(uuid.uuid4()),
            action=AuditAction.INVITATION_CREATED,
            details={"n": n, "org": f"org-{n}"},
        )


async def verify(
    sessions: async_sessionmaker[AsyncSession],
    keys: KeyMaterial,
    external: list[Checkpoint] | None = None,
) -> VerificationReport:
    async with sessions() as session:
        return await verify_audit_log(
            session, public_key=keys.audit_public_key, external_checkpoints=external
        )


async def stored_events(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(select(EVENTS).order_by(EVENTS.c.seq))).all())


async def stored_checkpoints(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(select(CHECKPOINTS).order_by(CHECKPOINTS.c.size))).all())


async def stored_head(engine: AsyncEngine) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(select(HEAD))).one()


async def tamper(engine: AsyncEngine, *statements: Any) -> None:
    """Run Core statements directly against the tables, bypassing the application."""
    async with engine.begin() as conn:
        for statement in statements:
            await conn.execute(statement)


def set_event(seq: int, /, **values: Any) -> Any:
    return update(EVENTS).where(EVENTS.c.seq == seq).values(**values)


def delete_events_from(seq: int) -> Any:
    return delete(EVENTS).where(EVENTS.c.seq >= seq)


def store_raw_details(engine: AsyncEngine, seq: int, payload: bytes, *, as_text: bool) -> Any:
    """Overwrite an event's ``details_ct`` with ``payload``, bypassing every type check.

    With ``as_text`` on SQLite the value is stored as TEXT (SQLite's dynamic typing lets a
    raw UPDATE put TEXT, valid UTF-8 or not, into a BLOB column). PostgreSQL's bytea cannot
    hold TEXT, so there (and without ``as_text``) the same bytes are stored as a blob.
    """
    if as_text and engine.dialect.name == "sqlite":
        return text(
            "UPDATE audit_events SET details_ct = CAST(:payload AS TEXT) WHERE seq = :seq"
        ).bindparams(payload=payload, seq=seq)
    return set_event(seq, details_ct=payload)
