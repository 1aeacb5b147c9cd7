"""The OpenID provider, seen from here (Authlib and joserfc): discovery, its signing keys,
the authorization URL, the code exchange and ID token validation.

Discovery and the JWKS are cached per process. Only asymmetric signatures are accepted,
and every provider URL must be https (plain http to this machine outside production, for
a local test provider). Nothing here logs tokens, codes or emails.
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

from app.auth.oidc.errors import SSO_FAILED, SSO_UNAVAILABLE, SignInRefused
from app.config import OidcSettings, Settings

log = logging.getLogger("accord.auth.oidc")

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


def oidc_configured(settings: OidcSettings) -> bool:
    return bool(settings.enabled and settings.issuer and settings.client_id)


def new_client(settings: Settings) -> OidcClient:
    return OidcClient(settings.oidc, allow_loopback_http=not settings.is_production)


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

    async def _json(
        self,
        method: str,
        url: str,
        *,
        refused: tuple[str, str],
        invalid: tuple[str, str],
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """The JSON object the provider answers at ``url``, or SignInRefused: unreachable
        is sso_unavailable; any status but 200 is ``refused`` and a body that is not a JSON
        object ``invalid`` (each a code and an audit reason)."""
        try:
            async with self._http() as http:
                response = await http.request(
                    method,
                    url,
                    data=data,
                    headers={"Accept": "application/json", **(headers or {})},
                )
        except httpx.HTTPError as exc:
            raise SignInRefused(SSO_UNAVAILABLE, "provider_unreachable") from exc
        if response.status_code != 200:
            raise SignInRefused(*refused)
        try:
            body = response.json()
        except ValueError as exc:
            raise SignInRefused(*invalid) from exc
        if not isinstance(body, dict):
            raise SignInRefused(*invalid)
        return body

    async def _get_json(self, url: str) -> dict[str, Any]:
        return await self._json(
            "GET",
            url,
            refused=(SSO_UNAVAILABLE, "provider_unreachable"),
            invalid=(SSO_UNAVAILABLE, "provider_misconfigured"),
        )

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
        headers: dict[str, str] = {}
        client_id = self.settings.client_id
        secret = self.settings.client_secret.get_secret_value()
        if metadata.client_auth == "client_secret_post":
            form |= {"client_id": client_id, "client_secret": secret}
        else:
            # RFC 6749 §2.3.1: both parts form-encoded before Basic encoding.
            pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        token = await self._json(
            "POST",
            metadata.token_endpoint,
            refused=(SSO_FAILED, "code_rejected"),
            invalid=(SSO_FAILED, "token_response_invalid"),
            data=form,
            headers=headers,
        )
        if not isinstance(token.get("id_token"), str):
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
