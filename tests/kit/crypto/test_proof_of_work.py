"""The proof of work of anonymous forms (app/kit/crypto/proof_of_work.py): solved by the
browser's algorithm, signed by our key only, dead after its expiry, alive across a key
rotation."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from app.kit.crypto import Keyring
from app.kit.crypto.keyring import generate_master_key
from app.kit.crypto.proof_of_work import ProofOfWorkInvalid, new_challenge, solve, verify

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def keyring() -> Keyring:
    return Keyring({1: generate_master_key()}, 1)


def made(ring: Keyring) -> str:
    return solve(new_challenge(ring, now=NOW, max_number=2000, valid_for=timedelta(minutes=10)))


def test_a_solution_verifies_until_it_expires_and_across_a_rotation() -> None:
    ring = keyring()
    payload = made(ring)
    solved = verify(ring, payload, now=NOW + timedelta(minutes=9))
    assert solved.expires_at == NOW + timedelta(minutes=10)
    assert verify(ring.with_new_version(), payload, now=NOW).challenge == solved.challenge
    with pytest.raises(ProofOfWorkInvalid):
        verify(ring, payload, now=NOW + timedelta(minutes=10))


def test_another_key_a_wrong_number_or_junk_is_refused() -> None:
    ring = keyring()
    payload = made(ring)
    with pytest.raises(ProofOfWorkInvalid):
        verify(keyring(), payload, now=NOW)
    fields = json.loads(base64.b64decode(payload))
    for change in (
        {"number": fields["number"] + 1},
        {"algorithm": "SHA-1"},
        {"salt": fields["salt"].replace("expires=", "expires=9")},
        {"challenge": fields["challenge"].upper()},
        {"challenge": fields["challenge"] + "00"},
    ):
        forged = base64.b64encode(json.dumps(fields | change).encode()).decode()
        with pytest.raises(ProofOfWorkInvalid):
            verify(ring, forged, now=NOW)
    for junk in ("", "!!", "bnVsbA==", "W10=", "x" * 5000):
        with pytest.raises(ProofOfWorkInvalid):
            verify(ring, junk, now=NOW)
