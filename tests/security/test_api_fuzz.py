"""API fuzzing: schemathesis over the schema the app serves, signed in as an admin and anonymously
(and, for the appeals operations, which hide every appeal from an admin, as a coordinator).

Every operation gets ``ACCORD_FUZZ_EXAMPLES`` generated requests (100 by default; valid and
invalid ones, the same ones on every run) and every answer must be no server error, match the
schema documented for its status, have a documented status and a documented content type.
Error answers are checked against the one ``Problem`` schema (app/errors.py): a missing
member, a wrong type or anything extra fails the run.
No operation is skipped: the single sign-on routes answer a documented 404 when SSO is off.

The admin has a second factor proven just now, so step-up routes run their code. Path, query
and body fields that name an object (``organization_id``, ``passkey_id``, …) get a real one
half of the time, so the fuzzer gets past the 404. Each request runs in a savepoint rolled
back after it: a fuzzed sign-out or suspension does not end the run for the next examples,
and the test's outer transaction discards everything.

Schemathesis' own ASGI transport runs the app on an event loop of its own in another thread;
the per-test database connection lives on pytest's loop and cannot cross loops. So Hypothesis
generates in a worker thread and hands each request to the test's loop, where httpx sends it
through the app in-process; schemathesis then validates the httpx response.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.errors import PROBLEM_JSON
from app.kit.clock import ManualClock
from app.models.appeals import Appeal, AppealComment, AppealRevision, AppealSuggestion
from app.models.identity import AuthSession, Passkey
from app.models.memberships import AdminGrantRequest, Invitation, Membership, Organization
from app.models.outbox import OutboxMessage
from app.models.users import User
from app.openapi import export_openapi
from tests.security.authz.actors import Cast, build_cast
from tests.security.authz.appeals_rows import add_appeal_objects

# 100 per operation (and actor), in CI too: about 3 minutes of the SQLite run on two cores.
# Many operations have few distinct inputs, so Hypothesis stops early; lower it locally with
# ACCORD_FUZZ_EXAMPLES=25 for a quicker pass.
EXAMPLES = int(os.environ.get("ACCORD_FUZZ_EXAMPLES", "100"))
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
BASE_URL = "https://localhost"

# Path, query and body fields named like these get a real row's id half of the time, so the
# fuzzer reaches the code behind the 404 and not only the 404 itself.
ID_SOURCES: dict[str, Any] = {
    "organization_id": Organization,
    "membership_id": Membership,
    "user_id": User,
    "passkey_id": Passkey,
    "session_id": AuthSession,
    "invitation_id": Invitation,
    "request_id": AdminGrantRequest,
    "message_id": OutboxMessage,
    "appeal_id": Appeal,
    "revision_id": AppealRevision,
    "comment_id": AppealComment,
    "suggestion_id": AppealSuggestion,
}
# Other path values that name something real half of the time (the seeded translations).
KNOWN_VALUES: dict[str, list[str]] = {"language": ["be"], "number": ["1", "2"]}
# An admin is in no organization, so every appeal is hidden from them (404): the appeals
# operations are fuzzed as a coordinator too, who may do everything there.
APPEALS = "/api/appeals"


def _operations() -> Iterator[Any]:
    # The published schema, built the way `accord openapi` builds it: a new route is fuzzed
    # the moment it exists.
    document = json.loads(export_openapi())
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                actors = ["admin", "anonymous"]
                if path.startswith(APPEALS):
                    actors.append("coordinator")
                for actor in actors:
                    operation = item[method]["operationId"]
                    yield pytest.param(method, path, actor, id=f"{operation}-{actor}")


OPERATIONS = list(_operations())

# FastAPI builds an app's OpenAPI document on its first request for it, from the routes alone:
# most of a second of CPU, and every test here has an app of its own built by the same
# create_app. The first fuzz test's app builds it; the later ones serve that document (FastAPI's
# own cache attribute). test_every_served_operation_is_fuzzed checks a newly built app's.
_DOCUMENT: dict[str, Any] = {}


def _serve_built_document(app) -> None:  # type: ignore[no-untyped-def]
    if "openapi" in _DOCUMENT:
        app.openapi_schema = _DOCUMENT["openapi"]
    else:
        _DOCUMENT["openapi"] = app.openapi()


async def _known_ids(session: AsyncSession) -> dict[str, list[str]]:
    known: dict[str, list[str]] = {}
    for name, model in ID_SOURCES.items():
        ids = (await session.scalars(select(model.id).order_by(model.id))).all()
        known[name] = [str(value) for value in ids]
    return known | KNOWN_VALUES


async def _seed(session: AsyncSession, client: httpx.AsyncClient, cast: Cast) -> None:
    """Objects the cast does not have: an invitation (and its email), an admin grant request,
    and the authorization matrix's appeals (with comments, suggestions, translations)."""
    admin = cast.headers("admin")
    invited = await client.post(
        "/api/invitations",
        headers=admin,
        json={"email": "fuzz@example.org", "organization_id": str(cast.org_a.id), "role": "member"},
    )
    assert invited.status_code == 201, invited.text
    coordinator = cast.users["coordinator"].id
    requested = await client.post(
        "/api/admin-requests", json={"user_id": str(coordinator)}, headers=admin
    )
    assert requested.status_code == 201, requested.text
    await add_appeal_objects(session, client, cast)


@st.composite
def _cases(draw: st.DrawFn, strategy: st.SearchStrategy[Any], known: dict[str, list[str]]) -> Any:
    case = draw(strategy)
    containers = [case.path_parameters, case.query]
    if isinstance(case.body, dict):
        containers.append(case.body)
    for container in containers:
        for name in sorted(container):
            if known.get(name) and draw(st.booleans()):
                container[name] = draw(st.sampled_from(known[name]))
    return case


def _strategy(operation: Any, known: dict[str, list[str]]) -> st.SearchStrategy[Any]:
    positive = operation.as_strategy(schemathesis.GenerationMode.POSITIVE)
    negative = operation.as_strategy(schemathesis.GenerationMode.NEGATIVE)
    return _cases(st.one_of(positive, negative), known)


def _wire_request(case: Any, headers: dict[str, str]) -> requests.PreparedRequest:
    """The request exactly as schemathesis would send it (its serializers, its encoding)."""
    kwargs = case.as_transport_kwargs(base_url=BASE_URL, headers=headers)
    request = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=kwargs.get("headers"),
        params=kwargs.get("params"),
        cookies=kwargs.get("cookies"),
        json=kwargs.get("json"),
        data=kwargs.get("data"),
        files=kwargs.get("files"),
    )
    return request.prepare()


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path", "actor"), OPERATIONS)
async def test_operation_survives_fuzzing(
    method: str,
    path: str,
    actor: str,
    app,  # type: ignore[no-untyped-def]
    client: httpx.AsyncClient,
    connection: AsyncConnection,
    session: AsyncSession,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    cast = await build_cast(session, settings)
    # The admin's session proved its second factor just now (build_cast), and the clock stays
    # here: step-up routes are exercised, not refused as stale.
    app.state.clock = ManualClock(datetime.now(UTC))
    await _seed(session, client, cast)
    known = await _known_ids(session)

    _serve_built_document(app)
    served = await client.get("/openapi.json")
    schema = schemathesis.openapi.from_dict(served.json(), config=schemathesis.Config())
    operation = schema[path][method]
    headers = cast.headers(actor)
    loop = asyncio.get_running_loop()

    async def exchange(case: Any) -> httpx.Response:
        wire = _wire_request(case, headers)
        # Cookies a response sets (sign-in, sign-out) must not leak into the next example.
        client.cookies.clear()
        # Each example starts from the seeded state: a fuzzed sign-out, suspension or
        # password change does not leave the admin signed out for the rest of the run.
        savepoint = await connection.begin_nested()
        try:
            return await client.request(
                str(wire.method), str(wire.url), headers=dict(wire.headers), content=wire.body
            )
        finally:
            await savepoint.rollback()

    @hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,  # the same requests on every run: CI failures reproduce
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=_strategy(operation, known))
    def fuzz(case: Any) -> None:
        response = asyncio.run_coroutine_threadsafe(exchange(case), loop).result(timeout=60)
        case.validate_response(response, checks=CHECKS)

    await asyncio.to_thread(fuzz)


async def test_error_bodies_are_checked_against_the_problem_schema(
    client: httpx.AsyncClient,
) -> None:
    # The checks above must catch an error answer that is not a Problem (a missing code, a
    # leaked member, a wrong type), not only a wrong status or content type.
    served = (await client.get("/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(served, config=schemathesis.Config())
    operation = schema["/api/organizations/{organization_id}"]["get"]
    path = "/api/organizations/00000000-0000-7000-8000-000000000000"
    case = operation.Case(path_parameters={"organization_id": path.rsplit("/", 1)[1]})

    def answer(body: dict[str, Any]) -> httpx.Response:
        response = httpx.Response(
            404,
            headers={"content-type": PROBLEM_JSON},
            content=json.dumps(body).encode(),
            request=httpx.Request("GET", BASE_URL + path),
        )
        response.elapsed = timedelta(milliseconds=1)
        return response

    problem = {
        "type": "urn:accord:problem:organization_not_found",
        "title": "No such organization",
        "status": 404,
        "code": "organization_not_found",
        "request_id": "0123456789abcdef01234567",
    }
    case.validate_response(answer(problem), checks=CHECKS)
    missing_code = {k: v for k, v in problem.items() if k != "code"}
    for bad in (
        missing_code,
        {**problem, "input": "what the client sent"},
        {**problem, "status": "404"},
        {**problem, "errors": [{"loc": ["body"], "msg": "x", "type": "x", "input": "secret"}]},
    ):
        with pytest.raises(FailureGroup, match="Response violates schema"):
            case.validate_response(answer(bad), checks=CHECKS)


async def test_every_served_operation_is_fuzzed(client: httpx.AsyncClient) -> None:
    # The list above comes from the published schema; the app under test must serve the
    # same operations, or some would go unfuzzed (or be fuzzed against the wrong schema).
    served = (await client.get("/openapi.json")).json()["paths"]
    operations = {(method, path) for path, item in served.items() for method in item}
    assert operations == {tuple(param.values[:2]) for param in OPERATIONS}
    assert len(OPERATIONS) >= 50


async def test_the_412_answers_of_a_save_match_their_documented_schema(
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    """Both 412s of a text save — edit_conflict (with the current text and the conflicting
    blocks) and version_mismatch — are problem documents as the schema says; the fuzzer
    rarely builds an If-Match that names an older revision, so this test does."""
    cast = await build_cast(session, settings)
    await add_appeal_objects(session, client, cast)
    appeal = cast.objects["appeal_x"]["id"]  # type: ignore[index]
    member = cast.headers("member")
    url = f"/api/appeals/{appeal}/text"
    read = await client.get(url, headers=member)
    base, blocks = read.headers["etag"], read.json()["blocks"]

    first = await client.put(
        url,
        headers={**member, "if-match": base},
        json={"blocks": [{**b, "text": "First."} if i == 1 else b for i, b in enumerate(blocks)]},
    )
    assert first.status_code == 200, first.text
    conflict = await client.put(
        url,
        headers={**member, "if-match": base},
        json={"blocks": [{**b, "text": "Second."} if i == 1 else b for i, b in enumerate(blocks)]},
    )
    assert conflict.status_code == 412
    assert conflict.json()["code"] == "edit_conflict"
    mismatch = await client.put(
        url, headers={**member, "if-match": '"nonsense"'}, json={"blocks": blocks}
    )
    assert mismatch.json()["code"] == "version_mismatch"

    served = (await client.get("/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(served, config=schemathesis.Config())
    operation = schema["/api/appeals/{appeal_id}/text"]["put"]
    case = operation.Case(path_parameters={"appeal_id": appeal}, body={"blocks": blocks})
    for response in (conflict, mismatch):
        response.elapsed = timedelta(milliseconds=1)
        case.validate_response(response, checks=CHECKS)
