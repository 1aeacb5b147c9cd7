"""Password storage and policy: Argon2id at or above the ASVS minimum, rehash on sign-in,
length rules without composition rules, no truncation."""

from __future__ import annotations

import pytest

from app.auth.passwords import (
    PasswordRejected,
    check_password_policy,
    hash_password,
    password_hasher,
    verify_password,
)
from app.config import AuthSettings
from app.models.users import User
from tests.auth.conftest import sign_in
from tests.auth.factories import PASSWORD, make_user


def test_production_parameters_meet_the_asvs_minimum() -> None:
    defaults = AuthSettings()
    assert defaults.argon2_memory_kib >= 19_456
    assert defaults.argon2_time_cost >= 2
    assert defaults.argon2_parallelism >= 1
    stored = hash_password(password_hasher(defaults), PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_nothing_is_truncated() -> None:
    hasher = password_hasher(AuthSettings(argon2_time_cost=1, argon2_memory_kib=64))
    long = "correct horse battery staple " * 8  # 232 characters
    stored = hash_password(hasher, long)
    assert verify_password(hasher, stored, long)
    assert not verify_password(hasher, stored, long[:-1] + "X")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short pass", "too_short"),
        ("x" * 257, "too_long"),
        ("password1234", "too_common"),
        ("aaaaaaaaaaaa", "too_guessable"),
    ],
)
def test_the_policy_refuses(password: str, reason: str) -> None:
    with pytest.raises(PasswordRejected) as refused:
        check_password_policy(password)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    "password",
    [
        "lowercase words only here",  # no composition rules
        "a" * 3 + " unusual sixty-four character passphrase that is long enough!!"[:61],
    ],
)
def test_the_policy_accepts_long_passphrases_without_composition_rules(password: str) -> None:
    check_password_policy(password)


def test_a_password_built_from_the_users_own_name_is_refused() -> None:
    with pytest.raises(PasswordRejected):
        check_password_policy("hanna kowalska", context=("hanna.kowalska@example.org", "Hanna"))


async def test_sign_in_rehashes_when_the_parameters_rise(app, client, session) -> None:  # type: ignore[no-untyped-def]
    from app.auth.hashing import PasswordHashing

    user = await make_user(session)  # hashed with the cheap test parameters (t=1)
    before = user.password_hash
    stronger = AuthSettings(argon2_time_cost=2, argon2_memory_kib=128, argon2_parallelism=1)
    app.state.hashing = PasswordHashing(stronger)
    assert (await sign_in(client, user.email)).status_code == 200
    await session.refresh(user)
    refreshed = await session.get(User, user.id)
    assert refreshed is not None and refreshed.password_hash != before
    assert "$m=128,t=2,p=1$" in refreshed.password_hash
    # And the new hash still opens the account.
    assert (await sign_in(client, user.email)).status_code == 200


def test_digits_only_passphrases_are_not_refused_for_their_composition() -> None:
    check_password_policy("8473 2910 5563 2281 0947")
