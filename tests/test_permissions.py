from __future__ import annotations

from app.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    Role,
    permissions_for,
    requires_second_factor,
)


def test_every_role_has_a_row_and_every_permission_a_holder() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    held = set().union(*ROLE_PERMISSIONS.values())
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
