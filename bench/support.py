"""What the benchmarks share: a throw-away environment for Accord's processes (fresh keys,
a data directory), a migrated database, a signed-in admin, and waiting for a server."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.keys import KeyMaterial  # noqa: E402
from app.kit.crypto import Keyring  # noqa: E402
from app.kit.crypto.keyring import generate_master_key  # noqa: E402
from app.kit.crypto.signing import generate_signing_key  # noqa: E402

_ADMIN = """
import asyncio, json, sys
from datetime import UTC, datetime
import pyotp
from app.actors import SYSTEM
from app.auth.passwords import password_hasher
from app.auth.service import create_account
from app.auth.sessions.service import csrf_token, open_session
from app.config import get_settings
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.keys import install_keys, load_keys
from app.models.identity import TotpFactor
from app.models.users import PlatformRole

async def main():
    settings = get_settings()
    install_keys(load_keys(settings))
    engine = create_engine(settings.database_url)
    async with unit_of_work(create_sessionmaker(engine)) as session:
        user = await create_account(session, actor=SYSTEM, hasher=password_hasher(settings.auth),
            email="bench-admin@example.org", display_name="Bench", password=None,
            platform_roles=frozenset({PlatformRole.ADMIN}))
        factor = TotpFactor(user_id=user.id, confirmed_at=datetime.now(UTC))
        factor.secret = pyotp.random_base32()
        session.add(factor)
        issued = await open_session(session, user_id=user.id, method="password",
            now=datetime.now(UTC), settings=settings.session, user_agent="bench",
            second_factor=True)
    await engine.dispose()
    print(json.dumps({"token": issued.token, "csrf": csrf_token(issued.token)}))

asyncio.run(main())
"""


def accord_env(data_dir: str, **settings: str) -> dict[str, str]:
    """The environment for `accord`/uvicorn processes: this one's, without any ACCORD_
    setting, plus fresh keys, ``data_dir`` and ``settings`` (ACCORD_* names)."""
    keys = KeyMaterial(Keyring({1: generate_master_key()}, 1), generate_signing_key(), None)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.update(
        {
            "ACCORD_ENV": "test",
            "ACCORD_DATA_DIR": data_dir,
            "ACCORD_KEYS__KEYRING": keys.keyring.to_json(),
            "ACCORD_KEYS__AUDIT_SIGNING_KEY": base64.b64encode(keys.audit_signing_key).decode(),
            "ACCORD_FRONTEND_DIST": f"{data_dir}/none",
            "ACCORD_MAIL__EMBEDDED_WORKER": "false",
            **settings,
        }
    )
    return env


def run_python(env: dict[str, str], *args: str) -> str:
    """``python ARGS`` in the project with ``env``; its standard output."""
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


def migrate(env: dict[str, str]) -> None:
    run_python(env, "-m", "app.cli", "db", "upgrade")


def signed_in_admin(env: dict[str, str]) -> dict[str, str]:
    """Headers of an admin's session with a fresh second factor, made in the database."""
    secrets = json.loads(run_python(env, "-c", _ADMIN))
    return {
        "cookie": f"__Host-accord_session={secrets['token']}",
        "x-csrf-token": secrets["csrf"],
    }


def wait_ready(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} did not answer in {seconds:.0f} s")
