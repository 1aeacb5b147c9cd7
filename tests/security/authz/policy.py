"""The declared authorization policy: every route, every actor, own and other objects.

Outcomes: "allow" (authorization passed: 2xx, or a domain answer such as 409/422),
"401" (sign in first), "403" (visible but not permitted), "404" (not visible).
A route missing here fails the matrix; so does a row for a route that no longer exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.security.authz.actors import ACTORS, Cast

Outcome = str
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
    # Path parameters: name -> resolver. With parameters, each request runs twice: with the
    # actor's own object ("own") and with someone else's ("other").
    params: dict[str, Resolver] = field(default_factory=dict)
    # What "other" changes: outcomes for the "other" scope where they differ.
    expect_other: dict[str, Outcome] | None = None
    body: Callable[[Cast, str, str], Any] | None = None


def own_session(cast: Cast, actor: str, scope: str) -> Any:
    if scope == "own":
        return cast.session_ids.get(actor, cast.session_ids["member"])
    # Someone else's session: the admin's, or the member's when the actor is the admin.
    return cast.session_ids["member" if actor == "admin" else "admin"]


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
    ("GET", "/api/auth/session"): Rule(signed_in()),
    ("GET", "/api/auth/sessions"): Rule(signed_in()),
    ("DELETE", "/api/auth/sessions/{session_id}"): Rule(
        signed_in(),
        params={"session_id": own_session},
        expect_other=signed_in(**{a: "404" for a in ACTORS if a not in ("anonymous", "suspended")}),
    ),
    ("POST", "/api/auth/sessions/revoke-all"): Rule(signed_in()),
}
