from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.keys import current_keyring
from app.kit.crypto.blind_index import blind_index_candidates
from app.kit.email import email_lookup_forms
from app.models.users import EMAIL_INDEX_DOMAIN, PlatformRoleGrant, User


async def find_user_by_email(session: AsyncSession, email: str) -> User | None:
    """The account for ``email`` in any spelling (app.kit.email.email_lookup_forms); lenient,
    so that sign-in answers alike for any unknown address."""
    # Every key version's index: rows not yet re-indexed by a rotation still match.
    keyring = current_keyring()
    candidates = {
        index
        for form in email_lookup_forms(email)
        for index in blind_index_candidates(keyring, form, domain=EMAIL_INDEX_DOMAIN)
    }
    return await session.scalar(select(User).where(User.email_index.in_(candidates)).limit(1))


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


async def platform_roles_of(session: AsyncSession, user_id: object) -> frozenset[str]:
    return frozenset(
        (
            await session.scalars(
                select(PlatformRoleGrant.role).where(PlatformRoleGrant.user_id == user_id)
            )
        ).all()
    )


async def has_second_factor(session: AsyncSession, user_id: object) -> bool:
    from app.models.identity import Passkey, TotpFactor

    totp = await session.scalar(
        select(TotpFactor.id).where(
            TotpFactor.user_id == user_id, TotpFactor.confirmed_at.is_not(None)
        )
    )
    if totp is not None:
        return True
    passkey = await session.scalar(select(Passkey.id).where(Passkey.user_id == user_id).limit(1))
    return passkey is not None
