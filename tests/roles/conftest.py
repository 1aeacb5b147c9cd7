"""Fixtures shared with the other administration suites (tests/support/admin_session.py)."""

from tests.support.admin_session import admin, browse, clock, signed_in_admin

__all__ = ["admin", "browse", "clock", "signed_in_admin"]
