"""Passkeys in a real Chromium: its virtual authenticator (CDP WebAuthn domain) against
`accord serve`, through the browser's own WebAuthn JSON helpers.

No passkey pages exist yet, so the page's script drives the ceremony the way the UI will:
fetch options, ``PublicKeyCredential.parse*OptionsFromJSON``, ``navigator.credentials``,
``credential.toJSON()``, post it back.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from typing import Any

import pytest

from app.migrate import ROOT

pytestmark = pytest.mark.e2e

SIGN_IN = """
async ({email, password}) => {
  const r = await fetch('/api/auth/sign-in', {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({email, password}),
  });
  return {status: r.status, body: await r.json()};
}
"""

REGISTER = """
async ({csrf, name}) => {
  const headers = {'content-type': 'application/json', 'x-csrf-token': csrf};
  const started = await fetch('/api/auth/passkeys/registration/options', {
    method: 'POST', headers, body: JSON.stringify({name}),
  });
  const {handle, options} = await started.json();
  const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
  const credential = await navigator.credentials.create({publicKey});
  const r = await fetch('/api/auth/passkeys/registration/verify', {
    method: 'POST', headers,
    body: JSON.stringify({handle, name, credential: credential.toJSON()}),
  });
  return {status: r.status, body: await r.json()};
}
"""

PASSWORDLESS = """
async () => {
  const headers = {'content-type': 'application/json'};
  const started = await fetch('/api/auth/passkeys/authentication/options', {
    method: 'POST', headers, body: JSON.stringify({purpose: 'sign_in'}),
  });
  const {handle, options} = await started.json();
  const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
  let credential;
  try {
    credential = await navigator.credentials.get({publicKey});
  } catch (error) {
    return {refusedBy: 'browser', error: error.name};
  }
  const r = await fetch('/api/auth/passkeys/authentication/verify', {
    method: 'POST', headers,
    body: JSON.stringify({handle, credential: credential.toJSON()}),
  });
  return {status: r.status, body: await r.json()};
}
"""

SIGN_OUT = """
async (csrf) => (await fetch('/api/auth/sign-out', {
  method: 'POST', headers: {'x-csrf-token': csrf},
})).status
"""

WHO = """
async () => {
  const r = await fetch('/api/auth/session');
  return {status: r.status, body: await r.json()};
}
"""


def create_admin(live_server, database_url: str | None) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """An admin of this test's own through `accord create-admin` against the live server's
    data: the first admin is shared with other browser tests, which may change it."""
    email = f"passkeys-{uuid.uuid4().hex[:8]}@accord.localhost"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env |= {
        "ACCORD_ENV": "development",
        "ACCORD_DATA_DIR": str(live_server.data_dir),
        "ACCORD_AUTH__ARGON2_MEMORY_KIB": "1024",
    }
    if database_url:
        env["ACCORD_DATABASE__URL"] = database_url
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "create-admin", "--email", email, "--name", "Key holder"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    password = re.search(r"password:\s+(\S+)", result.stdout)
    assert password, result.stdout
    return email, password.group(1)


async def test_a_passkey_enrols_an_admin_and_then_signs_in_without_a_password(
    live_server, server_database, browser
) -> None:  # type: ignore[no-untyped-def]
    email, password = create_admin(live_server, server_database)
    page = await browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    response = await page.goto(f"{live_server.url}/status")
    assert response is not None and response.status == 200

    # The device: a platform authenticator that keeps discoverable credentials and
    # verifies its user (as a fingerprint reader would). Attached before any ceremony.
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("WebAuthn.enable")
    added = await cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    authenticator = added["authenticatorId"]

    signed_in: dict[str, Any] = await page.evaluate(SIGN_IN, {"email": email, "password": password})
    assert signed_in["status"] == 200
    assert signed_in["body"]["state"] == "enrolment_required"

    registered: dict[str, Any] = await page.evaluate(
        REGISTER, {"csrf": signed_in["body"]["csrf_token"], "name": "This laptop"}
    )
    assert registered["status"] == 200, registered
    assert registered["body"]["state"] == "full"
    assert registered["body"]["passkey"]["name"] == "This laptop"
    stored = (await cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator}))[
        "credentials"
    ]
    assert len(stored) == 1 and stored[0]["isResidentCredential"] is True
    assert stored[0]["rpId"] == "localhost"

    assert await page.evaluate(SIGN_OUT, registered["body"]["csrf_token"]) == 200
    assert (await page.evaluate(WHO))["body"]["state"] == "anonymous"

    passwordless: dict[str, Any] = await page.evaluate(PASSWORDLESS)
    assert passwordless.get("status") == 200, passwordless
    assert passwordless["body"]["state"] == "full"
    who: dict[str, Any] = await page.evaluate(WHO)
    assert who["status"] == 200
    assert who["body"]["user"]["email"] == email
    assert who["body"]["second_factor_fresh"] is True
    assert await page.evaluate(SIGN_OUT, passwordless["body"]["csrf_token"]) == 200

    # The fingerprint no longer matches: user verification fails, and so does sign-in.
    # Chromium itself refuses (NotAllowedError); the server's own refusal of an assertion
    # without the UV flag is tested over HTTP in tests/auth/test_passkeys.py.
    await cdp.send(
        "WebAuthn.setUserVerified", {"authenticatorId": authenticator, "isUserVerified": False}
    )
    refused: dict[str, Any] = await page.evaluate(PASSWORDLESS)
    assert refused.get("status") != 200, refused
    assert refused.get("refusedBy") == "browser" or refused["body"]["code"] == "passkey_rejected"
    assert (await page.evaluate(WHO))["body"]["state"] == "anonymous"

    # Only the 401s this test provoked on purpose (the refused passkey sign-ins).
    unexpected = [p for p in problems if "status of 401" not in p]
    assert unexpected == []
    await page.close()
