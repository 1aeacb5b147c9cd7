"""The outbox worker against a real SMTP server: delivery, retries, giving up, privacy."""

from __future__ import annotations

import asyncio
import email
import email.policy
import io
import stat
import uuid
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Environment, Settings
from app.kit.clock import ManualClock, as_utc
from app.models.audit import AuditEvent
from app.models.outbox import OutboxMessage
from app.notifications.service import enqueue_email
from app.notifications.templates import render
from app.notifications.worker import (
    FIRST_RETRY,
    MAX_RETRY,
    SENDING_LEASE,
    deliver_due,
    retry_delay,
    run_worker,
)
from tests.notifications.conftest import RELAY_CANARY, SmtpServer, smtp_settings

RECIPIENT = f"alesia-{uuid.uuid4().hex[:8]}@example.by"
NAME = "Алеся Канарэйка"


async def queue(
    session: AsyncSession,
    clock: ManualClock,
    *,
    kind: str = "new_sign_in",
    language: str = "be",
    to: str = RECIPIENT,
) -> OutboxMessage:
    values = {"name": NAME, "time": "2026-11-28 10:00"}
    values |= {"method": "passkey"} if kind == "new_sign_in" else {"change": "password_changed"}
    message = await enqueue_email(
        session, kind=kind, to=to, language=language, now=clock.now(), **values
    )
    await session.commit()
    return message


async def stored(session: AsyncSession, message: OutboxMessage) -> OutboxMessage:
    row = await session.get(OutboxMessage, message.id, populate_existing=True)
    assert row is not None
    return row


class TestDelivery:
    @pytest.mark.parametrize(
        ("kind", "language"), [("new_sign_in", "be"), ("credential_changed", "ru")]
    )
    async def test_delivers_the_rendered_message_in_utf8(
        self,
        kind: str,
        language: str,
        session: AsyncSession,
        sessionmaker: async_sessionmaker[AsyncSession],
        mail_settings: Settings,
        smtp_server: SmtpServer,
        manual_clock: ManualClock,
    ) -> None:
        message = await queue(session, manual_clock, kind=kind, language=language)
        expected = render(
            kind,
            language,
            name=NAME,
            time="2026-11-28 10:00",
            method="passkey",
            change="password_changed",
        )

        delivered = await deliver_due(sessionmaker, mail_settings, manual_clock)

        assert delivered == 1
        [received] = smtp_server.received
        assert received.mail_from == "noreply@accord.example.org"
        assert received.rcpt_tos == [RECIPIENT]
        mail = received.message
        assert mail["From"] == "Accord Coalition <noreply@accord.example.org>"
        assert mail["To"] == RECIPIENT
        assert mail["Subject"] == expected.subject
        assert mail.get_content_type() == "text/plain"
        assert mail.get_content_charset() == "utf-8"
        assert mail.get_content().replace("\r\n", "\n") == expected.body
        assert mail["Message-ID"] == f"<{message.id}@accord.example.org>"
        assert parsedate_to_datetime(mail["Date"]) == manual_clock.now().replace(microsecond=0)
        row = await stored(session, message)
        assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
        assert as_utc(row.sent_at) == manual_clock.now()  # type: ignore[arg-type]

    async def test_sends_oldest_first_and_only_what_is_due(
        self,
        session: AsyncSession,
        sessionmaker: async_sessionmaker[AsyncSession],
        mail_settings: Settings,
        smtp_server: SmtpServer,
        manual_clock: ManualClock,
    ) -> None:
        first = await queue(session, manual_clock, to="first@example.org")
        second = await queue(session, manual_clock, to="second@example.org")
        later = await queue(session, manual_clock, to="later@example.org")
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == later.id)
            .values(next_attempt_at=manual_clock.now() + timedelta(minutes=5))
        )
        await session.commit()

        assert await deliver_due(sessionmaker, mail_settings, manual_clock, limit=1) == 1
        assert await deliver_due(sessionmaker, mail_settings, manual_clock, limit=5) == 1

        assert [r.rcpt_tos for r in smtp_server.received] == [
            ["first@example.org"],
            ["second@example.org"],
        ]
        assert (await stored(session, later)).status == "pending"
        assert {(await stored(session, m)).status for m in (first, second)} == {"sent"}

    async def test_logs_in_to_the_relay_when_a_username_is_set(
        self,
        session: AsyncSession,
        sessionmaker: async_sessionmaker[AsyncSession],
        database_url: str,
        tmp_path: Path,
        smtp_server_with_login: SmtpServer,
        manual_clock: ManualClock,
    ) -> None:
        settings = smtp_settings(
            database_url,
            tmp_path,
            smtp_server_with_login.port,
            smtp_username="relay-user",
            smtp_password="relay-pass",
        )
        await queue(session, manual_clock)

        assert await deliver_due(sessionmaker, settings, manual_clock) == 1

        assert smtp_server_with_login.handler.logins == [("relay-user", "relay-pass")]
        assert len(smtp_server_with_login.received) == 1

    async def test_starttls_never_falls_back_to_plaintext(
        self,
        session: AsyncSession,
        sessionmaker: async_sessionmaker[AsyncSession],
        database_url: str,
        tmp_path: Path,
        smtp_server: SmtpServer,
        manual_clock: ManualClock,
    ) -> None:
        # The relay offers no STARTTLS (as when someone strips it on the wire).
        settings = smtp_settings(database_url, tmp_path, smtp_server.port, smtp_security="starttls")
        message = await queue(session, manual_clock)

        assert await deliver_due(sessionmaker, settings, manual_clock) == 0

        assert smtp_server.received == []
        row = await stored(session, message)
        assert (row.status, row.attempts, row.last_error) == ("pending", 1, "SMTPException")


class TestRetries:
    async def test_a_temporary_failure_is_retried_after_the_backoff(
        self,
        session: AsyncSession,
        sessionmaker: async_sessionmaker[AsyncSession],
        mail_settings: Settings,
        smtp_server: SmtpServer,
        manual_clock: ManualClock,
    ) -> None:
        message = await queue(session, manual_clock)
        smtp_server.handler.refuse_next = 1
        failed_at = manual_clock.now()

        assert await deliver_due(sessionmaker, mail_settings, manual_clock) == 0

        row = await stored(session, message)
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.last_error == "SMTPDataError"  # the class, not the relay's words
        wait = as_utc(row.next_attempt_at) - failed_at
        assert FIRST_RETRY * 0.8 <= wait <= FIRST_RETRY

        # Not due yet: nothing is sent, nothing is counted.
        manual_clock.advance(wait - timedelta(seconds=1))
        assert await deliver_due(sessionmaker, mail_settings, manual_clock) == 0
        assert (await stored(session, message)).attempts == 1

        manual_clock.advance(timedelta(seconds=1))
        assert await deliver_due(sessionmaker, mail_settings, manual_clock) == 1

        assert [r.rcpt_tos for r in smtp_server.received] == [[RECIPIENT]]
        row = await stored(session, message)
        assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)

    async def test_the_backoff_doubles_up_to_an_hour(self) -> None:
        delays = [retry_delay(n, jitter=0) for n in range(1, 11)]

        assert delays[:4] == [
            timedelta(seconds=30),
            timedelta(minutes=1),
            timedelta(minutes=2),
            timedelta(minutes=4),
        ]
        assert delays[-1] == MAX_RETRY == timedelta(hours=1)
        assert retry_delay(1000, jitter=0) == MAX_RETRY
        assert retry_delay(3, jitter=0.5) == timedelta(minutes=2) * 0.9
        randomized = {retry_delay(5) for _ in range(20)}
        assert len(randomized) > 1  # jitter: a failed batch does not return all at once
        assert all(timedelta(minutes=8) * 0.8 <= d <= timedelta(minutes=8) for d in randomized)

    async def test_after_max_attempts_the_message_fails_for_good(
        self,
        session: AsyncSession,
        sessionmaker: async_sessionmaker[AsyncSession],
        mail_settings: Settings,
        smtp_server: SmtpServer,
        manual_clock: ManualClock,
    ) -> None:
        message = await queue(session, manual_clock)
        smtp_server.handler.refuse_next = 100
        assert mail_settings.mail.max_attempts == 3

        for _ in range(3):
            assert await deliver_due(sessionmaker, mail_settings, manual_clock) == 0
            manual_clock.advance(MAX_RETRY)

        row = await stored(session, message)
        assert (row.status, row.attempts, row.last_error) == ("failed", 3, "SMTPDataError")
        events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "outbox.delivery_failed")
            )
        ).all()
        assert [(e.target_type, e.target_id) for e in events] == [
            ("outbox_messages", str(message.id))
        ]
        assert RECIPIENT not in events[0].details_json
        assert events[0].details_json == '{"attempts": 3, "error": "SMTPDataError"}'

        # A failed message is never tried again.
        smtp_server.handler.refuse_next = 0
        manual_clock.advance(timedelta(days=1))
        assert await deliver_due(sessionmaker, mail_settings, manual_clock) == 0
        assert smtp_server.received == []
        assert (await stored(session, message)).attempts == 3

    async def test_a_message_left_sending_by_a_dead_worker_is_taken_over_after_the_lease(
        self,
        session: AsyncSession,
        sessionmaker: async_sessionmaker[AsyncSession],
        mail_settings: Settings,
        smtp_server: SmtpServer,
        manual_clock: ManualClock,
    ) -> None:
        message = await queue(session, manual_clock)
        # What a worker killed between claiming and recording leaves behind.
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id)
            .values(
                status="sending", attempts=1, next_attempt_at=manual_clock.now() + SENDING_LEASE
            )
        )
        await session.commit()

        manual_clock.advance(SENDING_LEASE - timedelta(seconds=1))
        assert await deliver_due(sessionmaker, mail_settings, manual_clock) == 0
        assert smtp_server.received == []

        manual_clock.advance(timedelta(seconds=1))
        assert await deliver_due(sessionmaker, mail_settings, manual_clock) == 1
        assert len(smtp_server.received) == 1
        row = await stored(session, message)
        assert (row.status, row.attempts) == ("sent", 2)

    async def test_a_dead_workers_last_allowed_attempt_is_not_exceeded(
        self,
        session: AsyncSession,
        sessionmaker: async_sessionmaker[AsyncSession],
        mail_settings: Settings,
        smtp_server: SmtpServer,
        manual_clock: ManualClock,
    ) -> None:
        message = await queue(session, manual_clock)
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id)
            .values(status="sending", attempts=mail_settings.mail.max_attempts)
        )
        await session.commit()

        assert await deliver_due(sessionmaker, mail_settings, manual_clock) == 0

        assert smtp_server.received == []
        row = await stored(session, message)
        assert (row.status, row.last_error) == ("failed", "AttemptsExhausted")
        failures = await session.scalar(
            select(AuditEvent.target_id).where(AuditEvent.action == "outbox.delivery_failed")
        )
        assert failures == str(message.id)


class TestPrivacy:
    async def test_logs_and_errors_never_carry_recipient_subject_body_or_relay_reply(
        self,
        session: AsyncSession,
        sessionmaker: async_sessionmaker[AsyncSession],
        database_url: str,
        tmp_path: Path,
        smtp_server: SmtpServer,
        manual_clock: ManualClock,
        log_output: io.StringIO,
    ) -> None:
        settings = smtp_settings(database_url, tmp_path, smtp_server.port, max_attempts=2)
        doomed = await queue(session, manual_clock, language="ru")
        retried = await queue(session, manual_clock, kind="credential_changed")
        smtp_server.handler.refuse_next = 3  # doomed twice, retried once

        await deliver_due(sessionmaker, settings, manual_clock)
        manual_clock.advance(MAX_RETRY)
        await deliver_due(sessionmaker, settings, manual_clock)

        assert (await stored(session, doomed)).status == "failed"
        assert (await stored(session, retried)).status == "sent"
        output = log_output.getvalue()
        assert str(doomed.id) in output and "outbox.delivery_failed" in output
        assert str(retried.id) in output and "outbox.delivery_retried" in output
        for secret in (
            RECIPIENT,
            RECIPIENT.split("@")[0],
            NAME,
            render("new_sign_in", "ru", name="", time="", method="").subject,
            render("credential_changed", "be", name="", time="", change="password_changed").subject,
            "пароль зменены",
            "passkey",
            RELAY_CANARY,
        ):
            assert secret not in output, secret
        rows = (await session.scalars(select(OutboxMessage.last_error))).all()
        assert not any(RELAY_CANARY in (error or "") for error in rows)


class TestDevMode:
    async def test_writes_owner_only_eml_files_and_marks_them_sent(
        self,
        session: AsyncSession,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        manual_clock: ManualClock,
    ) -> None:
        assert settings.mail.mode == "dev"
        message = await queue(session, manual_clock, language="ru")

        assert await deliver_due(sessionmaker, settings, manual_clock) == 1

        directory = settings.data_dir / "mail"
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        [path] = list(directory.iterdir())
        assert path.name == f"{message.id}.eml"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        expected = render("new_sign_in", "ru", name=NAME, time="2026-11-28 10:00", method="passkey")
        assert parsed["To"] == RECIPIENT
        assert parsed["Subject"] == expected.subject
        assert parsed.get_content().replace("\r\n", "\n") == expected.body
        row = await stored(session, message)
        assert (row.status, row.attempts) == ("sent", 1)

    async def test_a_loose_existing_mail_directory_is_tightened(
        self,
        session: AsyncSession,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        manual_clock: ManualClock,
    ) -> None:
        directory = settings.data_dir / "mail"
        directory.mkdir(mode=0o755)
        directory.chmod(0o755)
        await queue(session, manual_clock)

        assert await deliver_due(sessionmaker, settings, manual_clock) == 1

        assert stat.S_IMODE(directory.stat().st_mode) == 0o700

    async def test_production_never_writes_the_plaintext_spool(
        self,
        session: AsyncSession,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        manual_clock: ManualClock,
    ) -> None:
        # Start-up refuses mode dev in production; should anything get past that, the worker
        # still keeps plaintext mail off the disk.
        production = settings.model_copy(update={"env": Environment.PRODUCTION})
        assert production.mail.mode == "dev"
        message = await queue(session, manual_clock)

        assert await deliver_due(sessionmaker, production, manual_clock) == 0

        assert not (settings.data_dir / "mail").exists()
        row = await stored(session, message)
        assert (row.status, row.last_error) == ("pending", "DevMailRefused")


class TestLoop:
    async def test_a_failing_pass_is_logged_and_the_loop_goes_on(
        self,
        session: AsyncSession,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        manual_clock: ManualClock,
        log_output: io.StringIO,
    ) -> None:
        message = await queue(session, manual_clock)
        calls = 0
        reason = f"database at {uuid.uuid4().hex} went away"

        def flaky_sessionmaker() -> AsyncSession:
            nonlocal calls
            calls += 1
            if calls == 1:
                raise ConnectionResetError(reason)
            return sessionmaker()

        stop = asyncio.Event()
        passes = 0

        def after_pass() -> None:
            nonlocal passes
            passes += 1
            if passes == 2:
                stop.set()

        await asyncio.wait_for(
            run_worker(
                flaky_sessionmaker,  # type: ignore[arg-type]
                settings,
                manual_clock,
                stop=stop,
                interval=0,
                after_pass=after_pass,
            ),
            timeout=30,
        )

        assert passes == 2
        assert (await stored(session, message)).status == "sent"
        output = log_output.getvalue()
        assert "outbox pass failed" in output and "ConnectionResetError" in output
        assert reason not in output  # the class and frames only
