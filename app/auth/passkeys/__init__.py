"""Passkeys (WebAuthn, py_webauthn): several per user, named, as a second factor after a
password or for passwordless sign-in. Services flush, never commit.

Contract and choices:

- **Algorithms**: ES256 (-7) first, then EdDSA (-8): both are modern, compact and
  constant-time in good implementations, and every current platform authenticator and
  security key offers one of them. RS256 (-257, RSASSA-PKCS1-v1_5 with SHA-256) is accepted
  only because Windows Hello still creates RSA keys on many machines; refusing it would
  push those users to TOTP, which can be phished. Nothing weaker (no SHA-1, no RS1, no
  unspecified curves): a credential offering only those fails registration.
- **User verification is required** at registration and at every assertion: the
  authenticator checks a PIN or biometric, so one passkey is two factors (possession plus
  knowledge or inherence). That is what lets it stand in for the password and also count
  as the second factor after one.
- **Resident (discoverable) keys are required** at registration, so passwordless sign-in
  needs no email first: nothing to enumerate, nothing typed on a phishing page.
- **Attestation "none"**: we do not learn or record which make or model a member uses; a
  seized database must not tell which devices to look for.
- **Challenges** live server-side (``app.auth.challenges``): the browser holds an opaque
  handle, each is single use, lives five minutes, and is bound to the session (and user)
  that asked for it, except for passwordless sign-in which has none yet.
- **Storage**: the credential id is found by a keyed MAC (``passkey-id``) and kept
  encrypted, like the public key and the user's name for the passkey, so a dump neither
  reveals nor links authenticators.
- **Sign count**: a counter that does not advance means the authenticator may have been
  cloned; the assertion is refused and ``passkey.sign_count_regressed`` audited.
- Password throttles are never consulted here: an assertion guesses no secret, and a
  flood of wrong passwords must not lock a member out of the phishing-resistant way in.

Modules: ``ceremony`` (what both ceremonies share), ``registration``, ``authentication``,
``management`` (list, rename, remove), ``access``, ``repository``, ``errors``.
"""

from app.auth.passkeys.access import access_passkey
from app.auth.passkeys.authentication import (
    AuthenticationOutcome,
    AuthenticationPurpose,
    finish_authentication,
    start_authentication,
)
from app.auth.passkeys.ceremony import Ceremony
from app.auth.passkeys.errors import (
    NoPasskeys,
    PasskeyAlreadyRegistered,
    PasskeyNotFound,
    PasskeyRegistrationRejected,
    PasskeyRejected,
    PasskeyUnknown,
    SignCountRegressed,
)
from app.auth.passkeys.management import list_passkeys_of, remove_passkey, rename_passkey
from app.auth.passkeys.registration import (
    RegistrationOutcome,
    finish_registration,
    start_registration,
)

__all__ = [
    "AuthenticationOutcome",
    "AuthenticationPurpose",
    "Ceremony",
    "NoPasskeys",
    "PasskeyAlreadyRegistered",
    "PasskeyNotFound",
    "PasskeyRegistrationRejected",
    "PasskeyRejected",
    "PasskeyUnknown",
    "RegistrationOutcome",
    "SignCountRegressed",
    "access_passkey",
    "finish_authentication",
    "finish_registration",
    "list_passkeys_of",
    "remove_passkey",
    "rename_passkey",
    "start_authentication",
    "start_registration",
]
