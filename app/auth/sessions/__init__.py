"""Sessions: signing in and out, the session cookie, listing and revoking sessions.

Modules: ``router`` (HTTP), ``service`` (open, rotate, elevate, revoke), ``signin``
(password sign-in behind the attempt throttle).
"""
