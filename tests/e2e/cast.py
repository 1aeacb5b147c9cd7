"""People for the appeals journeys, written straight into a live server's database.

The identity journeys (test_journeys.py) already drive invitations and enrolment through
the pages; the appeals journeys start from people who exist: two organizations, a member
and a representative of each, and a coordinator with a TOTP factor whose secret the test
knows. The script runs with the server's own settings (data dir, keys, database).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import KW_ONLY, dataclass

from app.migrate import ROOT
from tests.e2e.conftest import LiveServer

PASSWORD = "journey-passphrase-correct-horse-42"

_SEED = """
import asyncio, json, sys
from datetime import UTC, datetime
from app.actors import SYSTEM
from app.auth.passwords import password_hasher
from app.auth.service import create_account
from app.config import get_settings
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.keys import install_keys, load_keys
import base64
from app.models.identity import TotpFactor
from app.models.signatories import CustodyKey
from app.models.memberships import Membership
from app.models.users import PlatformRole
from app.organizations.schemas import OrganizationCreate
from app.organizations.service import create_organization

PEOPLE = json.loads(sys.argv[1])
PASSWORD = sys.argv[2]

async def main():
    settings = get_settings()
    install_keys(load_keys(settings))
    engine = create_engine(settings.database_url)
    out = {"organizations": {}, "people": {}}
    async with unit_of_work(create_sessionmaker(engine)) as session:
        hasher = password_hasher(settings.auth)
        now = datetime.now(UTC)
        orgs = {}
        for key, name in PEOPLE["organizations"].items():
            org = await create_organization(session, actor=SYSTEM,
                data=OrganizationCreate(name=name, short_name=key.upper(), country="LT"), now=now)
            org.signing_two_officers = key in PEOPLE["two_officers"]
            orgs[key] = org
            out["organizations"][key] = str(org.id)
        for person in PEOPLE["people"]:
            roles = frozenset(
                role for role, wanted in ((PlatformRole.COORDINATOR, person.get("coordinator")),
                                          (PlatformRole.ADMIN, person.get("admin"))) if wanted)
            user = await create_account(session, actor=SYSTEM, hasher=hasher,
                email=person["email"], display_name=person["name"], password=PASSWORD,
                platform_roles=roles)
            user.language = person.get("language", "en")
            user.password_change_required = person.get("password_change_required", False)
            if person.get("organization"):
                session.add(Membership(user_id=user.id,
                    organization_id=orgs[person["organization"]].id, role=person["role"]))
            if person.get("totp"):
                factor = TotpFactor(user_id=user.id, confirmed_at=now)
                factor.secret = person["totp"]
                session.add(factor)
            if person.get("custody_key"):
                session.add(CustodyKey(user_id=user.id,
                    public_key=base64.urlsafe_b64decode(person["custody_key"] + "=")))
            out["people"][person["email"]] = str(user.id)
    await engine.dispose()
    print(json.dumps(out))

asyncio.run(main())
"""


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    organization: str | None = None
    role: str = "member"
    coordinator: bool = False
    totp: str | None = None
    language: str = "en"
    # A custody public key (base64url, raw X25519), as if set up in their browser.
    custody_key: str | None = None
    # Keyword-only from here: several tests pass the fields above by position.
    _: KW_ONLY
    admin: bool = False
    # Signs in with a one-time password, then must choose one of their own.
    password_change_required: bool = False


def seed(
    server: LiveServer,
    organizations: dict[str, str],
    people: list[Person],
    *,
    two_officers: frozenset[str] = frozenset(),
) -> dict:  # type: ignore[type-arg]
    """Create the organizations and people in ``server``'s database; their ids.

    The organizations keyed in ``two_officers`` sign only when a second representative
    confirms (``signing_two_officers``: no page or API sets it yet)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.update(server.settings)
    payload = {
        "organizations": organizations,
        "people": [person.__dict__ for person in people],
        "two_officers": sorted(two_officers),
    }
    result = subprocess.run(
        [sys.executable, "-c", _SEED, json.dumps(payload), PASSWORD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)
