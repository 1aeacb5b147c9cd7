"""OpenID Connect single sign-on (optional), the client side: Authlib and joserfc.

It signs in accounts that already exist (created by invitation), matched on the email the
provider says it has *verified*; it never creates an account. The flow is the
authorization-code flow with PKCE (S256), a nonce and a state. The state is a server-side
challenge (single use, ten minutes) that also holds the nonce and the PKCE verifier, and it
is bound to the browser that started the flow by a short-lived cookie, so a stranger's
callback URL cannot sign a victim into the stranger's account (login CSRF).

Single sign-on is the first factor only: a user with a second factor still proves it, and
a privileged user without one must enrol, exactly as after a password.

Nothing here logs or stores tokens, codes or emails, and the browser never sees the
provider's error text — only one of three stable codes.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet, import_key
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import ANONYMOUS, Actor, SessionState
from app.audit import record_event
from app.auth.challenges import ChallengeInvalid, consume_challenge, issue_challenge
from app.auth.dependencies import session_state
from app.auth.repository import find_user_by_email, has_second_factor, platform_roles_of
from app.auth.sessions import IssuedSession, open_session
from app.config import OidcSettings, Settings
from app.keys import current_keyring
from app.kit.crypto.tokens import constant_time_equal, new_token, token_mac, token_mac_candidates
from app.models.identity import OidcIdentity
from app.models.users import User, UserStatus
from app.notifications.service import notify_user

log = logging.getLogger("accord.auth.oidc")

CHALLENGE_PURPOSE = "oidc"
CHALLENGE_TTL = timedelta(minutes=10)
BROWSER_MAC_PURPOSE = "oidc-browser"
SCOPE = "openid email"
# Asymmetric signatures only: "none" and HMAC (keyed with the client secret, which the
# operator's provider admins also hold) are refused whatever discovery advertises.
SIGNING_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)
# Short: the code exchange happens inside the request's database transaction.
HTTP_TIMEOUT = httpx.Timeout(5.0)
METADATA_TTL = timedelta(hours=1)
# A token signed with an unknown key id triggers one JWKS refetch (key rotation), at most
# this often, so forged tokens cannot make us hammer the provider.
JWKS_REFRESH_AFTER = timedelta(minutes=1)
CLOCK_LEEWAY_SECONDS = 60
MAX_EMAIL_LENGTH = 320

# What the browser is told (/sign-in?error=<code>); stable, documented for the UI.
SSO_UNAVAILABLE = "sso_unavailable"
SSO_NO_ACCOUNT = "sso_no_account"
SSO_FAILED = "sso_failed"


class SignInRefused(Exception):
    """A refused single sign-on: ``code`` goes to the browser, ``reason`` to the audit log."""

    def __init__(self, code: str, reason: str, *, user: User | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.user = user


def oidc_configured(settings: OidcSettings) -> bool:
    return bool(settings.enabled and settings.issuer and settings.client_id)


def _allowed_url(url: object, *, allow_loopback_http: bool) -> bool:
    """https, or plain http to this machine outside production (a local test provider)."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    if not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    return (
        allow_loopback_http
        and parts.scheme == "http"
        and parts.hostname in ("127.0.0.1", "::1", "localhost")
    )


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    client_auth: str
    algorithms: tuple[str, ...]


@dataclass
class _Cache:
    metadata: ProviderMetadata | None = None
    metadata_at: datetime | None = None
    keys: KeySet | None = None
    keys_at: datetime | None = None


@dataclass
class OidcClient:
    """One configured provider: discovery, the authorization URL, the code exchange and
    ID token validation. Discovery and the JWKS are cached per process."""

    settings: OidcSettings
    allow_loopback_http: bool = False
    transport: httpx.AsyncBaseTransport | None = None
    _cache: _Cache = field(default_factory=_Cache)

    def _http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            timeout=HTTP_TIMEOUT, follow_redirects=False, transport=self.transport
        )

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with self._http() as http:
                response = await http.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise SignInRefused(SSO_UNAVAILABLE, "provider_unreachable") from exc
        if response.status_code != 200:
            raise SignInRefused(SSO_UNAVAILABLE, "provider_unreachable")
        try:
            data = response.json()
        except ValueError as exc:
            raise SignInRefused(SSO_UNAVAILABLE, "provider_misconfigured") from exc
        if not isinstance(data, dict):
            raise SignInRefused(SSO_UNAVAILABLE, "provider_misconfigured")
        return data

    async def metadata(self, now: datetime) -> ProviderMetadata:
        cache = self._cache
        if cache.metadata and cache.metadata_at and now - cache.metadata_at < METADATA_TTL:
            return cache.metadata
        issuer = self.settings.issuer
        if not _allowed_url(issuer, allow_loopback_http=self.allow_loopback_http):
            raise SignInRefused(SSO_UNAVAILABLE, "provider_misconfigured")
        data = await self._get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
        endpoints = [data.get(k) for k in ("authorization_endpoint", "token_endpoint", "jwks_uri")]
        algorithms = tuple(
            alg
            for alg in data.get("id_token_signing_alg_values_supported") or ["RS256"]
            if alg in SIGNING_ALGORITHMS
        )
        # Discovery defaults to client_secret_basic when the provider says nothing.
        methods = data.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        client_auth = next(
            (m for m in ("client_secret_post", "client_secret_basic") if m in methods), None
        )
        if (
            # OpenID Connect Discovery 1.0 §4.3: the issuer must be exactly the configured one.
            data.get("issuer") != issuer
            or not all(
                _allowed_url(url, allow_loopback_http=self.allow_loopback_http) for url in endpoints
            )
            or not algorithms
            or client_auth is None
        ):
            log.warning("single sign-on: the provider's discovery document is not usable")
            raise SignInRefused(SSO_UNAVAILABLE, "provider_misconfigured")
        metadata = ProviderMetadata(
            issuer=issuer,
            authorization_endpoint=str(endpoints[0]),
            token_endpoint=str(endpoints[1]),
            jwks_uri=str(endpoints[2]),
            client_auth=client_auth,
            algorithms=algorithms,
        )
        cache.metadata, cache.metadata_at = metadata, now
        return metadata

    async def key_set(
        self, metadata: ProviderMetadata, now: datetime, *, refresh: bool = False
    ) -> KeySet:
        cache = self._cache
        age = now - cache.keys_at if cache.keys_at is not None else None
        # Refetched hourly too, so a key the provider withdrew stops verifying.
        if cache.keys is not None and age is not None and age < METADATA_TTL:
            if not refresh or age < JWKS_REFRESH_AFTER:
                return cache.keys
        data = await self._get_json(metadata.jwks_uri)
        keys = []
        for entry in data.get("keys") or []:
            # Signature keys only; an encryption or symmetric key is never a verifier.
            if (
                not isinstance(entry, dict)
                or entry.get("use") == "enc"
                or entry.get("kty") == "oct"
            ):
                continue
            try:
                keys.append(import_key(entry))
            except (JoseError, ValueError, TypeError):
                continue  # a key type we cannot use; the others still can
        cache.keys, cache.keys_at = KeySet(keys), now
        return cache.keys

    def authorization_url(
        self,
        metadata: ProviderMetadata,
        *,
        redirect_uri: str,
        state: str,
        nonce: str,
        code_verifier: str,
    ) -> str:
        url: str = prepare_grant_uri(
            metadata.authorization_endpoint,
            client_id=self.settings.client_id,
            response_type="code",
            redirect_uri=redirect_uri,
            scope=SCOPE,
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(code_verifier),
            code_challenge_method="S256",
        )
        return url

    async def exchange_code(
        self, metadata: ProviderMetadata, *, code: str, code_verifier: str, redirect_uri: str
    ) -> dict[str, Any]:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        headers = {"Accept": "application/json"}
        client_id = self.settings.client_id
        secret = self.settings.client_secret.get_secret_value()
        if metadata.client_auth == "client_secret_post":
            form |= {"client_id": client_id, "client_secret": secret}
        else:
            # RFC 6749 §2.3.1: both parts form-encoded before Basic encoding.
            pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        try:
            async with self._http() as http:
                response = await http.post(metadata.token_endpoint, data=form, headers=headers)
        except httpx.HTTPError as exc:
            raise SignInRefused(SSO_UNAVAILABLE, "provider_unreachable") from exc
        if response.status_code != 200:
            raise SignInRefused(SSO_FAILED, "code_rejected")
        try:
            token = response.json()
        except ValueError as exc:
            raise SignInRefused(SSO_FAILED, "token_response_invalid") from exc
        if not isinstance(token, dict) or not isinstance(token.get("id_token"), str):
            raise SignInRefused(SSO_FAILED, "token_response_invalid")
        return token

    async def verified_claims(
        self,
        metadata: ProviderMetadata,
        *,
        id_token: str,
        nonce: str,
        access_token: str | None,
        now: datetime,
    ) -> dict[str, Any]:
        """The ID token's claims after checking signature (the provider's JWKS), iss, aud,
        azp, exp, iat, nonce and at_hash; SignInRefused otherwise."""
        try:
            keys = await self.key_set(metadata, now, refresh=False)
            try:
                token = jwt.decode(id_token, keys, algorithms=list(metadata.algorithms))
            except InvalidKeyIdError:
                keys = await self.key_set(metadata, now, refresh=True)
                token = jwt.decode(id_token, keys, algorithms=list(metadata.algorithms))
            claims = CodeIDToken(
                token.claims,
                token.header,
                options={
                    "iss": {"essential": True, "value": metadata.issuer},
                    "aud": {"essential": True, "value": self.settings.client_id},
                    "nonce": {"essential": True, "value": nonce},
                },
                params={
                    "nonce": nonce,
                    "client_id": self.settings.client_id,
                    "access_token": access_token,
                },
            )
            claims.validate(now=int(now.timestamp()), leeway=CLOCK_LEEWAY_SECONDS)
        except SignInRefused:
            raise
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise SignInRefused(SSO_FAILED, "id_token_invalid") from exc
        return dict(claims)


# -- use cases ------------------------------------------------------------------------------


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
        # the one round trip of the code exchange. Both are cached, so callbacks with a
        # made-up state do not reach the provider either.
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
    claims = await client.verified_claims(
        metadata,
        id_token=token["id_token"],
        nonce=str(payload["nonce"]),
        access_token=access_token if isinstance(access_token, str) else None,
        now=now,
    )
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise SignInRefused(SSO_FAILED, "id_token_invalid")
    issuer_mac = _mac(metadata.issuer)
    subject_mac = _mac(f"{metadata.issuer}\n{subject}")
    identity = await session.scalar(
        select(OidcIdentity).where(OidcIdentity.subject_mac == subject_mac)
    )
    if identity is not None:
        # A linked subject decides, whatever email the provider reports today.
        user = await session.get(User, identity.user_id)
    else:
        email = claims.get("email")
        if not isinstance(email, str) or not email or len(email) > MAX_EMAIL_LENGTH:
            raise SignInRefused(SSO_FAILED, "email_missing")
        user = await find_user_by_email(session, email)
        # Only a boolean true counts: an email the provider has not verified could be
        # anyone's.
        if claims.get("email_verified") is not True:
            raise SignInRefused(SSO_FAILED, "email_unverified", user=user)
        if user is None:
            raise SignInRefused(SSO_NO_ACCOUNT, "no_account")
        linked_elsewhere = await session.scalar(
            select(OidcIdentity.id).where(
                OidcIdentity.user_id == user.id, OidcIdentity.issuer_mac == issuer_mac
            )
        )
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
            action="user.sign_in_failed",
            target=refusal.user,
            details={"method": "oidc", "reason": refusal.reason},
        )
        return refusal

    issued = await open_session(
        session,
        user_id=user.id,
        method="oidc",
        now=now,
        settings=settings.session,
        user_agent=user_agent,
    )
    state_now = session_state(
        second_factor_proven=False,
        enrolled=await has_second_factor(session, user.id),
        roles=await platform_roles_of(session, user.id),
    )
    await record_event(
        session,
        actor=Actor(type="user", user_id=user.id, session_id=issued.record.id),
        action="user.signed_in",
        target=user,
        details={"method": "oidc", "session_id": str(issued.record.id)},
    )
    await notify_user(session, user=user, kind="new_sign_in", now=now, method="single sign-on")
    return OidcSignIn(issued=issued, user=user, state=state_now)


def callback_url(settings: Settings, path: str) -> str:
    return settings.http.public_url.rstrip("/") + path


def new_client(settings: Settings) -> OidcClient:
    return OidcClient(settings.oidc, allow_loopback_http=not settings.is_production)
