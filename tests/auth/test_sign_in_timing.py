"""An unknown email costs the same work as a wrong password (no account enumeration by
timing): both verify an Argon2id hash, the unknown one against a decoy."""

from __future__ import annotations

import statistics
import time

import httpx

from app.actors import SYSTEM
from app.auth.passwords import password_hasher
from app.auth.service import create_account
from app.config import AuthSettings
from app.main import create_app
from tests.auth.factories import PASSWORD
from tests.conftest import make_settings

# Costly enough that a skipped hash would stand far outside the noise of a shared machine.
TIMING_AUTH = AuthSettings(argon2_time_cost=2, argon2_memory_kib=16_384, argon2_parallelism=1)
ROUNDS = 12


async def _timed_ms(client: httpx.AsyncClient, email: str) -> float:
    started = time.perf_counter()
    response = await client.post(
        "/api/auth/sign-in", json={"email": email, "password": "wrong wrong wrong"}
    )
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 401
    return elapsed


async def test_unknown_and_wrong_password_take_the_same_time(
    sessionmaker, session, test_keys, tmp_path, database_url
) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(
        database_url,
        tmp_path,
        auth=TIMING_AUTH,
        # Enough attempts for both series without a block changing the path.
        throttle={"account_failures": 1000, "address_failures": 1000},
    )
    app = create_app(settings, keys=test_keys)
    app.state.sessionmaker = sessionmaker
    # Hashed at the same parameters as the decoy, as every account is once rehashed.
    user = await create_account(
        session,
        actor=SYSTEM,
        hasher=password_hasher(TIMING_AUTH),
        email="timing@example.org",
        display_name="Timing",
        password=PASSWORD,
    )
    await session.commit()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://localhost") as client:
        await _timed_ms(client, user.email)  # warm-up
        wrong_samples, unknown_samples = [], []
        # Interleaved, so that both series meet the same load from whatever else runs.
        for _ in range(ROUNDS):
            wrong_samples.append(await _timed_ms(client, user.email))
            unknown_samples.append(await _timed_ms(client, "nobody-at-all@example.org"))
        wrong = statistics.median(wrong_samples)
        unknown = statistics.median(unknown_samples)
    await app.state.engine.dispose()
    assert 0.5 < unknown / wrong < 2.0, f"unknown {unknown:.1f} ms vs wrong {wrong:.1f} ms"
