"""Who may do what: roles map to permissions (``resource:verb``). Fits on one screen.

Roles come in two kinds: platform roles (admin, coordinator) held by a user, and
organization roles (representative, member) held through a membership of one
organization. ``access_*`` functions in each domain combine these with the object at hand;
nothing else in the code checks a role.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Permission(StrEnum):
    AUDIT_READ = "audit:read"
    USERS_MANAGE = "users:manage"
    ORGANIZATIONS_MANAGE = "organizations:manage"
    MEMBERSHIPS_MANAGE = "memberships:manage"
    INVITATIONS_MANAGE = "invitations:manage"
    ADMIN_GRANTS_APPROVE = "admin_grants:approve"
    APPEALS_RUN = "appeals:run"
    APPEALS_DRAFT = "appeals:draft"
    APPEALS_SIGN_FOR_ORG = "appeals:sign_for_org"
    OUTREACH_TRACK = "outreach:track"


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    REPRESENTATIVE = "representative"
    MEMBER = "member"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        {
            Permission.AUDIT_READ,
            Permission.USERS_MANAGE,
            Permission.ORGANIZATIONS_MANAGE,
            Permission.MEMBERSHIPS_MANAGE,
            Permission.INVITATIONS_MANAGE,
            Permission.ADMIN_GRANTS_APPROVE,
        }
    ),
    Role.COORDINATOR: frozenset(
        {Permission.APPEALS_RUN, Permission.APPEALS_DRAFT, Permission.OUTREACH_TRACK}
    ),
    Role.REPRESENTATIVE: frozenset({Permission.APPEALS_DRAFT, Permission.APPEALS_SIGN_FOR_ORG}),
    Role.MEMBER: frozenset({Permission.APPEALS_DRAFT}),
}

# Roles whose holders see sensitive data: a second factor is mandatory for them.
PRIVILEGED_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})


def permissions_for(roles: Iterable[str]) -> frozenset[Permission]:
    """The union of the permissions of ``roles``; unknown role names grant nothing."""
    granted: set[Permission] = set()
    for name in roles:
        try:
            granted |= ROLE_PERMISSIONS[Role(name)]
        except ValueError:
            continue
    return frozenset(granted)


def requires_second_factor(roles: Iterable[str]) -> bool:
    return any(name in PRIVILEGED_ROLES for name in roles)
