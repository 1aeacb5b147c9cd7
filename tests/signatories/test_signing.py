"""Signing an open appeal over HTTP: who may sign how, tiers, one signature each, the second
officer, withdrawal, receipts, counts, re-consent, and the end of signing."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import select, update

from app.jobs.runner import JobContext
from app.kit.crypto import open_sealed
from app.kit.crypto.shamir import combine
from app.models.audit import AuditEvent
from app.models.memberships import Organization
from app.models.signatories import AppealCustodian, Signature, SigningWindow
from app.signatories import custody
from app.signatories.service import IDENTITY_INFO, identity_aad, signing_deadlines
from tests.appeals.conftest import open_for_signing, read_text, save, transition
from tests.signatories.conftest import approved_appeal
from tests.support.people import add_member, make_person

WITHHELD_NAME = "Ales Canary-Withheld"


async def sign(client: httpx.AsyncClient, signing: dict[str, Any], **body: Any) -> httpx.Response:
    payload = {
        "kind": "member",
        "tier": "public",
        "name": "Someone Signing",
        "revision_sha256": signing["revision_sha256"],
        **body,
    }
    return await client.post(f"/api/appeals/{signing['appeal_id']}/signatures", json=payload)


async def view(client: httpx.AsyncClient, signing: dict[str, Any]) -> dict[str, Any]:
    response = await client.get(f"/api/appeals/{signing['appeal_id']}/signing")
    assert response.status_code == 200, response.text
    return response.json()


async def public_names(client: httpx.AsyncClient, signing: dict[str, Any]) -> list[str]:
    response = await client.get(f"/api/appeals/{signing['appeal_id']}/signatures")
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


class TestOpening:
    async def test_the_window_says_what_signers_may_do(self, cast, signing) -> None:  # type: ignore[no-untyped-def]
        assert signing["state"] == "open" and signing["open"] is True
        assert signing["window"]["custodians"] == 3
        assert signing["window"]["custody_threshold"] == 2
        assert [b["kind"] for b in signing["blocks"]][:2] == ["title", "salutation"]
        kinds = {
            (o["kind"], o["organization_id"])
            for o in (await view(cast["a_rep"], signing))["can_sign"]
        }
        assert kinds == {("member", None), ("organization", str(cast.org_a.id))}

    async def test_custodians_must_hold_keys_and_come_from_two_organizations(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await approved_appeal(cast)
        same_org = [
            {"user_id": str(cast.people["a_rep"].id), "organization_id": str(cast.org_a.id)},
            {"user_id": str(cast.people["a_member"].id), "organization_id": str(cast.org_a.id)},
        ]
        refused = await open_for_signing(cast, appeal["id"], custodians=same_org)
        assert refused.status_code == 422
        assert refused.json()["code"] == "custodians_invalid"
        keyless = [
            {"user_id": str(cast.people["a_rep"].id), "organization_id": str(cast.org_a.id)},
            {"user_id": str(cast.people["c_rep"].id), "organization_id": str(cast.org_c.id)},
        ]
        refused = await open_for_signing(cast, appeal["id"], custodians=keyless)
        assert refused.status_code == 422
        assert "custody key" in refused.json()["detail"]
        wrong_org = [
            {"user_id": str(cast.people["a_rep"].id), "organization_id": str(cast.org_b.id)},
            {"user_id": str(cast.people["b_rep"].id), "organization_id": str(cast.org_b.id)},
        ]
        refused = await open_for_signing(cast, appeal["id"], custodians=wrong_org)
        assert refused.status_code == 422
        too_high = await open_for_signing(cast, appeal["id"], threshold=4)
        assert too_high.status_code == 422
        past = await open_for_signing(
            cast, appeal["id"], closes_at=(cast.now - timedelta(days=1)).isoformat()
        )
        assert past.status_code == 422
        assert past.json()["code"] == "signing_window_invalid"
        still = (await cast["a_rep"].get(f"/api/appeals/{appeal['id']}")).json()
        assert still["state"] == "approved"

    async def test_only_a_coordinator_opens_and_only_once(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await approved_appeal(cast)
        await open_for_signing(cast, appeal["id"])  # registers the custodians' keys
        response = await cast["a_rep"].post(
            f"/api/appeals/{appeal['id']}/signing",
            json={
                "closes_at": (cast.now + timedelta(days=3)).isoformat(),
                "tiers": ["public"],
                "allow_organizations": True,
                "allow_members": True,
                "custodians": [
                    {
                        "user_id": str(cast.people["a_rep"].id),
                        "organization_id": str(cast.org_a.id),
                    },
                    {
                        "user_id": str(cast.people["b_rep"].id),
                        "organization_id": str(cast.org_b.id),
                    },
                ],
                "threshold": 2,
            },
        )
        assert response.status_code == 403
        again = await open_for_signing(cast, appeal["id"])
        assert again.status_code == 409
        assert again.json()["code"] == "signing_window_exists"

    async def test_k_custodians_recover_the_key_and_open_a_withheld_identity(  # type: ignore[no-untyped-def]
        self, cast, signing, session
    ) -> None:
        signed = await sign(cast["c_member"], signing, tier="withheld", name=WITHHELD_NAME)
        assert signed.status_code == 201, signed.text
        appeal_id = uuid.UUID(signing["appeal_id"])
        window = (
            await session.scalars(select(SigningWindow).where(SigningWindow.appeal_id == appeal_id))
        ).one()
        custodians = {
            c.user_id: c
            for c in (
                await session.scalars(
                    select(AppealCustodian).where(AppealCustodian.appeal_id == appeal_id)
                )
            ).all()
        }
        shares = []
        for who in ("a_rep", "b_rep"):
            user_id = cast.people[who].id
            shares.append(
                open_sealed(
                    cast.custody_keys[who],
                    custodians[user_id].share_sealed,
                    info=custody.SHARE_INFO,
                    aad=custody.share_aad(appeal_id, user_id),
                )
            )
        private = combine(shares)
        derived = X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()
        assert derived == window.custody_public_key
        row = (
            await session.scalars(select(Signature).where(Signature.appeal_id == appeal_id))
        ).one()
        assert row.public_name is None and row.public_line is None
        identity = json.loads(
            open_sealed(
                private,
                row.sealed_identity,
                info=IDENTITY_INFO,
                aad=identity_aad(appeal_id, row.id),
            )
        )
        assert identity["name"] == WITHHELD_NAME
        # One custodian alone cannot: the server never held the private key.
        assert WITHHELD_NAME.encode() not in repr(row.__dict__).encode()


class TestSigning:
    async def test_a_public_signature_is_printed_a_withheld_one_only_counted(  # type: ignore[no-untyped-def]
        self, cast, signing
    ) -> None:
        printed = await sign(cast["a_member"], signing, name="Ala Public", line="Journalist")
        assert printed.status_code == 201, printed.text
        assert len(printed.json()["receipt_code"]) == 24
        hidden = await sign(cast["b_member"], signing, tier="withheld", name=WITHHELD_NAME)
        assert hidden.status_code == 201, hidden.text
        assert await public_names(cast["c_member"], signing) == ["Ala Public"]
        counts = (await view(cast["a_rep"], signing))["counts"]
        assert counts["exact"] is True
        assert counts["total"] == 2 and counts["people"] == 2
        assert counts["by_tier"] == {"public": 1, "withheld": 1, "counted": 0}
        # Outside the writers, small numbers are not shown.
        outside = (await view(cast["c_member"], signing))["counts"]
        assert outside["exact"] is False and outside["total"] is None

    async def test_one_signature_per_person(self, cast, signing) -> None:  # type: ignore[no-untyped-def]
        assert (await sign(cast["c_member"], signing)).status_code == 201
        again = await sign(cast["c_member"], signing, tier="counted")
        assert again.status_code == 409
        assert again.json()["code"] == "already_signed"
        assert (await view(cast["a_rep"], signing))["counts"]["total"] == 1

    async def test_an_organization_signs_once_with_its_mandate(self, cast, signing) -> None:  # type: ignore[no-untyped-def]
        body = {
            "kind": "organization",
            "organization_id": str(cast.org_c.id),
            "name": "Outside Group",
            "mandate": {"resolved_on": "2026-11-20", "reference": "Board minutes 14/2026"},
        }
        signed = await sign(cast["c_rep"], signing, **body)
        assert signed.status_code == 201, signed.text
        assert signed.json()["signature"]["status"] == "counted"
        again = await sign(cast["c_rep"], signing, **body)
        assert again.json()["code"] == "already_signed"
        member_try = await sign(cast["c_member"], signing, **body)
        assert member_try.status_code == 403
        assert member_try.json()["code"] == "permission_denied"
        assert (await view(cast["a_rep"], signing))["counts"]["organizations"] == 1

    async def test_signing_binds_to_the_text_read_and_the_tiers_offered(  # type: ignore[no-untyped-def]
        self, cast
    ) -> None:
        appeal = await approved_appeal(cast)
        opened = await open_for_signing(cast, appeal["id"], tiers=["public"], allow_members=True)
        signing = opened.json()
        stale = await sign(cast["c_member"], signing, revision_sha256="0" * 64)
        assert stale.status_code == 409 and stale.json()["code"] == "text_changed"
        hidden = await sign(cast["c_member"], signing, tier="withheld")
        assert hidden.status_code == 422 and hidden.json()["code"] == "tier_not_allowed"

    async def test_someone_outside_every_organization_sees_nothing(self, cast, signing) -> None:  # type: ignore[no-untyped-def]
        for who in ("admin",):
            response = await cast[who].get(f"/api/appeals/{signing['appeal_id']}/signing")
            assert response.status_code == 404
            assert (await sign(cast[who], signing)).status_code == 404
            assert (await cast[who].get("/api/signing")).json()["items"] == []
        listed = (await cast["c_member"].get("/api/signing")).json()["items"]
        assert [item["appeal_id"] for item in listed] == [signing["appeal_id"]]


class TestSecondOfficer:
    async def test_two_officers_one_asks_another_confirms(
        self, cast, signing, session, browse
    ) -> None:  # type: ignore[no-untyped-def]
        await session.execute(
            update(Organization)
            .where(Organization.id == cast.org_c.id)
            .values(signing_two_officers=True)
        )
        await session.commit()
        body = {
            "kind": "organization",
            "organization_id": str(cast.org_c.id),
            "name": "Outside Group",
        }
        asked = await sign(cast["c_rep"], signing, **body)
        assert asked.status_code == 201, asked.text
        pending = asked.json()["signature"]
        assert pending["status"] == "pending_second_officer"
        assert (await view(cast["a_rep"], signing))["counts"]["total"] == 0
        confirm_url = f"/api/appeals/{signing['appeal_id']}/signatures/{pending['id']}/confirm"
        myself = await cast["c_rep"].post(confirm_url)
        assert myself.status_code == 409 and myself.json()["code"] == "second_officer_required"
        member = await cast["c_member"].post(confirm_url)
        assert member.status_code == 404
        # The member sees their organization's signature, named, but may not act on it.
        [seen] = (await view(cast["c_member"], signing))["mine"]
        assert (seen["organization_name"], seen["may_act"]) == ("Outside Group", False)
        [asked] = (await view(cast["c_rep"], signing))["mine"]
        assert (asked["may_act"], asked["asked_by_me"]) == (True, True)
        second = await make_person(session, display_name="Second Officer")
        await add_member(session, second, cast.org_c, "representative")
        second_browser = await browse(second)
        mine = (await view(second_browser, signing))["mine"]
        assert [m["status"] for m in mine] == ["pending_second_officer"]
        assert mine[0]["asked_by_me"] is False
        confirmed = await second_browser.post(confirm_url)
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["status"] == "counted"
        assert (await view(cast["a_rep"], signing))["counts"]["organizations"] == 1
        twice = await second_browser.post(confirm_url)
        assert twice.json()["code"] == "nothing_to_confirm"

    async def test_an_unconfirmed_signature_lapses_after_seven_days(  # type: ignore[no-untyped-def]
        self, cast, signing, session, clock, sessionmaker, settings, browse
    ) -> None:
        await session.execute(
            update(Organization)
            .where(Organization.id == cast.org_c.id)
            .values(signing_two_officers=True)
        )
        await session.commit()
        body = {
            "kind": "organization",
            "organization_id": str(cast.org_c.id),
            "name": "Outside Group",
        }
        assert (await sign(cast["c_rep"], signing, **body)).status_code == 201
        clock.advance(timedelta(days=7, minutes=1))
        await signing_deadlines(JobContext(sessionmaker, settings, clock))
        # A week later the representative signs in again.
        mine = (await view(await browse(cast.people["c_rep"]), signing))["mine"]
        assert [m["status"] for m in mine] == ["lapsed"]
        counts = (await view(await browse(cast.people["a_rep"]), signing))["counts"]
        assert counts["pending_second_officer"] == 0 and counts["total"] == 0


class TestWithdrawalAndReceipts:
    async def test_withdrawal_leaves_no_trace_of_whom(self, cast, signing, session) -> None:  # type: ignore[no-untyped-def]
        signed = await sign(cast["c_member"], signing, tier="withheld", name=WITHHELD_NAME)
        receipt = signed.json()["receipt_code"]
        signature_id = signed.json()["signature"]["id"]
        check = await cast["c_member"].post(
            "/api/signature-receipts/check", json={"code": receipt.lower()}
        )
        assert check.status_code == 200
        assert check.json() == {"status": "counted", "revision_sha256": signing["revision_sha256"]}
        other = await cast["b_member"].delete(
            f"/api/appeals/{signing['appeal_id']}/signatures/{signature_id}"
        )
        assert other.status_code == 404
        gone = await cast["c_member"].delete(
            f"/api/appeals/{signing['appeal_id']}/signatures/{signature_id}"
        )
        assert gone.status_code == 200
        assert (await session.scalars(select(Signature))).all() == []
        assert (await view(cast["a_rep"], signing))["counts"]["total"] == 0
        event = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "signature.withdrawn")
            )
        ).one()
        assert event.actor_id is None
        assert str(cast.people["c_member"].id) not in event.details_json
        assert event.target_id == signing["appeal_id"]
        after = await cast["c_member"].post("/api/signature-receipts/check", json={"code": receipt})
        assert after.status_code == 404
        # Signing again after withdrawing is allowed.
        assert (await sign(cast["c_member"], signing)).status_code == 201


class TestReconsentAndEnd:
    async def test_a_reopened_appeal_asks_for_reconsent(self, cast, signing) -> None:  # type: ignore[no-untyped-def]
        appeal_id = signing["appeal_id"]
        first = await sign(cast["c_member"], signing, name="Early Signer")
        assert first.status_code == 201
        assert (
            await transition(cast, "coordinator", appeal_id, "reopen_review")
        ).status_code == 200
        paused = await sign(cast["b_member"], signing)
        assert paused.status_code == 409 and paused.json()["code"] == "signing_closed"
        etag, blocks = await read_text(cast["a_member"], appeal_id)
        blocks[2]["text"] = "A corrected passage after the first signatures."
        assert (await save(cast["a_member"], appeal_id, etag, blocks)).status_code == 200
        from tests.appeals.conftest import approve_all

        await approve_all(cast, appeal_id)
        reopened = await transition(cast, "coordinator", appeal_id, "open")
        assert reopened.status_code == 200, reopened.text
        now = await view(cast["c_member"], signing)
        assert now["revision_sha256"] != signing["revision_sha256"]
        assert [m["status"] for m in now["mine"]] == ["awaiting_reconsent"]
        assert await public_names(cast["c_member"], signing) == []
        exact = (await view(cast["a_rep"], signing))["counts"]
        assert exact["total"] == 0 and exact["awaiting_reconsent"] == 1
        url = f"/api/appeals/{appeal_id}/signatures/{now['mine'][0]['id']}/reconsent"
        stale = await cast["c_member"].post(
            url, json={"revision_sha256": signing["revision_sha256"]}
        )
        assert stale.json()["code"] == "text_changed"
        agreed = await cast["c_member"].post(url, json={"revision_sha256": now["revision_sha256"]})
        assert agreed.status_code == 200, agreed.text
        assert agreed.json()["revision_sha256"] == now["revision_sha256"]
        assert await public_names(cast["c_member"], signing) == ["Early Signer"]

    async def test_re_consent_for_a_two_officer_organization_needs_a_second_officer(  # type: ignore[no-untyped-def]
        self, cast, signing, session, browse
    ) -> None:
        from tests.appeals.conftest import approve_all

        appeal_id = signing["appeal_id"]
        body = {"kind": "organization", "organization_id": str(cast.org_c.id), "name": "Outside"}
        assert (await sign(cast["c_rep"], signing, **body)).status_code == 201
        await session.execute(
            update(Organization)
            .where(Organization.id == cast.org_c.id)
            .values(signing_two_officers=True)
        )
        await session.commit()
        assert (
            await transition(cast, "coordinator", appeal_id, "reopen_review")
        ).status_code == 200
        etag, blocks = await read_text(cast["a_member"], appeal_id)
        blocks[2]["text"] = "A corrected passage the organization must agree to again."
        assert (await save(cast["a_member"], appeal_id, etag, blocks)).status_code == 200
        await approve_all(cast, appeal_id)
        assert (await transition(cast, "coordinator", appeal_id, "open")).status_code == 200
        now = await view(cast["c_rep"], signing)
        [mine] = now["mine"]
        base = f"/api/appeals/{appeal_id}/signatures/{mine['id']}"
        agreed = await cast["c_rep"].post(
            f"{base}/reconsent", json={"revision_sha256": now["revision_sha256"]}
        )
        assert agreed.status_code == 200, agreed.text
        assert agreed.json()["status"] == "pending_second_officer"
        assert (await view(cast["a_rep"], signing))["counts"]["total"] == 0
        myself = await cast["c_rep"].post(f"{base}/confirm")
        assert myself.json()["code"] == "second_officer_required"
        second = await make_person(session, display_name="Second Officer")
        await add_member(session, second, cast.org_c, "representative")
        confirmed = await (await browse(second)).post(f"{base}/confirm")
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["revision_sha256"] == now["revision_sha256"]
        assert (await view(cast["a_rep"], signing))["counts"]["organizations"] == 1

    async def test_the_deadline_closes_signing_and_erases_links_to_people(  # type: ignore[no-untyped-def]
        self, cast, signing, session, clock, sessionmaker, settings, browse
    ) -> None:
        assert (
            await sign(cast["c_member"], signing, tier="withheld", name=WITHHELD_NAME)
        ).status_code == 201
        assert (await sign(cast["b_member"], signing, name="Public Person")).status_code == 201
        clock.advance(timedelta(days=14, minutes=1))
        fresh = {who: await browse(cast.people[who]) for who in ("a_member", "a_rep", "c_member")}
        late = await sign(fresh["a_member"], signing)
        assert late.status_code == 409 and late.json()["code"] == "signing_closed"
        await signing_deadlines(JobContext(sessionmaker, settings, clock))
        closed = (await fresh["a_rep"].get(f"/api/appeals/{signing['appeal_id']}")).json()
        assert closed["state"] == "closed"
        rows = (
            await session.scalars(select(Signature).execution_options(populate_existing=True))
        ).all()
        withheld = [r for r in rows if r.tier == "withheld"]
        assert withheld and all(r.dedupe_index is None and r.signer_index is None for r in withheld)
        assert (await view(fresh["c_member"], signing))["mine"] == []
        assert (await view(fresh["a_rep"], signing))["counts"]["total"] == 2


class TestCustodyKey:
    async def test_a_custody_key_is_32_bytes_of_a_usable_point(self, cast) -> None:  # type: ignore[no-untyped-def]
        from app.signatories.schemas import key_text

        for raw in (b"\x00" * 32, b"\x01" + b"\x00" * 31):
            refused = await cast["a_rep"].put(
                "/api/custody/key", json={"public_key": key_text(raw)}
            )
            assert refused.status_code == 422, raw
        short = await cast["a_rep"].put(
            "/api/custody/key", json={"public_key": key_text(b"x" * 31)}
        )
        assert short.status_code == 422
        assert (await cast["a_rep"].get("/api/custody/key")).json() == {
            "public_key": None,
            "created_at": None,
        }
        # Without a second factor proven just now, no key can be set.
        no_factor = await cast["c_member"].put(
            "/api/custody/key",
            json={
                "public_key": key_text(X25519PrivateKey.generate().public_key().public_bytes_raw())
            },
        )
        assert no_factor.status_code == 403
        assert no_factor.json()["code"] == "step_up_required"


def _raw(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TestUnsealing:
    async def test_two_of_three_custodians_open_the_withheld_names(self, cast, signing) -> None:  # type: ignore[no-untyped-def]
        from app.kit.crypto import generate_sealing_keypair, seal
        from app.signatories.schemas import key_text
        from app.signatories.unsealing import UNSEAL_SHARE_INFO, unseal_share_aad

        appeal_id = signing["appeal_id"]
        assert (
            await sign(cast["c_member"], signing, tier="withheld", name=WITHHELD_NAME)
        ).status_code == 201
        assert (
            await sign(cast["b_member"], signing, tier="counted", name="Counted Only")
        ).status_code == 201
        base = f"/api/appeals/{appeal_id}/unseal-requests"
        outsider = await cast["b_member"].get(base)
        assert outsider.status_code == 403
        assert (await cast["coordinator"].get(base)).status_code == 403
        request_private, request_public = generate_sealing_keypair()
        too_short = await cast["a_rep"].post(
            base, json={"reason": "why", "public_key": key_text(request_public)}
        )
        assert too_short.status_code == 422
        asked = await cast["a_rep"].post(
            base,
            json={
                "reason": "The embassy asks which signers to protect.",
                "public_key": key_text(request_public),
            },
        )
        assert asked.status_code == 201, asked.text
        request = asked.json()["items"][0]
        assert asked.json()["sealed_identities"] == 2
        early = await cast["a_rep"].get(f"{base}/{request['id']}/bundle")
        assert early.status_code == 409 and early.json()["code"] == "unseal_not_ready"

        async def approve(who: str) -> httpx.Response:
            mine = (await cast[who].get(base)).json()["items"][0]
            user_id = cast.people[who].id
            share = open_sealed(
                cast.custody_keys[who],
                _raw(mine["my_sealed_share"]),
                info=custody.SHARE_INFO,
                aad=custody.share_aad(uuid.UUID(appeal_id), user_id),
            )
            resealed = seal(
                _raw(mine["public_key"]),
                share,
                info=UNSEAL_SHARE_INFO,
                aad=unseal_share_aad(uuid.UUID(mine["id"]), user_id),
            )
            return await cast[who].post(
                f"{base}/{mine['id']}/approvals", json={"sealed_share": key_text(resealed)}
            )

        assert (await approve("a_rep")).status_code == 200
        again = await approve("a_rep")
        assert again.status_code == 409 and again.json()["code"] == "unseal_already_approved"
        assert (await approve("b_rep")).status_code == 200
        not_theirs = await cast["b_rep"].get(f"{base}/{request['id']}/bundle")
        assert not_theirs.status_code == 403
        bundle = await cast["a_rep"].get(f"{base}/{request['id']}/bundle")
        assert bundle.status_code == 200, bundle.text
        shares = [
            open_sealed(
                request_private,
                _raw(s["sealed_share"]),
                info=UNSEAL_SHARE_INFO,
                aad=unseal_share_aad(uuid.UUID(request["id"]), uuid.UUID(s["custodian_id"])),
            )
            for s in bundle.json()["shares"]
        ]
        private = combine(shares)
        assert (
            key_text(X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw())
            == bundle.json()["custody_public_key"]
        )
        names = sorted(
            json.loads(
                open_sealed(
                    private,
                    _raw(i["sealed_identity"]),
                    info=IDENTITY_INFO,
                    aad=identity_aad(uuid.UUID(appeal_id), uuid.UUID(i["signature_id"])),
                )
            )["name"]
            for i in bundle.json()["identities"]
        )
        assert names == sorted(["Counted Only", WITHHELD_NAME])


class TestExportAndMilestones:
    async def test_the_public_list_exports_as_csv_with_formulas_defused(
        self, cast, signing, session
    ) -> None:  # type: ignore[no-untyped-def]
        assert (
            await sign(cast["c_member"], signing, name="=HYPERLINK(evil)", line='Poet, "quoted"')
        ).status_code == 201
        assert (
            await sign(cast["b_member"], signing, tier="withheld", name=WITHHELD_NAME)
        ).status_code == 201
        url = f"/api/appeals/{signing['appeal_id']}/signatures.csv"
        assert (await cast["c_member"].get(url)).status_code == 403
        exported = await cast["a_rep"].get(url)
        assert exported.status_code == 200, exported.text
        assert exported.headers["content-type"].startswith("text/csv")
        lines = exported.text.splitlines()
        assert lines[0] == "name,line,kind,signed_at"
        assert lines[1].startswith('\'=HYPERLINK(evil),"Poet, ""quoted""",member,')
        assert WITHHELD_NAME not in exported.text
        event = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "signatures.exported")
            )
        ).one()
        assert event.actor_id == cast.people["a_rep"].id

    async def test_co_authors_hear_when_a_milestone_passes_once(  # type: ignore[no-untyped-def]
        self, cast, session, clock, sessionmaker, settings
    ) -> None:
        from app.models.outbox import OutboxMessage

        appeal = await approved_appeal(cast)
        opened = await open_for_signing(cast, appeal["id"], milestones=[2, 100])
        signing = opened.json()
        for who in ("a_member", "b_member"):
            assert (await sign(cast[who], signing)).status_code == 201
        for _ in range(2):
            await signing_deadlines(JobContext(sessionmaker, settings, clock))
        mails = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "signing_milestone")
            )
        ).all()
        # A's and B's representatives, once each.
        assert sorted(m.recipient for m in mails) == sorted(
            [cast.people["a_rep"].email, cast.people["b_rep"].email]
        )
        assert all("2 signatures" in m.body for m in mails)


class TestPrintedOrder:
    async def test_pages_follow_the_order_signatures_came_to_count(  # type: ignore[no-untyped-def]
        self, cast, signing, session, browse, clock
    ) -> None:
        names = []
        for n in range(5):
            person = await make_person(session, display_name=f"Signer {n}")
            await add_member(session, person, cast.org_c, "member")
            names.append(f"Printed Signer {n}")
            signed = await sign(await browse(person), signing, name=names[-1])
            assert signed.status_code == 201, signed.text
            # Two at the same moment too: the id breaks the tie, pages still do not overlap.
            if n != 2:
                clock.advance(timedelta(seconds=40))
        seen: list[str] = []
        cursor = None
        while True:
            query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
            page = await cast["a_rep"].get(
                f"/api/appeals/{signing['appeal_id']}/signatures", params=query
            )
            assert page.status_code == 200, page.text
            seen += [item["name"] for item in page.json()["items"]]
            cursor = page.json().get("next_cursor")
            if not cursor:
                break
        assert sorted(seen) == sorted(names) and len(seen) == 5
        assert seen[:2] == names[:2] and seen[-1] == names[-1]
