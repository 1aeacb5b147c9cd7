"""A serving worker loads what few requests need on first use, not at start-up (issue #13:
a worker's resident memory). Importing the application must not bring these back: each
line below cost every worker from about half a MiB to tens of MiB."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LOADED_ON_FIRST_USE = [
    "typst",  # letters (app/outreach/letters/typeset.py)
    "webauthn",  # passkeys (app/auth/passkeys)
    "cbor2",
    "OpenSSL",
    "authlib",  # single sign-on (app/auth/oidc/client.py)
    "joserfc",
    "httpx",
    "langcodes",  # language tags (app/appeals/schemas.py)
    "qrcode",  # a TOTP enrolment's QR code (app/auth/factors/totp.py)
    "altcha",  # anonymous forms' proof of work (app/kit/crypto/proof_of_work.py)
    "aiosmtplib",  # sending mail (app/notifications/smtp.py)
    # Only the dialect of the database in use (app/kit/upsert.py, app/db.py).
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql",
]


def test_importing_the_application_loads_no_module_kept_for_first_use() -> None:
    code = (
        "import json, sys\n"
        "import app.main, app.api\n"
        f"print(json.dumps([m for m in {LOADED_ON_FIRST_USE!r} if m in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []
