"""Every route × every actor × own/other object, against the declared policy."""

from __future__ import annotations

import re

import pytest

from app.routes import iter_http_routes
from tests.security.authz.actors import ACTORS, build_cast
from tests.security.authz.memberships_rows import MEMBERSHIPS_POLICY, add_membership_objects
from tests.security.authz.policy import POLICY as AUTH_POLICY

POLICY = AUTH_POLICY | MEMBERSHIPS_POLICY

AUTHENTICATION_CODES = {"sign_in_required"}


def _outcome(response) -> str:  # type: ignore[no-untyped-def]
    if response.status_code == 401:
        try:
            code = response.json().get("code")
        except ValueError:
            code = None
        return "401" if code in AUTHENTICATION_CODES else "allow"
    if response.status_code in (403, 404):
        return str(response.status_code)
    return "allow"


def test_every_route_has_a_policy_row(app) -> None:  # type: ignore[no-untyped-def]
    routes = {(r.method, r.path) for r in iter_http_routes(app)}
    missing = sorted(routes - POLICY.keys())
    stale = sorted(POLICY.keys() - routes)
    assert missing == [], "routes without a row in tests/security/authz/policy.py"
    assert stale == [], "rows for routes that no longer exist"


async def test_authorization_matrix(app, client, session, connection, settings) -> None:  # type: ignore[no-untyped-def]
    cast = await build_cast(session, settings)
    await add_membership_objects(session, cast)
    unexpected: list[str] = []
    checked = 0
    for route in iter_http_routes(app):
        rule = POLICY.get((route.method, route.path))
        if rule is None:
            continue  # reported by test_every_route_has_a_policy_row
        scopes = ["own", "other"] if rule.params else ["own"]
        for scope in scopes:
            expected_table = (
                rule.expect_other if scope == "other" and rule.expect_other else rule.expect
            )
            for actor in ACTORS:
                path = route.path.replace("{path:path}", "some/client/route")
                for name, resolve in rule.params.items():
                    path = re.sub(
                        r"\{" + name + r"(:[^}]*)?\}", str(resolve(cast, actor, scope)), path
                    )
                body = rule.body(cast, actor, scope) if rule.body else None
                savepoint = await connection.begin_nested()
                try:
                    response = await client.request(
                        route.method,
                        path,
                        headers=cast.headers(actor),
                        json=body,
                    )
                finally:
                    await savepoint.rollback()
                    client.cookies.clear()
                actual = _outcome(response)
                expected = expected_table[actor]
                checked += 1
                if actual != expected:
                    unexpected.append(
                        f"{route.method} {route.path} [{scope}] as {actor}: expected {expected},"
                        f" got {actual} ({response.status_code})"
                    )
    assert checked >= len(POLICY) * len(ACTORS)
    assert unexpected == [], "\n".join(unexpected)


@pytest.mark.parametrize("actor", ACTORS)
def test_policy_rows_name_every_actor(actor: str) -> None:
    for key, rule in POLICY.items():
        assert actor in rule.expect, key
        if rule.expect_other is not None:
            assert actor in rule.expect_other, key
