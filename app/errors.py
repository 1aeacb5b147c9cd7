"""One error vocabulary for the whole API: RFC 9457 ``application/problem+json``.

Every error a client can see has a stable ``code``; nothing else (no stack trace, SQL, file
path or echoed input) ever leaves the server.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.logs import current_request_id

log = logging.getLogger("accord.errors")

PROBLEM_JSON = "application/problem+json"


class AppError(Exception):
    """Base of every error the API reports on purpose."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra or {}


class NotFound(AppError):
    status, code, title = 404, "not_found", "Not found"


class Forbidden(AppError):
    status, code, title = 403, "forbidden", "Forbidden"


class Unauthorized(AppError):
    status, code, title = 401, "unauthorized", "Authentication required"


class Conflict(AppError):
    status, code, title = 409, "conflict", "Conflict"


class PayloadTooLarge(AppError):
    status, code, title = 413, "payload_too_large", "Request body too large"


class ServiceUnavailable(AppError):
    status, code, title = 503, "service_unavailable", "Service unavailable"


# Codes for errors raised by the framework itself, keyed by HTTP status.
_HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    406: ("not_acceptable", "Not acceptable"),
    413: ("payload_too_large", "Request body too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    429: ("too_many_requests", "Too many requests"),
}


def problem_response(
    *,
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:accord:problem:{code}",
        "title": title,
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    request_id = current_request_id()
    if request_id:
        body["request_id"] = request_id
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Never echo "input" or "ctx": the rejected value may be a password or a token.
    return [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors()
    ]


async def _app_error(request: Request, exc: AppError) -> JSONResponse:
    return problem_response(
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        headers=exc.headers,
        extra=exc.extra,
    )


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    return problem_response(
        status=422,
        code="validation_failed",
        title="The request is not valid",
        extra={"errors": _validation_errors(exc)},
    )


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code, title = _HTTP_CODES.get(exc.status_code, ("http_error", "Request failed"))
    return problem_response(
        status=exc.status_code, code=code, title=title, headers=dict(exc.headers or {})
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The log carries the exception class and traceback, keyed by request id; the client
    # gets only the id to quote.
    log.error("unhandled error", exc_info=exc)
    return problem_response(status=500, code="internal_error", title="Internal server error")


async def _database_error(request: Request, exc: DBAPIError) -> JSONResponse:
    if not exc.connection_invalidated:
        raise exc  # any other database error is a 500 (_unexpected_error)
    # The connection died under the request (the database restarted, or closed it): the
    # pool has already renewed its connections, so the next request should succeed.
    log.warning("database connection lost", exc_info=exc)
    return problem_response(
        status=503,
        code=ServiceUnavailable.code,
        title=ServiceUnavailable.title,
        headers={"Retry-After": "1"},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)  # type: ignore[arg-type]
    app.add_exception_handler(DBAPIError, _database_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected_error)
    install_problem_schema(app)


# --- the error answers in the OpenAPI document ---------------------------------------------

PROBLEM_REF = "#/components/schemas/Problem"

# What problem_response sends, member by member; nothing else (additionalProperties: false),
# so the API fuzzer (tests/security/test_api_fuzz.py) fails on anything an error would leak.
PROBLEM_SCHEMAS: dict[str, dict[str, Any]] = {
    "Problem": {
        "title": "Problem",
        "description": "An error, as RFC 9457 problem details (application/problem+json). "
        "`code` says which one; clients show their own words for it, not `title`.",
        "type": "object",
        "properties": {
            "type": {
                "type": "string",
                "pattern": "^urn:accord:problem:[a-z0-9_]+$",
                "description": "urn:accord:problem:<code>",
            },
            "title": {"type": "string", "description": "A short English summary"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "code": {
                "type": "string",
                "pattern": "^[a-z0-9_]+$",
                "description": "Stable machine-readable code (operations list theirs)",
            },
            "detail": {"type": "string"},
            "request_id": {
                "type": "string",
                "description": "Quote it when reporting a problem: the server log has the rest",
            },
            "errors": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ProblemFieldError"},
                "description": "validation_failed only: what is wrong where",
            },
            "reason": {
                "type": "string",
                "description": "password_rejected only: too_short, too_long, too_common or "
                "too_guessable",
            },
        },
        "required": ["type", "title", "status", "code"],
        "additionalProperties": False,
    },
    "ProblemFieldError": {
        "title": "ProblemFieldError",
        "description": "One reason a request was not valid; the rejected value is never repeated",
        "type": "object",
        "properties": {
            "loc": {
                "type": "array",
                "items": {"type": "string"},
                "description": 'Where: ["body", "new_email"], ["query", "limit"], …',
            },
            "msg": {"type": "string"},
            "type": {
                "type": "string",
                "description": "What: missing, string_too_long, email_invalid, …",
            },
        },
        "required": ["loc", "msg", "type"],
        "additionalProperties": False,
    },
}
# Marks a response model that holds extension members of a problem (RFC 9457 §3.2), such as
# the current text of a 412 edit_conflict: documented as the problem members plus its own,
# under application/problem+json (document_problem_schema). Its members are optional, since
# the same status may carry a plain problem (version_mismatch beside edit_conflict).
PROBLEM_EXTENSION = "x-problem-extension"
# FastAPI's own 422 models, which no answer of this API has.
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _is_fastapi_validation(content: dict[str, Any]) -> bool:
    schema = content.get("application/json", {}).get("schema", {})
    return bool(schema.get("$ref") == "#/components/schemas/HTTPValidationError")


def _problem_extension(content: dict[str, Any] | None, schemas: dict[str, Any]) -> str | None:
    """The ``$ref`` of a response documented as JSON with a model marked PROBLEM_EXTENSION."""
    if not content or set(content) != {"application/json"}:
        return None
    ref = str(content["application/json"].get("schema", {}).get("$ref", ""))
    name = ref.rsplit("/", 1)[-1]
    return ref if ref and schemas.get(name, {}).get(PROBLEM_EXTENSION) else None


def _extended_problem(extension: dict[str, Any]) -> dict[str, Any]:
    problem = PROBLEM_SCHEMAS["Problem"]
    return {
        "title": extension.get("title", "Problem"),
        "description": extension.get("description", problem["description"]),
        "type": "object",
        "properties": {**problem["properties"], **extension.get("properties", {})},
        "required": problem["required"],
        "additionalProperties": False,
        PROBLEM_EXTENSION: True,
    }


def document_problem_schema(document: dict[str, Any]) -> dict[str, Any]:
    """Give every error answer in an OpenAPI ``document`` one schema, ``Problem``, under
    ``application/problem+json``: those documented without content or as problem+json, and
    FastAPI's default 422. Answers documented with a model marked PROBLEM_EXTENSION get that
    model, widened to the problem members, as problem+json. Answers documented with a model
    of their own (the readiness probe's 503 is its report, not a problem) keep it."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in PROBLEM_SCHEMAS.items():
        if name in schemas:
            raise RuntimeError(f"OpenAPI schema name {name!r} is taken: names must be unique")
        schemas[name] = schema
    extensions: set[str] = set()
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                if not str(status).startswith(("4", "5")):
                    continue
                content = response.get("content")
                extension = _problem_extension(content, schemas)
                if extension is not None:
                    response["content"] = {PROBLEM_JSON: {"schema": {"$ref": extension}}}
                    extensions.add(extension.rsplit("/", 1)[-1])
                elif (
                    content is None
                    or set(content) == {PROBLEM_JSON}
                    or _is_fastapi_validation(content)
                ):
                    response["content"] = {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}
    for name in extensions:
        schemas[name] = _extended_problem(schemas[name])
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        others = {key: value for key, value in schemas.items() if key != name}
        rest = {**document, "components": {**document["components"], "schemas": others}}
        if f'"#/components/schemas/{name}"' not in json.dumps(rest):
            schemas.pop(name, None)
    return document


def install_problem_schema(app: FastAPI) -> None:
    """Post-process the app's OpenAPI document with document_problem_schema, once."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problem_schema(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
