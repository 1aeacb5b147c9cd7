"""ACCORD_ENV=production refuses every setting that is only safe on a laptop.

The server must not come up with development keys, without keys, with example values in
place of keys, with debug on, or on SQLite unless that is explicitly allowed; and once up
it hides the API docs and asks browsers for HTTPS only.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.config import Environment, Settings, is_sqlite
from app.keys import KeysUnavailable, create_dev_keys, dev_key_paths, install_keys, keys_loaded
from app.kit.crypto import Keyring
from app.kit.crypto.keyring import generate_master_key
from app.kit.crypto.signing import generate_signing_key
from app.main import ConfigurationError, create_app

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_DATABASE = "postgresql://accord@db.internal:5432/accord"  # engines connect lazily
PUBLIC_URL = "https://accord.example.org"
HSTS = "max-age=63072000; includeSubDomains"


@pytest.fixture(autouse=True)
def _no_accord_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings read ACCORD_* variables; only what a test sets may count.
    for name in list(os.environ):
        if name.startswith("ACCORD_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="module")
def generated_keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Key files made the way an operator makes them: ``accord keys generate``."""
    directory = tmp_path_factory.mktemp("production-keys")
    keyring_file, signing_file = directory / "keyring.json", directory / "audit-signing.key"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    result = subprocess.run(
        [
            *(sys.executable, "-m", "app.cli", "keys", "generate"),
            *("--keyring-file", str(keyring_file), "--signing-key-file", str(signing_file)),
        ],
        env=env,
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return keyring_file, signing_file


def production_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": Environment.PRODUCTION,
        "data_dir": tmp_path / "data",
        "frontend_dist": tmp_path / "no-frontend",
        "database": {"url": PRODUCTION_DATABASE},
        "http": {"public_url": PUBLIC_URL},
        "mail": {"mode": "smtp"},
    }
    values.update(overrides)
    # None: leave that part to the environment.
    values = {name: value for name, value in values.items() if value is not None}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def with_keys(keys: tuple[Path, Path]) -> dict[str, Any]:
    keyring_file, signing_file = keys
    return {"keys": {"keyring_file": keyring_file, "audit_signing_key_file": signing_file}}


@asynccontextmanager
async def client_for(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
            yield client
    finally:
        await app.state.engine.dispose()


def refused(settings: Settings) -> Exception:
    """The exception create_app fails with; no keys may be left installed."""
    install_keys(None)
    with pytest.raises((ConfigurationError, KeysUnavailable)) as caught:
        create_app(settings)
    assert not keys_loaded()
    return caught.value


# --- keys ----------------------------------------------------------------------------------


def test_refuses_development_keys_from_files(tmp_path: Path) -> None:
    development = Settings(_env_file=None, env=Environment.DEVELOPMENT, data_dir=tmp_path / "dev")  # type: ignore[call-arg]
    create_dev_keys(development)
    settings = production_settings(tmp_path, **with_keys(dev_key_paths(development)))

    error = refused(settings)

    assert isinstance(error, KeysUnavailable)
    assert "development keys are refused in production" in str(error)


def test_refuses_a_development_keyring_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring = Keyring({1: generate_master_key()}, 1, development=True)
    monkeypatch.setenv("ACCORD_KEYS__KEYRING", keyring.to_json())
    monkeypatch.setenv(
        "ACCORD_KEYS__AUDIT_SIGNING_KEY", base64.b64encode(generate_signing_key()).decode()
    )

    error = refused(production_settings(tmp_path))

    assert "development keys are refused in production" in str(error)
    assert keyring.to_json() not in str(error)


def test_refuses_to_start_without_keys_and_never_makes_them(tmp_path: Path) -> None:
    error = refused(production_settings(tmp_path))

    assert isinstance(error, ConfigurationError)
    assert "a keyring is required" in str(error)
    assert "an audit signing key is required" in str(error)
    # Production never falls back to generating development keys.
    assert not (tmp_path / "data" / "keys").exists()


@pytest.mark.parametrize("placeholder", ["change-me", "CHANGEME", "<paste the keyring here>"])
def test_refuses_a_placeholder_keyring(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    generated_keys: tuple[Path, Path],
    placeholder: str,
) -> None:
    monkeypatch.setenv("ACCORD_KEYS__KEYRING", placeholder)
    monkeypatch.setenv("ACCORD_KEYS__AUDIT_SIGNING_KEY_FILE", str(generated_keys[1]))

    error = refused(production_settings(tmp_path))

    assert isinstance(error, ConfigurationError)
    assert "ACCORD_KEYS__KEYRING holds a placeholder value" in str(error)
    assert placeholder not in str(error)


def test_refuses_a_placeholder_signing_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, generated_keys: tuple[Path, Path]
) -> None:
    monkeypatch.setenv("ACCORD_KEYS__KEYRING_FILE", str(generated_keys[0]))
    monkeypatch.setenv("ACCORD_KEYS__AUDIT_SIGNING_KEY", "change-me")

    error = refused(production_settings(tmp_path))

    assert "ACCORD_KEYS__AUDIT_SIGNING_KEY holds a placeholder value" in str(error)


# --- other settings ------------------------------------------------------------------------


def test_refuses_debug(tmp_path: Path, generated_keys: tuple[Path, Path]) -> None:
    error = refused(production_settings(tmp_path, debug=True, **with_keys(generated_keys)))

    assert isinstance(error, ConfigurationError)
    assert "ACCORD_DEBUG must be off in production" in str(error)


def test_refuses_plain_http_public_url(tmp_path: Path, generated_keys: tuple[Path, Path]) -> None:
    settings = production_settings(
        tmp_path, http={"public_url": "http://accord.example.org"}, **with_keys(generated_keys)
    )

    error = refused(settings)

    assert "ACCORD_HTTP__PUBLIC_URL must be an https:// URL" in str(error)


@pytest.mark.parametrize("database", [{}, {"url": "sqlite:////srv/accord/accord.db"}])
def test_refuses_sqlite_unless_allowed(
    tmp_path: Path, generated_keys: tuple[Path, Path], database: dict[str, str]
) -> None:
    # No URL at all means the embedded SQLite database.
    error = refused(production_settings(tmp_path, database=database, **with_keys(generated_keys)))

    assert isinstance(error, ConfigurationError)
    assert "ACCORD_DATABASE__ALLOW_SQLITE_IN_PRODUCTION=true" in str(error)


async def test_allows_sqlite_when_explicitly_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, generated_keys: tuple[Path, Path]
) -> None:
    monkeypatch.setenv("ACCORD_DATABASE__URL", f"sqlite:///{tmp_path / 'accord.db'}")
    monkeypatch.setenv("ACCORD_DATABASE__ALLOW_SQLITE_IN_PRODUCTION", "true")
    settings = production_settings(tmp_path, database=None, **with_keys(generated_keys))
    assert is_sqlite(settings.database_url)

    app = create_app(settings)

    async with client_for(app) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["strict-transport-security"] == HSTS


# --- a production server that starts -------------------------------------------------------


async def test_a_properly_configured_production_app_starts_hides_docs_and_sends_hsts(
    tmp_path: Path, generated_keys: tuple[Path, Path]
) -> None:
    install_keys(None)
    app = create_app(production_settings(tmp_path, **with_keys(generated_keys)))

    assert keys_loaded()
    async with client_for(app) as client:
        health = await client.get("/healthz")
        schema = await client.get("/openapi.json")
        docs = await client.get("/docs")
        docs_script = await client.get("/docs/init.js")
        docs_assets = await client.get("/docs/assets/swagger-ui.css")
    assert health.status_code == 200
    assert health.headers["strict-transport-security"] == HSTS
    for response in (schema, docs, docs_script, docs_assets):
        assert response.headers["strict-transport-security"] == HSTS
        assert "swagger" not in response.text.lower()
        assert '"openapi"' not in response.text
        assert response.status_code >= 400


async def test_production_docs_are_not_served_even_with_a_built_frontend(
    tmp_path: Path, generated_keys: tuple[Path, Path]
) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>Accord</title>")
    app = create_app(production_settings(tmp_path, frontend_dist=dist, **with_keys(generated_keys)))

    async with client_for(app) as client:
        for path in ("/openapi.json", "/docs", "/docs/init.js", "/docs/assets/swagger-ui.css"):
            response = await client.get(path)
            assert "swagger" not in response.text.lower(), path
            assert '"openapi"' not in response.text, path


@pytest.mark.parametrize("built_frontend", [False, True])
async def test_production_docs_paths_are_404(
    tmp_path: Path, generated_keys: tuple[Path, Path], built_frontend: bool
) -> None:
    dist = tmp_path / "dist"
    if built_frontend:
        dist.mkdir()
        (dist / "index.html").write_text("<!doctype html><title>Accord</title>")
    app = create_app(production_settings(tmp_path, frontend_dist=dist, **with_keys(generated_keys)))

    async with client_for(app) as client:
        statuses = {
            path: (await client.get(path)).status_code for path in ("/docs", "/openapi.json")
        }
    assert statuses == {"/docs": 404, "/openapi.json": 404}


async def test_a_development_app_serves_docs_and_sends_no_hsts(tmp_path: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        env=Environment.DEVELOPMENT,
        data_dir=tmp_path / "data",
        frontend_dist=tmp_path / "no-frontend",
        database={"url": f"sqlite:///{tmp_path / 'accord.db'}"},
    )
    app = create_app(settings)

    async with client_for(app) as client:
        schema = await client.get("/openapi.json")
        docs = await client.get("/docs")
        health = await client.get("/healthz")
    assert schema.status_code == 200
    assert json.loads(schema.text)["info"]["title"] == "Accord"
    assert docs.status_code == 200
    assert "swagger-ui" in docs.text
    for response in (schema, docs, health):
        assert "strict-transport-security" not in response.headers


def test_production_refuses_to_keep_mail_local(tmp_path: Path, generated_keys) -> None:  # type: ignore[no-untyped-def]
    settings = production_settings(tmp_path, mail={"mode": "dev"}, **with_keys(generated_keys))
    with pytest.raises(ConfigurationError, match="ACCORD_MAIL__MODE"):
        create_app(settings)
