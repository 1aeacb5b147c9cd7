"""Every error is RFC 9457 problem+json with a stable code, and nothing internal leaks."""

from __future__ import annotations

import pytest
from fastapi import APIRouter

from app.db import UnitOfWorkRoute
from tests.support.routes import Probe, add_routes

SECRET_INPUT = "hunter2-canary-value"


@pytest.fixture
def probe_app(app):  # type: ignore[no-untyped-def]
    router = APIRouter(prefix="/api/test", route_class=UnitOfWorkRoute)

    @router.post("/probe")
    async def probe(body: Probe) -> dict[str, str]:
        return {"name": body.name}

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("/srv/accord/secret/path SELECT * FROM users")

    add_routes(app, router)
    return app


def assert_problem(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:accord:problem:{code}"
    assert body["title"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


async def test_unknown_api_path_is_a_404_problem(client) -> None:  # type: ignore[no-untyped-def]
    assert_problem(await client.get("/api/no-such-thing"), 404, "not_found")


async def test_undeclared_method_is_a_405_problem(client) -> None:  # type: ignore[no-untyped-def]
    assert_problem(await client.delete("/healthz"), 405, "method_not_allowed")
    assert_problem(await client.post("/"), 405, "method_not_allowed")


async def test_validation_error_lists_fields_without_echoing_input(probe_app, client) -> None:  # type: ignore[no-untyped-def]
    response = await client.post(
        "/api/test/probe", json={"name": SECRET_INPUT * 3, "count": "many", "extra": 1}
    )
    body = assert_problem(response, 422, "validation_failed")
    locations = {tuple(error["loc"]) for error in body["errors"]}
    assert ("body", "name") in locations
    assert ("body", "count") in locations
    assert ("body", "extra") in locations  # extra="forbid": no mass assignment
    assert SECRET_INPUT not in response.text


async def test_malformed_json_is_a_422_problem(probe_app, client) -> None:  # type: ignore[no-untyped-def]
    response = await client.post(
        "/api/test/probe", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_problem(response, 422, "validation_failed")


async def test_unexpected_error_is_a_500_without_internals(probe_app, client) -> None:  # type: ignore[no-untyped-def]
    response = await client.get("/api/test/boom")
    body = assert_problem(response, 500, "internal_error")
    for leak in ("/srv/accord", "SELECT", "Traceback", "RuntimeError"):
        assert leak not in response.text
    assert set(body) == {"type", "title", "status", "code", "request_id"}


async def test_body_over_the_limit_is_a_413_problem(probe_app, client, settings) -> None:  # type: ignore[no-untyped-def]
    too_big = b"x" * (settings.http.max_body_bytes + 1)
    response = await client.post(
        "/api/test/probe", content=too_big, headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "payload_too_large")


async def test_streamed_body_over_the_limit_is_a_413_problem(probe_app, client, settings) -> None:  # type: ignore[no-untyped-def]
    chunk = b"x" * 65536
    chunks = settings.http.max_body_bytes // len(chunk) + 2

    async def body():  # type: ignore[no-untyped-def]
        for _ in range(chunks):
            yield chunk

    # No Content-Length: the limit must hold while reading, not only on the header.
    response = await client.post(
        "/api/test/probe", content=body(), headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "payload_too_large")


async def test_every_response_carries_a_request_id(client) -> None:  # type: ignore[no-untyped-def]
    first = await client.get("/healthz")
    second = await client.get("/healthz")
    assert len(first.headers["x-request-id"]) == 24
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


class TestDocumentedProblems:
    """What tests/security/test_api_fuzz.py checks against real answers, stated for the schema."""

    def test_every_documented_api_error_is_a_problem_document(self, app) -> None:  # type: ignore[no-untyped-def]
        schema = app.openapi()
        errors = [
            (method, path, status, response)
            for path, item in schema["paths"].items()
            if path.startswith("/api/")
            for method, operation in item.items()
            for status, response in operation["responses"].items()
            if int(status) >= 400
        ]
        assert len(errors) > 100
        for method, path, status, response in errors:
            assert list(response["content"]) == ["application/problem+json"], (method, path, status)
        # FastAPI's default 422 (application/json, {"detail": [...]}) is not what we send.
        assert "HTTPValidationError" not in schema["components"]["schemas"]

    def test_an_operation_documents_what_its_dependencies_refuse(self, app) -> None:  # type: ignore[no-untyped-def]
        paths = app.openapi()["paths"]
        # Stepped-up, unsafe, with a body.
        create = paths["/api/invitations"]["post"]["responses"]
        assert "sign_in_required" in create["401"]["description"]
        for code in ("step_up_required", "permission_denied", "csrf_failed"):
            assert code in create["403"]["description"]
        assert {"400", "413", "422"} <= set(create)
        # Any session (signing out): nobody is refused with 401.
        sign_out = paths["/api/auth/sign-out"]["post"]["responses"]
        assert "sign_in_required" in sign_out["401"]["description"]
        # Nobody is an answer there, not a refusal.
        assert set(paths["/api/auth/session"]["get"]["responses"]) == {"200"}
        # Public: nobody is refused for not being signed in.
        lookup = paths["/api/invitations/lookup"]["post"]["responses"]
        assert "401" not in lookup and "403" not in lookup
        # An id in the path may name nothing the caller can see.
        assert "404" in paths["/api/users/{user_id}/suspend"]["post"]["responses"]
