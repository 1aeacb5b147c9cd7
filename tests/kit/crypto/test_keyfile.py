import base64
import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from app.kit.crypto import (
    CryptoError,
    DecryptionError,
    KeyringError,
    generate_sealing_keypair,
    open_sealed,
    read_key_file,
    seal,
    write_key_file,
)

PASSPHRASE = "correct horse — Алесь, ў лесе"
Document = dict[str, Any]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _dump(document: Document) -> bytes:
    return json.dumps(document).encode()


@pytest.fixture(scope="module")
def keypair() -> tuple[bytes, bytes]:
    return generate_sealing_keypair()


@pytest.fixture(scope="module")
def key_file(keypair: tuple[bytes, bytes]) -> bytes:
    return write_key_file(keypair[0], PASSPHRASE)


@pytest.fixture
def document(key_file: bytes) -> Document:
    loaded: Document = json.loads(key_file)
    return loaded


def test_round_trip(keypair: tuple[bytes, bytes], key_file: bytes) -> None:
    assert read_key_file(key_file, PASSPHRASE) == keypair
    private, public = read_key_file(key_file, PASSPHRASE)
    assert open_sealed(private, seal(public, b"share", info=b"i"), info=b"i") == b"share"


def test_format(keypair: tuple[bytes, bytes], key_file: bytes) -> None:
    document = json.loads(key_file.decode("utf-8"))
    assert list(document) == ["format", "version", "kdf", "cipher", "public_key", "ciphertext"]
    assert document["format"] == "accord-custody-key"
    assert document["version"] == 1
    assert document["kdf"]["name"] == "PBKDF2-SHA256"
    assert document["kdf"]["iterations"] == 600_000
    assert len(base64.b64decode(document["kdf"]["salt"])) == 16
    assert document["cipher"]["name"] == "AES-256-GCM"
    assert len(base64.b64decode(document["cipher"]["nonce"])) == 12
    assert base64.b64decode(document["public_key"]) == keypair[1]
    assert len(base64.b64decode(document["ciphertext"])) == 32 + 16
    for encoding in (keypair[0].hex(), _b64(keypair[0]), base64.urlsafe_b64encode(keypair[0])):
        assert str(encoding) not in key_file.decode()
    assert key_file.endswith(b"}\n")


def test_a_file_built_from_the_documented_format_opens() -> None:
    # What the browser (or anyone) has to do, written out independently of the module.
    private, public = generate_sealing_keypair()
    salt, nonce = os.urandom(16), os.urandom(12)
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, 600_000).derive(PASSPHRASE.encode())
    document = {
        "format": "accord-custody-key",
        "version": 1,
        "kdf": {"name": "PBKDF2-SHA256", "iterations": 600_000, "salt": _b64(salt)},
        "cipher": {"name": "AES-256-GCM", "nonce": _b64(nonce)},
        "public_key": _b64(public),
        "ciphertext": _b64(AESGCM(key).encrypt(nonce, private, public)),
    }
    assert read_key_file(_dump(document), PASSPHRASE) == (private, public)


def test_writing_twice_differs(keypair: tuple[bytes, bytes], document: Document) -> None:
    other = json.loads(write_key_file(keypair[0], PASSPHRASE))
    assert other["kdf"]["salt"] != document["kdf"]["salt"]
    assert other["cipher"]["nonce"] != document["cipher"]["nonce"]
    assert other["ciphertext"] != document["ciphertext"]
    assert other["public_key"] == document["public_key"]


def test_more_iterations(keypair: tuple[bytes, bytes]) -> None:
    key_file = write_key_file(keypair[0], PASSPHRASE, iterations=650_000)
    assert json.loads(key_file)["kdf"]["iterations"] == 650_000
    assert read_key_file(key_file, PASSPHRASE) == keypair


@pytest.mark.parametrize(
    "passphrase",
    [
        "",
        "wrong",
        PASSPHRASE.upper(),
        PASSPHRASE + " ",
        PASSPHRASE[:-1],
        PASSPHRASE.encode("utf-8").decode("latin-1"),
    ],
)
def test_wrong_passphrase_fails(key_file: bytes, passphrase: str) -> None:
    with pytest.raises(DecryptionError):
        read_key_file(key_file, passphrase)


def test_passphrase_is_compared_in_nfc(keypair: tuple[bytes, bytes]) -> None:
    composed, decomposed = "Łukasz café \u00e9", "Łukasz cafe\u0301 e\u0301"
    assert composed != decomposed
    assert read_key_file(write_key_file(keypair[0], composed), decomposed) == keypair
    assert read_key_file(write_key_file(keypair[0], decomposed), composed) == keypair


def _flip(value: str) -> str:
    data = bytearray(base64.b64decode(value))
    data[-1] ^= 0x01
    return _b64(bytes(data))


def _set_salt(d: Document) -> None:
    d["kdf"]["salt"] = _flip(d["kdf"]["salt"])


def _set_nonce(d: Document) -> None:
    d["cipher"]["nonce"] = _flip(d["cipher"]["nonce"])


def _set_ciphertext(d: Document) -> None:
    d["ciphertext"] = _flip(d["ciphertext"])


def _set_public_key(d: Document) -> None:
    d["public_key"] = _b64(generate_sealing_keypair()[1])


def _set_iterations(d: Document) -> None:
    d["kdf"]["iterations"] += 1


@pytest.mark.parametrize(
    "tamper", [_set_salt, _set_nonce, _set_ciphertext, _set_public_key, _set_iterations]
)
def test_tampering_is_detected(document: Document, tamper: Callable[[Document], None]) -> None:
    tamper(document)
    with pytest.raises(DecryptionError):
        read_key_file(_dump(document), PASSPHRASE)


def test_a_private_key_that_does_not_match_the_public_key_is_refused() -> None:
    # Well encrypted under the right passphrase, but not the stated public key's private key:
    # what a buggy or malicious writer could produce.
    private, _ = generate_sealing_keypair()
    _, public = generate_sealing_keypair()
    salt, nonce = os.urandom(16), os.urandom(12)
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, 600_000).derive(PASSPHRASE.encode())
    document = {
        "format": "accord-custody-key",
        "version": 1,
        "kdf": {"name": "PBKDF2-SHA256", "iterations": 600_000, "salt": _b64(salt)},
        "cipher": {"name": "AES-256-GCM", "nonce": _b64(nonce)},
        "public_key": _b64(public),
        "ciphertext": _b64(AESGCM(key).encrypt(nonce, private, public)),
    }
    with pytest.raises(DecryptionError, match="does not match"):
        read_key_file(_dump(document), PASSPHRASE)


def _set(path: str, value: object) -> Callable[[Document], None]:
    def change(d: Document) -> None:
        *parents, last = path.split(".")
        for name in parents:
            d = d[name]
        d[last] = value

    return change


def _drop(path: str) -> Callable[[Document], None]:
    def change(d: Document) -> None:
        *parents, last = path.split(".")
        for name in parents:
            d = d[name]
        del d[last]

    return change


MALFORMED = {
    "format": _set("format", "accord-custody-key-2"),
    "format missing": _drop("format"),
    "version 2": _set("version", 2),
    "version 0": _set("version", 0),
    "version text": _set("version", "1"),
    "version float": _set("version", 1.0),
    "version bool": _set("version", True),
    "extra member": _set("comment", "hello"),
    "extra kdf member": _set("kdf.hash", "SHA-256"),
    "kdf missing": _drop("kdf"),
    "kdf not an object": _set("kdf", "PBKDF2-SHA256"),
    "kdf name": _set("kdf.name", "PBKDF2-SHA1"),
    "argon2": _set("kdf.name", "Argon2id"),
    "cipher name": _set("cipher.name", "AES-128-GCM"),
    "cipher nonce missing": _drop("cipher.nonce"),
    "iterations below the floor": _set("kdf.iterations", 599_999),
    "iterations tiny": _set("kdf.iterations", 1),
    "iterations zero": _set("kdf.iterations", 0),
    "iterations negative": _set("kdf.iterations", -600_000),
    "iterations above the ceiling": _set("kdf.iterations", 10_000_001),
    "iterations absurd": _set("kdf.iterations", 10**30),
    "iterations text": _set("kdf.iterations", "600000"),
    "iterations float": _set("kdf.iterations", 600_000.0),
    "iterations bool": _set("kdf.iterations", True),
    "iterations null": _set("kdf.iterations", None),
    "salt short": _set("kdf.salt", _b64(b"s" * 15)),
    "salt long": _set("kdf.salt", _b64(b"s" * 17)),
    "salt not base64": _set("kdf.salt", "not base64 at all!!"),
    "salt url-safe alphabet": _set("kdf.salt", "-_-_-_-_-_-_-_-_-_-_-w=="),
    "salt unpadded": _set("kdf.salt", _b64(b"s" * 16).rstrip("=")),
    "salt with whitespace": _set("kdf.salt", " " + _b64(b"s" * 16)),
    "salt non-canonical padding bits": _set("kdf.salt", "c3Nzc3Nzc3Nzc3Nzc3Nzcx=="),
    "salt number": _set("kdf.salt", 16),
    "salt non-ascii": _set("kdf.salt", "ЁЁЁЁЁЁЁЁЁЁЁЁЁЁЁЁЁЁЁЁЁЁ=="),
    "nonce short": _set("cipher.nonce", _b64(b"n" * 11)),
    "nonce long": _set("cipher.nonce", _b64(b"n" * 16)),
    "public key short": _set("public_key", _b64(b"p" * 31)),
    "public key long": _set("public_key", _b64(b"p" * 33)),
    "ciphertext short": _set("ciphertext", _b64(b"c" * 47)),
    "ciphertext without tag": _set("ciphertext", _b64(b"c" * 32)),
    "ciphertext long": _set("ciphertext", _b64(b"c" * 49)),
}


@pytest.mark.parametrize("change", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_files_are_refused_before_any_work(
    document: Document, change: Callable[[Document], None]
) -> None:
    change(document)
    with pytest.raises(KeyringError):
        read_key_file(_dump(document), PASSPHRASE)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json",
        b"\xff\xfe{}",
        b"[]",
        b"null",
        b'"accord-custody-key"',
        b"{}",
        b"[" * 100_000,
    ],
)
def test_data_that_is_not_a_key_file_is_refused(data: bytes) -> None:
    with pytest.raises(KeyringError):
        read_key_file(data, PASSPHRASE)


def test_duplicate_members_are_refused(key_file: bytes) -> None:
    data = key_file.replace(b'"version": 1,', b'"version": 1, "version": 1,')
    assert data != key_file
    with pytest.raises(KeyringError):
        read_key_file(data, PASSPHRASE)


def test_oversized_files_are_refused(key_file: bytes) -> None:
    data = key_file.replace(b"{", b"{" + b" " * 20_000, 1)
    with pytest.raises(KeyringError):
        read_key_file(data, PASSPHRASE)


def test_whitespace_and_member_order_do_not_matter(
    keypair: tuple[bytes, bytes], document: Document
) -> None:
    reordered = dict(reversed(list(document.items())))
    assert read_key_file(json.dumps(reordered, separators=(",", ":")).encode(), PASSPHRASE) == (
        keypair
    )


@pytest.mark.parametrize(
    ("private", "passphrase", "iterations"),
    [
        (b"\1" * 31, PASSPHRASE, 600_000),
        (b"\1" * 33, PASSPHRASE, 600_000),
        (b"", PASSPHRASE, 600_000),
        ("\1" * 32, PASSPHRASE, 600_000),
        (b"\1" * 32, "", 600_000),
        (b"\1" * 32, b"bytes passphrase", 600_000),
        (b"\1" * 32, PASSPHRASE, 599_999),
        (b"\1" * 32, PASSPHRASE, 100_000),
        (b"\1" * 32, PASSPHRASE, 10_000_001),
        (b"\1" * 32, PASSPHRASE, 600_000.0),
    ],
)
def test_write_refuses_bad_arguments(private: bytes, passphrase: str, iterations: int) -> None:
    with pytest.raises(CryptoError):
        write_key_file(private, passphrase, iterations=iterations)


def test_private_key_bytes_are_kept_as_given() -> None:
    # X25519 clamps a private key when it uses it; the file keeps the bytes the custodian had,
    # so the browser's and Python's views of "the private key" never differ.
    private = b"\xff" * 32
    public = X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()
    assert read_key_file(write_key_file(private, PASSPHRASE), PASSPHRASE) == (private, public)
