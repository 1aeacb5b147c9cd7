"""CSV import as a coordinator sees it: a row-by-row report, all rows or none."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.models.audit import AuditEvent
from app.outreach.recipients import csv_import
from tests.outreach.recipients.conftest import create, fixture_csv, listed

HEADER = "kind,country,language,name,addressee,salutation,email,postal_address,tags,group\n"


def _row(name: str, *, country: str = "FR", email: str = "", group: str = "") -> str:
    return f"ministry,{country},fr,{name},Minister / of Things,,{email},,EU,{group}\n"


async def _import(client, text: str, *, dry_run: bool = False):  # type: ignore[no-untyped-def]
    return await client.post(
        "/api/recipients/import", params={"dry_run": str(dry_run).lower()}, json={"csv": text}
    )


async def test_the_fixture_imports_whole_with_groups_made_on_the_way(cast, session) -> None:  # type: ignore[no-untyped-def]
    coordinator = cast["coordinator"]
    answer = await _import(coordinator, fixture_csv())
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["stored"], report["rows"], report["created"]) == (True, 7, 7)
    assert report["groups_created"] == 2 and report["problems"] == []
    items = await listed(coordinator)
    denmark = next(r for r in items if r["country"] == "DK")
    assert denmark["addressee"] == "The Honorable Mette Frederiksen\nPrime Minister of Denmark"
    assert denmark["postal_address"].splitlines()[-1] == "1216 Copenhagen K"
    assert denmark["tags"] == ["EU", "Nordic"]
    lithuania = next(r for r in items if r["kind"] == "ministry" and r["country"] == "LT")
    assert lithuania["addressee"].splitlines() == [
        "Minister of Foreign Affairs",
        "of the Republic of Lithuania",
    ]
    assert any(r["name"] == "Пасольства ў Вільні — консульскі аддзел" for r in items)
    un = next(r for r in items if r["kind"] == "international_organization")
    assert un["country"] is None
    groups = (await coordinator.get("/api/recipient-groups")).json()["items"]
    assert {g["name"]: g["member_count"] for g in groups} == {
        "EU foreign ministers": 2,
        "EU heads of government": 1,
    }
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "recipients.imported"))
    ).all()
    assert [json.loads(e.details_json) for e in events] == [{"rows": 7, "groups_created": 2}]


async def test_a_bad_row_in_the_middle_stores_nothing_and_is_reported(cast) -> None:  # type: ignore[no-untyped-def]
    coordinator = cast["coordinator"]
    text = (
        HEADER
        + _row("France — Foreign Ministry", group="New group")
        + _row("Nowhere — Ministry", country="QQ", email="not-an-address")
        + _row("Spain — Foreign Ministry", country="ES")
    )
    answer = await _import(coordinator, text)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["code"] == "import_invalid"
    report = problem["report"]
    assert report["stored"] is False
    assert sorted((p["row"], p["column"]) for p in report["problems"]) == [
        (3, "country"),
        (3, "email"),
    ]
    # The report names what is wrong, never the value.
    assert "QQ" not in answer.text and "not-an-address" not in answer.text
    assert await listed(coordinator, state="all") == []
    assert (await coordinator.get("/api/recipient-groups")).json()["items"] == []


async def test_a_dry_run_reports_and_stores_nothing(cast) -> None:  # type: ignore[no-untyped-def]
    coordinator = cast["coordinator"]
    good = await _import(coordinator, fixture_csv(), dry_run=True)
    assert good.status_code == 200
    assert (good.json()["dry_run"], good.json()["stored"], good.json()["rows"]) == (True, False, 7)
    assert len(good.json()["preview"]) == 7
    bad = await _import(coordinator, HEADER + _row("x", country="QQ"), dry_run=True)
    assert bad.status_code == 200
    assert [p["code"] for p in bad.json()["problems"]] == ["value_error"]
    assert await listed(coordinator, state="all") == []


async def test_duplicates_in_the_file_and_in_the_registry(cast) -> None:  # type: ignore[no-untyped-def]
    coordinator = cast["coordinator"]
    await create(coordinator)  # Denmark — Prime Minister, a government of DK
    text = (
        HEADER
        + _row("France — Foreign Ministry")
        + _row("FRANCE — foreign ministry")
        + "government,dk,da,denmark — prime minister,PM / of Denmark,,,,,\n"
    )
    report = (await _import(coordinator, text)).json()["report"]
    assert [(p["row"], p["code"]) for p in report["problems"]] == [
        (3, "duplicate_in_file"),
        (4, "duplicate_in_registry"),
    ]
    assert len(await listed(coordinator)) == 1


async def test_the_same_file_twice_is_refused_the_second_time(cast) -> None:  # type: ignore[no-untyped-def]
    coordinator = cast["coordinator"]
    assert (await _import(coordinator, fixture_csv())).status_code == 200
    again = await _import(coordinator, fixture_csv())
    assert again.status_code == 422
    codes = {p["code"] for p in again.json()["report"]["problems"]}
    assert codes == {"duplicate_in_registry"}
    assert len(await listed(coordinator)) == 7


async def test_headers_and_shapes_that_are_wrong(cast) -> None:  # type: ignore[no-untyped-def]
    coordinator = cast["coordinator"]
    cases = {
        "": "header_missing",
        "kind,country,name\n": "column_missing",
        HEADER.strip() + ",secret\n": "column_unknown",
        HEADER + "ministry,FR\n": "row_width",
        HEADER: "rows_missing",
        HEADER + 'ministry,FR,fr,"unclosed\n': "row_unreadable",
    }
    for text, code in cases.items():
        answer = await _import(coordinator, text)
        assert answer.status_code == 422, (text, answer.text)
        assert code in [p["code"] for p in answer.json()["report"]["problems"]], (text, answer.text)


async def test_oversize_files_are_refused_with_413(cast) -> None:  # type: ignore[no-untyped-def]
    coordinator = cast["coordinator"]
    rows = "".join(_row(f"Ministry {n}") for n in range(csv_import.MAX_ROWS + 1))
    too_many = await _import(coordinator, HEADER + rows)
    assert too_many.status_code == 413, too_many.text[:200]
    assert too_many.json()["code"] == "import_too_large"
    too_big = await _import(coordinator, HEADER + "x" * (csv_import.MAX_BYTES + 1))
    assert too_big.status_code == 413
    assert await listed(coordinator, state="all") == []


def test_the_parser_reads_bom_quoted_newlines_and_tags() -> None:
    text = (
        "\ufeff" + HEADER + 'official,BY,be,"Name, with comma","Line one\nLine two",,,,a; b ;a,\n'
    )
    parsed = csv_import.parse(text)
    assert parsed.problems == []
    (row,) = parsed.rows
    assert row.row == 2
    assert row.recipient.addressee == "Line one\nLine two"
    assert row.recipient.tags == ["a", "b"]
    assert row.recipient.name == "Name, with comma"
