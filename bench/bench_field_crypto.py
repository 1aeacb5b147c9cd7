"""Cost of field encryption, decryption and blind indexing per value (prints figures)."""

from __future__ import annotations

import time
import uuid

from app.kit.crypto import Keyring
from app.kit.crypto.aead import decrypt_text, encrypt_text
from app.kit.crypto.blind_index import blind_index
from app.kit.crypto.keyring import generate_master_key

N = 20_000


def per_call_us(fn, n: int = N) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    keyring = Keyring({1: generate_master_key()}, 1)
    row = uuid.uuid4()
    value = "Representative of a member organization <someone@example.org>"
    place = {"table": "users", "column": "email_ct", "row_id": row}
    blob = encrypt_text(keyring, value, **place)
    encrypt = per_call_us(lambda: encrypt_text(keyring, value, **place))
    decrypt = per_call_us(lambda: decrypt_text(keyring, blob, **place))
    index = per_call_us(lambda: blind_index(keyring, value, domain="user.email"))
    print(f"encrypt_text : {encrypt:.2f} µs")
    print(f"decrypt_text : {decrypt:.2f} µs")
    print(f"blind_index  : {index:.2f} µs")


if __name__ == "__main__":
    main()
