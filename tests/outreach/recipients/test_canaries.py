"""What a coordinator types about a recipient — name, addressee, salutation, email, postal
address, tags, a group's name — is not in a raw copy of the database (the SQLite file with
its WAL, or a pg_dump): planted through the API of a real server, added and imported."""

from __future__ import annotations

import uuid

import httpx

from tests.appeals.test_concurrency import World
from tests.security.test_canaries_at_rest import _raw_copy
from tests.support.canaries import encodings


async def test_no_recipient_canary_in_a_raw_copy(two_servers, fresh_database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:10]
    canaries = {
        "name": f"Canaryname Ministry {tag}",
        "addressee": f"Canaryaddressee Minister {tag}",
        "salutation": f"Dear Canarysalutation {tag},",
        "email": f"canary-{tag}@example.org",
        "postal": f"Canarystreet {tag}",
        "tag": f"canarytag{tag}",
        "group": f"Canarygroup {tag}",
        "imported": f"Canaryimported Кириллица {tag}",
        "imported_email": f"imported-{tag}@example.org",
    }
    world = await World(fresh_database_url, two_servers).build()
    async with httpx.AsyncClient(timeout=60) as http:
        made = await world.call(
            http,
            "coordinator",
            "POST",
            "/api/recipients",
            json={
                "kind": "ministry",
                "country": "LT",
                "language": "lt",
                "name": canaries["name"],
                "addressee": canaries["addressee"] + "\nRepublic of Lithuania",
                "salutation": canaries["salutation"],
                "email": canaries["email"],
                "postal_address": canaries["postal"] + "\nVilnius",
                "tags": [canaries["tag"]],
            },
        )
        assert made.status_code == 201, made.text
        csv = (
            "kind,country,language,name,email,addressee,group\n"
            f"official,BY,be,{canaries['imported']},{canaries['imported_email']},"
            f"Official / Minsk,{canaries['group']}\n"
        )
        imported = await world.call(
            http, "coordinator", "POST", "/api/recipients/import", json={"csv": csv}
        )
        assert imported.status_code == 200, imported.text
        # The values are there, for a coordinator.
        listed = await world.call(http, "coordinator", "GET", "/api/recipients")
        assert canaries["imported"] in listed.text and canaries["email"] in listed.text
    dump = _raw_copy(fresh_database_url, tmp_path)
    assert len(dump) > 1000
    found = [
        (name, encoded)
        for name, value in canaries.items()
        for encoded in encodings(value)
        if encoded in dump
    ]
    assert found == []
    assert tag.encode() not in dump
