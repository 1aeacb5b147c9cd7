from __future__ import annotations

from app.keys import install_keys


async def test_healthz_says_alive(client) -> None:  # type: ignore[no-untyped-def]
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_database_and_keys(client) -> None:  # type: ignore[no-untyped-def]
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "keys": "ok"}}


async def test_readyz_is_503_without_keys(client) -> None:  # type: ignore[no-untyped-def]
    install_keys(None)
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["keys"] == "failed"


async def test_readyz_is_503_when_the_database_is_unreachable(app, client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.db import create_engine

    # A SQLite path inside a directory that does not exist cannot be opened.
    app.state.engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/missing/dir/x.db")
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "failed", "keys": "ok"},
    }
