"""Loading the process's key material and failing closed when it is missing.

Development: generated once into ``<data_dir>/keys/`` (files 0600). Production: only from
the environment or mounted files, never generated, never development keys.
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from app.config import Settings
from app.kit.crypto import Keyring, KeyringError
from app.kit.crypto.keyring import generate_master_key
from app.kit.crypto.keystore import (
    load_keyring_file,
    read_secret_file,
    save_keyring_file,
    write_secret_file,
)
from app.kit.crypto.signing import generate_signing_key, public_key_of
from app.kit.private_files import private_directory

KEYRING_FILENAME = "keyring.json"
SIGNING_KEY_FILENAME = "audit-signing.key"


class KeysUnavailable(RuntimeError):
    """Raised instead of ever running without keys."""


@dataclass(frozen=True)
class KeyMaterial:
    keyring: Keyring
    audit_signing_key: bytes
    keyring_file: Path | None

    @property
    def audit_public_key(self) -> bytes:
        return public_key_of(self.audit_signing_key)


def _decode_signing_key(text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeysUnavailable("the audit signing key is not valid base64") from exc
    if len(raw) != 32:
        raise KeysUnavailable("the audit signing key must be 32 bytes")
    return raw


def dev_key_paths(settings: Settings) -> tuple[Path, Path]:
    return settings.keys_dir / KEYRING_FILENAME, settings.keys_dir / SIGNING_KEY_FILENAME


def create_dev_keys(settings: Settings) -> None:
    """Create development keys under data_dir on first start; never overwrite."""
    keyring_path, signing_path = dev_key_paths(settings)
    if not (keyring_path.exists() and signing_path.exists()):
        # Before the key directory's mkdir makes a missing data dir with the default mode.
        private_directory(settings.data_dir)
    if not keyring_path.exists():
        save_keyring_file(keyring_path, Keyring({1: generate_master_key()}, 1, development=True))
    if not signing_path.exists():
        write_secret_file(signing_path, base64.b64encode(generate_signing_key()).decode())


def load_keys(settings: Settings) -> KeyMaterial:
    """Read the configured keys; in development create them first if none are configured."""
    configured_keyring = settings.keys.keyring.get_secret_value() or settings.keys.keyring_file
    configured_signing = (
        settings.keys.audit_signing_key.get_secret_value() or settings.keys.audit_signing_key_file
    )
    if not settings.is_production and not configured_keyring and not configured_signing:
        create_dev_keys(settings)
    keyring_path, signing_path = dev_key_paths(settings)
    keyring_file: Path | None = None
    try:
        if settings.keys.keyring.get_secret_value():
            keyring = Keyring.from_json(settings.keys.keyring.get_secret_value())
        elif settings.keys.keyring_file:
            keyring_file = settings.keys.keyring_file
            keyring = load_keyring_file(keyring_file)
        elif not settings.is_production:
            keyring_file = keyring_path
            keyring = load_keyring_file(keyring_path)
        else:
            raise KeysUnavailable("no keyring configured")

        if settings.keys.audit_signing_key.get_secret_value():
            signing = _decode_signing_key(settings.keys.audit_signing_key.get_secret_value())
        elif settings.keys.audit_signing_key_file:
            signing = _decode_signing_key(
                read_secret_file(settings.keys.audit_signing_key_file).decode()
            )
        elif not settings.is_production:
            signing = _decode_signing_key(read_secret_file(signing_path).decode())
        else:
            raise KeysUnavailable("no audit signing key configured")
    except (KeyringError, OSError) as exc:
        raise KeysUnavailable(f"keys could not be loaded: {type(exc).__name__}: {exc}") from exc
    if settings.is_production and keyring.development:
        raise KeysUnavailable("development keys are refused in production")
    return KeyMaterial(keyring=keyring, audit_signing_key=signing, keyring_file=keyring_file)


_lock = threading.Lock()
_installed: KeyMaterial | None = None


def install_keys(material: KeyMaterial | None) -> None:
    global _installed, _last_mtime
    with _lock:
        _installed = material
        _last_mtime = None


def current_keys() -> KeyMaterial:
    material = _installed
    if material is None:
        raise KeysUnavailable("keys are not loaded")
    return material


RELOAD_CHECK_SECONDS = 5.0
_last_check = 0.0
_last_mtime: float | None = None


def current_keyring() -> Keyring:
    """The installed keyring; a keyring *file* is re-read when it changes on disk.

    After `accord keys rotate` in another process, servers start encrypting with the new
    version within seconds instead of only after a restart.
    """
    global _last_check, _last_mtime
    material = current_keys()
    if material.keyring_file is not None:
        now = time.monotonic()
        if now - _last_check >= RELOAD_CHECK_SECONDS:
            _last_check = now
            try:
                mtime = material.keyring_file.stat().st_mtime
            except OSError:
                mtime = None
            if _last_mtime is None:
                _last_mtime = mtime
            elif mtime is not None and mtime != _last_mtime:
                _last_mtime = mtime
                reload_keyring_file()
                material = current_keys()
    return material.keyring


def reload_keyring_file() -> bool:
    """Re-read the keyring file (after `accord keys rotate` in another process).

    Returns True when a newer keyring was installed.
    """
    global _installed
    with _lock:
        material = _installed
        if material is None or material.keyring_file is None:
            return False
        try:
            fresh = load_keyring_file(material.keyring_file)
        except (KeyringError, OSError):
            return False
        if fresh.versions == material.keyring.versions:
            return False
        _installed = KeyMaterial(fresh, material.audit_signing_key, material.keyring_file)
        return True


def keys_loaded() -> bool:
    return _installed is not None
