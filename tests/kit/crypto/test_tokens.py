import re

import pytest

from app.kit.crypto import (
    Keyring,
    blind_index,
    constant_time_equal,
    generate_master_key,
    index_version_of,
    new_token,
    token_mac,
    token_mac_candidates,
)


@pytest.fixture
def keyring() -> Keyring:
    return Keyring({1: generate_master_key(), 2: generate_master_key()}, 2)


def test_new_token_has_256_bits_by_default() -> None:
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)


def test_new_token_size() -> None:
    assert len(new_token(48)) == 64
    assert len(new_token(16)) == 22
    with pytest.raises(ValueError):
        new_token(15)


def test_token_mac_layout_and_determinism(keyring: Keyring) -> None:
    token = new_token()
    mac = token_mac(keyring, token, purpose="session")
    assert len(mac) == 36
    assert mac[:4] == (2).to_bytes(4, "big")
    assert mac == token_mac(keyring, token, purpose="session")
    assert token.encode() not in mac


def test_token_mac_separates_purposes_tokens_versions_and_keyrings(keyring: Keyring) -> None:
    token = new_token()
    macs = {
        token_mac(keyring, token, purpose="session")[4:],
        token_mac(keyring, token, purpose="password-reset")[4:],
        token_mac(keyring, new_token(), purpose="session")[4:],
        token_mac(keyring, token, purpose="session", version=1)[4:],
        token_mac(Keyring({2: generate_master_key()}, 2), token, purpose="session")[4:],
    }
    assert len(macs) == 5
    assert token_mac(keyring, "bc", purpose="a") != token_mac(keyring, "c", purpose="ab")


def test_token_mac_is_not_a_blind_index(keyring: Keyring) -> None:
    # Same input, same label: only the purpose-specific subkeys keep them apart.
    assert token_mac(keyring, "x", purpose="d") != blind_index(keyring, "x", domain="d")


def test_token_mac_does_not_normalize(keyring: Keyring) -> None:
    token = new_token()
    assert token_mac(keyring, token, purpose="s") != token_mac(keyring, token.upper(), purpose="s")
    assert token_mac(keyring, token, purpose="s") != token_mac(keyring, f" {token}", purpose="s")


def test_token_mac_tolerates_hostile_input(keyring: Keyring) -> None:
    assert len(token_mac(keyring, "\ud800", purpose="s")) == 36
    assert len(token_mac(keyring, "", purpose="s")) == 36
    with pytest.raises(ValueError):
        token_mac(keyring, "t", purpose="")


def test_candidates_cover_every_version_current_first(keyring: Keyring) -> None:
    token = new_token()
    stored = token_mac(keyring, token, purpose="invitation")
    rotated = keyring.with_new_version()
    candidates = token_mac_candidates(rotated, token, purpose="invitation")
    assert [index_version_of(c) for c in candidates] == [3, 2, 1]
    assert stored in candidates
    assert candidates[2] == token_mac(keyring, token, purpose="invitation", version=1)


def test_constant_time_equal() -> None:
    assert constant_time_equal(b"abc", b"abc")
    assert not constant_time_equal(b"abc", b"abd")
    assert not constant_time_equal(b"abc", b"abcd")
    assert constant_time_equal(b"", b"")
