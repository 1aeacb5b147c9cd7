from __future__ import annotations

from app.keys import KeyMaterial
from app.kit.crypto import Keyring
from app.kit.crypto.keyring import generate_master_key
from app.kit.crypto.signing import generate_signing_key


def fresh_keys(keyring_file=None) -> KeyMaterial:  # type: ignore[no-untyped-def]
    return KeyMaterial(Keyring({1: generate_master_key()}, 1), generate_signing_key(), keyring_file)
