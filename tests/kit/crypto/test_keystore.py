import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.kit.crypto import (
    Keyring,
    KeyringError,
    Purpose,
    generate_master_key,
    load_keyring_file,
    read_secret_file,
    save_keyring_file,
    write_secret_file,
)

SECRET = b"the-secret-value-\x00\xff"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_write_creates_private_file_and_directory(tmp_path: Path, umask: None) -> None:
    path = tmp_path / "data" / "keys" / "keyring.json"
    write_secret_file(path, SECRET)
    assert path.read_bytes() == SECRET
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert os.listdir(path.parent) == ["keyring.json"]  # no temporary file left behind


def test_write_encodes_text_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    write_secret_file(path, "clé ✓")
    assert path.read_bytes() == "clé ✓".encode()


@pytest.mark.parametrize("mask", [0o000, 0o077, 0o277])
def test_mode_is_0600_whatever_the_umask(tmp_path: Path, mask: int) -> None:
    previous = os.umask(mask)
    try:
        write_secret_file(tmp_path / "secret", SECRET)
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "secret") == 0o600


def test_write_replaces_a_loose_file_with_a_private_one(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_bytes(b"old")
    path.chmod(0o644)
    write_secret_file(path, SECRET)
    assert path.read_bytes() == SECRET
    assert _mode(path) == 0o600


def test_failed_write_keeps_the_old_file_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secret"
    write_secret_file(path, b"old")

    def broken_replace(source: object, target: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_secret_file(path, SECRET)
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["secret"]


def test_read_accepts_private_files(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    write_secret_file(path, SECRET)
    assert read_secret_file(path) == SECRET
    path.chmod(0o400)
    assert read_secret_file(path) == SECRET


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o602, 0o620, 0o610, 0o601, 0o666])
def test_read_refuses_files_open_to_group_or_others(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "secret"
    path.write_bytes(SECRET)
    path.chmod(mode)
    with pytest.raises(KeyringError) as caught:
        read_secret_file(path)
    assert "the-secret" not in str(caught.value)
    assert f"{mode:04o}" in str(caught.value)


def test_read_checks_the_file_a_symlink_points_to(tmp_path: Path) -> None:
    # Mounted secrets (e.g. Kubernetes) are symlinks; the target's mode is what matters.
    target = tmp_path / "target"
    link = tmp_path / "link"
    write_secret_file(target, SECRET)
    link.symlink_to(target)
    assert read_secret_file(link) == SECRET
    target.chmod(0o644)
    with pytest.raises(KeyringError):
        read_secret_file(link)


def test_read_of_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_secret_file(tmp_path / "absent")


def test_keyring_file_round_trip(tmp_path: Path) -> None:
    keyring = Keyring({1: generate_master_key(), 4: generate_master_key()}, 4, development=True)
    path = tmp_path / "keys" / "keyring.json"
    save_keyring_file(path, keyring)
    assert _mode(path) == 0o600
    loaded = load_keyring_file(path)
    assert (loaded.versions, loaded.current_version, loaded.development) == ((1, 4), 4, True)
    for version in (1, 4):
        assert loaded.subkey(Purpose.FIELD, version) == keyring.subkey(Purpose.FIELD, version)


def test_load_refuses_a_world_readable_keyring(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    save_keyring_file(path, Keyring({1: generate_master_key()}, 1))
    path.chmod(0o644)
    with pytest.raises(KeyringError):
        load_keyring_file(path)


@pytest.mark.parametrize("content", [b"\xff\xfe not utf-8", b"{}", b"", b"not json"])
def test_load_refuses_malformed_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "keyring.json"
    write_secret_file(path, content)
    with pytest.raises(KeyringError):
        load_keyring_file(path)
