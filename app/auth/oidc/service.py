"""Signing in through the provider: start (state, nonce, PKCE, and the provider URL) and
finish (the callback: an existing, active account, or a refusal).

The state is a server-side challenge (single use, ten minutes) that also holds the nonce
and the PKCE verifier, and it is bound to the browser that started the flow by a
short-lived cookie, so a stranger's callback URL cannot sign a victim into the stranger's
account (login CSRF). The first sign-in links the provider's subject to the account;
after that the subject decides, whatever email the provider reports.

The email and email_verified claims come from the ID token when it carries both, else
from the userinfo endpoint (with the access token), whose ``sub`` must then be the ID
token's (OIDC Core §5.3.2). Many providers put them only in userinfo by default. They are
needed only to link a subject for the first time, so a linked user costs no extra call.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import ANONYMOUS, SessionState
from app.audit import AuditAction, record_event
from app.auth.challenges import ChallengeInvalid, consume_challenge, issue_challenge
from app.auth.dependencies import session_state
from app.auth.oidc import repository as repo
from app.auth.oidc.client import EMAIL_CLAIMS, OidcClient, ProviderMetadata
from app.auth.oidc.errors import SSO_FAILED, SSO_NO_ACCOUNT, SignInRefused
from app.auth.repository import (
    find_user_by_email,
    get_user,
    has_second_factor,
    platform_roles_of,
)
from app.auth.sessions.service import IssuedSession, open_signed_in_session
from app.config import Settings
from app.keys import current_keyring
from app.kit.crypto.tokens import constant_time_equal, new_token, token_mac, token_mac_candidates
from app.models.identity import OidcIdentity
from app.models.users import User, UserStatus

CHALLENGE_PURPOSE = "oidc"
CHALLENGE_TTL = timedelta(minutes=10)
BROWSER_MAC_PURPOSE = "oidc-browser"
MAX_EMAIL_LENGTH = 320


@dataclass(frozen=True)
class Started:
    url: str
    # Goes into a cookie on the starting browser; only its MAC is kept.
    browser_token: str


async def start_sign_in(
    session: AsyncSession, *, client: OidcClient, redirect_uri: str, now: datetime
) -> Started:
    """A fresh state, nonce and PKCE verifier, and the provider URL carrying them.

    Raises SignInRefused (sso_unavailable) when the provider cannot be discovered.
    """
    metadata = await client.metadata(now)
    nonce, verifier, browser = new_token(), new_token(48), new_token()
    state = await issue_challenge(
        session,
        purpose=CHALLENGE_PURPOSE,
        payload={
            "nonce": nonce,
            "code_verifier": verifier,
            "browser": token_mac(current_keyring(), browser, purpose=BROWSER_MAC_PURPOSE).hex(),
        },
        now=now,
        ttl=CHALLENGE_TTL,
    )
    url = client.authorization_url(
        metadata, redirect_uri=redirect_uri, state=state, nonce=nonce, code_verifier=verifier
    )
    return Started(url=url, browser_token=browser)


@dataclass(frozen=True)
class OidcSignIn:
    issued: IssuedSession
    user: User
    state: SessionState


def _same_browser(stored: object, presented: str | None) -> bool:
    if not isinstance(stored, str) or not presented or len(presented) > 128:
        return False
    expected = bytes.fromhex(stored)
    return any(
        constant_time_equal(expected, mac)
        for mac in token_mac_candidates(current_keyring(), presented, purpose=BROWSER_MAC_PURPOSE)
    )


async def _authenticate(
    session: AsyncSession,
    *,
    client: OidcClient,
    state: str | None,
    code: str | None,
    provider_error: str | None,
    browser_token: str | None,
    redirect_uri: str,
    now: datetime,
) -> User:
    metadata = None
    if provider_error is None and code:
        # Discovery and keys before the first database statement: the request's transaction
        # (on SQLite, the database's write lock) should not wait on the provider more than
        # the round trip of the code exchange (and, when a subject is linked for the first
        # time and the ID token lacks the email, the userinfo request). Both are cached,
        # so callbacks with a made-up state do not reach the provider either.
        metadata = await client.metadata(now)
        await client.key_set(metadata, now)
    # Then the state, always: it is used up even when the rest fails, so a callback URL
    # works once at most.
    try:
        payload, _ = await consume_challenge(
            session, purpose=CHALLENGE_PURPOSE, handle=state or "", now=now
        )
    except ChallengeInvalid as exc:
        raise SignInRefused(SSO_FAILED, "state_invalid") from exc
    if not _same_browser(payload.get("browser"), browser_token):
        raise SignInRefused(SSO_FAILED, "browser_mismatch")
    if provider_error is not None:
        # The provider's text is never shown or stored: it is not ours to vouch for.
        raise SignInRefused(SSO_FAILED, "provider_error")
    if metadata is None or not code or len(code) > 2048:
        raise SignInRefused(SSO_FAILED, "code_missing")
    token = await client.exchange_code(
        metadata, code=code, code_verifier=str(payload["code_verifier"]), redirect_uri=redirect_uri
    )
    access_token = token.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        access_token = None
    claims = await client.verified_claims(
        metadata,
        id_token=token["id_token"],
        nonce=str(payload["nonce"]),
        access_token=access_token,
        now=now,
    )

    async def email_claims() -> dict[str, Any]:
        return await _email_claims(client, metadata, claims=claims, access_token=access_token)

    return await _account_of(
        session, issuer=metadata.issuer, claims=claims, email_claims=email_claims, now=now
    )


async def _email_claims(
    client: OidcClient,
    metadata: ProviderMetadata,
    *,
    claims: dict[str, Any],
    access_token: str | None,
) -> dict[str, Any]:
    """Where email and email_verified are read: the ID token when it carries both, else the
    userinfo response (both from the same source, never one from each)."""
    if all(name in claims for name in EMAIL_CLAIMS):
        return claims
    if access_token is None or metadata.userinfo_endpoint is None:
        return claims  # refused below: email_missing, or email_unverified
    info = await client.userinfo(metadata, access_token=access_token)
    # OIDC Core §5.3.2: a userinfo response about another subject is not about this person
    # (a token mix-up or substitution) and must not be used.
    if info.get("sub") != claims["sub"]:
        raise SignInRefused(SSO_FAILED, "userinfo_subject_mismatch")
    return info


async def _account_of(
    session: AsyncSession,
    *,
    issuer: str,
    claims: dict[str, Any],
    email_claims: Callable[[], Awaitable[dict[str, Any]]],
    now: datetime,
) -> User:
    """The active account behind verified ID token claims: the one linked to the subject,
    else (linking it) the one with the provider's verified email (``email_claims``, asked
    only then)."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise SignInRefused(SSO_FAILED, "id_token_invalid")
    issuer_mac = _mac(issuer)
    subject_mac = _mac(f"{issuer}\n{subject}")
    # Under every key version: a link made before a key rotation must still decide (else
    # the next sign-in would quietly re-link by email), and is moved to the current one.
    identity = await repo.find_identity_by_subject(session, _macs(f"{issuer}\n{subject}"))
    if identity is not None:
        identity.issuer_mac, identity.subject_mac = issuer_mac, subject_mac
        # A linked subject decides, whatever email the provider reports today.
        user = await get_user(session, identity.user_id)
    else:
        verified = await email_claims()
        email = verified.get("email")
        if not isinstance(email, str) or not email or len(email) > MAX_EMAIL_LENGTH:
            raise SignInRefused(SSO_FAILED, "email_missing")
        user = await find_user_by_email(session, email)
        # Only a boolean true counts: an email the provider has not verified could be
        # anyone's.
        if verified.get("email_verified") is not True:
            raise SignInRefused(SSO_FAILED, "email_unverified", user=user)
        if user is None:
            raise SignInRefused(SSO_NO_ACCOUNT, "no_account")
        linked_elsewhere = await repo.find_identity_id_at_issuer(session, user.id, _macs(issuer))
        if linked_elsewhere is not None:
            # The account is linked to another subject at this provider: the same email
            # under a new provider account is a takeover attempt, not the same person.
            raise SignInRefused(SSO_NO_ACCOUNT, "subject_mismatch", user=user)
        identity = OidcIdentity(
            user_id=user.id, issuer_mac=issuer_mac, subject_mac=subject_mac, created_at=now
        )
        session.add(identity)
    if user is None:
        raise SignInRefused(SSO_NO_ACCOUNT, "no_account")
    if user.status != UserStatus.ACTIVE:
        # Told apart from "no account" only in the audit log: whoever holds the provider
        # account learns nothing about the state of ours.
        raise SignInRefused(SSO_NO_ACCOUNT, "account_suspended", user=user)
    identity.last_used_at = now
    await session.flush()
    return user


def _mac(value: str) -> bytes:
    return token_mac(current_keyring(), value, purpose="oidc-subject")


def _macs(value: str) -> list[bytes]:
    return token_mac_candidates(current_keyring(), value, purpose="oidc-subject")


async def finish_sign_in(
    session: AsyncSession,
    *,
    client: OidcClient,
    settings: Settings,
    state: str | None,
    code: str | None,
    provider_error: str | None,
    browser_token: str | None,
    redirect_uri: str,
    user_agent: str | None,
    now: datetime,
) -> OidcSignIn | SignInRefused:
    """Sign in the existing account behind the provider's verified email, or say why not.

    Returns the refusal instead of raising it: the used-up state and the audit event of a
    failed attempt must be committed with the response.
    """
    try:
        user = await _authenticate(
            session,
            client=client,
            state=state,
            code=code,
            provider_error=provider_error,
            browser_token=browser_token,
            redirect_uri=redirect_uri,
            now=now,
        )
    except SignInRefused as refusal:
        await record_event(
            session,
            actor=ANONYMOUS,
            action=AuditAction.USER_SIGN_IN_FAILED,
            target=refusal.user,
            details={"method": "oidc", "reason": refusal.reason},
        )
        return refusal

    issued = await open_signed_in_session(
        session,
        user=user,
        method="oidc",
        method_name="single sign-on",
        now=now,
        settings=settings.session,
        user_agent=user_agent,
    )
    # Single sign-on is the first factor only, exactly like a password.
    state_now = session_state(
        second_factor_proven=False,
        enrolled=await has_second_factor(session, user.id),
        roles=await platform_roles_of(session, user.id),
    )
    return OidcSignIn(issued=issued, user=user, state=state_now)


def callback_url(settings: Settings, path: str) -> str:
    return settings.http.public_url.rstrip("/") + path


async def linked_user_ids(session: AsyncSession, user_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these accounts are linked to a provider subject."""
    if not user_ids:
        return set()
    return await repo.list_linked_user_ids(session, user_ids)


async def unlink_identities(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Forget the account's provider subjects; returns how many there were.

    The next single sign-on links a subject again by the provider's verified email, as the
    first one did (a person whose provider account was replaced gets back in; the old
    provider account no longer decides)."""
    count = await repo.delete_identities_of(session, user_id)
    await session.flush()
    return count
