"""A self-hosted proof of work for anonymous forms (ALTCHA's v1 challenge, via ``altcha``).

The server hands out a challenge: a random salt carrying its expiry, and the SHA-256 of the
salt followed by a secret number below ``max_number``, HMAC-signed with a key of our own.
The browser finds the number by trying them (altcha-lib); the server checks the hash and its
signature without storing anything until the solution is used. Spending one is the caller's
business (a unique row per challenge), so each solves for one submission only.

The HMAC key is a subkey of the keyring (its own HKDF label); every keyring version is
tried, so a rotation does not void challenges already handed out.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from urllib.parse import parse_qs

from app.kit.crypto.keyring import Keyring, Purpose

ALGORITHM: Final = "SHA-256"
# A payload is a small base64 JSON object; anything longer is not one.
MAX_PAYLOAD = 2048
_SHA256_HEX = re.compile("[0-9a-f]{64}")
# _altcha_on_first_use: the functions below import altcha when called, so a worker that
# serves no anonymous form never loads it (altcha and what it imports, ~0.8 MiB a worker).


class ProofOfWorkInvalid(ValueError):
    """The solution is malformed, wrong, signed by no key of ours, or expired."""


@dataclass(frozen=True)
class Challenge:
    algorithm: str
    challenge: str
    max_number: int
    salt: str
    signature: str


@dataclass(frozen=True)
class Solved:
    """A verified solution: ``challenge`` names it (to spend it once) until ``expires_at``."""

    challenge: str
    expires_at: datetime


def _key(keyring: Keyring, version: int | None = None) -> bytes:
    return keyring.subkey(Purpose.PROOF_OF_WORK, version)


def new_challenge(
    keyring: Keyring, *, now: datetime, max_number: int, valid_for: timedelta
) -> Challenge:
    from altcha.v1 import ChallengeOptions, create_challenge  # see _altcha_on_first_use

    made = create_challenge(
        ChallengeOptions(
            algorithm=ALGORITHM,
            max_number=max_number,
            hmac_key=_key(keyring),
            expires=now + valid_for,
        )
    )
    return Challenge(made.algorithm, made.challenge, made.max_number, made.salt, made.signature)


def _decode(payload: str) -> dict[str, Any]:
    if not isinstance(payload, str) or len(payload) > MAX_PAYLOAD:
        raise ProofOfWorkInvalid("not a proof-of-work payload")
    try:
        decoded = json.loads(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise ProofOfWorkInvalid("not a proof-of-work payload") from exc
    if not isinstance(decoded, dict):
        raise ProofOfWorkInvalid("not a proof-of-work payload")
    return decoded


def _expires(salt: str) -> datetime | None:
    query = salt.split("?", 1)[1] if "?" in salt else ""
    values = parse_qs(query).get("expires", [])
    if len(values) != 1 or not values[0].isdigit():
        return None
    return datetime.fromtimestamp(int(values[0]), tz=UTC)


def verify(keyring: Keyring, payload: str, *, now: datetime) -> Solved:
    """The solution's challenge if it is right, ours and not expired at ``now`` (the
    caller's clock, not the library's); ProofOfWorkInvalid otherwise."""
    decoded = _decode(payload)
    if decoded.get("algorithm") != ALGORITHM:
        raise ProofOfWorkInvalid("unexpected algorithm")
    salt, challenge = decoded.get("salt"), decoded.get("challenge")
    if not isinstance(salt, str) or not isinstance(challenge, str):
        raise ProofOfWorkInvalid("not a proof-of-work payload")
    if not _SHA256_HEX.fullmatch(challenge):
        raise ProofOfWorkInvalid("not a SHA-256 challenge")
    expires_at = _expires(salt)
    # A challenge without an expiry is none of ours (we always set one).
    if expires_at is None or expires_at <= now:
        raise ProofOfWorkInvalid("the challenge expired")
    from altcha.v1 import verify_solution  # see _altcha_on_first_use

    for version in reversed(keyring.versions):
        ok, _ = verify_solution(decoded, _key(keyring, version), check_expires=False)  # type: ignore[call-overload]
        if ok:
            return Solved(challenge, expires_at)
    raise ProofOfWorkInvalid("wrong solution")


def solve(challenge: Challenge) -> str:
    """What a browser sends back: tests and benchmarks play the browser with this."""
    from altcha.v1 import solve_challenge  # see _altcha_on_first_use

    solution = solve_challenge(
        challenge.challenge, challenge.salt, ALGORITHM, challenge.max_number, 0
    )
    if solution is None:
        raise ProofOfWorkInvalid("no solution below max_number")
    return base64.b64encode(
        json.dumps(
            {
                "algorithm": challenge.algorithm,
                "challenge": challenge.challenge,
                "number": solution.number,
                "salt": challenge.salt,
                "signature": challenge.signature,
            }
        ).encode()
    ).decode()
