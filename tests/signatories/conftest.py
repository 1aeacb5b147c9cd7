"""The appeals tests' people (tests/appeals/conftest.py), and an appeal open for signing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.appeals.conftest import (
    Cast,
    approve_all,
    browse,
    cast,
    clock,
    open_for_signing,
    start_appeal,
    transition,
    with_co_author,
)

__all__ = ["browse", "cast", "clock"]


async def approved_appeal(cast: Cast) -> dict[str, Any]:
    appeal = await start_appeal(cast)
    await with_co_author(cast, appeal["id"])
    assert (
        await transition(cast, "a_member", appeal["id"], "submit_for_review")
    ).status_code == 200
    await approve_all(cast, appeal["id"])
    return appeal


@pytest.fixture
async def signing(cast: Cast) -> dict[str, Any]:
    """An appeal of A and B, open for signatures with window(): the signing view."""
    appeal = await approved_appeal(cast)
    opened = await open_for_signing(cast, appeal["id"])
    assert opened.status_code == 201, opened.text
    return opened.json()
