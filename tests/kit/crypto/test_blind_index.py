import pytest

from app.kit.crypto import (
    CryptoError,
    Keyring,
    KeyringError,
    blind_index,
    blind_index_candidates,
    generate_master_key,
    index_version_of,
    normalize_email,
    normalize_text,
)

EMAIL = "alice.smith@example.org"
EMAIL_VARIANTS = [
    "alice.smith@example.org",
    "Alice.Smith@Example.ORG",
    "  ALICE.SMITH@EXAMPLE.ORG\n",
    "\talice.smith@example.org\u00a0",
    "\u3000Alice.Smith@example.org",
    # Fullwidth forms, as typed with some East Asian input methods.
    "\uff21\uff4c\uff49\uff43\uff45\uff0e\uff33\uff4d\uff49\uff54\uff48"
    "\uff20\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff4f\uff52\uff47",
]


@pytest.fixture
def keyring() -> Keyring:
    return Keyring({1: generate_master_key(), 2: generate_master_key()}, 2)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("  Hello   World  ", "hello world"),
        ("a\t\n\r\u00a0\u2003b", "a b"),
        ("Straße", "strasse"),
        ("ΣΊΣΥΦΟΣ", "σίσυφοσ"),
        ("\ufb01le", "file"),  # the "fi" ligature
        ("\uff26\uff55\uff4c\uff4c\u3000\uff37\uff49\uff44\uff54\uff48", "full width"),
        ("e\u0301", "\u00e9"),  # combining accent composes
        ("\u2460", "1"),  # circled digit
        ("", ""),
        (" \t ", ""),
    ],
)
def test_normalize_text(raw: str, normalized: str) -> None:
    assert normalize_text(raw) == normalized


def test_normalize_text_is_idempotent() -> None:
    samples = [*EMAIL_VARIANTS, "İstanbul", "ǅungla", "ﬃ", "ẞ", "Ⅻ", "ｶﾞ", "\u1e9b\u0323"]
    for sample in samples:
        once = normalize_text(sample)
        assert normalize_text(once) == once


def test_normalize_email_does_no_provider_magic() -> None:
    assert normalize_email(" A.B+Tag@GMail.com ") == "a.b+tag@gmail.com"
    assert normalize_email("a.b+tag@gmail.com") != normalize_email("ab@gmail.com")


def test_index_is_stable_across_email_variants(keyring: Keyring) -> None:
    indexes = {blind_index(keyring, v, domain="member-email") for v in EMAIL_VARIANTS}
    assert len(indexes) == 1
    assert blind_index(keyring, EMAIL, domain="member-email") in indexes
    assert blind_index(keyring, normalize_email(EMAIL_VARIANTS[-1]), domain="member-email") in (
        indexes
    )


def test_index_layout(keyring: Keyring) -> None:
    index = blind_index(keyring, EMAIL, domain="d")
    assert len(index) == 36
    assert index[:4] == (2).to_bytes(4, "big")
    assert index_version_of(index) == 2
    assert EMAIL.encode() not in index


def test_distinct_values_give_distinct_indexes(keyring: Keyring) -> None:
    values = [EMAIL, "alice.smith@example.com", "alicesmith@example.org", "alice smith"]
    assert len({blind_index(keyring, v, domain="d") for v in values}) == len(values)


def test_index_differs_across_domains(keyring: Keyring) -> None:
    a = blind_index(keyring, EMAIL, domain="appeal:1:signer-email")
    b = blind_index(keyring, EMAIL, domain="appeal:2:signer-email")
    assert a[4:] != b[4:]
    # Domain and value are separated unambiguously.
    assert blind_index(keyring, "bc", domain="a") != blind_index(keyring, "c", domain="ab")


def test_index_differs_across_versions_and_keyrings(keyring: Keyring) -> None:
    v1 = blind_index(keyring, EMAIL, domain="d", version=1)
    v2 = blind_index(keyring, EMAIL, domain="d", version=2)
    assert index_version_of(v1) == 1
    assert v1[4:] != v2[4:]
    stranger = Keyring({2: generate_master_key()}, 2)
    assert blind_index(stranger, EMAIL, domain="d") != v2


def test_index_is_deterministic() -> None:
    keys = {1: generate_master_key()}
    first = blind_index(Keyring(keys, 1), EMAIL, domain="d")
    assert first == blind_index(Keyring(dict(keys), 1), EMAIL, domain="d")


def test_candidates_cover_every_version_current_first(keyring: Keyring) -> None:
    candidates = blind_index_candidates(keyring, EMAIL, domain="d")
    assert [index_version_of(c) for c in candidates] == [2, 1]
    assert candidates == [blind_index(keyring, EMAIL, domain="d", version=v) for v in (2, 1)]


def test_candidates_find_an_index_stored_before_rotation(keyring: Keyring) -> None:
    stored = blind_index(keyring, EMAIL, domain="d")
    rotated = keyring.with_new_version()
    candidates = blind_index_candidates(rotated, "  Alice.Smith@EXAMPLE.org", domain="d")
    assert len(candidates) == 3
    assert index_version_of(candidates[0]) == 3
    assert stored in candidates
    assert blind_index(rotated, EMAIL, domain="d") != stored


def test_unknown_version_is_refused(keyring: Keyring) -> None:
    with pytest.raises(KeyringError):
        blind_index(keyring, EMAIL, domain="d", version=3)


@pytest.mark.parametrize(("value", "domain"), [("", "d"), ("  \n", "d"), (EMAIL, "")])
def test_empty_value_or_domain_is_refused(keyring: Keyring, value: str, domain: str) -> None:
    with pytest.raises(ValueError):
        blind_index(keyring, value, domain=domain)


@pytest.mark.parametrize("blob", [b"", b"\0" * 36, b"\0\0\0\1" + b"\0" * 31, b"\0\0\0\1" * 10])
def test_index_version_of_rejects_malformed(blob: bytes) -> None:
    with pytest.raises(CryptoError):
        index_version_of(blob)
