"""Optimistic concurrency over HTTP: an edit names the version it read (If-Match)."""

from __future__ import annotations

from app.errors import AppError


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
