"""The OpenID provider, seen from here (Authlib and joserfc): discovery, its signing keys,
the authorization URL, the code exchange, ID token validation and the userinfo endpoint.

Discovery and the JWKS are cached per process. Only asymmetric signatures are accepted,
and every provider URL must be https (plain http to this machine outside production, for
a local test provider). Nothing here logs tokens, codes or emails; why a discovery
document is unusable is logged (issuer and endpoint URLs are public), never shown to users.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from app.auth.oidc.errors import SSO_FAILED, SSO_UNAVAILABLE, SignInRefused
from app.config import OidcSettings, Settings

# httpx, Authlib and joserfc are imported where used, not here: together ~7 MiB of every
# worker's memory (more where httpx finds rich installed), for a sign-in most deployments
# never configure (bench/bench_outreach.py measures the workers' RSS).
if TYPE_CHECKING:
    import httpx
    from joserfc.jwk import KeySet

log = logging.getLogger("accord.auth.oidc")

SCOPE = "openid email"
# Asked for in the ID token through the `claims` request parameter (OIDC Core §5.5) when the
# provider supports it; otherwise the userinfo endpoint supplies them (client.userinfo).
EMAIL_CLAIMS = ("email", "email_verified")
CLAIMS_REQUEST = json.dumps(
    {"id_token": {name: {"essential": True} for name in EMAIL_CLAIMS}}, separators=(",", ":")
)
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
HTTP_TIMEOUT_SECONDS = 5.0
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
    # Optional in discovery; without it, an ID token lacking the email claims is refused.
    userinfo_endpoint: str | None = None
    claims_parameter_supported: bool = False


class DiscoveryUnusable(SignInRefused):
    """The provider's discovery document does not fit this configuration; ``problems``
    says how, for the operator (logged, and the start-up refusal's message)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(SSO_UNAVAILABLE, "provider_misconfigured")
        self.problems = problems


def _shown(value: object) -> str:
    """A value from the provider, safe for one log line: repr (no newlines), bounded."""
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "…"


def discovery_problems(
    data: dict[str, Any], *, settings: OidcSettings, allow_loopback_http: bool
) -> list[str]:
    """Why ``data`` (a discovery document) cannot be used with ``settings``; empty when it
    can. Each problem names the field, what was expected and what the provider says."""
    problems: list[str] = []
    expected, got = settings.issuer, data.get("issuer")
    # OpenID Connect Discovery 1.0 §4.3: the issuer must be exactly the configured one
    # (it is compared with every ID token's iss the same way), so a trailing slash counts.
    if got != expected:
        hint = ""
        if isinstance(got, str) and got.rstrip("/") == expected.rstrip("/"):
            hint = (
                " (they differ only by a trailing slash; the comparison is exact, so set"
                " ACCORD_OIDC__ISSUER to the provider's value)"
            )
        problems.append(
            f"issuer: ACCORD_OIDC__ISSUER is {_shown(expected)} but the provider's discovery"
            f" document says {_shown(got)}{hint}"
        )
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        url = data.get(name)
        if not _allowed_url(url, allow_loopback_http=allow_loopback_http):
            problems.append(f"{name}: expected an https URL, got {_shown(url)}")
    userinfo = data.get("userinfo_endpoint")
    if userinfo is not None and not _allowed_url(userinfo, allow_loopback_http=allow_loopback_http):
        problems.append(f"userinfo_endpoint: expected an https URL, got {_shown(userinfo)}")
    advertised = data.get("id_token_signing_alg_values_supported") or ["RS256"]
    if not _algorithms(advertised):
        problems.append(
            "id_token_signing_alg_values_supported: expected one of "
            f"{', '.join(SIGNING_ALGORITHMS)}, got {_shown(advertised)}"
        )
    # Discovery defaults to client_secret_basic when the provider says nothing.
    methods = data.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    method = settings.token_endpoint_auth_method
    if not isinstance(methods, list) or method not in methods:
        problems.append(
            f"token_endpoint_auth_methods_supported: ACCORD_OIDC__TOKEN_ENDPOINT_AUTH_METHOD is"
            f" {method!r}, which the provider does not list ({_shown(methods)})"
        )
    return problems


def _algorithms(advertised: object) -> tuple[str, ...]:
    if not isinstance(advertised, list):
        return ()
    return tuple(alg for alg in advertised if isinstance(alg, str) and alg in SIGNING_ALGORITHMS)


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
        import httpx

        return httpx.AsyncClient(
            timeout=httpx.Timeout(HTTP_TIMEOUT_SECONDS),
            follow_redirects=False,
            transport=self.transport,
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
        import httpx

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
            problems = [f"ACCORD_OIDC__ISSUER: expected an https URL, got {_shown(issuer)}"]
            log.warning("single sign-on is not usable: %s", "; ".join(problems))
            raise DiscoveryUnusable(problems)
        data = await self._get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
        problems = discovery_problems(
            data, settings=self.settings, allow_loopback_http=self.allow_loopback_http
        )
        if problems:
            # The user is told only sso_unavailable; the operator reads why here.
            log.warning(
                "single sign-on: the provider's discovery document is not usable: %s",
                "; ".join(problems),
            )
            raise DiscoveryUnusable(problems)
        userinfo = data.get("userinfo_endpoint")
        metadata = ProviderMetadata(
            issuer=issuer,
            authorization_endpoint=str(data["authorization_endpoint"]),
            token_endpoint=str(data["token_endpoint"]),
            jwks_uri=str(data["jwks_uri"]),
            client_auth=self.settings.token_endpoint_auth_method,
            algorithms=_algorithms(data.get("id_token_signing_alg_values_supported") or ["RS256"]),
            userinfo_endpoint=str(userinfo) if userinfo is not None else None,
            claims_parameter_supported=data.get("claims_parameter_supported") is True,
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
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet, import_key

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
        from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
        from authlib.oauth2.rfc7636 import create_s256_code_challenge

        extra: dict[str, str] = {}
        if metadata.claims_parameter_supported:
            extra["claims"] = CLAIMS_REQUEST
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
            **extra,
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
        from authlib.oidc.core import CodeIDToken
        from joserfc import jwt
        from joserfc.errors import InvalidKeyIdError, JoseError

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

    async def userinfo(self, metadata: ProviderMetadata, *, access_token: str) -> dict[str, Any]:
        """The userinfo endpoint's claims for ``access_token`` (OIDC Core §5.3), as JSON.

        The caller must compare its ``sub`` with the ID token's (§5.3.2): only then is it
        about the same person. A signed or encrypted userinfo response is not supported.
        """
        if metadata.userinfo_endpoint is None:
            raise SignInRefused(SSO_FAILED, "email_missing")
        return await self._json(
            "GET",
            metadata.userinfo_endpoint,
            refused=(SSO_FAILED, "userinfo_refused"),
            invalid=(SSO_FAILED, "userinfo_invalid"),
            headers={"Authorization": f"Bearer {access_token}"},
        )

    async def start_up_problems(self, now: datetime) -> list[str]:
        """What makes single sign-on unusable with this configuration, read from the
        provider's discovery at start-up; empty when it is usable or the provider cannot be
        reached now (sign-in tries again then, and says sso_unavailable meanwhile)."""
        try:
            await self.metadata(now)
        except DiscoveryUnusable as unusable:
            return unusable.problems
        except SignInRefused:
            log.warning(
                "single sign-on: the provider's discovery could not be read at start-up;"
                " it is checked again at the next sign-in"
            )
        return []
