import itertools
import secrets

import pytest

from app.kit.crypto import CryptoError, ShareError, combine, split
from app.kit.crypto.shamir import _inverse, _mul

# The size of a custody private key; fixed, so that every pytest-xdist worker collects the same
# test ids (the randomness under test is in the coefficients and x coordinates).
SECRET = bytes.fromhex("5c1e" * 16)
COUNTS = [(n, k) for n in range(2, 6) for k in range(2, n + 1)]


def _slow_mul(a: int, b: int) -> int:
    """Schoolbook GF(2^8) multiplication mod 0x11b, as a reference."""
    product = 0
    for bit in range(8):
        if b >> bit & 1:
            product ^= a << bit
    for bit in range(15, 7, -1):
        if product >> bit & 1:
            product ^= 0x11B << (bit - 8)
    return product


def test_field_multiplication_matches_the_reference() -> None:
    for a in range(256):
        for b in range(256):
            assert _mul(a, b) == _slow_mul(a, b)


def test_field_inverse() -> None:
    assert all(_mul(a, _inverse(a)) == 1 for a in range(1, 256))


def test_field_matches_the_js_librarys_tables() -> None:
    # shamir-secret-sharing 0.0.4 (and Vault) use 0xe5 as generator: its EXP_TABLE starts so.
    powers, value = [], 1
    for _ in range(8):
        powers.append(value)
        value = _mul(value, 0xE5)
    assert powers == [0x01, 0xE5, 0x4C, 0xB5, 0xFB, 0x9F, 0xFC, 0x12]
    assert value == _mul(0x03, 0x01)  # EXP_TABLE[8] == 0x03


@pytest.mark.parametrize(("n", "k"), COUNTS)
def test_any_k_shares_recover_the_secret(n: int, k: int) -> None:
    shares = split(SECRET, n, k)
    assert len(shares) == n
    for subset in itertools.combinations(shares, k):
        assert combine(list(subset)) == SECRET
    for subset in itertools.permutations(shares, k):  # order does not matter
        assert combine(list(subset)) == SECRET
    assert combine(shares) == SECRET  # more than k shares too


@pytest.mark.parametrize(("n", "k"), COUNTS)
def test_fewer_than_k_shares_do_not(n: int, k: int) -> None:
    shares = split(SECRET, n, k)
    if k == 2:
        with pytest.raises(ShareError):
            combine(shares[:1])
        return
    for subset in itertools.combinations(shares, k - 1):
        # Interpolating k - 1 points of a degree k - 1 polynomial gives an unrelated value
        # (equal with probability 2^-256).
        assert combine(list(subset)) != SECRET


@pytest.mark.parametrize(("n", "k"), COUNTS)
def test_share_layout(n: int, k: int) -> None:
    shares = split(SECRET, n, k)
    assert all(len(share) == len(SECRET) + 1 for share in shares)
    xs = [share[-1] for share in shares]
    assert 0 not in xs
    assert len(set(xs)) == n
    assert all(SECRET not in share for share in shares)


def test_x_coordinates_are_random() -> None:
    seen = {tuple(share[-1] for share in split(b"s", 3, 2)) for _ in range(50)}
    assert len(seen) > 40


def test_splitting_twice_differs() -> None:
    assert split(SECRET, 3, 2) != split(SECRET, 3, 2)


def test_one_share_per_byte_value_at_most() -> None:
    shares = split(b"\x00\xff", 255, 2)
    assert sorted(share[-1] for share in shares) == list(range(1, 256))
    assert combine(shares[100:102]) == b"\x00\xff"
    assert combine(shares) == b"\x00\xff"


@pytest.mark.parametrize(
    "secret",
    [b"\x00", b"\xff", b"\x00" * 32, "Алесь Бяляцкі".encode(), bytes(range(256)) * 4],
)
def test_any_non_empty_secret(secret: bytes) -> None:
    shares = split(secret, 5, 3)
    assert combine([shares[4], shares[0], shares[2]]) == secret


def test_bytes_like_inputs() -> None:
    shares = split(bytearray(SECRET), 3, 2)
    assert combine([bytearray(shares[0]), memoryview(shares[2])]) == SECRET
    assert combine((shares[1], shares[2])) == SECRET  # type: ignore[arg-type]


def test_a_foreign_share_gives_a_wrong_secret_not_an_error() -> None:
    ours, theirs = split(SECRET, 3, 2), split(secrets.token_bytes(32), 3, 2)
    foreign = next(share for share in theirs if share[-1] != ours[0][-1])
    assert combine([ours[0], foreign]) != SECRET


@pytest.mark.parametrize(
    ("secret", "n", "k"),
    [
        (b"", 3, 2),
        (SECRET, 1, 1),
        (SECRET, 3, 1),
        (SECRET, 3, 0),
        (SECRET, 2, 3),
        (SECRET, 256, 2),
        (SECRET, 300, 300),
        (SECRET, -3, 2),
        (SECRET, 3.0, 2),
        (SECRET, 3, True),
        (SECRET, True, True),
        ("a string", 3, 2),
        (None, 3, 2),
    ],
)
def test_split_refuses_bad_arguments(secret: object, n: object, k: object) -> None:
    with pytest.raises(ShareError):
        split(secret, n, k)  # type: ignore[arg-type]


def test_share_error_is_a_crypto_error() -> None:
    assert issubclass(ShareError, CryptoError)


def _bad_share_sets() -> list[object]:
    a, b, c = split(SECRET, 3, 2)
    return [
        [],
        [a],
        [a, a],  # the same x twice
        [a, bytes(b[:-1]) + a[-1:]],  # a different share claiming the same x
        [a, b[:-1]],  # unequal lengths
        [a, b + b"\0"],
        [b"\x01", b"\x02"],  # too short: no y byte
        [b"", b""],
        [a, bytes(b[:-1]) + b"\0"],  # x = 0 is never a share
        [a, "text"],
        [a, None],
        a,  # a share, not a list of them
        "ab",
        [a] * 256,
        [*split(b"x", 255, 2), c],
    ]


# Ids by position: the sets hold random shares, and pytest-xdist needs every worker to collect
# the same test names.
@pytest.mark.parametrize("shares", _bad_share_sets(), ids=lambda _: "set")
def test_combine_refuses_bad_shares(shares: object) -> None:
    with pytest.raises(ShareError):
        combine(shares)  # type: ignore[arg-type]
