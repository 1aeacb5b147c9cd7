"""What both WebAuthn ceremonies share: this server as the relying party, the algorithms
and the prompt's lifetime it asks for, the options it hands the browser, and how a refused
ceremony is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit import AuditAction, record_event
from app.auth.passkeys.repository import credential_id_of
from app.errors import AppError
from app.models.identity import Passkey

# py_webauthn is imported where a ceremony runs, not at the top: with what it pulls in
# (pyOpenSSL, pyasn1, cbor2) it is ~10 MiB of every worker's memory, for a rare request
# (bench/bench_outreach.py measures the workers' RSS).
if TYPE_CHECKING:
    from webauthn.helpers.cose import COSEAlgorithmIdentifier
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor

RP_NAME = "Accord"


def algorithms() -> list[COSEAlgorithmIdentifier]:
    """The signature algorithms asked for, most preferred first."""
    from webauthn.helpers.cose import COSEAlgorithmIdentifier

    return [
        COSEAlgorithmIdentifier.ECDSA_SHA_256,
        COSEAlgorithmIdentifier.EDDSA,
        COSEAlgorithmIdentifier.RSASSA_PKCS1_v1_5_SHA_256,
    ]


# How long the browser offers the prompt; shorter than the challenge's five minutes.
CEREMONY_TIMEOUT_MS = 180_000


@dataclass(frozen=True)
class Ceremony:
    """The opaque handle of the server-side challenge, and the WebAuthn options (JSON)."""

    handle: str
    options: dict[str, Any]


def descriptors(passkeys: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    """The credentials to exclude (registration) or allow (authentication)."""
    from webauthn.helpers import base64url_to_bytes
    from webauthn.helpers.structs import AuthenticatorTransport, PublicKeyCredentialDescriptor

    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(credential_id_of(p)),
            transports=[AuthenticatorTransport(t) for t in (p.transports or "").split(",") if t]
            or None,
        )
        for p in passkeys
    ]


async def record_refusal(
    session: AsyncSession, actor: Actor, error: AppError, *, action: AuditAction, target: Any
) -> None:
    """Audit a refused ceremony with the code the client is told (and nothing it sent)."""
    await record_event(
        session, actor=actor, action=action, target=target, details={"reason": error.code}
    )
