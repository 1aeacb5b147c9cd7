import pytest

from app.kit.crypto import (
    CryptoError,
    generate_signing_key,
    public_key_of,
    sign,
    verify_signature,
)

# RFC 8032 section 7.1, TEST 1 and TEST 2.
RFC_VECTORS = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
]

CHECKPOINT = b"audit-checkpoint|seq=1024|root=ab12"


@pytest.mark.parametrize(("private", "public", "message", "signature"), RFC_VECTORS)
def test_rfc8032_vectors(private: str, public: str, message: str, signature: str) -> None:
    key = bytes.fromhex(private)
    assert public_key_of(key) == bytes.fromhex(public)
    assert sign(key, bytes.fromhex(message)) == bytes.fromhex(signature)
    assert verify_signature(bytes.fromhex(public), bytes.fromhex(message), bytes.fromhex(signature))


def test_generated_keys_sign_and_verify() -> None:
    private = generate_signing_key()
    assert len(private) == 32
    assert generate_signing_key() != private
    public = public_key_of(private)
    assert len(public) == 32
    assert public_key_of(private) == public
    signature = sign(private, CHECKPOINT)
    assert len(signature) == 64
    assert verify_signature(public, CHECKPOINT, signature)


def test_bad_signatures_are_false() -> None:
    private = generate_signing_key()
    public = public_key_of(private)
    signature = sign(private, CHECKPOINT)
    assert not verify_signature(public, CHECKPOINT + b"!", signature)
    assert not verify_signature(public, b"", signature)
    assert not verify_signature(public_key_of(generate_signing_key()), CHECKPOINT, signature)
    for position in (0, 31, 32, 63):
        tampered = bytearray(signature)
        tampered[position] ^= 0x01
        assert not verify_signature(public, CHECKPOINT, bytes(tampered))


@pytest.mark.parametrize(
    ("public", "signature"),
    [
        (b"", None),
        (b"\1" * 31, None),
        (b"\1" * 33, None),
        (None, b""),
        (None, b"\0" * 63),
        (None, b"\0" * 65),
        (None, b"\0" * 64),
    ],
)
def test_malformed_keys_and_signatures_are_false_not_errors(
    public: bytes | None, signature: bytes | None
) -> None:
    private = generate_signing_key()
    good_public = public_key_of(private)
    good_signature = sign(private, CHECKPOINT)
    assert not verify_signature(
        good_public if public is None else public,
        CHECKPOINT,
        good_signature if signature is None else signature,
    )


@pytest.mark.parametrize("private", [b"", b"\1" * 31, b"\1" * 33])
def test_malformed_private_key_is_refused(private: bytes) -> None:
    with pytest.raises(CryptoError):
        sign(private, CHECKPOINT)
    with pytest.raises(CryptoError):
        public_key_of(private)
