"""Rows of the authorization matrix (tests/security/authz) for the memberships routes.

test_matrix.py merges these rows into the policy and calls ``add_membership_objects``
after building the cast.

Reading guide: invitations, users, memberships and admin requests are visible only to
those who may read them (admins; representatives see their own organization's
memberships), so everyone else gets 404; what needs a permission the actor lacks while
seeing the object is 403. The step-up check (app/permissions.py STEP_UP) comes last, and
the matrix derives it for the stale admin from each row's ``permission``. Domain answers
such as 409 (last admin) or 428 (If-Match missing) count as "allow".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.invitations.repository import INVITATION_TOKEN_PURPOSE
from app.keys import current_keyring
from app.kit.crypto.blind_index import blind_index
from app.kit.crypto.tokens import new_token, token_mac
from app.models.memberships import INVITATION_EMAIL_DOMAIN, AdminGrantRequest, Invitation
from app.models.users import PlatformRole
from app.permissions import Permission
from tests.auth.factories import make_user
from tests.security.authz.actors import Cast
from tests.security.authz.policy import Rule, everyone, only, signed_in

ORG_MEMBERS = ("member", "representative", "other_member", "co_author_member", "suspended")


async def add_membership_objects(session: AsyncSession, cast: Cast) -> None:
    """A pending invitation (its token kept for lookup/accept) and an admin grant request
    made by an admin who is not in the cast, so the cast's admin may approve it."""
    token = new_token()
    invitation = Invitation(
        organization_id=cast.org_a.id,
        role="member",
        language="en",
        token_mac=token_mac(current_keyring(), token, purpose=INVITATION_TOKEN_PURPOSE),
        expires_at=datetime.now(UTC) + timedelta(days=7),
        sent_count=1,
    )
    invitation.email = "invitee@matrix.example.org"
    invitation.email_index = blind_index(
        current_keyring(), invitation.email, domain=INVITATION_EMAIL_DOMAIN
    )
    session.add(invitation)
    requester = await make_user(
        session, email="requester@matrix.example.org", roles=frozenset({PlatformRole.ADMIN})
    )
    request = AdminGrantRequest(
        user_id=cast.users["member"].id, requested_by=requester.id, status="pending"
    )
    session.add(request)
    await session.commit()
    cast.objects.update(invitation=invitation, invitation_token=token, grant_request=request)


def _home(cast: Cast, actor: str) -> Any:
    return {"other_member": cast.org_b, "co_author_member": cast.org_c}.get(actor, cast.org_a)


def organization(cast: Cast, actor: str, scope: str) -> Any:
    """own: the actor's organization (A; B for other_member, C for co_author_member);
    other: another one (B, or A for those whose home is not A)."""
    home = _home(cast, actor)
    return home.id if scope == "own" else (cast.org_b if home is cast.org_a else cast.org_a).id


def membership(cast: Cast, actor: str, scope: str) -> Any:
    """A membership of someone else in the actor's organization (own) or in another one.
    Nobody else belongs to C: co_author_member's "own" is their own membership."""
    in_b = cast.memberships["other_member"]
    in_a = cast.memberships["member" if actor != "member" else "representative"]
    if actor == "co_author_member":
        return (cast.memberships[actor] if scope == "own" else in_a).id
    home_is_b = actor == "other_member"
    return (in_b if home_is_b == (scope == "own") else in_a).id


def target_user(cast: Cast, actor: str, scope: str) -> Any:
    return cast.users["representative" if actor == "member" else "member"].id


def invitation(cast: Cast, actor: str, scope: str) -> Any:
    return cast.objects["invitation"].id  # type: ignore[attr-defined]


def grant_request(cast: Cast, actor: str, scope: str) -> Any:
    return cast.objects["grant_request"].id  # type: ignore[attr-defined]


def role(cast: Cast, actor: str, scope: str) -> Any:
    return "coordinator"


# Objects only admins see: everyone else signed in gets 404.
ADMIN_ONLY_HIDDEN = only("admin", others="404")
# A membership: representatives of its organization see it (403), others do not (404).
MEMBERSHIP_OWN = signed_in(
    member="404",
    representative="403",
    other_member="404",
    co_author_member="404",
    coordinator="404",
)
MEMBERSHIP_OTHER = signed_in(
    member="404",
    representative="404",
    other_member="404",
    co_author_member="404",
    coordinator="404",
)
P = Permission

MEMBERSHIPS_POLICY: dict[tuple[str, str], Rule] = {
    # --- organizations
    ("GET", "/api/organizations"): Rule(signed_in(), permission=P.ORGANIZATIONS_READ),
    ("POST", "/api/organizations"): Rule(
        only("admin"),
        body=lambda cast, actor, scope: {"name": "New org", "short_name": "NEW", "country": "LT"},
        permission=P.ORGANIZATIONS_MANAGE,
    ),
    ("GET", "/api/organizations/{organization_id}"): Rule(
        signed_in(),
        params={"organization_id": organization},
        expect_other=signed_in(
            member="404", representative="404", other_member="404", co_author_member="404"
        ),
        permission=P.ORGANIZATIONS_READ,
    ),
    ("PATCH", "/api/organizations/{organization_id}"): Rule(
        only("admin"),
        params={"organization_id": organization},
        expect_other=only("admin") | {a: "404" for a in ORG_MEMBERS if a != "suspended"},
        body=lambda cast, actor, scope: {"name": "Renamed"},
        permission=P.ORGANIZATIONS_MANAGE,
    ),
    # Names and roles of fellow members: everyone in the organization, and admins.
    ("GET", "/api/organizations/{organization_id}/colleagues"): Rule(
        only("admin", *(a for a in ORG_MEMBERS if a != "suspended")),
        params={"organization_id": organization},
        expect_other=only("admin") | {a: "404" for a in ORG_MEMBERS if a != "suspended"},
        permission=P.COLLEAGUES_READ,
    ),
    ("GET", "/api/organizations/{organization_id}/members"): Rule(
        only("admin", "representative"),
        params={"organization_id": organization},
        expect_other=only("admin") | {a: "404" for a in ORG_MEMBERS if a != "suspended"},
        permission=P.MEMBERSHIPS_READ,
    ),
    # --- memberships
    ("PATCH", "/api/memberships/{membership_id}"): Rule(
        MEMBERSHIP_OWN,
        params={"membership_id": membership},
        expect_other=MEMBERSHIP_OTHER,
        body=lambda cast, actor, scope: {"role": "representative"},
        permission=P.MEMBERSHIPS_MANAGE,
    ),
    ("DELETE", "/api/memberships/{membership_id}"): Rule(
        MEMBERSHIP_OWN,
        params={"membership_id": membership},
        expect_other=MEMBERSHIP_OTHER,
        permission=P.MEMBERSHIPS_MANAGE,
    ),
    # --- invitations
    ("POST", "/api/invitations"): Rule(
        only("admin"),
        body=lambda cast, actor, scope: {
            "email": f"new-{actor}@matrix.example.org",
            "organization_id": str(cast.org_b.id),
            "role": "member",
        },
        permission=P.INVITATIONS_MANAGE,
    ),
    ("GET", "/api/invitations"): Rule(only("admin"), permission=P.INVITATIONS_READ),
    # One's own pending invitations: every signed-in person, for their own address only.
    ("GET", "/api/invitations/mine"): Rule(signed_in()),
    ("POST", "/api/invitations/{invitation_id}/resend"): Rule(
        ADMIN_ONLY_HIDDEN, params={"invitation_id": invitation}, permission=P.INVITATIONS_MANAGE
    ),
    ("DELETE", "/api/invitations/{invitation_id}"): Rule(
        ADMIN_ONLY_HIDDEN, params={"invitation_id": invitation}, permission=P.INVITATIONS_MANAGE
    ),
    ("POST", "/api/invitations/lookup"): Rule(
        everyone(), body=lambda cast, actor, scope: {"token": cast.objects["invitation_token"]}
    ),
    ("POST", "/api/invitations/accept"): Rule(
        everyone(),
        body=lambda cast, actor, scope: {
            "token": cast.objects["invitation_token"],
            "display_name": "Invitee",
            "password": "copper lighthouse meadow 77",
        },
    ),
    # --- users
    ("GET", "/api/users"): Rule(only("admin"), permission=P.USERS_READ),
    ("POST", "/api/users/{user_id}/suspend"): Rule(
        ADMIN_ONLY_HIDDEN, params={"user_id": target_user}, permission=P.USERS_MANAGE
    ),
    ("POST", "/api/users/{user_id}/reactivate"): Rule(
        ADMIN_ONLY_HIDDEN, params={"user_id": target_user}, permission=P.USERS_MANAGE
    ),
    ("POST", "/api/users/{user_id}/sessions/revoke"): Rule(
        ADMIN_ONLY_HIDDEN, params={"user_id": target_user}, permission=P.USERS_MANAGE
    ),
    ("DELETE", "/api/users/{user_id}/sso-identity"): Rule(
        ADMIN_ONLY_HIDDEN, params={"user_id": target_user}, permission=P.USERS_MANAGE
    ),
    ("PUT", "/api/users/{user_id}/platform-roles/{role}"): Rule(
        ADMIN_ONLY_HIDDEN, params={"user_id": target_user, "role": role}, permission=P.USERS_MANAGE
    ),
    ("DELETE", "/api/users/{user_id}/platform-roles/{role}"): Rule(
        ADMIN_ONLY_HIDDEN, params={"user_id": target_user, "role": role}, permission=P.USERS_MANAGE
    ),
    ("POST", "/api/admin-requests"): Rule(
        only("admin"),
        body=lambda cast, actor, scope: {"user_id": str(target_user(cast, actor, scope))},
        permission=P.ADMIN_GRANTS_APPROVE,
    ),
    ("GET", "/api/admin-requests"): Rule(only("admin"), permission=P.ADMIN_GRANTS_READ),
    ("POST", "/api/admin-requests/{request_id}/approve"): Rule(
        ADMIN_ONLY_HIDDEN, params={"request_id": grant_request}, permission=P.ADMIN_GRANTS_APPROVE
    ),
    ("POST", "/api/admin-requests/{request_id}/reject"): Rule(
        ADMIN_ONLY_HIDDEN, params={"request_id": grant_request}, permission=P.ADMIN_GRANTS_APPROVE
    ),
}
