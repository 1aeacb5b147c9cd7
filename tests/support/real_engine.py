"""Requests to an app on a real engine (not the tests' one shared connection): a session
made in the database, a browser holding it, and what the requests send.

Used where a test counts statements or transactions, which the shared connection of the
usual fixtures would hide."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from app.auth.sessions.service import IssuedSession, csrf_token, open_session
from app.config import SessionSettings


async def session_for(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> IssuedSession:
    """A password session for ``user_id``, opened at ``now`` (no sign-in request)."""
    return await open_session(
        session,
        user_id=user_id,
        method="password",
        now=now,
        settings=SessionSettings(),
        user_agent="test",
    )


def browser(app: FastAPI, issued: IssuedSession, **options: object) -> httpx.AsyncClient:
    """A client holding ``issued``'s cookie and CSRF token; ``options`` go to the client."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, **options),  # type: ignore[arg-type]
        base_url="https://localhost",
        cookies={"__Host-accord_session": issued.token},
        headers={"x-csrf-token": csrf_token(issued.token)},
    )


class Transactions:
    """Statements sent on an engine (their first word), and how many times a session began
    a transaction (took a connection for BEGIN … COMMIT)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements: list[str] = []
        self.begun = 0
        self._engine = engine

    def _statement(self, conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        self.statements.append(statement.lstrip().split(None, 1)[0].upper())

    def _begun(self, session, transaction, connection) -> None:  # type: ignore[no-untyped-def]
        self.begun += 1

    def __enter__(self) -> Transactions:
        event.listen(self._engine.sync_engine, "before_cursor_execute", self._statement)
        event.listen(Session, "after_begin", self._begun)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self._engine.sync_engine, "before_cursor_execute", self._statement)
        event.remove(Session, "after_begin", self._begun)
