"""The development mailbox API: there in development with mail mode dev, 404 otherwise."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.keys import KeyMaterial
from app.kit.clock import ManualClock
from app.main import create_app
from app.notifications.service import enqueue_email
from app.notifications.worker import deliver_due
from tests.conftest import make_settings


async def queue(session: AsyncSession, clock: ManualClock, to: str, name: str) -> uuid.UUID:
    message = await enqueue_email(
        session,
        kind="credential_changed",
        to=to,
        language="be",
        now=clock.now(),
        name=name,
        time="2026-11-28 10:00",
        change="password_changed",
    )
    await session.commit()
    return message.id


def without_request_id(response: httpx.Response) -> dict[str, object]:
    body = response.json()
    body.pop("request_id", None)
    return body


class TestListDevMailbox:
    async def test_lists_the_newest_messages_with_their_status(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        manual_clock: ManualClock,
    ) -> None:
        first = await queue(session, manual_clock, "first@example.org", "Янка")
        await deliver_due(sessionmaker, settings, manual_clock)
        second = await queue(session, manual_clock, "second@example.org", "Ганна")

        response = await client.get("/api/dev/mailbox")

        assert response.status_code == 200
        items = response.json()["items"]
        assert [(i["id"], i["to"], i["status"]) for i in items] == [
            (str(second), "second@example.org", "pending"),
            (str(first), "first@example.org", "sent"),
        ]
        assert items[0]["subject"] == "Налады ўваходу ў Accord змяніліся"
        assert items[0]["body"].startswith("Вітаем, Ганна!")
        assert set(items[0]) == {"id", "to", "subject", "body", "created_at", "status"}
        assert datetime.fromisoformat(items[0]["created_at"]).utcoffset() == timedelta(0)
        assert response.headers["cache-control"] == "no-store"

    async def test_shows_at_most_100(
        self, client: httpx.AsyncClient, session: AsyncSession, manual_clock: ManualClock
    ) -> None:
        for n in range(101):
            await enqueue_email(
                session,
                kind="new_sign_in",
                to=f"p{n}@example.org",
                language="en",
                now=manual_clock.now(),
                name="x",
                time="t",
                method="password",
            )
        await session.commit()

        items = (await client.get("/api/dev/mailbox")).json()["items"]

        assert len(items) == 100
        assert "p0@example.org" not in {i["to"] for i in items}  # the oldest one dropped

    async def test_is_404_when_mail_goes_out_through_smtp(
        self, app, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:  # type: ignore[no-untyped-def]
        await queue(session, ManualClock(), "x@example.org", "x")
        app.state.settings = settings.model_copy(
            update={"mail": settings.mail.model_copy(update={"mode": "smtp"})}
        )

        response = await client.get("/api/dev/mailbox")

        assert response.status_code == 404
        assert without_request_id(response) == without_request_id(
            await client.get("/api/no-such-route")
        )


class TestGetDevMailboxMessage:
    async def test_returns_one_message(
        self, client: httpx.AsyncClient, session: AsyncSession, manual_clock: ManualClock
    ) -> None:
        message_id = await queue(session, manual_clock, "reader@example.org", "Зміцер")

        response = await client.get(f"/api/dev/mailbox/{message_id}")

        assert response.status_code == 200
        body = response.json()
        assert (body["id"], body["to"], body["status"]) == (
            str(message_id),
            "reader@example.org",
            "pending",
        )
        assert "Зміцер" in body["body"]

    async def test_an_unknown_message_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"/api/dev/mailbox/{uuid.uuid4()}")

        assert response.status_code == 404
        assert response.json()["code"] == "mailbox_message_not_found"

    async def test_is_404_when_mail_goes_out_through_smtp(
        self, app, client: httpx.AsyncClient, settings: Settings, session: AsyncSession
    ) -> None:  # type: ignore[no-untyped-def]
        message_id = await queue(session, ManualClock(), "x@example.org", "x")
        app.state.settings = settings.model_copy(
            update={"mail": settings.mail.model_copy(update={"mode": "smtp"})}
        )

        response = await client.get(f"/api/dev/mailbox/{message_id}")

        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.fixture
async def production_client(
    database_url: str, tmp_path: Path, test_keys: KeyMaterial
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        "postgresql+asyncpg://accord@db.invalid/accord",
        tmp_path,
        env="production",
        http={"public_url": "https://accord.example.org"},
        mail={"mode": "smtp"},
        keys={"keyring": test_keys.keyring.to_json(), "audit_signing_key": "x" * 44},
    )
    app = create_app(settings, keys=test_keys)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://localhost") as client:
        yield client
    await app.state.engine.dispose()


@pytest.mark.parametrize(
    "path",
    [
        "/api/dev/mailbox",
        "/api/dev/mailbox/0190a8e2-7c1d-7000-8000-000000000001",
        "/api/dev/mailbox/not-an-id",
    ],
)
async def test_production_has_no_dev_mailbox(
    path: str, production_client: httpx.AsyncClient
) -> None:
    response = await production_client.get(path)

    assert response.status_code == 404
    assert without_request_id(response) == without_request_id(
        await production_client.get("/api/no-such-route")
    )


async def test_production_refuses_to_start_with_mail_mode_dev(
    tmp_path: Path, test_keys: KeyMaterial
) -> None:
    from app.main import ConfigurationError

    settings = make_settings(
        "postgresql+asyncpg://accord@db.invalid/accord",
        tmp_path,
        env="production",
        http={"public_url": "https://accord.example.org"},
        mail={"mode": "dev"},
        keys={"keyring": test_keys.keyring.to_json(), "audit_signing_key": "x" * 44},
    )

    with pytest.raises(ConfigurationError, match="ACCORD_MAIL__MODE must be smtp"):
        create_app(settings, keys=test_keys)


async def test_availability_answers_200_both_ways(app, client, settings) -> None:  # type: ignore[no-untyped-def]
    response = await client.get("/api/dev/mailbox-availability")
    assert response.status_code == 200
    assert response.json() == {"available": True}
    app.state.settings = settings.model_copy(
        update={"mail": settings.mail.model_copy(update={"mode": "smtp"})}
    )
    response = await client.get("/api/dev/mailbox-availability")
    assert response.status_code == 200
    assert response.json() == {"available": False}
