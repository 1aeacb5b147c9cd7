"""Time-based one-time passwords (RFC 6238): pure functions, no I/O.

Codes are 6 digits over 30-second steps. A code is accepted for the current step and one
step either side (clock drift between phone and server), and only for a step later than
the last one accepted: a code seen once — over a shoulder, in a phishing proxy's log —
never works again, not even within its own window.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

import pyotp

DIGITS = 6
INTERVAL = 30
# Steps accepted either side of the current one.
DRIFT_STEPS = 1
# 160 bits, the RFC 4226 recommendation; base32 so people can type it into an app.
SECRET_CHARS = 32


def new_secret() -> str:
    return pyotp.random_base32(SECRET_CHARS)


def step_at(now: datetime) -> int:
    return int(now.timestamp()) // INTERVAL


def _normalize(code: str) -> str | None:
    # People type "123 456" as printed by many apps.
    digits = "".join(code.split())
    if len(digits) != DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def matching_step(
    secret: str, code: str, *, now: datetime, last_used_step: int | None = None
) -> int | None:
    """The time step ``code`` belongs to, if it is within ±1 step of ``now`` and later than
    ``last_used_step``; otherwise None. The caller stores the step to refuse replays."""
    presented = _normalize(code)
    if presented is None:
        return None
    try:
        totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    except ValueError:
        # pyotp refuses secrets under 112 bits (NIST 800-63B); ours have 160. Such a
        # stored secret is refused like a wrong code: fail closed, never a 500.
        return None
    current = step_at(now)
    matched: int | None = None
    # Every candidate is compared, in constant time, so timing does not tell which step
    # (or whether a replayed step) matched.
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        expected = totp.generate_otp(step)
        fresh = last_used_step is None or step > last_used_step
        if hmac.compare_digest(expected.encode(), presented.encode()) and fresh and matched is None:
            matched = step
    return matched


def already_used(secret: str, code: str, *, now: datetime, last_used_step: int | None) -> bool:
    """Whether ``code`` is a right code of a step already used (a replay, or the person
    typing the code they just signed in with): worth its own message, still a failure."""
    presented = _normalize(code)
    if presented is None or last_used_step is None:
        return False
    try:
        totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    except ValueError:
        return False
    current = step_at(now)
    used = False
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        expected = totp.generate_otp(step)
        if hmac.compare_digest(expected.encode(), presented.encode()) and step <= last_used_step:
            used = True
    return used


# Replaced in the account label setting by a tag of the secret (see entry_tag).
TAG_PLACEHOLDER = "{tag}"
TAG_CHARS = 4


def entry_tag(secret: str) -> str:
    """Four characters that tell this secret's entry in the app from any other (a new
    set-up gets a new tag): a hash of the secret, so the tag tells nothing about the
    person, the coalition or the secret, and the server need not store it."""
    digest = hashlib.sha256(b"accord-totp-entry-tag\x00" + secret.encode()).digest()
    return base64.b32encode(digest).decode()[:TAG_CHARS]


def account_label(template: str, secret: str) -> str:
    """The account name the app shows: ``template`` with ``{tag}`` replaced (no other
    formatting, so braces in a configured label stay as written)."""
    return template.replace(TAG_PLACEHOLDER, entry_tag(secret))


def provisioning_uri(secret: str, *, issuer: str, account: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code.

    Issuer and account are what the app shows, on a phone that may be seized: the caller
    passes neutral, configured text (``ACCORD_AUTH__TOTP_*``), never the user's email.
    An empty issuer is left out.
    """
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
        name=account, issuer_name=issuer or None
    )


def qr_svg(uri: str) -> str:
    """The URI as an SVG QR code, drawn here: the secret never goes to a remote service."""
    import qrcode  # here: only enrolment draws one (qrcode and its SVG writer, ~0.5 MiB)
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(uri, image_factory=SvgPathImage, border=2)
    svg: str = image.to_string(encoding="unicode")
    return svg
