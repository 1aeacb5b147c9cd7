"""First start of the embedded mode: data directory, keys, schema, first admin."""

from __future__ import annotations

from app.actors import SYSTEM
from app.auth.passwords import generate_initial_password, password_hasher
from app.auth.repository import count_users, find_user_by_email
from app.auth.service import create_account
from app.config import Settings
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.keys import install_keys, load_keys
from app.kit.private_files import private_directory
from app.migrate import upgrade
from app.permissions import PlatformRole

FIRST_ADMIN_EMAIL = "admin@accord.localhost"


async def create_admin_account(
    settings: Settings, *, email: str, display_name: str, only_if_no_users: bool = False
) -> str | None:
    """Create an admin with a one-time password; returns it, or None if nothing was created."""
    engine = create_engine(settings.database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            if only_if_no_users and await count_users(session) > 0:
                return None
            if await find_user_by_email(session, email) is not None:
                return None
            password = generate_initial_password()
            await create_account(
                session,
                actor=SYSTEM,
                hasher=password_hasher(settings.auth),
                email=email,
                display_name=display_name,
                password=password,
                platform_roles=frozenset({PlatformRole.ADMIN}),
                password_change_required=True,
            )
            return password
    finally:
        await engine.dispose()


async def prepare_embedded(settings: Settings) -> tuple[str, str] | None:
    """Create ./data and dev keys, migrate, and create the first admin on first start.

    Returns (email, one-time password) when the admin was created now, else None.
    """
    private_directory(settings.data_dir)
    install_keys(load_keys(settings))
    await upgrade(settings.database_admin_url)
    password = await create_admin_account(
        settings, email=FIRST_ADMIN_EMAIL, display_name="First admin", only_if_no_users=True
    )
    return (FIRST_ADMIN_EMAIL, password) if password else None
