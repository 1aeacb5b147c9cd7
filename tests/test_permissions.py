from __future__ import annotations

from app.permissions import (
    INVITABLE_PLATFORM_ROLES,
    ORG_ROLES,
    PLATFORM_ROLES,
    ROLE_PERMISSIONS,
    SELF_PERMISSIONS,
    OrgRole,
    Permission,
    PlatformRole,
    permissions_for,
    permissions_in_organization,
    platform_permissions,
    requires_second_factor,
)


def test_every_role_has_a_row_and_every_permission_a_holder() -> None:
    assert set(ROLE_PERMISSIONS) == {*PlatformRole, *OrgRole}
    # Held through a role, or by every signed-in person for their own account.
    held = set().union(*ROLE_PERMISSIONS.values(), SELF_PERMISSIONS)
    assert held == set(Permission)


def test_permissions_are_resource_colon_verb() -> None:
    for permission in Permission:
        resource, verb = permission.value.split(":")
        assert resource and verb


def test_a_member_cannot_manage_users_or_sign_for_the_org() -> None:
    granted = permissions_for(["member"])
    assert Permission.USERS_MANAGE not in granted
    assert Permission.APPEALS_SIGN_FOR_ORG not in granted
    assert Permission.APPEALS_DRAFT in granted


def test_roles_combine_and_unknown_roles_grant_nothing() -> None:
    assert permissions_for(["superuser", "root"]) == frozenset()
    combined = permissions_for(["admin", "coordinator"])
    assert Permission.USERS_MANAGE in combined and Permission.APPEALS_RUN in combined


def test_admins_and_coordinators_need_a_second_factor() -> None:
    assert requires_second_factor(["admin"])
    assert requires_second_factor(["member", "coordinator"])
    assert not requires_second_factor(["member", "representative"])


def test_org_roles_count_only_inside_their_organization() -> None:
    inside = permissions_in_organization([], "representative")
    assert Permission.MEMBERSHIPS_READ in inside
    assert Permission.ORGANIZATIONS_READ in inside
    elsewhere = permissions_in_organization([], None)
    assert elsewhere == frozenset()
    assert platform_permissions(["representative", "member"]) == frozenset()


def test_platform_roles_hold_in_every_organization() -> None:
    assert Permission.MEMBERSHIPS_MANAGE in permissions_in_organization(["admin"], None)
    assert Permission.ORGANIZATIONS_READ in permissions_in_organization(["coordinator"], None)
    assert Permission.MEMBERSHIPS_READ not in permissions_in_organization(["coordinator"], None)


def test_a_role_in_the_wrong_slot_grants_nothing() -> None:
    # An org role passed as a platform role, or the reverse, must not lift anyone.
    assert permissions_in_organization(["representative"], None) == frozenset()
    assert permissions_in_organization([], "admin") == frozenset()
    assert platform_permissions(["member"]) == frozenset()


def test_platform_and_org_roles_never_share_a_name() -> None:
    # permissions_in_organization tells the two kinds apart by name alone.
    assert {str(r) for r in PlatformRole}.isdisjoint({str(r) for r in OrgRole})
    assert PLATFORM_ROLES == set(PlatformRole) and ORG_ROLES == set(OrgRole)


def test_an_invitation_offers_no_more_than_coordinator() -> None:
    assert set(INVITABLE_PLATFORM_ROLES) == {PlatformRole.COORDINATOR}


def test_roles_stored_as_plain_strings_still_count() -> None:
    # Rows come back from the database as str, not as the enum.
    assert permissions_for(["admin"]) == permissions_for([PlatformRole.ADMIN])
    assert permissions_in_organization([], "member") == permissions_in_organization(
        [], OrgRole.MEMBER
    )
