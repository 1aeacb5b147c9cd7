"""Domain-free cryptography: keyring, field encryption, blind indexes, tokens, sealing, signing,
and the custody primitives (Shamir shares, custodian key files).

Imports nothing from the rest of ``app``.
"""

from app.kit.crypto.aead import (
    decrypt_field,
    decrypt_text,
    encrypt_field,
    encrypt_text,
    key_version_of,
)
from app.kit.crypto.blind_index import (
    blind_index,
    blind_index_candidates,
    index_version_of,
    normalize_email,
    normalize_text,
)
from app.kit.crypto.errors import CryptoError, DecryptionError, KeyringError, ShareError
from app.kit.crypto.keyfile import read_key_file, write_key_file
from app.kit.crypto.keyring import Keyring, Purpose, generate_master_key
from app.kit.crypto.keystore import (
    load_keyring_file,
    read_secret_file,
    save_keyring_file,
    write_secret_file,
)
from app.kit.crypto.sealing import generate_sealing_keypair, open_sealed, seal
from app.kit.crypto.shamir import combine, split
from app.kit.crypto.signing import (
    generate_signing_key,
    public_key_of,
    sign,
    verify_signature,
)
from app.kit.crypto.tokens import (
    constant_time_equal,
    new_token,
    token_mac,
    token_mac_candidates,
)

__all__ = [
    "CryptoError",
    "DecryptionError",
    "Keyring",
    "KeyringError",
    "Purpose",
    "ShareError",
    "blind_index",
    "blind_index_candidates",
    "combine",
    "constant_time_equal",
    "decrypt_field",
    "decrypt_text",
    "encrypt_field",
    "encrypt_text",
    "generate_master_key",
    "generate_sealing_keypair",
    "generate_signing_key",
    "index_version_of",
    "key_version_of",
    "load_keyring_file",
    "new_token",
    "normalize_email",
    "normalize_text",
    "open_sealed",
    "public_key_of",
    "read_key_file",
    "read_secret_file",
    "save_keyring_file",
    "seal",
    "sign",
    "split",
    "token_mac",
    "token_mac_candidates",
    "verify_signature",
    "write_key_file",
    "write_secret_file",
]
