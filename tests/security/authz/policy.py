"""The declared authorization policy: every route, every actor, own and other objects.

Outcomes (see OUTCOMES): "allow" (authorization passed: 2xx, or a domain answer such as
409/422), "401" (sign_in_required), "403" (permission_denied: visible but not permitted),
"404" (a *_not_found: not visible), "step_up" (step_up_required: a fresh second factor is
needed). A route missing here fails the matrix; so does a row for a route that no longer
exists. Each row names the permission the route exercises; the stale admin's outcome is
derived from it and the step-up table (expected_outcome).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.permissions import STEP_UP, Permission
from tests.auth.factories import PASSWORD
from tests.security.authz.actors import ACTORS, Cast

Outcome = str
OUTCOMES = frozenset({"allow", "401", "403", "404", "step_up"})
Resolver = Callable[[Cast, str, str], Any]  # (cast, actor, scope) -> path parameter value


def everyone(outcome: Outcome = "allow") -> dict[str, Outcome]:
    return dict.fromkeys(ACTORS, outcome)


def signed_in(**overrides: Outcome) -> dict[str, Outcome]:
    """Any live, fully signed-in session; nobody else."""
    table = everyone("allow") | {"anonymous": "401", "suspended": "401"}
    return table | overrides


def only(*actors: str, others: Outcome = "403") -> dict[str, Outcome]:
    table = signed_in()
    for actor in ACTORS:
        if table[actor] == "allow" and actor not in actors:
            table[actor] = others
    return table


@dataclass(frozen=True)
class Rule:
    expect: dict[str, Outcome]
    # Query parameters the route requires (so that a request reaches its authorization
    # point instead of failing validation first).
    query: Callable[[Cast, str, str], dict[str, Any]] | None = None
    # Path parameters: name -> resolver. With parameters, each request runs twice: with the
    # actor's own object ("own") and with someone else's ("other").
    params: dict[str, Resolver] = field(default_factory=dict)
    # What "other" changes: outcomes for the "other" scope where they differ.
    expect_other: dict[str, Outcome] | None = None
    body: Callable[[Cast, str, str], Any] | None = None
    # The permission the route needs (None: only being signed in, or nothing).
    permission: Permission | None = None
    # A change to one's own credentials: a fresh second factor before anything else.
    credential_step_up: bool = False


def expected_outcome(rule: Rule, actor: str, scope: str) -> Outcome:
    """The declared outcome; for ``stale_admin`` (an admin whose second factor is no longer
    fresh) the admin's, turned into "step_up" where the step-up table asks for it."""
    table = rule.expect_other if scope == "other" and rule.expect_other else rule.expect
    if actor != "stale_admin":
        return table[actor]
    admin = table["admin"]
    if rule.credential_step_up and admin != "401":
        return "step_up"  # checked by the route's dependency, before any lookup
    if rule.permission in STEP_UP and admin == "allow":
        return "step_up"  # checked by access_* once the object is visible and permitted
    return admin


def own_session(cast: Cast, actor: str, scope: str) -> Any:
    if scope == "own":
        return cast.session_ids.get(actor, cast.session_ids["member"])
    # Someone else's session: the admin's, or the member's when the actor is the admin.
    return cast.session_ids["member" if actor == "admin" else "admin"]


def own_passkey(cast: Cast, actor: str, scope: str) -> Any:
    if scope == "own" and actor in cast.passkeys:
        return cast.passkeys[actor].id
    owner = "coordinator" if actor == "admin" else "admin"
    return cast.passkeys[owner].id


def body(value: Any) -> Callable[[Cast, str, str], Any]:
    return lambda cast, actor, scope: value


NO_SUCH_ID = "00000000-0000-7000-8000-000000000000"
PEOPLE = ("member", "representative", "other_member", "co_author_member")

POLICY: dict[tuple[str, str], Rule] = {
    ("GET", "/healthz"): Rule(everyone()),
    ("GET", "/readyz"): Rule(everyone()),
    ("GET", "/openapi.json"): Rule(everyone()),
    ("GET", "/docs"): Rule(everyone()),
    ("GET", "/docs/init.js"): Rule(everyone()),
    ("GET", "/{path:path}"): Rule(everyone()),
    ("POST", "/api/auth/sign-in"): Rule(
        everyone(), body=lambda cast, actor, scope: {"email": "x@example.org", "password": "y"}
    ),
    ("POST", "/api/auth/sign-out"): Rule(signed_in()),
    ("GET", "/api/auth/session"): Rule(everyone()),
    ("GET", "/api/auth/sessions"): Rule(signed_in()),
    ("DELETE", "/api/auth/sessions/{session_id}"): Rule(
        signed_in(),
        params={"session_id": own_session},
        expect_other=signed_in(**{a: "404" for a in ACTORS if a not in ("anonymous", "suspended")}),
    ),
    ("POST", "/api/auth/sessions/revoke-all"): Rule(signed_in()),
    # --- second factors and account (app/auth/factors/router.py, app/auth/account/router.py)
    ("POST", "/api/auth/totp/enrolment"): Rule(signed_in(), credential_step_up=True),
    ("POST", "/api/auth/totp/enrolment/confirm"): Rule(signed_in(), body=body({"code": "000000"})),
    ("DELETE", "/api/auth/totp"): Rule(
        signed_in(), permission=Permission.OWN_FACTORS_MANAGE, credential_step_up=True
    ),
    ("POST", "/api/auth/second-factor/totp"): Rule(signed_in(), body=body({"code": "000000"})),
    ("POST", "/api/auth/second-factor/recovery-code"): Rule(
        signed_in(), body=body({"code": "aaaa-bbbb-cccc"})
    ),
    ("POST", "/api/auth/recovery-codes"): Rule(
        signed_in(), permission=Permission.OWN_FACTORS_MANAGE, credential_step_up=True
    ),
    ("GET", "/api/auth/recovery-codes"): Rule(signed_in()),
    ("POST", "/api/auth/password"): Rule(signed_in(), body=body({"new_password": "x"})),
    ("POST", "/api/auth/email"): Rule(
        signed_in(),
        body=body({"new_email": "matrix-new@example.org", "current_password": PASSWORD}),
        credential_step_up=True,
    ),
    ("GET", "/api/auth/email/pending"): Rule(signed_in()),
    ("DELETE", "/api/auth/email/pending"): Rule(signed_in()),
    ("POST", "/api/auth/email/confirm"): Rule(signed_in(), body=body({"code": "0000 0000"})),
    # --- passkeys (app/auth/passkeys/router.py)
    ("POST", "/api/auth/passkeys/registration/options"): Rule(
        signed_in(), body=body({"name": "x"}), credential_step_up=True
    ),
    ("POST", "/api/auth/passkeys/registration/verify"): Rule(
        signed_in(), body=body({"handle": "x", "credential": {}})
    ),
    ("GET", "/api/auth/passkeys"): Rule(signed_in()),
    ("PATCH", "/api/auth/passkeys/{passkey_id}"): Rule(
        signed_in(**dict.fromkeys(PEOPLE, "404")),
        params={"passkey_id": own_passkey},
        expect_other=signed_in(**dict.fromkeys((*PEOPLE, "admin", "coordinator"), "404")),
        body=body({"name": "renamed"}),
    ),
    ("DELETE", "/api/auth/passkeys/{passkey_id}"): Rule(
        signed_in(**dict.fromkeys(PEOPLE, "404")),
        params={"passkey_id": own_passkey},
        expect_other=signed_in(**dict.fromkeys((*PEOPLE, "admin", "coordinator"), "404")),
        permission=Permission.OWN_FACTORS_MANAGE,
        credential_step_up=True,
    ),
    ("POST", "/api/auth/passkeys/authentication/options"): Rule(
        everyone(), body=body({"purpose": "sign_in"})
    ),
    ("POST", "/api/auth/passkeys/authentication/verify"): Rule(
        everyone(), body=body({"handle": "x", "credential": {}})
    ),
    # --- single sign-on (app/auth/oidc/router.py): disabled in these settings
    ("GET", "/api/auth/oidc/config"): Rule(everyone()),
    ("GET", "/api/auth/oidc/start"): Rule(everyone("404")),
    ("GET", "/api/auth/oidc/callback"): Rule(everyone("404")),
    # --- development mailbox (app/notifications/router.py): open in dev mail mode only,
    # 404 in production (tests/notifications/test_mailbox.py checks that side).
    ("GET", "/api/dev/mailbox"): Rule(everyone()),
    ("GET", "/api/dev/mailbox-availability"): Rule(everyone()),
    ("GET", "/api/dev/mailbox/{message_id}"): Rule(
        everyone("404"), params={"message_id": lambda cast, actor, scope: NO_SUCH_ID}
    ),
}
