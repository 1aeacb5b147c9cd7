from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.keys import current_keyring
from app.kit.crypto.blind_index import blind_index_candidates
from app.models.users import EMAIL_INDEX_DOMAIN, PlatformRoleGrant, User


async def find_user_by_email(session: AsyncSession, email: str) -> User | None:
    # Every key version's index: rows not yet re-indexed by a rotation still match.
    candidates = blind_index_candidates(current_keyring(), email, domain=EMAIL_INDEX_DOMAIN)
    return await session.scalar(select(User).where(User.email_index.in_(candidates)))


async def count_users(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def count_admins(session: AsyncSession) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(PlatformRoleGrant)
            .where(PlatformRoleGrant.role == "admin")
        )
        or 0
    )
