"""A real OpenID provider for tests, in memory, on 127.0.0.1.

Built from Authlib's server components — the RFC 6749 authorization server with the
authorization-code grant, the OpenID Connect ``OpenIDCode`` extension and PKCE
(``CodeChallenge``) — and served by uvicorn on a free port in a background thread. It
approves every authorization request for one configurable test user, publishes discovery,
a JWKS and a userinfo endpoint, and can be told to misbehave (wrong audience, wrong nonce,
foreign signing key, expired token, denied consent, a userinfo answer about someone else)
so the client's checks are tested against real tokens.

By default the ID token carries the user's email claims. ``email_in_id_token=False``
behaves like node-oidc-provider's defaults (``conformIdTokenClaims``): scope-requested
claims go to userinfo only, unless the ``claims`` request parameter asks for them in the
ID token and ``claims_parameter`` advertises and honours it.
"""

from __future__ import annotations

import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    InvalidRequestError,
    OAuth2Error,
    OAuth2Payload,
    OAuth2Request,
)
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, OpenIDCode
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

CLIENT_ID = "accord-test-client"
CLIENT_SECRET = "accord-test-client-secret-0123456789"


@dataclass
class Behaviour:
    """What the provider does on the next sign-in; reset before every test."""

    # The person who "signs in" at the provider (auto-approved).
    user: dict[str, Any] = field(
        default_factory=lambda: {
            "sub": "provider-subject-1",
            "email": "someone@example.org",
            "email_verified": True,
        }
    )
    # Misbehaviour, each a way a token could be forged or misrouted.
    audience: str | None = None  # aud for another client
    nonce: str | None = None  # a nonce other than the one requested
    issuer: str | None = None  # iss of another provider
    foreign_key: bool = False  # signed by a key that is not in the JWKS
    expired: bool = False  # exp in the past
    deny: bool = False  # the user refuses consent
    # How the client may authenticate at the token endpoint (advertised and enforced).
    auth_methods: tuple[str, ...] = ("client_secret_basic", "client_secret_post")
    # Where the email claims go: the ID token too (True), or userinfo only (False).
    email_in_id_token: bool = True
    # claims_parameter_supported: the `claims` request parameter is advertised and honoured.
    claims_parameter: bool = False
    # A userinfo_endpoint is advertised (and served).
    userinfo: bool = True
    # userinfo answers with this sub instead of the user's (a token mix-up).
    userinfo_subject: str | None = None


@dataclass
class _Code(AuthorizationCodeMixin):  # type: ignore[misc]
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict[str, Any]
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int
    # The `claims` request parameter, parsed (OIDC Core §5.5).
    claims_request: dict[str, Any] = field(default_factory=dict)

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


class _Client(ClientMixin):  # type: ignore[misc]
    def __init__(self, provider: OpenIdProvider, redirect_uris: list[str]) -> None:
        self.provider = provider
        self.client_id = CLIENT_ID
        self.redirect_uris = redirect_uris

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = {"openid", "email", "profile"}
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret.encode(), CLIENT_SECRET.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        # A confidential client: it must authenticate at the token endpoint.
        return method in self.provider.behaviour.auth_methods

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._data: dict[str, str] = {}
        self._datalist: dict[str, list[str]] = {}
        for key, value in items:
            self._data.setdefault(key, value)
            self._datalist.setdefault(key, []).append(value)

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> dict[str, list[str]]:
        return self._datalist


class _Request(OAuth2Request):  # type: ignore[misc]
    def __init__(self, method: str, uri: str, headers: Headers, items: list[tuple[str, str]]):
        super().__init__(method, uri, headers=headers)
        self.payload = _Payload(items)
        self._form = dict(self.payload.data) if method == "POST" else {}

    @property
    def args(self) -> dict[str, str]:
        return dict(self.payload.data) if self.method == "GET" else {}

    @property
    def form(self) -> dict[str, str]:
        return self._form


class _StrictCodeChallenge(CodeChallenge):  # type: ignore[misc]
    """PKCE with S256 required even from a confidential client (OAuth 2.1 / RFC 9700)."""

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with S256 is required", redirect_uri=redirect_uri)
        super().validate_code_challenge(grant, redirect_uri)


class OpenIdProvider:
    """The provider's state: keys, codes, behaviour. One per test session."""

    def __init__(self, issuer: str, redirect_uris: list[str]) -> None:
        self.issuer = issuer
        self.behaviour = Behaviour()
        self.client = _Client(self, redirect_uris)
        self.first_key = RSAKey.generate_key(2048, parameters={"kid": "provider-1", "use": "sig"})
        self.key = self.first_key
        # The first key's id, another key: a forgery that a JWKS refetch cannot explain away.
        self.foreign = RSAKey.generate_key(2048, parameters={"kid": "provider-1", "use": "sig"})
        self.codes: dict[str, _Code] = {}
        self.used_nonces: set[str] = set()
        # Issued access tokens: token -> (user, scope), for userinfo.
        self.access_tokens: dict[str, tuple[dict[str, Any], str]] = {}
        self.token_requests = 0
        self.userinfo_requests = 0
        # The authorization requests' query parameters, as received.
        self.authorization_requests: list[dict[str, str]] = []
        self.server = self._authorization_server()

    def reset(self) -> None:
        self.behaviour = Behaviour()
        self.key = self.first_key
        self.codes.clear()
        self.access_tokens.clear()
        self.token_requests = 0
        self.userinfo_requests = 0
        self.authorization_requests.clear()

    def rotate_key(self) -> None:
        """A new signing key under a new key id; the JWKS then publishes only that one."""
        self.key = RSAKey.generate_key(2048, parameters={"kid": "provider-2", "use": "sig"})

    def jwks(self) -> dict[str, Any]:
        return KeySet([self.key]).as_dict(private=False)

    def discovery(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": list(self.behaviour.auth_methods),
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code"],
            "claims_parameter_supported": self.behaviour.claims_parameter,
        }
        if self.behaviour.userinfo:
            document["userinfo_endpoint"] = f"{self.issuer}/userinfo"
        return document

    def userinfo_claims(self, user: dict[str, Any], scope: str) -> dict[str, Any]:
        """What userinfo says for a token: sub, and the email claims with scope email."""
        claims = {"sub": user["sub"]}
        if "email" in scope.split():
            claims |= {k: user[k] for k in ("email", "email_verified") if k in user}
        return claims

    def _authorization_server(self) -> AuthorizationServer:
        provider = self

        class Server(AuthorizationServer):  # type: ignore[misc]
            def query_client(self, client_id: str) -> _Client | None:
                return provider.client if client_id == provider.client.client_id else None

            def save_token(self, token: dict[str, Any], request: Any) -> None:
                provider.access_tokens[token["access_token"]] = (
                    dict(request.user),
                    str(token.get("scope") or ""),
                )

            def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
                return None

            def create_oauth2_request(self, request: _Request) -> _Request:
                # The HTTP handlers below build the request from Starlette's already.
                return request

            def handle_response(
                self, status: int, body: Any, headers: list[tuple[str, str]]
            ) -> Response:
                if isinstance(body, dict):
                    return JSONResponse(body, status_code=status, headers=dict(headers))
                return Response(body or b"", status_code=status, headers=dict(headers))

        class Grant(AuthorizationCodeGrant):  # type: ignore[misc]
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code: str, request: Any) -> None:
                data = request.payload.data
                if data.get("nonce"):
                    provider.used_nonces.add(data["nonce"])
                claims_request: dict[str, Any] = {}
                if provider.behaviour.claims_parameter and data.get("claims"):
                    claims_request = json.loads(data["claims"])
                provider.codes[code] = _Code(
                    code=code,
                    client_id=request.client.get_client_id(),
                    redirect_uri=request.payload.redirect_uri,
                    scope=request.scope,
                    user=dict(request.user),
                    nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                    auth_time=int(time.time()),
                    claims_request=claims_request,
                )

            def query_authorization_code(self, code: str, client: _Client) -> _Code | None:
                item = provider.codes.get(code)
                return item if item and item.client_id == client.get_client_id() else None

            def delete_authorization_code(self, item: _Code) -> None:
                provider.codes.pop(item.code, None)

            def authenticate_user(self, item: _Code) -> dict[str, Any]:
                return item.user

        class IdTokens(OpenIDCode):  # type: ignore[misc]
            def exists_nonce(self, nonce: str, request: Any) -> bool:
                # Validation runs twice per request (consent, then response): only nonces
                # that already produced a code count as replays.
                return nonce in provider.used_nonces

            def resolve_client_private_key(self, client: _Client) -> RSAKey:
                return provider.foreign if provider.behaviour.foreign_key else provider.key

            def get_client_algorithm(self, client: _Client) -> str:
                return "RS256"

            def get_encode_header(self, client: _Client) -> dict[str, str]:
                return {"alg": "RS256", "kid": str(provider.key.kid)}

            def get_client_claims(self, client: _Client) -> dict[str, Any]:
                b = provider.behaviour
                now = int(time.time())
                claims: dict[str, Any] = {
                    "iss": b.issuer or provider.issuer,
                    "aud": [b.audience or client.get_client_id()],
                    "iat": now,
                    "exp": now - 600 if b.expired else now + 300,
                }
                if b.expired:
                    claims["iat"] = now - 900
                return claims

            def get_authorization_code_claims(self, authorization_code: _Code) -> dict[str, Any]:
                claims: dict[str, Any] = super().get_authorization_code_claims(authorization_code)
                if provider.behaviour.nonce is not None:
                    claims["nonce"] = provider.behaviour.nonce
                # Claims the `claims` parameter asked for in the ID token (the user info,
                # which follows, no longer overrides them when it holds only sub).
                wanted = authorization_code.claims_request.get("id_token") or {}
                user = authorization_code.user
                claims |= {name: user[name] for name in wanted if name in user}
                return claims

            def generate_user_info(self, user: dict[str, Any], scope: str) -> dict[str, Any]:
                if provider.behaviour.email_in_id_token:
                    return dict(user)
                return {"sub": user["sub"]}

        server = Server(scopes_supported=["openid", "email", "profile"])
        server.register_token_generator(
            "default",
            BearerTokenGenerator(lambda **_: generate_token(42)).generate,
        )
        server.register_grant(Grant, [IdTokens(require_nonce=True), _StrictCodeChallenge()])
        return server

    # -- HTTP ---------------------------------------------------------------------------

    def app(self) -> Starlette:
        async def configuration(_: Request) -> Response:
            return JSONResponse(self.discovery())

        async def jwks(_: Request) -> Response:
            return JSONResponse(self.jwks())

        async def authorize(request: Request) -> Response:
            self.authorization_requests.append(dict(request.query_params))
            oauth_request = _Request(
                "GET", str(request.url), request.headers, list(request.query_params.multi_items())
            )
            try:
                grant = self.server.get_consent_grant(oauth_request, end_user=self.behaviour.user)
            except OAuth2Error as error:
                response: Response = self.server.handle_error_response(oauth_request, error)
                return response
            # Consent is automatic; a denial comes back as Authlib's access_denied redirect.
            user = None if self.behaviour.deny else self.behaviour.user
            response = self.server.create_authorization_response(
                oauth_request, grant_user=user, grant=grant
            )
            return response

        async def token(request: Request) -> Response:
            self.token_requests += 1
            # python-multipart is not a dependency; the token request is urlencoded.
            items = parse_qsl((await request.body()).decode(), keep_blank_values=True)
            response: Response = self.server.create_token_response(
                _Request("POST", str(request.url), request.headers, items)
            )
            return response

        async def userinfo(request: Request) -> Response:
            self.userinfo_requests += 1
            scheme, _, presented = request.headers.get("authorization", "").partition(" ")
            issued = self.access_tokens.get(presented) if scheme.lower() == "bearer" else None
            if issued is None:
                return JSONResponse(
                    {"error": "invalid_token"},
                    status_code=401,
                    headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                )
            claims = self.userinfo_claims(*issued)
            if self.behaviour.userinfo_subject is not None:
                claims["sub"] = self.behaviour.userinfo_subject
            return JSONResponse(claims)

        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", configuration),
                Route("/jwks", jwks),
                Route("/authorize", authorize),
                Route("/token", token, methods=["POST"]),
                Route("/userinfo", userinfo, methods=["GET", "POST"]),
            ]
        )


@contextmanager
def running_provider(redirect_uris: list[str]) -> Iterator[OpenIdProvider]:
    """Serve a provider on 127.0.0.1 (free port) in a background thread until exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    # Listening before uvicorn starts: early connections wait in the backlog, so nobody
    # has to poll for readiness.
    sock.listen(64)
    port = sock.getsockname()[1]
    provider = OpenIdProvider(f"http://127.0.0.1:{port}", redirect_uris)
    config = uvicorn.Config(
        provider.app(),
        lifespan="off",
        access_log=False,
        log_config=None,  # leave the test process's logging alone
        loop="asyncio",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="oidc-provider", daemon=True
    )
    thread.start()
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
