"""The committed schema (source of the generated TypeScript client) matches the server."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI
from pydantic import create_model

from app.migrate import ROOT
from app.openapi import export_openapi


def test_committed_openapi_schema_is_fresh() -> None:
    committed = (ROOT / "frontend" / "openapi.json").read_text()
    assert committed == export_openapi(), "frontend/openapi.json is stale: run `make openapi`"


def test_export_needs_no_keys_or_database(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ACCORD_ENV", "production")  # would refuse to start a server
    schema = export_openapi()
    assert '"/readyz"' in schema
    assert list(tmp_path.iterdir()) == []  # nothing written: no keys, no database


# FastAPI names a schema after its module (app__auth__schemas__X) when two models share a
# class name, and pydantic names an unsubclassed generic Page[X] "Page_X_": either reaches
# the generated client as an unreadable type name.
PLAIN_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")


def unqualified_names_problems(schema: dict[str, Any]) -> list[str]:
    return [name for name in schema["components"]["schemas"] if not PLAIN_NAME.fullmatch(name)]


def test_every_schema_name_is_plain_and_unique() -> None:
    schema = json.loads(export_openapi())
    assert unqualified_names_problems(schema) == []


def test_a_clash_of_two_schema_names_is_caught() -> None:
    first = create_model("MembershipRead", __module__="first", role=(str, ...))
    second = create_model("MembershipRead", __module__="second", id=(int, ...))
    app = FastAPI()
    app.get("/a", response_model=first)(lambda: None)
    app.get("/b", response_model=second)(lambda: None)
    assert len(unqualified_names_problems(app.openapi())) == 2
