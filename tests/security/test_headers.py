"""Security headers on every route, errors included."""

from __future__ import annotations

import re

import pytest

from app.routes import iter_http_routes

REQUIRED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "00000000-0000-7000-8000-000000000000", path)


def _requests(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    found = [(route.method, _concrete(route.path)) for route in iter_http_routes(app)]
    # Errors and fallbacks must carry the headers too.
    found += [("GET", "/api/nope"), ("DELETE", "/healthz"), ("GET", "/some/client/route")]
    return found


def assert_hardened(response) -> None:  # type: ignore[no-untyped-def]
    csp = response.headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline script, no other origin
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "http" not in csp  # no third-party origin anywhere
    for name, value in REQUIRED.items():
        assert response.headers[name] == value
    assert "camera=()" in response.headers["permissions-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert "server" not in response.headers


async def test_every_route_sends_the_security_headers(app, client) -> None:  # type: ignore[no-untyped-def]
    requests = _requests(app)
    assert len(requests) >= 6
    for method, path in requests:
        response = await client.request(method, path)
        assert_hardened(response)
        assert "strict-transport-security" not in response.headers  # development


@pytest.mark.parametrize("path", ["/healthz", "/api/nope"])
async def test_hsts_only_in_production(path, production_client) -> None:  # type: ignore[no-untyped-def]
    response = await production_client.get(path)
    assert_hardened(response)
    assert response.headers["strict-transport-security"].startswith("max-age=63072000")


@pytest.fixture
async def production_client(database_url, tmp_path, test_keys):  # type: ignore[no-untyped-def]
    import httpx

    from app.main import create_app
    from tests.conftest import make_settings

    settings = make_settings(
        "postgresql+asyncpg://accord@db.invalid/accord",
        tmp_path,
        env="production",
        http={"public_url": "https://accord.example.org"},
        mail={"mode": "smtp"},
        keys={"keyring": test_keys.keyring.to_json(), "audit_signing_key": "x" * 44},
    )
    app = create_app(settings, keys=test_keys)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://localhost") as client:
        yield client
    await app.state.engine.dispose()
