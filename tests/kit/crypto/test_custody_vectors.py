"""Known answers between the Python kit and the browser's (frontend/src/kit/custody).

from_js was made in the browser's code and must read here; from_python was made here, and the
browser's tests read it (vectors.test.ts). Made by `make custody-vectors`; see the file's "about".
"""

import itertools
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from app.kit.crypto import DecryptionError, combine, open_sealed, read_key_file, split

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "custody_vectors.json").read_text("utf-8")
)
SOURCES = ["from_js", "from_python"]


def _decode(value: dict[str, str]) -> bytes:
    return value["utf8"].encode("utf-8") if "utf8" in value else bytes.fromhex(value["hex"])


def _cases(kind: str) -> list[Any]:
    return [
        pytest.param(case, id=f"{source}: {case['description']}")
        for source in SOURCES
        for case in VECTORS[source][kind]
    ]


def test_the_vectors_cover_what_they_should() -> None:
    text = json.dumps(VECTORS, ensure_ascii=False)
    assert "Алесь Бяляцкі" in text
    assert "Łódź" in text
    for source in SOURCES:
        assert {"shamir", "sealed", "key_files"} == set(VECTORS[source])
        assert all(len(VECTORS[source][kind]) >= 3 for kind in VECTORS[source])
    assert {case["backend"] for case in VECTORS["from_js"]["sealed"]} == {"native", "portable"}


@pytest.mark.parametrize("case", _cases("shamir"))
def test_shares_combine(case: dict[str, Any]) -> None:
    secret, n, k = _decode(case["secret"]), case["n"], case["k"]
    shares = [bytes.fromhex(share) for share in case["shares"]]
    assert len(shares) == n
    assert all(len(share) == len(secret) + 1 for share in shares)
    assert len({share[-1] for share in shares}) == n
    for subset in itertools.combinations(shares, k):
        assert combine(list(subset)) == secret
    assert combine(shares[::-1]) == secret
    if k > 2 and len(secret) > 1:
        for subset in itertools.combinations(shares, k - 1):
            assert combine(list(subset)) != secret


@pytest.mark.parametrize("case", _cases("shamir"))
def test_python_shares_of_the_same_secret_combine_the_same(case: dict[str, Any]) -> None:
    secret = _decode(case["secret"])
    assert combine(split(secret, case["n"], case["k"])[-case["k"] :]) == secret


@pytest.mark.parametrize("case", _cases("sealed"))
def test_sealed_blobs_open(case: dict[str, Any]) -> None:
    private, public = bytes.fromhex(case["private_key"]), bytes.fromhex(case["public_key"])
    assert X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw() == public
    info, aad, blob = _decode(case["info"]), _decode(case["aad"]), bytes.fromhex(case["blob"])
    assert blob[0] == 0x01
    assert open_sealed(private, blob, info=info, aad=aad) == _decode(case["plaintext"])
    with pytest.raises(DecryptionError):
        open_sealed(private, blob, info=info, aad=aad + b"x")
    with pytest.raises(DecryptionError):
        open_sealed(private, blob, info=info + b"x", aad=aad)


@pytest.mark.parametrize("case", _cases("key_files"))
def test_key_files_open(case: dict[str, Any]) -> None:
    expected = bytes.fromhex(case["private_key"]), bytes.fromhex(case["public_key"])
    data, passphrase = case["key_file"].encode("utf-8"), case["passphrase"]
    assert read_key_file(data, passphrase) == expected
    # However the passphrase was typed (composed or decomposed accents), it opens.
    assert read_key_file(data, unicodedata.normalize("NFD", passphrase)) == expected
    with pytest.raises(DecryptionError):
        read_key_file(data, passphrase + "!")
