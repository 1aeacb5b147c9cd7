"""Optimistic concurrency over HTTP: an edit names the version it read (If-Match)."""

from __future__ import annotations

from typing import Any, Protocol

from app.errors import AppError


class Versioned(Protocol):
    """A row with a version counter that every UPDATE bumps and compares in its WHERE
    clause (SQLAlchemy ``version_id_col``)."""

    @property
    def version(self) -> int: ...


# Documentation of the refusals of check_if_match, for a route's ``responses``.
IF_MATCH_REFUSALS: dict[int | str, dict[str, Any]] = {
    412: {"description": "version_mismatch: changed since the caller read it"},
    428: {"description": "if_match_required"},
}


def row_etag(row: Versioned | None) -> str:
    """A strong ETag of a row: its version; ``"0"`` for a row not made yet (an edit that
    creates it names that)."""
    return f'"{row.version if row is not None else 0}"'


class PreconditionRequired(AppError):
    status, code, title = 428, "if_match_required", "Send If-Match with the ETag you last read"


class PreconditionFailed(AppError):
    status, code, title = (
        412,
        "version_mismatch",
        "Someone changed this since you read it; reload and try again",
    )


def check_if_match(if_match: str | None, current: str) -> None:
    """428 without If-Match, 412 when none of the listed ETags is the current one."""
    if not if_match:
        raise PreconditionRequired()
    offered = [tag.strip() for tag in if_match.split(",")]
    if current not in offered:
        raise PreconditionFailed()
