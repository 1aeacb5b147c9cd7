"""Argon2id password hashing (argon2-cffi) with parameters from settings."""

from __future__ import annotations

import base64
import re
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.config import AuthSettings


def password_hasher(settings: AuthSettings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


def hash_password(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(password)


def decoy_hash(hasher: PasswordHasher) -> str:
    """A well-formed Argon2id hash with ``hasher``'s parameters that no password matches:
    a random salt and a random digest. Verifying against it costs exactly what verifying a
    stored hash costs (the work is hashing the candidate with the salt and parameters),
    while making it costs nothing: no Argon2 run, and none of its memory (19 MiB by
    default) in every worker at start-up."""

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode().rstrip("=")

    salt, digest = secrets.token_bytes(hasher.salt_len), secrets.token_bytes(hasher.hash_len)
    parameters = f"m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}"
    return f"$argon2id$v=19${parameters}${b64(salt)}${b64(digest)}"


def verify_password(hasher: PasswordHasher, stored_hash: str, password: str) -> bool:
    try:
        return hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(hasher: PasswordHasher, stored_hash: str) -> bool:
    return hasher.check_needs_rehash(stored_hash)


def generate_initial_password() -> str:
    """A one-time password for a bootstrap account: 20 characters, ~119 bits."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(20))


MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256  # far above the 64 we promise; bounds hashing cost per request
# zxcvbn's estimate works on a prefix: its matching is super-linear in the input length.
_ESTIMATE_PREFIX = 72  # zxcvbn refuses longer input


class PasswordRejected(ValueError):
    """The password breaks the policy; ``reason`` is a stable code for the UI."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


_COMMON: frozenset[str] | None = None


def check_password_policy(password: str, *, context: tuple[str, ...] = ()) -> None:
    """ASVS 5.0 / NIST 800-63B: length, no composition rules, no common or guessable ones.

    ``context`` holds words a guesser would try first (the user's email, name).
    """
    global _COMMON
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected("too_short")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRejected("too_long")
    if _COMMON is None:
        _COMMON = _common_passwords()
    if password.casefold() in _COMMON:
        raise PasswordRejected("too_common")
    from zxcvbn import zxcvbn

    inputs = sorted(
        {word.casefold() for value in context for word in re.split(r"[\W_]+", value) if word},
        key=len,
        reverse=True,
    )
    if zxcvbn(password[:_ESTIMATE_PREFIX], user_inputs=inputs)["score"] < 3:
        raise PasswordRejected("too_guessable")
    # zxcvbn still rates "<first name> <last name>" well; what remains once the person's own
    # words are taken out must be a password by itself.
    remainder = password.casefold()
    for word in inputs:
        if len(word) >= 3:
            remainder = remainder.replace(word, "")
    if remainder != password.casefold() and len(re.sub(r"[\W_]+", "", remainder)) < 6:
        raise PasswordRejected("too_guessable")
