"""Who may do what: roles map to permissions (``resource:verb``). Fits on one screen.

Roles come in two kinds: platform roles (admin, coordinator) held by a user, and
organization roles (representative, member) held through a membership of one
organization. ``PlatformRole`` and ``OrgRole`` below are their one definition: models
(and their CHECK constraints), schemas and services import them from here.

An org role's permissions hold only inside its organization: a representative of A is a
plain stranger to B. ``permissions_in_organization`` applies that rule; ``access_*``
functions in each domain combine it with the object at hand, and nothing else in the code
checks a role.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Literal, get_args


class Permission(StrEnum):
    AUDIT_READ = "audit:read"
    # Reading a list is one thing, changing who may do what another: only the *_MANAGE
    # and approval permissions below are in STEP_UP.
    USERS_READ = "users:read"
    USERS_MANAGE = "users:manage"
    # See an organization at all: platform roles see every one, org roles only their own.
    ORGANIZATIONS_READ = "organizations:read"
    ORGANIZATIONS_MANAGE = "organizations:manage"
    MEMBERSHIPS_READ = "memberships:read"
    # Fellow members' names and roles (never their addresses): everyone in the organization.
    COLLEAGUES_READ = "colleagues:read"
    MEMBERSHIPS_MANAGE = "memberships:manage"
    INVITATIONS_READ = "invitations:read"
    INVITATIONS_MANAGE = "invitations:manage"
    ADMIN_GRANTS_READ = "admin_grants:read"
    ADMIN_GRANTS_APPROVE = "admin_grants:approve"
    APPEALS_RUN = "appeals:run"
    APPEALS_DRAFT = "appeals:draft"
    APPEALS_SIGN_FOR_ORG = "appeals:sign_for_org"
    OUTREACH_TRACK = "outreach:track"
    # Removing one's own second factor or making new recovery codes: every signed-in
    # person may, for their own account only (SELF_PERMISSIONS).
    OWN_FACTORS_MANAGE = "own_factors:manage"


class PlatformRole(StrEnum):
    """A role held by a user account; it counts in every organization."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"


class OrgRole(StrEnum):
    """A role held through a membership; it counts only in that organization."""

    REPRESENTATIVE = "representative"
    MEMBER = "member"


# The platform roles an invitation may offer (invitations.platform_role): admin only ever
# comes through a second admin's approval (app/admin_requests), never with a link.
InvitablePlatformRole = Literal[PlatformRole.COORDINATOR]
INVITABLE_PLATFORM_ROLES: tuple[PlatformRole, ...] = get_args(InvitablePlatformRole)

Role = PlatformRole | OrgRole

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    PlatformRole.ADMIN: frozenset(
        {
            Permission.AUDIT_READ,
            Permission.USERS_READ,
            Permission.USERS_MANAGE,
            Permission.ORGANIZATIONS_READ,
            Permission.ORGANIZATIONS_MANAGE,
            Permission.MEMBERSHIPS_READ,
            Permission.COLLEAGUES_READ,
            Permission.MEMBERSHIPS_MANAGE,
            Permission.INVITATIONS_READ,
            Permission.INVITATIONS_MANAGE,
            Permission.ADMIN_GRANTS_READ,
            Permission.ADMIN_GRANTS_APPROVE,
        }
    ),
    PlatformRole.COORDINATOR: frozenset(
        {
            Permission.ORGANIZATIONS_READ,
            Permission.APPEALS_RUN,
            Permission.APPEALS_DRAFT,
            Permission.OUTREACH_TRACK,
        }
    ),
    OrgRole.REPRESENTATIVE: frozenset(
        {
            Permission.ORGANIZATIONS_READ,
            Permission.MEMBERSHIPS_READ,
            Permission.COLLEAGUES_READ,
            Permission.APPEALS_DRAFT,
            Permission.APPEALS_SIGN_FOR_ORG,
        }
    ),
    OrgRole.MEMBER: frozenset(
        {Permission.ORGANIZATIONS_READ, Permission.COLLEAGUES_READ, Permission.APPEALS_DRAFT}
    ),
}

# Permissions whose every use needs a second factor proven within the step-up window
# (ACCORD_SESSION__STEP_UP_MINUTES): what a stolen or unattended session must not do
# without the person's factor at hand. access_* functions and require_permission check it
# after the permission itself (app/auth/guards.py), so a refusal says "not allowed" before
# "confirm again". Step-up is never chosen per route: it follows from this table.
STEP_UP: frozenset[Permission] = frozenset(
    {
        Permission.USERS_MANAGE,
        Permission.MEMBERSHIPS_MANAGE,
        Permission.INVITATIONS_MANAGE,
        Permission.ADMIN_GRANTS_APPROVE,
        Permission.OWN_FACTORS_MANAGE,
    }
)

# What every signed-in person may do to their own account, whatever their roles (checked
# by app/auth/dependencies.py require_own_factors, step-up included).
SELF_PERMISSIONS: frozenset[Permission] = frozenset({Permission.OWN_FACTORS_MANAGE})

PLATFORM_ROLES: frozenset[PlatformRole] = frozenset(PlatformRole)
ORG_ROLES: frozenset[OrgRole] = frozenset(OrgRole)
# Roles whose holders see sensitive data: a second factor is mandatory for them.
PRIVILEGED_ROLES: frozenset[Role] = frozenset({PlatformRole.ADMIN, PlatformRole.COORDINATOR})
# Looked up by plain name: roles arrive as the strings stored in the database.
_PERMISSIONS_BY_NAME: dict[str, frozenset[Permission]] = {
    role.value: granted for role, granted in ROLE_PERMISSIONS.items()
}


def permissions_for(roles: Iterable[str]) -> frozenset[Permission]:
    """The union of the permissions of ``roles``; unknown role names grant nothing."""
    granted: set[Permission] = set()
    for name in roles:
        granted |= _PERMISSIONS_BY_NAME.get(name, frozenset())
    return frozenset(granted)


def permissions_in_organization(
    platform_roles: Iterable[str], org_role: str | None
) -> frozenset[Permission]:
    """What a user may do in one organization: their platform roles plus their role there.

    Only org roles count from ``org_role`` and only platform roles from ``platform_roles``,
    so a mislabelled value can never lift a membership to a platform power.
    """
    platform = [name for name in platform_roles if name in PLATFORM_ROLES]
    local = [org_role] if org_role in ORG_ROLES else []
    return permissions_for([*platform, *local])


def platform_permissions(platform_roles: Iterable[str]) -> frozenset[Permission]:
    """What a user may do outside any one organization (org roles grant nothing there)."""
    return permissions_for(name for name in platform_roles if name in PLATFORM_ROLES)


def requires_second_factor(roles: Iterable[str]) -> bool:
    return any(name in PRIVILEGED_ROLES for name in roles)
