"""The committed schema (source of the generated TypeScript client) matches the server."""

from __future__ import annotations

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
