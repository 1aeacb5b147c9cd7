"""Shamir secret sharing, byte-compatible with the browser's npm ``shamir-secret-sharing`` 0.0.4.

A custody private key is split k-of-n on the server and its shares are combined in a browser
(or the other way round in tests and in the command line), so both sides must agree on every
byte. The scheme is HashiCorp Vault's, as that library implements it:

- arithmetic in GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1 (0x11b);
- each byte of the secret is the constant term of its own random polynomial of degree k - 1;
- a share is the polynomial values for every byte followed by ONE byte, the x coordinate
  (distinct, non-zero, chosen at random), so a share is one byte longer than the secret;
- combining is Lagrange interpolation at x = 0.

Combining cannot tell a wrong share from a right one: foreign or corrupted shares give a wrong
secret, not an error. Callers check the result against something public (for a custody key:
the public key it must derive).
"""

from __future__ import annotations

import secrets

from app.kit.crypto.errors import ShareError

_MAX_SHARES = 255  # x coordinates are the non-zero bytes
_FIELD_REDUCTION = 0x11B


def _mul(a: int, b: int) -> int:
    """Multiply in GF(2^8) mod 0x11b, without branches or tables on the operands.

    The JS library multiplies through log/exp tables; Python cannot promise constant time
    anyway (its integers and loops are not), but shift-and-xor with masks at least avoids
    secret-indexed lookups and secret-dependent branches. Same results either way.
    """
    product = 0
    for _ in range(8):
        product ^= -(b & 1) & a
        b >>= 1
        a = ((a << 1) ^ (-(a >> 7) & _FIELD_REDUCTION)) & 0xFF
    return product


def _inverse(a: int) -> int:
    """a^254 = a^-1 in GF(2^8), for a != 0 (only ever applied to public x coordinates)."""
    result, power, exponent = 1, a, 254
    while exponent:
        if exponent & 1:
            result = _mul(result, power)
        power = _mul(power, power)
        exponent >>= 1
    return result


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def split(secret: bytes, n: int, k: int) -> list[bytes]:
    """Split ``secret`` into ``n`` shares of which any ``k`` recover it (2 <= k <= n <= 255).

    Each share is ``len(secret) + 1`` bytes. ShareError on an empty secret or bad counts.
    """
    if not isinstance(secret, bytes | bytearray | memoryview):
        raise ShareError("the secret must be bytes")
    secret = bytes(secret)
    if not secret:
        raise ShareError("the secret must not be empty")
    if not _is_count(n) or not _is_count(k):
        raise ShareError("share counts must be integers")
    if not 2 <= k <= n <= _MAX_SHARES:
        raise ShareError(f"share counts must satisfy 2 <= k <= n <= {_MAX_SHARES}")

    # Distinct, non-zero x coordinates in random order (the JS library shuffles 1..255 too).
    xs = secrets.SystemRandom().sample(range(1, 256), n)
    shares = [bytearray(len(secret)) + bytes([x]) for x in xs]
    for position, byte in enumerate(secret):
        # Constant term = the secret byte; the other k - 1 coefficients uniformly random.
        coefficients = [byte, *secrets.token_bytes(k - 1)]
        for share, x in zip(shares, xs, strict=True):
            y = 0
            for coefficient in reversed(coefficients):  # Horner
                y = _mul(y, x) ^ coefficient
            share[position] = y
    return [bytes(share) for share in shares]


def combine(shares: list[bytes]) -> bytes:
    """Recover the secret from at least k shares made by ``split`` (here or in the browser).

    ShareError if fewer than 2 or more than 255 shares are given, if they differ in length or
    are shorter than 2 bytes, or if two shares have the same x coordinate (or it is zero).
    Shares that do not belong together yield a wrong secret, not an error.
    """
    if not isinstance(shares, list | tuple):
        raise ShareError("shares must be a list")
    if not 2 <= len(shares) <= _MAX_SHARES:
        raise ShareError(f"combining takes between 2 and {_MAX_SHARES} shares")
    if not all(isinstance(share, bytes | bytearray | memoryview) for share in shares):
        raise ShareError("each share must be bytes")
    parts = [bytes(share) for share in shares]
    length = len(parts[0])
    if length < 2:
        raise ShareError("a share is at least 2 bytes")
    if any(len(share) != length for share in parts):
        raise ShareError("all shares must have the same length")
    xs = [share[-1] for share in parts]
    if 0 in xs:
        raise ShareError("a share's x coordinate must not be zero")
    if len(set(xs)) != len(xs):
        raise ShareError("two shares have the same x coordinate")

    # Lagrange basis at 0: l_i = prod_{j != i} x_j / (x_i - x_j), subtraction being xor. It
    # depends only on the public x coordinates; the secret-bearing y bytes only meet _mul.
    basis = []
    for i, xi in enumerate(xs):
        numerator, denominator = 1, 1
        for j, xj in enumerate(xs):
            if i != j:
                numerator = _mul(numerator, xj)
                denominator = _mul(denominator, xi ^ xj)
        basis.append(_mul(numerator, _inverse(denominator)))

    secret = bytearray(length - 1)
    for position in range(length - 1):
        value = 0
        for share, weight in zip(parts, basis, strict=True):
            value ^= _mul(share[position], weight)
        secret[position] = value
    return bytes(secret)
