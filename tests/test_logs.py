"""Development logs are short lines for a person; production logs are JSON lines."""

from __future__ import annotations

import json
import logging
import re

from app.config import Environment, LogSettings
from app.logs import JsonFormatter, TextFormatter


def _record(name: str, message: str, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord(name, logging.INFO, __file__, 1, message, None, None)
    record.__dict__.update(extra)
    return record


def test_a_request_is_one_short_line() -> None:
    line = TextFormatter().format(
        _record(
            "accord.access", "request", method="GET", route="/api/x", status=200, duration_ms=3.5
        )
    )
    assert re.fullmatch(r"\d\d:\d\d:\d\d GET /api/x 200 3\.5 ms", line)


def test_an_error_names_its_class_and_frames_never_its_message() -> None:
    secret = "-".join(("canary", "secret", "in", "message"))  # not in any source line
    try:
        raise ValueError(secret)
    except ValueError:
        import sys

        record = logging.LogRecord(
            "accord.error", logging.ERROR, __file__, 1, "unhandled error", None, sys.exc_info()
        )
    line = TextFormatter().format(record)
    assert line.splitlines()[0].endswith("error accord.error: unhandled error [ValueError]")
    assert secret not in line
    assert secret not in JsonFormatter().format(record)


def test_text_in_development_json_elsewhere_unless_chosen() -> None:
    auto = LogSettings()
    assert auto.text_for(Environment.DEVELOPMENT)
    assert not auto.text_for(Environment.PRODUCTION)
    assert not auto.text_for(Environment.TEST)
    assert not LogSettings(format="json").text_for(Environment.DEVELOPMENT)
    assert LogSettings(format="text").text_for(Environment.PRODUCTION)
    json.loads(JsonFormatter().format(_record("accord.access", "request", status=200)))


async def test_the_access_log_names_routes_and_mounts_never_raw_paths(client, caplog) -> None:  # type: ignore[no-untyped-def]
    """A request is logged by its route's template; a built asset by its mount (FastAPI
    records no route for a mount), not as "unmatched"; never the path as typed."""
    caplog.set_level(logging.INFO, logger="accord.access")
    await client.get("/assets/index-not-built-here.js")
    await client.get("/api/organizations/0b5e7c2a-5d7e-4d2b-9a51-3c8e2f6a1b00")
    await client.get("/healthz")
    routes = [record.route for record in caplog.records if record.name == "accord.access"]
    assert routes[0] == "/assets/*"
    # With the prefix its router was included under (FastAPI 0.165 hands it over without).
    assert routes[1] == "/api/organizations/{organization_id}"
    assert routes[2] == "/healthz"  # a root router's route keeps its own template
    assert "0b5e7c2a" not in " ".join(routes)
