"""Structured JSON logs that carry a request id and nothing personal.

Log lines name events and ids, never values: no emails, names, tokens, passwords, IP
addresses or request bodies. ``tests/security/test_log_canaries.py`` plants canary values
and checks none of them reaches the log.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

_request_id: ContextVar[str | None] = ContextVar("accord_request_id", default=None)

# Extra fields a log call may attach (logger.info("...", extra={...})); anything else is
# dropped, so a careless extra={"email": ...} cannot leak.
ALLOWED_EXTRA = frozenset(
    {
        "method",
        "route",
        "status",
        "duration_ms",
        "event",
        "count",
        "version",
        "table",
        "column",
        "rows",
        "action",
        "outcome",
    }
)


def current_request_id() -> str | None:
    return _request_id.get()


def set_request_id(value: str | None) -> Any:
    return _request_id.set(value)


def reset_request_id(token: Any) -> None:
    _request_id.reset(token)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        for key in ALLOWED_EXTRA:
            if key in record.__dict__:
                entry[key] = record.__dict__[key]
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
            # Frames only: the exception message may embed values (SQL parameters, input).
            entry["trace"] = "".join(traceback.format_tb(record.exc_info[2]))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """One short line per event for a person at a terminal (development): the time, a
    request as ``GET /api/route 200 3 ms``, anything else as ``level logger: message``.
    The same fields as the JSON lines, so the same nothing-personal rule holds."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%S")
        fields = record.__dict__
        if record.name == "accord.access" and "status" in fields:
            line = (
                f"{moment} {fields.get('method')} {fields.get('route')} {fields.get('status')}"
                f" {fields.get('duration_ms')} ms"
            )
        else:
            line = f"{moment} {record.levelname.lower()} {record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[0] is not None:
            # Frames only: the exception message may embed values (SQL parameters, input).
            line += f" [{record.exc_info[0].__name__}]\n" + "".join(
                traceback.format_tb(record.exc_info[2])
            )
        return line


_FORMATTERS = (JsonFormatter, TextFormatter)


def configure_logging(level: str = "INFO", *, text: bool = False) -> None:
    """JSON lines (production, and wherever logs are collected), or short text lines for a
    terminal (``text``: development)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(TextFormatter() if text else JsonFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing.formatter, _FORMATTERS):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # SQL statements are logged only with ACCORD_DATABASE__ECHO=true (create_engine's echo):
    # at INFO they were nine of ten log lines and a fifth of a request's cost. Drivers log
    # parameters at DEBUG (ciphertexts, MACs), around hide_parameters: never.
    for name in ("aiosqlite", "asyncpg", "sqlalchemy.engine"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    # Uvicorn's own access log prints client addresses and raw paths; ours replaces it.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
