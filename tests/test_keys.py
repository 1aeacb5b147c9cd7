"""Keys load from files, fail closed, and a rotated keyring file is picked up by servers."""

from __future__ import annotations

import os

import pytest

import app.keys as keys
from app.kit.crypto import Keyring
from app.kit.crypto.keyring import generate_master_key
from app.kit.crypto.keystore import save_keyring_file
from app.kit.crypto.signing import generate_signing_key


def test_without_keys_nothing_can_encrypt() -> None:
    keys.install_keys(None)
    with pytest.raises(keys.KeysUnavailable):
        keys.current_keyring()


def test_a_rotated_keyring_file_is_reloaded(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "keyring.json"
    first = Keyring({1: generate_master_key()}, 1)
    save_keyring_file(path, first)
    keys.install_keys(keys.KeyMaterial(first, generate_signing_key(), path))
    monkeypatch.setattr(keys, "RELOAD_CHECK_SECONDS", 0.0)
    assert keys.current_keyring().current_version == 1

    rotated = first.with_new_version()
    save_keyring_file(path, rotated)
    # Same size and maybe same mtime second on coarse file systems: force a new mtime.
    stamp = path.stat().st_mtime + 2
    os.utime(path, (stamp, stamp))
    assert keys.current_keyring().current_version == 2
