"""An unknown email costs the same work as a wrong password (no account enumeration by
timing): both verify exactly one Argon2id hash with the same parameters, the unknown one
against a decoy. Checked by what is hashed, not by a stopwatch: wall-clock medians on a
shared machine belong in bench/bench_sign_in.py, which prints them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import httpx
from argon2 import extract_parameters

from app.auth.hashing import PasswordHashing
from app.auth.passwords import verify_password
from tests.auth.factories import make_user

T = TypeVar("T")


class RecordingHashing(PasswordHashing):
    """The real hashing, noting every Argon2id hash it verifies against."""

    def __init__(self, inner: PasswordHashing, settings) -> None:  # type: ignore[no-untyped-def]
        super().__init__(settings)
        self.hasher, self._decoy = inner.hasher, inner._decoy
        self.verified: list[str] = []

    async def _run(self, fn: Callable[..., T], *args: object) -> T:
        if fn is verify_password:
            self.verified.append(str(args[1]))
        return await super()._run(fn, *args)


async def _attempt(client: httpx.AsyncClient, email: str) -> None:
    response = await client.post(
        "/api/auth/sign-in", json={"email": email, "password": "wrong wrong wrong"}
    )
    assert response.status_code == 401


async def test_unknown_email_and_wrong_password_verify_one_hash_of_equal_cost(
    app, client, session, settings
) -> None:  # type: ignore[no-untyped-def]
    hashing = RecordingHashing(app.state.hashing, settings.auth)
    app.state.hashing = hashing
    user = await make_user(session)

    await _attempt(client, user.email)
    await _attempt(client, "nobody-at-all@example.org")

    assert len(hashing.verified) == 2
    wrong, unknown = hashing.verified
    assert wrong == user.password_hash
    assert unknown not in (None, "", user.password_hash)  # the decoy
    assert extract_parameters(unknown) == extract_parameters(wrong)


async def test_a_suspended_account_costs_the_same_hash_as_an_unknown_one(
    app, client, session, settings
) -> None:  # type: ignore[no-untyped-def]
    from app.models.users import UserStatus

    hashing = RecordingHashing(app.state.hashing, settings.auth)
    app.state.hashing = hashing
    user = await make_user(session)
    user.status = UserStatus.SUSPENDED
    await session.commit()

    await _attempt(client, user.email)

    assert len(hashing.verified) == 1
    assert hashing.verified[0] != user.password_hash
    assert extract_parameters(hashing.verified[0]) == extract_parameters(user.password_hash)
