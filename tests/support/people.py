"""Factories for membership tests: organizations, memberships, and signed-in browsers of
every kind of actor. Rows go through the real services where one exists."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import SYSTEM
from app.kit.clock import Clock
from app.models.audit import AuditEvent
from app.models.identity import AuthSession, TotpFactor
from app.models.memberships import Membership, Organization
from app.models.outbox import OutboxMessage
from app.models.users import PlatformRole, User
from app.organizations.schemas import OrganizationCreate
from app.organizations.service import create_organization
from tests.auth.conftest import sign_in
from tests.auth.factories import PASSWORD, make_user

COOKIE = "__Host-accord_session"


async def make_organization(
    session: AsyncSession,
    *,
    name: str | None = None,
    short_name: str = "ORG",
    country: str | None = "BY",
    contact: str | None = None,
) -> Organization:
    organization = await create_organization(
        session,
        actor=SYSTEM,
        data=OrganizationCreate(
            name=name or f"Organization {uuid.uuid4().hex[:6]}",
            short_name=short_name,
            country=country,
            contact=contact,
        ),
        now=datetime.now().astimezone(),
    )
    await session.commit()
    return organization


async def add_member(
    session: AsyncSession, user: User, organization: Organization, role: str = "member"
) -> Membership:
    membership = Membership(user_id=user.id, organization_id=organization.id, role=role)
    session.add(membership)
    await session.commit()
    return membership


async def make_person(
    session: AsyncSession,
    *,
    roles: frozenset[PlatformRole] = frozenset(),
    email: str | None = None,
    display_name: str = "Test Person",
    second_factor: bool = False,
) -> User:
    """A user; privileged ones come with a confirmed TOTP factor, as they must have one
    (others when ``second_factor``)."""
    user = await make_user(session, roles=roles, email=email, display_name=display_name)
    if roles or second_factor:
        factor = TotpFactor(user_id=user.id, confirmed_at=datetime.now().astimezone())
        factor.secret = "JBSWY3DPEHPK3PXP"
        session.add(factor)
        await session.commit()
    return user


async def prove_second_factor(session: AsyncSession, user: User, clock: Clock) -> None:
    """As if the user had just entered a code: every live session of theirs is stepped up.

    Written straight to the table so these tests do not depend on the factor endpoints.
    """
    await session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(second_factor_at=clock.now())
    )
    await session.commit()


async def browser_for(app, session: AsyncSession, clock: Clock, user: User) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    """A separate browser signed in as ``user`` (fully, with a fresh second factor where the
    user has one). The caller closes it."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    client = httpx.AsyncClient(transport=transport, base_url="https://localhost")
    response = await sign_in(client, user.email, PASSWORD)
    assert response.status_code == 200, response.text
    client.headers["x-csrf-token"] = response.json()["csrf_token"]
    if response.json()["state"] == "second_factor_required":
        await prove_second_factor(session, user, clock)
    return client


def anonymous_browser(app) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="https://localhost")


async def actions(session: AsyncSession) -> list[str]:
    return list((await session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq))).all())


async def invitation_emails(session: AsyncSession, to: str) -> list[OutboxMessage]:
    messages = (
        await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "invitation")
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
    ).all()
    return [m for m in messages if m.recipient == to]


def token_in(message: OutboxMessage) -> str:
    found = re.search(r"/invitation#([A-Za-z0-9_-]+)", message.body)
    assert found, "the invitation email carries no link"
    return found.group(1)
