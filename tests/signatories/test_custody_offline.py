"""Opening sealed identities offline (``accord custody open``): k custodians' key files on
one machine, the same checks as in the browser."""

from __future__ import annotations

import uuid

import pytest

from app.kit.crypto import generate_sealing_keypair, read_key_file, write_key_file
from app.signatories.unsealing import CustodyRefused, open_offline
from tests.signatories.test_signing import WITHHELD_NAME, sign


async def test_two_key_files_open_the_withheld_names_one_does_not(  # type: ignore[no-untyped-def]
    cast, signing, session
) -> None:
    assert (
        await sign(cast["c_member"], signing, tier="withheld", name=WITHHELD_NAME, line="Poet")
    ).status_code == 201
    assert (await sign(cast["b_member"], signing, name="Printed Person")).status_code == 201
    appeal_id = uuid.UUID(signing["appeal_id"])
    # The custodians' key files, as their browsers wrote them, read back with the passphrase.
    files = {
        who: write_key_file(cast.custody_keys[who], f"passphrase of {who}", iterations=600_000)
        for who in ("a_rep", "b_rep")
    }
    keys = [read_key_file(files[who], f"passphrase of {who}")[0] for who in ("a_rep", "b_rep")]
    opened = await open_offline(session, appeal_id=appeal_id, custodian_keys=keys)
    assert [(o.tier, o.identity["name"], o.identity.get("line")) for o in opened] == [
        ("withheld", WITHHELD_NAME, "Poet")
    ]
    with pytest.raises(CustodyRefused, match="2 custodians' key files are needed"):
        await open_offline(session, appeal_id=appeal_id, custodian_keys=keys[:1])
    stranger = generate_sealing_keypair()[0]
    with pytest.raises(CustodyRefused, match="not the key of any custodian"):
        await open_offline(session, appeal_id=appeal_id, custodian_keys=[keys[0], stranger])
