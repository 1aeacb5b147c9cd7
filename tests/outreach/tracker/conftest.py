"""The appeals tests' people and an appeal open for signing (tests/signatories/conftest.py)."""

from __future__ import annotations

from tests.signatories.conftest import browse, cast, clock, signing

__all__ = ["browse", "cast", "clock", "signing"]
