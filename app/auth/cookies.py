"""The cookies of signing in, set and cleared in one place: the session cookie, and the
cookie that binds a single sign-on flow to the browser that started it."""

from __future__ import annotations

from typing import Literal

from fastapi import Response

from app.auth.sessions.service import COOKIE_NAME

# Binds a single sign-on flow to the browser that started it. SameSite=Lax, not Strict: it
# must come back on the provider's top-level redirect to the callback, which is a
# cross-site navigation.
OIDC_BROWSER_COOKIE = "__Host-accord_oidc"

SameSite = Literal["strict", "lax"]


def _set_host_cookie(
    response: Response, name: str, value: str, *, max_age: int, samesite: SameSite
) -> None:
    # __Host- prefix: Secure, Path=/, no Domain, so no other host can plant or read it.
    # Browsers accept Secure cookies from http://localhost, which development relies on.
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=True, httponly=True, samesite=samesite
    )


def _clear_host_cookie(response: Response, name: str, *, samesite: SameSite) -> None:
    response.delete_cookie(name, path="/", secure=True, httponly=True, samesite=samesite)


def set_session_cookie(response: Response, token: str, *, max_age: int) -> None:
    _set_host_cookie(response, COOKIE_NAME, token, max_age=max_age, samesite="strict")


def clear_session_cookie(response: Response) -> None:
    _clear_host_cookie(response, COOKIE_NAME, samesite="strict")


def set_oidc_browser_cookie(response: Response, token: str, *, max_age: int) -> None:
    _set_host_cookie(response, OIDC_BROWSER_COOKIE, token, max_age=max_age, samesite="lax")


def clear_oidc_browser_cookie(response: Response) -> None:
    _clear_host_cookie(response, OIDC_BROWSER_COOKIE, samesite="lax")
