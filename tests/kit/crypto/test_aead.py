from uuid import UUID, uuid4

import pytest

from app.kit.crypto import (
    DecryptionError,
    Keyring,
    KeyringError,
    Purpose,
    decrypt_field,
    decrypt_text,
    encrypt_field,
    encrypt_text,
    generate_master_key,
    key_version_of,
)

ROW = UUID("6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b")
OTHER_ROW = UUID("00000000-0000-4000-8000-000000000001")
PLACE = {"table": "members", "column": "email", "row_id": ROW}
SECRET = b"amina@example.org"


@pytest.fixture
def keyring() -> Keyring:
    return Keyring({1: generate_master_key(), 2: generate_master_key()}, 2)


@pytest.fixture
def blob(keyring: Keyring) -> bytes:
    return encrypt_field(keyring, SECRET, table="members", column="email", row_id=ROW)


def _decrypt(keyring: Keyring, blob: bytes) -> bytes:
    return decrypt_field(keyring, blob, table="members", column="email", row_id=ROW)


@pytest.mark.parametrize("plaintext", [b"", b"x", SECRET, bytes(range(256)) * 300])
def test_round_trip(keyring: Keyring, plaintext: bytes) -> None:
    blob = encrypt_field(keyring, plaintext, table="members", column="email", row_id=ROW)
    assert _decrypt(keyring, blob) == plaintext


def test_layout(keyring: Keyring, blob: bytes) -> None:
    assert blob[0] == 0x01
    assert blob[1:5] == (2).to_bytes(4, "big")
    assert len(blob) == 1 + 4 + 12 + len(SECRET) + 16
    assert SECRET not in blob
    assert key_version_of(blob) == 2


def test_same_plaintext_encrypts_differently(keyring: Keyring) -> None:
    blobs = {
        encrypt_field(keyring, SECRET, table="members", column="email", row_id=ROW)
        for _ in range(50)
    }
    assert len(blobs) == 50
    assert len({b[5:17] for b in blobs}) == 50  # fresh nonce every time


def test_text_round_trip(keyring: Keyring) -> None:
    text = "Ğülşen Şahin — مريم 👩🏽‍⚖️"
    blob = encrypt_text(keyring, text, table="t", column="c", row_id="r-1")
    assert decrypt_text(keyring, blob, table="t", column="c", row_id="r-1") == text


def test_decrypt_text_rejects_non_utf8(keyring: Keyring) -> None:
    blob = encrypt_field(keyring, b"\xff\xfe", table="t", column="c", row_id="r")
    with pytest.raises(DecryptionError):
        decrypt_text(keyring, blob, table="t", column="c", row_id="r")


def test_uuid_and_its_canonical_string_are_the_same_row(keyring: Keyring, blob: bytes) -> None:
    assert decrypt_field(keyring, blob, table="members", column="email", row_id=str(ROW)) == SECRET
    # row_id is bound as str(row_id): another spelling is another row.
    with pytest.raises(DecryptionError):
        decrypt_field(keyring, blob, table="members", column="email", row_id=str(ROW).upper())


def test_explicit_older_version(keyring: Keyring) -> None:
    blob = encrypt_field(keyring, SECRET, table="t", column="c", row_id=ROW, version=1)
    assert key_version_of(blob) == 1
    assert decrypt_field(keyring, blob, table="t", column="c", row_id=ROW) == SECRET
    with pytest.raises(KeyringError):
        encrypt_field(keyring, SECRET, table="t", column="c", row_id=ROW, version=3)


def test_every_single_byte_flip_is_detected(keyring: Keyring, blob: bytes) -> None:
    # Covers the format byte (0), key version (1-4), nonce (5-16), ciphertext and tag (last 16).
    for position in range(len(blob)):
        for mask in (0x01, 0x80, 0xFF):
            tampered = bytearray(blob)
            tampered[position] ^= mask
            with pytest.raises(DecryptionError):
                _decrypt(keyring, bytes(tampered))


def test_truncation_and_extension_are_detected(keyring: Keyring, blob: bytes) -> None:
    for length in range(len(blob)):
        with pytest.raises(DecryptionError):
            _decrypt(keyring, blob[:length])
    with pytest.raises(DecryptionError):
        _decrypt(keyring, blob + b"\0")
    with pytest.raises(DecryptionError):
        _decrypt(keyring, blob[:5] + blob[6:])  # one nonce byte dropped


@pytest.mark.parametrize(
    "place",
    [
        {"table": "recipients", "column": "email", "row_id": ROW},
        {"table": "members", "column": "name", "row_id": ROW},
        {"table": "members", "column": "email", "row_id": OTHER_ROW},
        {"table": "members", "column": "email", "row_id": str(ROW) + " "},
        {"table": "Members", "column": "email", "row_id": ROW},
    ],
)
def test_ciphertext_moved_to_another_cell_fails(
    keyring: Keyring, blob: bytes, place: dict[str, object]
) -> None:
    with pytest.raises(DecryptionError):
        decrypt_field(keyring, blob, **place)  # type: ignore[arg-type]


def test_swapped_rows_fail(keyring: Keyring) -> None:
    a = encrypt_field(keyring, b"a", table="t", column="c", row_id=ROW)
    b = encrypt_field(keyring, b"b", table="t", column="c", row_id=OTHER_ROW)
    with pytest.raises(DecryptionError):
        decrypt_field(keyring, b, table="t", column="c", row_id=ROW)
    with pytest.raises(DecryptionError):
        decrypt_field(keyring, a, table="t", column="c", row_id=OTHER_ROW)


def test_place_encoding_is_unambiguous(keyring: Keyring) -> None:
    blob = encrypt_field(keyring, SECRET, table="ab", column="c", row_id="r")
    with pytest.raises(DecryptionError):
        decrypt_field(keyring, blob, table="a", column="bc", row_id="r")
    blob = encrypt_field(keyring, SECRET, table="t", column="c\0", row_id="r")
    with pytest.raises(DecryptionError):
        decrypt_field(keyring, blob, table="t", column="c", row_id="\0r")


def test_header_relabelled_with_another_existing_version_fails(keyring: Keyring) -> None:
    blob = encrypt_field(keyring, SECRET, table="members", column="email", row_id=ROW, version=2)
    relabelled = blob[:1] + (1).to_bytes(4, "big") + blob[5:]
    assert key_version_of(relabelled) == 1
    with pytest.raises(DecryptionError):
        _decrypt(keyring, relabelled)


@pytest.mark.parametrize("version", [0, 3, 2**32 - 1])
def test_header_with_unknown_version_fails(keyring: Keyring, blob: bytes, version: int) -> None:
    with pytest.raises(DecryptionError):
        _decrypt(keyring, blob[:1] + version.to_bytes(4, "big") + blob[5:])


def test_retired_version_can_no_longer_decrypt(keyring: Keyring) -> None:
    old = encrypt_field(keyring, SECRET, table="members", column="email", row_id=ROW, version=1)
    rotated = keyring.with_new_version()
    # Re-encrypt under the new current version, then retire the old one.
    fresh = encrypt_field(
        rotated, _decrypt(rotated, old), table="members", column="email", row_id=ROW
    )
    retired = rotated.without_version(1)
    assert key_version_of(fresh) == 3
    assert _decrypt(retired, fresh) == SECRET
    with pytest.raises(DecryptionError):
        _decrypt(retired, old)


def test_another_keyring_with_the_same_versions_fails(blob: bytes) -> None:
    stranger = Keyring({1: generate_master_key(), 2: generate_master_key()}, 2)
    with pytest.raises(DecryptionError):
        _decrypt(stranger, blob)


@pytest.mark.parametrize("format_byte", [0x00, 0x02, 0x7F, 0xFF])
def test_unknown_format_byte_fails(keyring: Keyring, blob: bytes, format_byte: int) -> None:
    tampered = bytes([format_byte]) + blob[1:]
    with pytest.raises(DecryptionError):
        _decrypt(keyring, tampered)
    with pytest.raises(DecryptionError):
        key_version_of(tampered)


@pytest.mark.parametrize(
    "garbage", [b"", b"\x01", b"\x01\x00\x00\x00\x01", b"\x01" + b"\0" * 40, b"x" * 64]
)
def test_key_version_of_rejects_garbage(garbage: bytes) -> None:
    with pytest.raises(DecryptionError):
        key_version_of(garbage)


def test_error_messages_reveal_nothing(keyring: Keyring, blob: bytes) -> None:
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(DecryptionError) as caught:
        _decrypt(keyring, tampered)
    message = str(caught.value) + repr(caught.value)
    assert "amina" not in message
    for version in keyring.versions:
        assert keyring.subkey(Purpose.FIELD, version).hex()[:12] not in message
    assert caught.value.__cause__ is None


@pytest.mark.parametrize(
    "place",
    [
        {"table": "", "column": "c", "row_id": ROW},
        {"table": "t", "column": "", "row_id": ROW},
        {"table": "t", "column": "c", "row_id": ""},
        {"table": "t", "column": "c", "row_id": None},
        {"table": "t", "column": "c", "row_id": 7},
    ],
)
def test_cell_must_be_fully_named(keyring: Keyring, place: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        encrypt_field(keyring, SECRET, **place)  # type: ignore[arg-type]


def test_uuid4_rows(keyring: Keyring) -> None:
    row = uuid4()
    blob = encrypt_field(keyring, SECRET, table="t", column="c", row_id=row)
    assert decrypt_field(keyring, blob, table="t", column="c", row_id=row) == SECRET
