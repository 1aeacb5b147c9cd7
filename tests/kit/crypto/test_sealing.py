import pytest
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from app.kit.crypto import (
    CryptoError,
    DecryptionError,
    generate_sealing_keypair,
    open_sealed,
    seal,
)

INFO = b"accord/appeal/3f2a/signatory"
AAD = b"signature:7c1e"
PLAINTEXT = b'{"name": "Leyla K.", "contact": "+90 555 000 0000"}'


@pytest.fixture
def keypair() -> tuple[bytes, bytes]:
    return generate_sealing_keypair()


@pytest.fixture
def blob(keypair: tuple[bytes, bytes]) -> bytes:
    return seal(keypair[1], PLAINTEXT, info=INFO, aad=AAD)


def test_keypair() -> None:
    private, public = generate_sealing_keypair()
    assert len(private) == 32
    assert len(public) == 32
    assert X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw() == public
    assert generate_sealing_keypair()[0] != private


@pytest.mark.parametrize("plaintext", [b"", b"x", PLAINTEXT, bytes(range(256)) * 400])
def test_round_trip(keypair: tuple[bytes, bytes], plaintext: bytes) -> None:
    private, public = keypair
    assert open_sealed(
        private, seal(public, plaintext, info=INFO, aad=AAD), info=INFO, aad=AAD
    ) == (plaintext)
    assert open_sealed(private, seal(public, plaintext, info=INFO), info=INFO) == plaintext


def test_layout(blob: bytes) -> None:
    assert blob[0] == 0x01
    assert len(blob) == 1 + 32 + len(PLAINTEXT) + 16
    assert PLAINTEXT not in blob


def test_blob_is_standard_hpke_with_the_documented_info(
    keypair: tuple[bytes, bytes], blob: bytes
) -> None:
    # What a custodian's own HPKE implementation has to do to open a blob.
    def part(data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + data

    suite = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
    info = part(b"accord/seal/v1") + part(INFO) + part(AAD)
    recipient = X25519PrivateKey.from_private_bytes(keypair[0])
    assert suite.decrypt(blob[1:], recipient, info=info) == PLAINTEXT


def test_sealing_twice_differs(keypair: tuple[bytes, bytes]) -> None:
    blobs = {seal(keypair[1], PLAINTEXT, info=INFO) for _ in range(20)}
    assert len(blobs) == 20
    assert len({b[1:33] for b in blobs}) == 20  # fresh ephemeral key each time


def test_wrong_private_key_fails(blob: bytes) -> None:
    other_private, _ = generate_sealing_keypair()
    with pytest.raises(DecryptionError):
        open_sealed(other_private, blob, info=INFO, aad=AAD)


@pytest.mark.parametrize(
    ("info", "aad"),
    [
        (b"accord/appeal/3f2b/signatory", AAD),
        (INFO, b"signature:7c1f"),
        (INFO, b""),
        (b"", AAD),
        (b"", b""),
        (INFO + AAD, b""),
        (INFO[:-1], INFO[-1:] + AAD),
    ],
)
def test_wrong_info_or_aad_fails(
    keypair: tuple[bytes, bytes], blob: bytes, info: bytes, aad: bytes
) -> None:
    with pytest.raises(DecryptionError):
        open_sealed(keypair[0], blob, info=info, aad=aad)


def test_every_single_byte_flip_is_detected(keypair: tuple[bytes, bytes]) -> None:
    blob = seal(keypair[1], b"short", info=INFO, aad=AAD)
    for position in range(len(blob)):
        for mask in (0x01, 0x80):
            tampered = bytearray(blob)
            tampered[position] ^= mask
            with pytest.raises(DecryptionError):
                open_sealed(keypair[0], bytes(tampered), info=INFO, aad=AAD)


def test_truncation_and_extension_are_detected(keypair: tuple[bytes, bytes]) -> None:
    blob = seal(keypair[1], b"short", info=INFO)
    for length in range(len(blob)):
        with pytest.raises(DecryptionError):
            open_sealed(keypair[0], blob[:length], info=INFO)
    with pytest.raises(DecryptionError):
        open_sealed(keypair[0], blob + b"\0", info=INFO)


@pytest.mark.parametrize("format_byte", [0x00, 0x02, 0xFF])
def test_unknown_format_fails(keypair: tuple[bytes, bytes], blob: bytes, format_byte: int) -> None:
    with pytest.raises(DecryptionError):
        open_sealed(keypair[0], bytes([format_byte]) + blob[1:], info=INFO, aad=AAD)


@pytest.mark.parametrize("private", [b"", b"\1" * 31, b"\1" * 33])
def test_malformed_private_key_fails_as_decryption_error(blob: bytes, private: bytes) -> None:
    with pytest.raises(DecryptionError):
        open_sealed(private, blob, info=INFO, aad=AAD)


@pytest.mark.parametrize(
    "public",
    [
        b"",
        b"\1" * 31,
        b"\1" * 33,
        bytes(32),  # low-order points would give an all-zero shared secret
        b"\1" + bytes(31),
    ],
)
def test_unusable_public_key_is_refused(public: bytes) -> None:
    with pytest.raises(CryptoError):
        seal(public, PLAINTEXT, info=INFO)


def test_error_messages_reveal_nothing(keypair: tuple[bytes, bytes], blob: bytes) -> None:
    with pytest.raises(DecryptionError) as caught:
        open_sealed(generate_sealing_keypair()[0], blob, info=INFO, aad=AAD)
    message = str(caught.value) + repr(caught.value)
    assert "Leyla" not in message
    assert keypair[0].hex()[:12] not in message
