import base64
import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.kit.crypto import Keyring, KeyringError, Purpose, generate_master_key
from app.kit.crypto.keyring import MAX_VERSION

KEY1 = bytes(range(32))
KEY2 = bytes(range(32, 64))


@pytest.fixture
def keyring() -> Keyring:
    return Keyring({1: KEY1, 2: KEY2}, 2)


def test_properties(keyring: Keyring) -> None:
    assert keyring.current_version == 2
    assert keyring.versions == (1, 2)
    assert keyring.development is False
    assert Keyring({3: KEY1, 1: KEY2}, 1, development=True).versions == (1, 3)
    assert Keyring({1: KEY1}, 1, development=True).development is True


def test_subkey_follows_the_documented_derivation(keyring: Keyring) -> None:
    expected = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"accord-keyring/v1",
        info=b"accord/field-encryption/v1",
    ).derive(KEY1)
    assert keyring.subkey(Purpose.FIELD, 1) == expected
    assert Keyring({1: KEY1}, 1).subkey(Purpose.FIELD, 1) == expected


def test_subkeys_are_distinct_across_purposes_and_versions(keyring: Keyring) -> None:
    subkeys = {keyring.subkey(p, v) for p in Purpose for v in keyring.versions}
    assert len(subkeys) == len(Purpose) * 2
    assert all(len(k) == 32 for k in subkeys)
    assert not subkeys & {KEY1, KEY2}


def test_subkey_defaults_to_current_version_and_is_stable(keyring: Keyring) -> None:
    assert keyring.subkey(Purpose.BLIND_INDEX) == keyring.subkey(Purpose.BLIND_INDEX, 2)
    assert keyring.subkey(Purpose.TOKEN_MAC, 1) == keyring.subkey(Purpose.TOKEN_MAC, 1)
    again = Keyring({1: KEY1, 2: KEY2}, 2)
    assert again.subkey(Purpose.TOKEN_MAC, 1) == keyring.subkey(Purpose.TOKEN_MAC, 1)


def test_purpose_labels_are_fixed() -> None:
    assert [p.value for p in Purpose] == [
        "field-encryption",
        "blind-index",
        "token-mac",
        "proof-of-work",
    ]


@pytest.mark.parametrize("version", [0, 3, -1, True])
def test_subkey_of_unknown_version_is_refused(keyring: Keyring, version: int) -> None:
    with pytest.raises(KeyringError):
        keyring.subkey(Purpose.FIELD, version)


def test_subkey_needs_a_purpose_member(keyring: Keyring) -> None:
    with pytest.raises(KeyringError):
        keyring.subkey("field-encryption", 1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("keys", "current"),
    [
        ({1: KEY1[:31]}, 1),
        ({1: KEY1 + b"\0"}, 1),
        ({1: b""}, 1),
        ({1: KEY1.hex()}, 1),
        ({0: KEY1}, 0),
        ({-1: KEY1}, -1),
        ({True: KEY1}, 1),
        ({MAX_VERSION + 1: KEY1}, MAX_VERSION + 1),
        ({1: KEY1}, 2),
        ({}, 1),
    ],
)
def test_constructor_rejects_invalid_keyrings(keys: dict[int, bytes], current: int) -> None:
    with pytest.raises(KeyringError):
        Keyring(keys, current)


def test_keyring_copies_its_input_and_is_immutable(keyring: Keyring) -> None:
    keys = {1: KEY1}
    ring = Keyring(keys, 1)
    before = ring.subkey(Purpose.FIELD)
    keys[1] = KEY2
    keys[2] = KEY2
    assert ring.versions == (1,)
    assert ring.subkey(Purpose.FIELD) == before
    with pytest.raises(AttributeError):
        ring._current = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        ring.new_attribute = 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        del ring._keys


def test_generate_master_key() -> None:
    keys = {generate_master_key() for _ in range(20)}
    assert len(keys) == 20
    assert all(len(k) == 32 for k in keys)


def test_with_new_version_adds_a_current_version(keyring: Keyring) -> None:
    rotated = keyring.with_new_version()
    assert rotated.versions == (1, 2, 3)
    assert rotated.current_version == 3
    assert rotated.subkey(Purpose.FIELD, 2) == keyring.subkey(Purpose.FIELD, 2)
    assert rotated.subkey(Purpose.FIELD, 3) not in {
        keyring.subkey(Purpose.FIELD, v) for v in keyring.versions
    }
    assert keyring.versions == (1, 2)
    assert keyring.current_version == 2
    assert Keyring({1: KEY1}, 1, development=True).with_new_version().development is True


def test_with_new_version_uses_the_given_key(keyring: Keyring) -> None:
    key = generate_master_key()
    rebuilt = Keyring({1: KEY1, 2: KEY2, 3: key}, 3)
    assert keyring.with_new_version(key).subkey(Purpose.FIELD) == rebuilt.subkey(Purpose.FIELD)
    with pytest.raises(KeyringError):
        keyring.with_new_version(b"short")


def test_with_new_version_goes_above_the_highest_version() -> None:
    ring = Keyring({1: KEY1, 5: KEY2}, 1).with_new_version()
    assert ring.versions == (1, 5, 6)
    assert ring.current_version == 6


def test_without_version(keyring: Keyring) -> None:
    retired = keyring.without_version(1)
    assert retired.versions == (2,)
    assert retired.current_version == 2
    assert keyring.versions == (1, 2)
    with pytest.raises(KeyringError):
        retired.subkey(Purpose.FIELD, 1)


@pytest.mark.parametrize("version", [2, 3, 0])
def test_without_version_refuses_current_and_unknown(keyring: Keyring, version: int) -> None:
    with pytest.raises(KeyringError):
        keyring.without_version(version)


def test_repr_and_str_contain_no_key_material() -> None:
    keys = {1: generate_master_key(), 2: generate_master_key()}
    ring = Keyring(keys, 2)
    ring.subkey(Purpose.FIELD)  # populate the cache, which must not leak either
    subkey = ring.subkey(Purpose.FIELD)
    for text in (repr(ring), str(ring), f"{ring}", repr([ring])):
        assert "versions=(1, 2)" in text
        for secret in [*keys.values(), subkey]:
            for encoding in (
                secret.hex(),
                secret.hex().upper(),
                base64.b64encode(secret).decode(),
                base64.urlsafe_b64encode(secret).decode(),
                repr(secret),
            ):
                # A 12-character window catches partial leaks too.
                assert encoding[:12] not in text


def test_json_round_trip(keyring: Keyring) -> None:
    text = keyring.to_json()
    assert json.loads(text) == {
        "format": "accord-keyring/1",
        "current": 2,
        "development": False,
        "keys": {"1": base64.b64encode(KEY1).decode(), "2": base64.b64encode(KEY2).decode()},
    }
    loaded = Keyring.from_json(text)
    assert loaded.versions == (1, 2)
    assert loaded.current_version == 2
    assert loaded.development is False
    for purpose in Purpose:
        for version in (1, 2):
            assert loaded.subkey(purpose, version) == keyring.subkey(purpose, version)
    dev = Keyring.from_json(Keyring({7: KEY1}, 7, development=True).to_json())
    assert (dev.versions, dev.current_version, dev.development) == ((7,), 7, True)


MARKER = "c2VjcmV0LW1hcmtlcg"  # must never be echoed back
B64 = base64.b64encode(KEY1).decode()
_DROP = object()


def _doc(**changes: object) -> str:
    doc: dict[str, object] = {
        "format": "accord-keyring/1",
        "current": 1,
        "development": False,
        "keys": {"1": B64},
    }
    doc.update(changes)
    return json.dumps({k: v for k, v in doc.items() if v is not _DROP})


MALFORMED = [
    "",
    MARKER,
    "{" + MARKER,
    f'["{MARKER}"]',
    "null",
    "[" * 100_000,
    _doc(format=MARKER),
    _doc(format="accord-keyring/2"),
    _doc(current=MARKER),
    _doc(current="1"),
    _doc(current=True),
    _doc(current=0),
    _doc(current=1.0),
    _doc(current=2),
    _doc(development=MARKER),
    _doc(development=0),
    _doc(keys=MARKER),
    _doc(keys=[B64]),
    _doc(keys={}),
    _doc(keys={"1": MARKER + "!"}),
    _doc(keys={"1": MARKER}),
    _doc(keys={"1": base64.b64encode(KEY1[:31]).decode()}),
    _doc(keys={"1": 12345}),
    _doc(keys={"1": B64, MARKER: B64}),
    _doc(keys={"01": B64}),
    _doc(keys={"-1": B64}),
    _doc(keys={"\uff11": B64}),
    _doc(keys={"1 ": B64}),
    _doc(keys={"99999999999": B64}),
    _doc(keys={"1": B64.rstrip("=")}),
    _doc(keys={"1": base64.urlsafe_b64encode(b"\xfb" * 32).decode()}),
    _doc(extra=MARKER),
    _doc(development=_DROP),
    '{"format": "accord-keyring/1", "current": 1, "development": false,'
    f' "keys": {{"1": "{B64}", "1": "{MARKER}"}}}}',
    '{"format": "accord-keyring/1", "format": "accord-keyring/1", "current": 1,'
    f' "development": false, "keys": {{"1": "{B64}"}}}}',
]


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_json_is_refused_without_echo(text: str) -> None:
    with pytest.raises(KeyringError) as caught:
        Keyring.from_json(text)
    error = caught.value
    for leaked in (MARKER, B64, B64[:12]):
        assert leaked not in str(error)
        assert leaked not in repr(error)
    # A chained JSONDecodeError would carry the whole input in its .doc attribute.
    assert error.__cause__ is None
    assert error.__context__ is None
