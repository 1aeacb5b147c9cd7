"""The session cookie, set and cleared in one place."""

from __future__ import annotations

from fastapi import Response

from app.auth.sessions import COOKIE_NAME


def set_session_cookie(response: Response, token: str, *, max_age: int) -> None:
    # __Host- prefix: Secure, Path=/, no Domain, so no other host can plant or read it.
    # Browsers accept Secure cookies from http://localhost, which development relies on.
    response.set_cookie(
        COOKIE_NAME, token, max_age=max_age, path="/", secure=True, httponly=True, samesite="strict"
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE_NAME, path="/", secure=True, httponly=True, samesite="strict")
