from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from app.config import AuthSettings, Environment, Settings
from app.db import create_engine
from app.keys import KeyMaterial, install_keys
from app.main import create_app
from tests.support.databases import create_database, drop_database
from tests.support.keys import fresh_keys
from tests.support.servers import two_servers  # noqa: F401 - a fixture for every test module

# Cheap Argon2 in tests; tests/auth/test_passwords.py checks the production parameters.
TEST_AUTH = AuthSettings(argon2_time_cost=1, argon2_memory_kib=64, argon2_parallelism=1)


@pytest.fixture(scope="session")
def test_keys() -> KeyMaterial:
    return fresh_keys()


@pytest.fixture(autouse=True)
def _installed_keys(test_keys: KeyMaterial) -> None:
    install_keys(test_keys)


@pytest.fixture(scope="session")
def worker_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("accord")


@pytest.fixture(scope="session")
async def template_database_url(worker_tmp: Path) -> AsyncIterator[str]:
    """This worker's migrated database that only serves as the source of copies: the
    migrations run once per worker, not once per test that needs a database of its own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = await create_database(worker_tmp, f"{worker}_template")
    yield url
    await drop_database(url)


@pytest.fixture(scope="session")
async def database_url(worker_tmp: Path, template_database_url: str) -> AsyncIterator[str]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = await create_database(worker_tmp, worker, template=template_database_url)
    yield url
    await drop_database(url)


@pytest.fixture
async def fresh_database_url(worker_tmp: Path, template_database_url: str) -> AsyncIterator[str]:
    """A database of this test's own, for tests that need real commits."""
    url = await create_database(worker_tmp, "fresh", template=template_database_url)
    yield url
    await drop_database(url)


def make_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": Environment.TEST,
        "data_dir": data_dir,
        "frontend_dist": data_dir / "no-frontend",
        "database": {"url": database_url},
        "auth": TEST_AUTH,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


@pytest.fixture
async def connection(database_url: str) -> AsyncIterator[AsyncConnection]:
    """One outer transaction per test, rolled back at the end: tests never see each other."""
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        transaction = await conn.begin()
        yield conn
        await transaction.rollback()
    await engine.dispose()


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    # Commits inside the app become savepoint releases within the outer transaction.
    return async_sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as s:
        yield s


@pytest.fixture
async def app(
    settings: Settings, test_keys: KeyMaterial, sessionmaker: async_sessionmaker[AsyncSession]
):  # type: ignore[no-untyped-def]
    application = create_app(settings, keys=test_keys)
    engine = application.state.engine
    application.state.sessionmaker = sessionmaker
    yield application
    await engine.dispose()
    if application.state.engine is not engine:
        await application.state.engine.dispose()


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    # Starlette re-raises after sending the 500; the client must see what a user sees.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://localhost") as c:
        yield c
