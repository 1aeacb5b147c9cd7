"""Every route × every actor × own/other object, against the declared policy.

An outcome is compared by status *and* refusal code: a 403 for lacking the permission
(``permission_denied``) is not a 403 for a stale second factor (``step_up_required``), and
a 401 that asks to sign in is not a domain answer such as a wrong password. Any 5xx fails.
"""

from __future__ import annotations

import re

import pytest

from app.permissions import STEP_UP
from app.routes import iter_http_routes
from tests.security.authz.actors import ACTORS, DERIVED_ACTORS, build_cast
from tests.security.authz.appeals_rows import APPEALS_POLICY, add_appeal_objects
from tests.security.authz.documents_rows import DOCUMENTS_POLICY, add_document_objects
from tests.security.authz.letters_rows import LETTERS_POLICY, add_letter_objects
from tests.security.authz.memberships_rows import MEMBERSHIPS_POLICY, add_membership_objects
from tests.security.authz.outreach_dispatches_rows import (
    OUTREACH_DISPATCHES_POLICY,
    add_dispatch_objects,
)
from tests.security.authz.outreach_tracker_rows import OUTREACH_TRACKER_POLICY
from tests.security.authz.policy import OUTCOMES, expected_outcome
from tests.security.authz.policy import POLICY as AUTH_POLICY
from tests.security.authz.recipients_rows import RECIPIENTS_POLICY, add_recipient_objects
from tests.security.authz.signatories_rows import SIGNATORIES_POLICY, add_signing_objects

POLICY = (
    AUTH_POLICY
    | MEMBERSHIPS_POLICY
    | APPEALS_POLICY
    | SIGNATORIES_POLICY
    | OUTREACH_TRACKER_POLICY
    | DOCUMENTS_POLICY
    | RECIPIENTS_POLICY
    | LETTERS_POLICY
    | OUTREACH_DISPATCHES_POLICY
)


def outcome_of(response) -> str:  # type: ignore[no-untyped-def]
    """What the response means for authorization (see policy.OUTCOMES)."""
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    if response.status_code not in (401, 403, 404):
        return "allow"
    try:
        code = response.json().get("code")
    except ValueError:
        code = None
    if response.status_code == 401:
        return "401" if code == "sign_in_required" else "allow"
    if response.status_code == 403:
        return {"permission_denied": "403", "step_up_required": "step_up"}.get(code, "allow")
    # 404: "not visible" when the code says the thing was not found; otherwise a domain
    # answer given after authorization passed (an unknown invitation token, say).
    return "404" if code and (code == "not_found" or code.endswith("_not_found")) else "allow"


def test_every_route_has_a_policy_row(app) -> None:  # type: ignore[no-untyped-def]
    routes = {(r.method, r.path) for r in iter_http_routes(app)}
    missing = sorted(routes - POLICY.keys())
    stale = sorted(POLICY.keys() - routes)
    assert missing == [], "routes without a row in tests/security/authz/policy.py"
    assert stale == [], "rows for routes that no longer exist"


async def test_authorization_matrix(app, client, session, connection, settings) -> None:  # type: ignore[no-untyped-def]
    # A built frontend (its index page), so that client-side routes answer as in a real
    # deployment instead of 503 frontend_not_built.
    settings.frontend_dist.mkdir(parents=True, exist_ok=True)
    (settings.frontend_dist / "index.html").write_text("<!doctype html><title>Accord</title>")
    cast = await build_cast(session, settings)
    await add_membership_objects(session, cast)
    await add_appeal_objects(session, client, cast)
    await add_signing_objects(session, client, cast)
    await add_document_objects(session, client, cast)
    await add_recipient_objects(client, cast)
    await add_letter_objects(session, cast)
    await add_dispatch_objects(session, client, cast)
    unexpected: list[str] = []
    checked = 0
    for route in iter_http_routes(app):
        rule = POLICY.get((route.method, route.path))
        if rule is None:
            continue  # reported by test_every_route_has_a_policy_row
        scopes = ["own", "other"] if rule.params else ["own"]
        for scope in scopes:
            for actor in (*ACTORS, *DERIVED_ACTORS):
                path = route.path.replace("{path:path}", "some/client/route")
                for name, resolve in rule.params.items():
                    path = re.sub(
                        r"\{" + name + r"(:[^}]*)?\}", str(resolve(cast, actor, scope)), path
                    )
                body = rule.body(cast, actor, scope) if rule.body else None
                query = rule.query(cast, actor, scope) if rule.query else None
                savepoint = await connection.begin_nested()
                try:
                    response = await client.request(
                        route.method,
                        path,
                        headers=cast.headers(actor),
                        json=body,
                        params=query,
                    )
                finally:
                    await savepoint.rollback()
                    client.cookies.clear()
                actual = outcome_of(response)
                expected = expected_outcome(rule, actor, scope)
                checked += 1
                if actual != expected:
                    unexpected.append(
                        f"{route.method} {route.path} [{scope}] as {actor}: expected {expected},"
                        f" got {actual} ({response.status_code} {response.text[:80]})"
                    )
    assert checked >= len(POLICY) * len(ACTORS)
    assert unexpected == [], "\n".join(unexpected)


@pytest.mark.parametrize("actor", ACTORS)
def test_policy_rows_name_every_actor_with_a_known_outcome(actor: str) -> None:
    for key, rule in POLICY.items():
        assert rule.expect.get(actor) in OUTCOMES, key
        if rule.expect_other is not None:
            assert rule.expect_other.get(actor) in OUTCOMES, key


def test_every_step_up_permission_guards_some_route() -> None:
    """The step-up table and the policy agree: each STEP_UP permission is declared by at
    least one route, so the stale admin's refusals are really derived from it."""
    declared = {rule.permission for rule in POLICY.values() if rule.permission is not None}
    assert STEP_UP <= declared


def test_the_outcome_reader_tells_refusals_apart() -> None:
    class Response:
        def __init__(self, status: int, code: str | None) -> None:
            self.status_code, self._code = status, code

        def json(self) -> dict[str, str | None]:
            return {"code": self._code}

    assert outcome_of(Response(403, "step_up_required")) == "step_up"
    assert outcome_of(Response(403, "permission_denied")) == "403"
    assert outcome_of(Response(403, "second_admin_required")) == "allow"
    assert outcome_of(Response(401, "sign_in_required")) == "401"
    assert outcome_of(Response(401, "invalid_credentials")) == "allow"
    assert outcome_of(Response(404, "user_not_found")) == "404"
    assert outcome_of(Response(404, "invitation_invalid")) == "allow"
    assert outcome_of(Response(500, None)).startswith("server error")
