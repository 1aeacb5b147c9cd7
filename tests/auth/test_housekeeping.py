"""Dead sign-in state is deleted; live state is kept."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.auth.challenges import consume_challenge, issue_challenge
from app.auth.housekeeping import SESSION_RETENTION, purge_expired
from app.auth.sessions.service import open_session, revoke_session
from app.models.identity import AuthChallenge, AuthSession
from app.models.users import EmailChange
from tests.auth.factories import make_user


async def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    return int(await session.scalar(select(func.count()).select_from(model)))


async def test_expired_and_used_challenges_and_old_sessions_go(session, settings, clock) -> None:  # type: ignore[no-untyped-def]
    now = clock.now()
    user = await make_user(session)
    await issue_challenge(session, purpose="x", payload={}, now=now - timedelta(hours=1))
    used = await issue_challenge(session, purpose="x", payload={}, now=now)
    await consume_challenge(session, purpose="x", handle=used, now=now)
    await issue_challenge(session, purpose="x", payload={}, now=now)  # live: kept
    old = await open_session(
        session,
        user_id=user.id,
        method="password",
        now=now - SESSION_RETENTION * 2,
        settings=settings.session,
        user_agent=None,
    )
    await revoke_session(old.record, now=now - SESSION_RETENTION * 2, reason="signed_out")
    await open_session(
        session,
        user_id=user.id,
        method="password",
        now=now,
        settings=settings.session,
        user_agent=None,
    )  # live: kept
    removed = await purge_expired(session, now=now, settings=settings)
    assert removed == 3
    assert await _count(session, AuthChallenge) == 1
    assert await _count(session, AuthSession) == 1


async def test_expired_email_changes_go(session, settings, clock) -> None:  # type: ignore[no-untyped-def]
    now = clock.now()
    for minutes in (-1, 30):  # expired a minute ago; live for half an hour
        user = await make_user(session)
        change = EmailChange(
            user_id=user.id, attempts=0, expires_at=now + timedelta(minutes=minutes)
        )
        change.new_email = "moving@example.org"
        change.code = "12345678"
        session.add(change)
    await session.flush()
    assert await purge_expired(session, now=now, settings=settings) == 1
    assert await _count(session, EmailChange) == 1
