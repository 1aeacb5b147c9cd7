"""How a single sign-on is refused: a stable code for the browser, a reason for the audit
log. Nothing the provider said is passed on."""

from __future__ import annotations

from app.models.users import User

# What the browser is told (/sign-in?error=<code>); stable, documented for the UI.
SSO_UNAVAILABLE = "sso_unavailable"
SSO_NO_ACCOUNT = "sso_no_account"
SSO_FAILED = "sso_failed"


class SignInRefused(Exception):
    """A refused single sign-on: ``code`` goes to the browser, ``reason`` to the audit log."""

    def __init__(self, code: str, reason: str, *, user: User | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.user = user
