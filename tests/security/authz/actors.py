"""The cast of the authorization matrix: one signed-in browser per kind of actor.

Organization A is "own", organization B is "other"; organization C co-authors the matrix's
appeal that A leads (tests/security/authz/appeals_rows.py), so its member sees that appeal
without writing it. Every signed-in actor has a confirmed
second factor proven in their session just now (as after a real sign-in and a step-up), so
the matrix exercises the permission rules, not the step-up check — except ``stale_admin``,
an admin whose factor was proven longer ago than the step-up window: the matrix derives
what that actor must get from the step-up table (app/permissions.py STEP_UP).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.sessions.service import csrf_token, open_session
from app.config import Settings
from app.models.identity import Passkey, TotpFactor
from app.models.memberships import Membership, Organization
from app.models.users import PlatformRole, User
from tests.auth.factories import make_user

# Actors whose expected outcome every policy row states.
ACTORS = (
    "anonymous",
    "member",
    "representative",
    "other_member",
    "co_author_member",
    "coordinator",
    "admin",
    "suspended",
)
# Actors whose expected outcome follows from the others' (see policy.expected_outcome).
DERIVED_ACTORS = ("stale_admin",)


@dataclass
class Cast:
    org_a: Organization
    org_b: Organization
    org_c: Organization
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    session_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    memberships: dict[str, Membership] = field(default_factory=dict)
    passkeys: dict[str, Passkey] = field(default_factory=dict)
    # Objects created for "own"/"other" parameters, by name.
    objects: dict[str, object] = field(default_factory=dict)

    def headers(self, actor: str) -> dict[str, str]:
        token = self.tokens.get(actor)
        if token is None:
            return {}
        return {
            "cookie": f"__Host-accord_session={token}",
            "x-csrf-token": csrf_token(token),
        }


async def _organization(session: AsyncSession, name: str) -> Organization:
    org = Organization(country="LT")
    org.name = name
    org.short_name = name[:8]
    session.add(org)
    await session.flush()
    return org


async def build_cast(session: AsyncSession, settings: Settings) -> Cast:
    cast = Cast(
        org_a=await _organization(session, "Organization A"),
        org_b=await _organization(session, "Organization B"),
        org_c=await _organization(session, "Organization C"),
    )
    now = datetime.now(UTC)
    plan: dict[str, tuple[frozenset[PlatformRole], Organization | None, str | None]] = {
        "member": (frozenset(), cast.org_a, "member"),
        "representative": (frozenset(), cast.org_a, "representative"),
        "other_member": (frozenset(), cast.org_b, "member"),
        "co_author_member": (frozenset(), cast.org_c, "member"),
        "coordinator": (frozenset({PlatformRole.COORDINATOR}), None, None),
        "admin": (frozenset({PlatformRole.ADMIN}), None, None),
        "stale_admin": (frozenset({PlatformRole.ADMIN}), None, None),
        "suspended": (frozenset(), cast.org_a, "member"),
    }
    for actor, (roles, org, org_role) in plan.items():
        user = await make_user(session, email=f"{actor}@matrix.example.org", roles=roles)
        cast.users[actor] = user
        if org is not None and org_role is not None:
            membership = Membership(user_id=user.id, organization_id=org.id, role=org_role)
            session.add(membership)
            cast.memberships[actor] = membership
        factor = TotpFactor(user_id=user.id, confirmed_at=now)
        factor.secret = pyotp.random_base32()
        session.add(factor)
        if roles:
            # A passkey row too, so that passkey routes have "own" objects to act on.
            passkey = Passkey(
                user_id=user.id,
                credential_id_mac=secrets.token_bytes(36),
                sign_count=0,
            )
            passkey.credential_id = secrets.token_urlsafe(32)
            passkey.public_key = secrets.token_urlsafe(77)
            passkey.name = f"{actor} key"
            session.add(passkey)
            cast.passkeys[actor] = passkey
        issued = await open_session(
            session,
            user_id=user.id,
            method="password",
            now=now,
            settings=settings.session,
            user_agent="matrix",
            second_factor=True,
        )
        if actor == "stale_admin":
            # Proven once, longer ago than the step-up window allows.
            issued.record.second_factor_at = now - timedelta(
                minutes=settings.session.step_up_minutes + 1
            )
        cast.tokens[actor] = issued.token
        cast.session_ids[actor] = issued.record.id
    cast.users["suspended"].status = "suspended"
    await session.commit()
    return cast
