"""A software WebAuthn authenticator plus the browser's part of the ceremony, for HTTP tests.

It fakes only the outside world: it takes the server's options JSON (as
``parseCreationOptionsFromJSON`` / ``parseRequestOptionsFromJSON`` would) and returns what
``credential.toJSON()`` gives — an ES256 key, clientDataJSON, authenticatorData with the
flags asked for, a "none" attestation object and assertions with a sign count it controls.
Every knob a test turns to misbehave (origin, rp id, flags, count, challenge) is explicit.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40
ES256 = -7


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class SoftCredential:
    id: bytes
    key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0

    def cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: ES256,  # alg
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )


class ExcludedCredential(Exception):
    """The authenticator already holds a credential in excludeCredentials (InvalidStateError)."""


class NoCredential(Exception):
    """Nothing in the authenticator matches the request (NotAllowedError)."""


@dataclass
class SoftAuthenticator:
    origin: str = "http://localhost:8000"
    rp_id: str = "localhost"
    # Synced passkeys are backup eligible (BE) and backed up (BS).
    backup_eligible: bool = False
    backed_up: bool = False
    # Many platform authenticators keep no counter (always 0); this one counts by default.
    counts: bool = True
    credentials: list[SoftCredential] = field(default_factory=list)

    def _flags(self, *, up: bool, uv: bool, attested: bool) -> int:
        flags = 0
        flags |= UP if up else 0
        flags |= UV if uv else 0
        flags |= BE if self.backup_eligible else 0
        flags |= BS if self.backed_up else 0
        flags |= AT if attested else 0
        return flags

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {
                "type": kind,
                "challenge": challenge,
                "origin": origin or self.origin,
                "crossOrigin": False,
            },
            separators=(",", ":"),
        ).encode()

    def create(
        self,
        options: dict[str, Any],
        *,
        origin: str | None = None,
        rp_id: str | None = None,
        up: bool = True,
        uv: bool = True,
        challenge: str | None = None,
        credential_id: bytes | None = None,
    ) -> dict[str, Any]:
        """``navigator.credentials.create`` for ``options`` (the server's JSON).
        ``credential_id`` forces the new credential's id (to replay someone else's)."""
        if ES256 not in [p["alg"] for p in options["pubKeyCredParams"]]:
            raise NoCredential("no supported algorithm offered")
        excluded = {d["id"] for d in options.get("excludeCredentials", [])}
        if any(b64url(c.id) in excluded for c in self.credentials):
            raise ExcludedCredential()
        rp = rp_id or options["rp"]["id"]
        credential = SoftCredential(
            id=credential_id or secrets.token_bytes(32),
            key=ec.generate_private_key(ec.SECP256R1()),
            rp_id=rp,
            user_handle=unb64url(options["user"]["id"]),
        )
        self.credentials.append(credential)
        attested = (
            bytes(16)  # AAGUID: zero, as with attestation "none"
            + struct.pack(">H", len(credential.id))
            + credential.id
            + credential.cose_public_key()
        )
        auth_data = (
            hashlib.sha256(rp.encode()).digest()
            + bytes([self._flags(up=up, uv=uv, attested=True)])
            + struct.pack(">I", credential.sign_count)
            + attested
        )
        client_data = self._client_data(
            "webauthn.create", challenge or options["challenge"], origin
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(credential.id),
            "rawId": b64url(credential.id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {"credProps": {"rk": True}},
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal", "hybrid"],
            },
        }

    def get(
        self,
        options: dict[str, Any],
        *,
        credential: SoftCredential | None = None,
        origin: str | None = None,
        rp_id: str | None = None,
        up: bool = True,
        uv: bool = True,
        sign_count: int | None = None,
        challenge: str | None = None,
    ) -> dict[str, Any]:
        """``navigator.credentials.get`` for ``options``; picks an allowed or discoverable
        credential unless one is given. ``sign_count`` overrides the counter."""
        chosen = credential or self._choose(options)
        if sign_count is not None:
            chosen.sign_count = sign_count
        elif self.counts:
            chosen.sign_count += 1
        rp = rp_id or options.get("rpId") or chosen.rp_id
        auth_data = (
            hashlib.sha256(rp.encode()).digest()
            + bytes([self._flags(up=up, uv=uv, attested=False)])
            + struct.pack(">I", chosen.sign_count)
        )
        client_data = self._client_data("webauthn.get", challenge or options["challenge"], origin)
        signature = chosen.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64url(chosen.id),
            "rawId": b64url(chosen.id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(chosen.user_handle),
            },
        }

    def _choose(self, options: dict[str, Any]) -> SoftCredential:
        rp = options.get("rpId")
        allowed = {d["id"] for d in options.get("allowCredentials", [])}
        for candidate in reversed(self.credentials):
            if rp and candidate.rp_id != rp:
                continue
            if allowed and b64url(candidate.id) not in allowed:
                continue
            return candidate
        raise NoCredential()
