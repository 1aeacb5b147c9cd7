"""The OpenAPI document: every error answer is one shared Problem schema under
application/problem+json, the bodies the server sends match it, input constraints are
stated, and schema names are unique."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from app.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from app.errors import PROBLEM_EXTENSION, PROBLEM_JSON, document_problem_schema
from app.openapi import export_openapi
from tests.auth.factories import PASSWORD, make_user
from tests.auth.test_totp import sign_in_as

PROBLEM = {"$ref": "#/components/schemas/Problem"}
# The readiness probe's 503 carries its report (which check failed), not a problem.
NOT_PROBLEMS = {("/readyz", "get", "503")}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(export_openapi())


def _error_answers(document: dict[str, Any]):  # type: ignore[no-untyped-def]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, answer in operation["responses"].items():
                if status[:1] in ("4", "5"):
                    yield (path, method, status), answer


def _is_problem(document: dict[str, Any], content: Any) -> bool:
    """Problem itself, or a problem with extension members (app/errors.py
    PROBLEM_EXTENSION): every problem member, the same required ones, nothing undeclared."""
    if content == {PROBLEM_JSON: {"schema": PROBLEM}}:
        return True
    ref = (content or {}).get(PROBLEM_JSON, {}).get("schema", {}).get("$ref", "")
    schemas = document["components"]["schemas"]
    schema = schemas.get(ref.rsplit("/", 1)[-1], {}) if set(content or {}) == {PROBLEM_JSON} else {}
    problem = schemas["Problem"]
    return bool(
        schema.get(PROBLEM_EXTENSION)
        and schema["properties"].items() >= problem["properties"].items()
        and schema["required"] == problem["required"]
        and schema["additionalProperties"] is False
    )


def test_every_error_answer_is_a_problem(document) -> None:  # type: ignore[no-untyped-def]
    wrong = {
        where: answer.get("content")
        for where, answer in _error_answers(document)
        if where not in NOT_PROBLEMS and not _is_problem(document, answer.get("content"))
    }
    assert wrong == {}
    assert len(list(_error_answers(document))) > 100


def test_a_problem_with_extension_members_is_documented_as_one(document) -> None:  # type: ignore[no-untyped-def]
    # A save's 412: edit_conflict carries the current text and the conflicting blocks.
    answer = document["paths"]["/api/appeals/{appeal_id}/text"]["put"]["responses"]["412"]
    assert answer["content"] == {
        PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ConflictRead"}}
    }
    conflict = document["components"]["schemas"]["ConflictRead"]
    assert {"current", "conflicts"} <= set(conflict["properties"])
    assert _is_problem(document, answer["content"])


def test_one_problem_schema_and_no_framework_error_models(document) -> None:  # type: ignore[no-untyped-def]
    schemas = document["components"]["schemas"]
    problem = schemas["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "code"}
    assert {"detail", "errors", "reason", "request_id"} <= set(problem["properties"])
    assert problem["additionalProperties"] is False
    assert schemas["ProblemFieldError"]["required"] == ["loc", "msg", "type"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    text = json.dumps(document)
    # Nothing refers to an error model under application/json any more.
    assert '"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}' not in text


def test_schema_names_are_unique(document) -> None:  # type: ignore[no-untyped-def]
    # FastAPI gives two models of one name module-qualified names (app__auth__schemas__X):
    # a sign that two schemas collided.
    names = list(document["components"]["schemas"])
    assert [name for name in names if "__" in name] == []
    assert len(names) == len({name.lower() for name in names})


def test_a_taken_problem_name_is_refused() -> None:
    clash = {"paths": {}, "components": {"schemas": {"Problem": {"type": "object"}}}}
    with pytest.raises(RuntimeError, match="unique"):
        document_problem_schema(clash)


def test_input_constraints_are_stated(document) -> None:  # type: ignore[no-untyped-def]
    schemas = document["components"]["schemas"]
    for model, field in (("InvitationCreate", "email"), ("EmailChangeInput", "new_email")):
        email = schemas[model]["properties"][field]
        assert (email["type"], email["format"], email["maxLength"]) == ("string", "email", 254)
    countries = schemas["CountryCode"]["enum"]
    assert "BY" in countries and "UA" in countries and len(countries) > 240
    for model in ("OrganizationCreate", "OrganizationUpdate"):
        country = schemas[model]["properties"]["country"]
        assert {"$ref": "#/components/schemas/CountryCode"} in country["anyOf"]
    new_passwords = [
        schemas["PasswordChangeInput"]["properties"]["new_password"],
        next(
            s
            for s in schemas["InvitationAccept"]["properties"]["password"]["anyOf"]
            if s.get("type") == "string"
        ),
    ]
    for password in new_passwords:
        assert (password["minLength"], password["maxLength"]) == (
            MIN_PASSWORD_LENGTH,
            MAX_PASSWORD_LENGTH,
        )
    code = schemas["EmailChangeConfirm"]["properties"]["code"]
    assert code["pattern"] == "^[0-9]{4}[ -]?[0-9]{4}$"


async def test_the_problems_sent_match_the_schema(client, session, document) -> None:  # type: ignore[no-untyped-def]
    validator = jsonschema.Draft202012Validator(
        {**document["components"]["schemas"]["Problem"], "components": document["components"]}
    )
    user = await make_user(session)
    answers = [
        await client.get("/api/no-such-thing"),  # 404 from the framework
        await client.get("/api/auth/sessions"),  # 401 from a dependency
        await client.post("/api/auth/sign-in", json={"email": "x@example.org", "password": "y"}),
    ]
    await sign_in_as(client, user)
    answers += [
        # validation_failed, with errors
        await client.post("/api/auth/email", json={"new_email": "a@x.org,b@y.org"}),
        # password_rejected, with a reason
        await client.post(
            "/api/auth/password", json={"current_password": PASSWORD, "new_password": "short"}
        ),
        # returned, not raised
        await client.post("/api/auth/email/confirm", json={"code": "1234 5678"}),
        await client.post("/api/organizations", content=b"{", headers={"content-type": "x/y"}),
    ]
    seen = set()
    for answer in answers:
        assert answer.headers["content-type"] == PROBLEM_JSON, answer.text
        body = answer.json()
        errors = [e.message for e in validator.iter_errors(body)]
        assert errors == [], (body, errors)
        seen.add(body["code"])
    assert {"validation_failed", "password_rejected", "email_change_invalid"} <= seen
