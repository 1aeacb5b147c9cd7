"""Write the Python half ("from_python") of tests/kit/crypto/custody_vectors.json.

Shamir shares, sealed blobs and key files made by app/kit/crypto, which the browser's tests
(frontend/src/kit/custody/vectors.test.ts) must read. The browser's half comes from
frontend/scripts/custody-vectors.mjs. `make custody-vectors` runs both; the tests read the
committed file and never regenerate it.

Run from the repository root: .venv/bin/python scripts/custody_vectors.py
"""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's app/, whichever virtualenv runs the script

from app.kit.crypto import generate_sealing_keypair, seal, split, write_key_file  # noqa: E402

FILE = ROOT / "tests" / "kit" / "crypto" / "custody_vectors.json"
ABOUT = (
    "Known-answer tests between app/kit/crypto (Python) and frontend/src/kit/custody (browser). "
    "from_js was made by frontend/scripts/custody-vectors.mjs and is read by "
    "tests/kit/crypto/test_custody_vectors.py; from_python was made by "
    "scripts/custody_vectors.py and is read by frontend/src/kit/custody/vectors.test.ts. "
    "Regenerate both with `make custody-vectors` (new random values each time). "
    'Bytes are {"hex": ...} or {"utf8": ...}, or hex strings; key files are the exact text '
    "written; passphrases are given as typed (the readers normalize them to NFC). "
    "Made-up secrets, names and keys only."
)

Value = dict[str, str]


def _decode(value: Value) -> bytes:
    return value["utf8"].encode("utf-8") if "utf8" in value else bytes.fromhex(value["hex"])


def _shamir(custody_private: bytes) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for description, secret, n, k in [
        ("a custody private key, 3 of 5", {"hex": custody_private.hex()}, 5, 3),
        ("Cyrillic text, 2 of 3", {"utf8": "Алесь Бяляцкі, «Вясна», Мінск"}, 3, 2),
        ("Latin with diacritics, 5 of 5", {"utf8": "Ģirts Ķēniņš, Žofie Čápová, Ñandú Peña"}, 5, 5),
        ("one byte, 2 of 4", {"hex": "ff"}, 4, 2),
        ("64 bytes, 4 of 6", {"hex": secrets.token_bytes(64).hex()}, 6, 4),
    ]:
        shares = split(_decode(secret), n, k)
        out.append(
            {
                "description": description,
                "secret": secret,
                "n": n,
                "k": k,
                "shares": [share.hex() for share in shares],
            }
        )
    return out


def _sealed(custody_private: bytes) -> list[dict[str, object]]:
    share = split(custody_private, 3, 2)[0]
    identity = (
        '{"name":"Алесь Бяляцкі","organization":"Праваабарончы цэнтр «Вясна»",'
        '"contact":"ales@example.org"}'
    )
    out: list[dict[str, object]] = []
    for description, plaintext, info, aad in [
        (
            "a signer's identity (Cyrillic JSON), with aad",
            {"utf8": identity},
            {"utf8": "accord/appeal/01HZX3Q9/signatory"},
            {"utf8": "signature:7c1e"},
        ),
        (
            "Latin with diacritics, empty aad",
            {"utf8": "Žofie Čápová — Ñandú Peña — Ģirts Ķēniņš — Łódź"},
            {"utf8": "accord/appeal/01HZX3Q9/signatory"},
            {"utf8": ""},
        ),
        (
            "a Shamir share sealed to a custodian",
            {"hex": share.hex()},
            {"utf8": "accord/custody/share"},
            {"hex": "0102"},
        ),
        ("empty plaintext, binary info", {"utf8": ""}, {"hex": "00ff00ff"}, {"utf8": "aad"}),
        ("a large plaintext", {"hex": secrets.token_bytes(4096).hex()}, {"utf8": "i"}, {"utf8": ""}),
    ]:
        private, public = generate_sealing_keypair()
        blob = seal(public, _decode(plaintext), info=_decode(info), aad=_decode(aad))
        out.append(
            {
                "description": description,
                "private_key": private.hex(),
                "public_key": public.hex(),
                "info": info,
                "aad": aad,
                "plaintext": plaintext,
                "blob": blob.hex(),
            }
        )
    return out


def _key_files() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for description, passphrase, iterations in [
        ("Belarusian passphrase", "Жыве Беларусь! Свабоду палітвязням, ўсім", 600_000),
        ("Latin passphrase with diacritics, NFC", "Çà et là — Ñandú, Łódź, Ștefan 7", 600_000),
        ("more iterations", "correct horse battery staple", 650_000),
    ]:
        private, public = generate_sealing_keypair()
        key_file = write_key_file(private, passphrase, iterations=iterations)
        out.append(
            {
                "description": description,
                "passphrase": passphrase,
                "private_key": private.hex(),
                "public_key": public.hex(),
                "key_file": key_file.decode("utf-8"),
            }
        )
    return out


def main() -> None:
    vectors = json.loads(FILE.read_text("utf-8")) if FILE.exists() else {}
    custody_private, _ = generate_sealing_keypair()
    from_python = {
        "shamir": _shamir(custody_private),
        "sealed": _sealed(custody_private),
        "key_files": _key_files(),
    }
    out = {"about": ABOUT, "from_js": vectors.get("from_js"), "from_python": from_python}
    if out["from_js"] is None:
        del out["from_js"]
    FILE.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote from_python to {FILE}")


if __name__ == "__main__":
    main()
