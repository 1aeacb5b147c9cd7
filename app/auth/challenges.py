"""Single-use, short-lived server-side challenges (WebAuthn ceremonies, OIDC state)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.repository import find_challenge_for_update
from app.errors import AppError
from app.keys import current_keyring
from app.kit.clock import as_utc
from app.kit.crypto.tokens import new_token, token_mac, token_mac_candidates
from app.models.identity import AuthChallenge

PURPOSE_MAC = "auth-challenge"


class ChallengeInvalid(AppError):
    status, code, title = 400, "challenge_invalid", "This step has expired or was already used"


async def issue_challenge(
    session: AsyncSession,
    *,
    purpose: str,
    payload: dict[str, Any],
    now: datetime,
    ttl: timedelta = timedelta(minutes=5),
    user_id: uuid.UUID | None = None,
) -> str:
    """Store ``payload`` encrypted; return the opaque handle the client sends back."""
    handle = new_token()
    challenge = AuthChallenge(
        purpose=purpose,
        handle_mac=token_mac(current_keyring(), handle, purpose=PURPOSE_MAC),
        user_id=user_id,
        created_at=now,
        expires_at=now + ttl,
    )
    challenge.payload = json.dumps(payload)
    session.add(challenge)
    await session.flush()
    return handle


async def consume_challenge(
    session: AsyncSession, *, purpose: str, handle: str, now: datetime
) -> tuple[dict[str, Any], uuid.UUID | None]:
    """The payload and user of a live challenge, which is used up by this call."""
    if not handle or len(handle) > 128:
        raise ChallengeInvalid()
    candidates = token_mac_candidates(current_keyring(), handle, purpose=PURPOSE_MAC)
    challenge = await find_challenge_for_update(session, candidates)
    if (
        challenge is None
        or challenge.purpose != purpose
        or challenge.used_at is not None
        or as_utc(challenge.expires_at) <= now
    ):
        raise ChallengeInvalid()
    challenge.used_at = now
    await session.flush()
    return json.loads(challenge.payload), challenge.user_id
