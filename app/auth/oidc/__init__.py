"""OpenID Connect single sign-on (optional), the client side: Authlib and joserfc.

It signs in accounts that already exist (created by invitation), matched on the email the
provider says it has *verified*; it never creates an account. The flow is the
authorization-code flow with PKCE (S256), a nonce and a state, the state bound to the
browser that started the flow.

Single sign-on is the first factor only: a user with a second factor still proves it, and
a privileged user without one must enrol, exactly as after a password.

Nothing here logs or stores tokens, codes or emails, and the browser never sees the
provider's error text — only one of three stable codes.

Modules: ``client`` (the provider: discovery, keys, code exchange, ID token validation,
userinfo),
``service`` (start and finish a sign-in; which accounts are linked, and unlinking one),
``errors``.
"""

from app.auth.oidc.client import OidcClient, ProviderMetadata, new_client, oidc_configured
from app.auth.oidc.errors import SSO_FAILED, SSO_NO_ACCOUNT, SSO_UNAVAILABLE, SignInRefused
from app.auth.oidc.service import (
    CHALLENGE_TTL,
    OidcSignIn,
    Started,
    callback_url,
    finish_sign_in,
    linked_user_ids,
    start_sign_in,
    unlink_identities,
)

__all__ = [
    "CHALLENGE_TTL",
    "SSO_FAILED",
    "SSO_NO_ACCOUNT",
    "SSO_UNAVAILABLE",
    "OidcClient",
    "OidcSignIn",
    "ProviderMetadata",
    "SignInRefused",
    "Started",
    "callback_url",
    "finish_sign_in",
    "linked_user_ids",
    "new_client",
    "oidc_configured",
    "start_sign_in",
    "unlink_identities",
]
