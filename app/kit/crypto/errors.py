"""Exceptions raised by the crypto kit.

Messages are safe to log: they never carry key material, plaintext or the rejected input.
"""


class CryptoError(Exception):
    """Base class for every error raised by ``app.kit.crypto``."""


class DecryptionError(CryptoError):
    """A ciphertext, sealed blob or header failed to authenticate or parse."""


class KeyringError(CryptoError):
    """A keyring, key or key file is missing, malformed or unsafe."""


class ShareError(CryptoError):
    """Shamir split or combine refused its arguments (parameters, or shares that cannot combine)."""
