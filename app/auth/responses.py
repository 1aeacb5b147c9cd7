"""The two answers auth routers build by hand instead of returning a schema."""

from __future__ import annotations

from datetime import datetime

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.auth.cookies import set_session_cookie
from app.auth.sessions.service import IssuedSession, seconds_left
from app.errors import AppError, problem_response


def refusal_response(refusal: AppError) -> JSONResponse:
    """A refusal answered rather than raised: raising would roll back the unit of work, and
    what the failed attempt must leave behind (a throttle count, a used-up challenge, its
    audit event) is committed only with a normal response."""
    return problem_response(
        status=refusal.status, code=refusal.code, title=refusal.title, headers=refusal.headers
    )


def with_session_cookie(body: BaseModel, issued: IssuedSession, *, now: datetime) -> JSONResponse:
    """``body`` with the cookie of a newly issued session (sign-in, elevation, rotation); the
    body carries the session's new CSRF token."""
    response = JSONResponse(body.model_dump(mode="json"))
    set_session_cookie(response, issued.token, max_age=seconds_left(issued.record, now))
    return response
