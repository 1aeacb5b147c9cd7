"""Drafting an appeal over HTTP: who sees it, saving without lost edits, history and diff."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from app.appeals.service import verify_appeal_chain
from app.models.appeals import AppealRevision
from tests.appeals.conftest import (
    block,
    read_text,
    sample_blocks,
    save,
    start_appeal,
    with_co_author,
)
from tests.support.people import actions


class TestCompartment:
    async def test_the_lead_member_starts_an_appeal_and_sees_its_text(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        assert appeal["state"] == "draft"
        assert appeal["title"] == "Free the imprisoned reporters"
        assert appeal["lead_organization_name"] == "Lead Association"
        assert appeal["head_number"] == 1
        assert "edit" in appeal["rights"]
        etag, blocks = await read_text(cast["a_member"], appeal["id"])
        assert [b["kind"] for b in blocks].count("ask") == 2
        assert etag.strip('"') == appeal["head_revision_id"]

    async def test_outsiders_and_admins_get_404_not_even_the_title(self, cast, app) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        for who in ("c_member", "c_rep", "b_member", "b_rep", "admin"):
            for path in ("", "/text", "/revisions", "/comments", "/activity"):
                response = await cast[who].get(f"/api/appeals/{appeal['id']}{path}")
                assert response.status_code == 404, (who, path)
                assert response.json()["code"] == "appeal_not_found"
                assert "reporters" not in response.text
            listed = (await cast[who].get("/api/appeals")).json()["items"]
            assert appeal["id"] not in [a["id"] for a in listed], who

    async def test_a_members_list_pages_and_filters_over_everything_visible(self, cast) -> None:  # type: ignore[no-untyped-def]
        first = await start_appeal(cast)
        await cast["a_rep"].post(
            f"/api/appeals/{first['id']}/transitions", json={"action": "withdraw"}
        )
        others = [await start_appeal(cast) for _ in range(3)]
        invited = await start_appeal(cast)
        await cast["a_rep"].post(
            f"/api/appeals/{invited['id']}/co-authors", json={"organization_id": str(cast.org_c.id)}
        )
        seen: list[str] = []
        cursor = None
        while True:
            query = f"&cursor={cursor}" if cursor else ""
            page = (await cast["a_member"].get(f"/api/appeals?limit=2{query}")).json()
            seen += [a["id"] for a in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert seen == [invited["id"], *[a["id"] for a in reversed(others)], first["id"]]
        withdrawn = (await cast["a_member"].get("/api/appeals?state=withdrawn&limit=1")).json()
        assert [a["id"] for a in withdrawn["items"]] == [first["id"]]
        # C's representative sees the one C is invited to; C's member sees none of them.
        rep = (await cast["c_rep"].get("/api/appeals")).json()["items"]
        assert [a["id"] for a in rep] == [invited["id"]]
        assert (await cast["c_member"].get("/api/appeals")).json()["items"] == []

    async def test_a_coordinator_sees_and_manages_every_appeal(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        read = (await cast["coordinator"].get(f"/api/appeals/{appeal['id']}")).json()
        assert set(read["rights"]) == {"read", "comment", "edit", "invite", "manage", "run"}
        listed = (await cast["coordinator"].get("/api/appeals?state=draft")).json()["items"]
        assert appeal["id"] in [a["id"] for a in listed]

    async def test_a_member_cannot_start_an_appeal_for_another_organization(self, cast) -> None:  # type: ignore[no-untyped-def]
        response = await cast["c_member"].post(
            "/api/appeals",
            json={"lead_organization_id": str(cast.org_a.id), "title": "Not mine", "blocks": []},
        )
        assert response.status_code == 403

    async def test_an_admin_who_is_no_member_cannot_start_one(self, cast) -> None:  # type: ignore[no-untyped-def]
        response = await cast["admin"].post(
            "/api/appeals",
            json={"lead_organization_id": str(cast.org_a.id), "title": "Admin's", "blocks": []},
        )
        assert response.status_code == 403

    async def test_co_authors_see_it_once_they_accept_and_not_after_they_leave(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        invited = await cast["a_rep"].post(
            f"/api/appeals/{appeal['id']}/co-authors", json={"organization_id": str(cast.org_b.id)}
        )
        assert invited.status_code == 201, invited.text
        # Invited: the representative reads it to decide; a plain member does not yet.
        assert (await cast["b_rep"].get(f"/api/appeals/{appeal['id']}")).status_code == 200
        assert (await cast["b_member"].get(f"/api/appeals/{appeal['id']}")).status_code == 404
        listed = (await cast["b_rep"].get("/api/appeals")).json()["items"]
        assert appeal["id"] in [a["id"] for a in listed]
        decided = await cast["b_rep"].post(
            f"/api/appeals/{appeal['id']}/co-authors/{cast.org_b.id}/decision",
            json={"decision": "accept"},
        )
        assert decided.status_code == 200
        member_view = (await cast["b_member"].get(f"/api/appeals/{appeal['id']}")).json()
        assert set(member_view["rights"]) == {"read", "comment"}
        left = await cast["b_rep"].post(
            f"/api/appeals/{appeal['id']}/co-authors/{cast.org_b.id}/decision",
            json={"decision": "leave"},
        )
        assert left.status_code == 200
        assert (await cast["b_member"].get(f"/api/appeals/{appeal['id']}")).status_code == 404

    async def test_a_co_author_member_cannot_edit_or_invite(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        await with_co_author(cast, appeal["id"])
        etag, blocks = await read_text(cast["b_member"], appeal["id"])
        response = await save(cast["b_member"], appeal["id"], etag, blocks)
        assert response.status_code == 403
        invited = await cast["b_rep"].post(
            f"/api/appeals/{appeal['id']}/co-authors", json={"organization_id": str(cast.org_c.id)}
        )
        assert invited.status_code == 403

    async def test_lead_members_invite_from_the_organizations_not_yet_writing(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        path = f"/api/appeals/{appeal['id']}/co-author-candidates"
        names = [o["name"] for o in (await cast["a_member"].get(path)).json()["items"]]
        assert names == ["Outside Group", "Second Union"]
        invited = await cast["a_member"].post(
            f"/api/appeals/{appeal['id']}/co-authors", json={"organization_id": str(cast.org_b.id)}
        )
        assert invited.status_code == 201
        names = [o["name"] for o in (await cast["coordinator"].get(path)).json()["items"]]
        assert names == ["Outside Group"]
        assert (await cast["b_rep"].get(path)).status_code == 403
        assert (await cast["c_member"].get(path)).status_code == 404

    async def test_a_named_editor_from_a_co_author_edits(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        await with_co_author(cast, appeal["id"])
        named = await cast["a_rep"].post(
            f"/api/appeals/{appeal['id']}/editors",
            json={"user_id": str(cast.people["b_member"].id)},
        )
        assert named.status_code == 200, named.text
        assert [e["name"] for e in named.json()["editors"]] == ["B Member"]
        etag, blocks = await read_text(cast["b_member"], appeal["id"])
        blocks[2]["text"] += " Edited by a named editor."
        assert (await save(cast["b_member"], appeal["id"], etag, blocks)).status_code == 200
        outsider = await cast["a_rep"].post(
            f"/api/appeals/{appeal['id']}/editors",
            json={"user_id": str(cast.people["c_member"].id)},
        )
        assert outsider.status_code == 404

    async def test_a_named_editor_who_leaves_their_organization_loses_the_appeal(
        self, cast, session, browse
    ) -> None:  # type: ignore[no-untyped-def]
        from sqlalchemy import delete

        from app.models.memberships import Membership

        appeal = await start_appeal(cast)
        await with_co_author(cast, appeal["id"])
        named = await cast["a_rep"].post(
            f"/api/appeals/{appeal['id']}/editors",
            json={"user_id": str(cast.people["b_member"].id)},
        )
        assert named.status_code == 200
        await session.execute(
            delete(Membership).where(Membership.user_id == cast.people["b_member"].id)
        )
        await session.commit()
        # Membership changes end sessions: the former member signs in again.
        again = await browse(cast.people["b_member"])
        assert (await again.get(f"/api/appeals/{appeal['id']}")).status_code == 404
        assert (await again.get("/api/appeals")).json()["items"] == []


class TestSaving:
    async def test_a_save_without_if_match_is_428(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        _, blocks = await read_text(cast["a_member"], appeal["id"])
        response = await save(cast["a_member"], appeal["id"], None, blocks)
        assert response.status_code == 428
        assert response.json()["code"] == "if_match_required"

    async def test_a_save_naming_no_revision_of_this_appeal_is_412(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        other = await start_appeal(cast)
        _, blocks = await read_text(cast["a_member"], appeal["id"])
        foreign = f'"{other["head_revision_id"]}"'
        for tag in (foreign, '"not-a-revision"'):
            response = await save(cast["a_member"], appeal["id"], tag, blocks)
            assert response.status_code == 412, tag
            assert response.json()["code"] == "version_mismatch"

    async def test_every_save_is_a_new_revision_chained_to_its_parent(self, cast, session) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        etag, blocks = await read_text(cast["a_member"], appeal["id"])
        blocks[2]["text"] = "We write about the reporters held since the spring of last year."
        response = await save(cast["a_member"], appeal["id"], etag, blocks, note="Clearer date")
        assert response.status_code == 200, response.text
        saved = response.json()
        assert saved["revision"]["number"] == 2
        assert saved["revision"]["note"] == "Clearer date"
        assert saved["revision"]["author"]["name"] == "A Member"
        assert saved["revision"]["parent_sha256"] == appeal["head_sha256"]
        assert response.headers["etag"] == f'"{saved["revision"]["id"]}"'
        revisions = (await cast["a_member"].get(f"/api/appeals/{appeal['id']}/revisions")).json()[
            "items"
        ]
        assert [r["number"] for r in revisions] == [2, 1]
        assert await verify_appeal_chain(session, uuid.UUID(appeal["id"])) == []
        assert "appeal.revised" in await actions(session)

    async def test_an_unchanged_text_saves_no_revision(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        etag, blocks = await read_text(cast["a_member"], appeal["id"])
        response = await save(cast["a_member"], appeal["id"], etag, blocks)
        assert response.status_code == 200
        assert response.json()["revision"]["number"] == 1

    async def test_changes_to_different_blocks_merge(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        etag, base = await read_text(cast["a_member"], appeal["id"])
        first = [dict(b) for b in base]
        first[2]["text"] = "First writer changed the preamble."
        assert (await save(cast["a_member"], appeal["id"], etag, first)).status_code == 200
        second = [dict(b) for b in base]
        second[4]["text"] = "Second writer sharpened the first demand."
        response = await save(cast["a_rep"], appeal["id"], etag, second)
        assert response.status_code == 200, response.text
        assert response.json()["revision"]["merged"] is True
        texts = [b["text"] for b in response.json()["blocks"]]
        assert "First writer changed the preamble." in texts
        assert "Second writer sharpened the first demand." in texts

    async def test_the_same_block_changed_twice_is_412_with_the_current_text(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        etag, base = await read_text(cast["a_member"], appeal["id"])
        first = [dict(b) for b in base]
        first[4]["text"] = "One version of the demand."
        assert (await save(cast["a_member"], appeal["id"], etag, first)).status_code == 200
        second = [dict(b) for b in base]
        second[4]["text"] = "Another version of the demand."
        response = await save(cast["a_rep"], appeal["id"], etag, second)
        assert response.status_code == 412
        body = response.json()
        assert body["code"] == "edit_conflict"
        assert body["conflicts"] == [base[4]["id"]]
        assert body["current"]["blocks"][4]["text"] == "One version of the demand."
        assert body["current"]["revision"]["number"] == 2
        _, now = await read_text(cast["a_member"], appeal["id"])
        assert now[4]["text"] == "One version of the demand."

    async def test_invalid_texts_are_refused_with_the_rule(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        etag, blocks = await read_text(cast["a_member"], appeal["id"])
        cases = [
            [*blocks, block("title", "A second title")],
            [*blocks, {**blocks[0], "kind": "paragraph"}],
            [*blocks, block("paragraph", "[click](javascript:alert(1))")],
        ]
        for bad in cases:
            response = await save(cast["a_member"], appeal["id"], etag, bad)
            assert response.status_code == 422, bad[-1]
            assert response.json()["code"] == "text_invalid"
        bad_id = await save(cast["a_member"], appeal["id"], etag, [{**blocks[0], "id": "BAD ID"}])
        assert bad_id.status_code == 422

    async def test_text_is_normalized_to_nfc_before_hashing(self, cast) -> None:  # type: ignore[no-untyped-def]
        decomposed = "Cafe\u0301 owners"
        appeal = await start_appeal(cast, blocks=[block("paragraph", decomposed)])
        _, blocks = await read_text(cast["a_member"], appeal["id"])
        assert blocks[-1]["text"] == "Caf\u00e9 owners"


class TestHistory:
    async def test_diff_marks_added_removed_and_changed_words(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        etag, blocks = await read_text(cast["a_member"], appeal["id"])
        changed = [dict(b) for b in blocks if b["kind"] != "closing"]
        changed[4]["text"] = "Call for the immediate release of every imprisoned reporter."
        changed.insert(5, block("ask", "Meet their families."))
        assert (await save(cast["a_member"], appeal["id"], etag, changed)).status_code == 200
        diff = (await cast["a_member"].get(f"/api/appeals/{appeal['id']}/diff?from=1&to=2")).json()
        assert diff["summary"] == {"added": 1, "removed": 1, "changed": 1, "moved": 0}
        by_op = {b["op"]: b for b in diff["blocks"] if b["op"] != "same"}
        assert by_op["removed"]["kind"] == "closing"
        inserted = [s["text"].strip() for s in by_op["changed"]["segments"] if s["op"] == "insert"]
        assert inserted == ["immediate"]
        missing = await cast["a_member"].get(f"/api/appeals/{appeal['id']}/diff?from=1&to=9")
        assert missing.status_code == 404
        assert missing.json()["code"] == "revision_not_found"

    async def test_a_revision_number_out_of_range_is_refused_not_an_error(self, cast) -> None:  # type: ignore[no-untyped-def]
        # Numbers past the 32-bit column (PostgreSQL) or 64-bit integers (SQLite) were 500s.
        appeal = await start_appeal(cast)
        base = f"/api/appeals/{appeal['id']}"
        for too_big in (2**31, 2**64):
            for path, params in (
                (f"{base}/revisions/{too_big}", None),
                (f"{base}/text.md", {"revision": too_big}),
                (f"{base}/diff", {"from": 1, "to": too_big}),
                (f"{base}/diff", {"from": too_big, "to": 1}),
            ):
                response = await cast["a_member"].get(path, params=params)
                assert response.status_code == 422, (path, params, response.text)
                assert response.json()["code"] == "validation_failed"
        assert (await cast["a_member"].get(f"{base}/revisions/{2**31 - 1}")).status_code == 404

    async def test_markdown_export_numbers_the_asks(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        response = await cast["a_member"].get(f"/api/appeals/{appeal['id']}/text.md")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/markdown")
        assert "# Free the imprisoned reporters" in response.text
        assert "1. Call for the release" in response.text
        assert "2. Raise their cases" in response.text

    async def test_import_turns_a_letter_into_blocks_without_storing_it(self, cast) -> None:  # type: ignore[no-untyped-def]
        letter = (
            "Dear Minister,\n\nWe write about the reporters.\n\nWe urge you to:\n\n"
            "1. Free them.\n2. Meet their families.\n\nRespectfully,\n\n"
            "Anna Example, Lead Association\n"
        )
        response = await cast["a_member"].post("/api/appeals/import", json={"source": letter})
        assert response.status_code == 200, response.text
        kinds = [b["kind"] for b in response.json()["blocks"]]
        assert kinds.count("ask") == 2
        assert "salutation" in kinds and "closing" in kinds
        assert any(s["kind"] == "signature" for s in response.json()["skipped"])

    async def test_import_of_nothing_to_import_is_text_invalid(self, cast) -> None:  # type: ignore[no-untyped-def]
        # Found by the API fuzzer: a lone control character left no text and was a 500.
        for source in ("\u008b", "   \n\n  "):
            response = await cast["a_member"].post("/api/appeals/import", json={"source": source})
            assert response.status_code == 422, response.text
            assert response.json()["code"] == "text_invalid"

    async def test_verify_finds_a_tampered_revision(self, cast, session) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        etag, blocks = await read_text(cast["a_member"], appeal["id"])
        blocks[2]["text"] = "Second revision."
        await save(cast["a_member"], appeal["id"], etag, blocks)
        first = await session.scalar(
            select(AppealRevision).where(
                AppealRevision.appeal_id == uuid.UUID(appeal["id"]), AppealRevision.number == 1
            )
        )
        await session.execute(
            update(AppealRevision).where(AppealRevision.id == first.id).values(sha256="0" * 64)
        )
        await session.commit()
        problems = await verify_appeal_chain(session, uuid.UUID(appeal["id"]))
        assert any("revision 1: sha256 does not match" in p for p in problems)
        assert any("revision 2: parent_sha256" in p for p in problems)


async def test_sample_blocks_are_valid() -> None:
    from app.appeals.text.blocks import Block, BlockKind, check_blocks

    check_blocks([Block(b["id"], BlockKind(b["kind"]), b["text"]) for b in sample_blocks()])


class TestLanguageTags:
    # "sh" is deprecated for "sr-Latn": a 35-character tag grew to 40 when standardized and
    # overflowed the 35-character column on PostgreSQL (a 500).
    GROWS = "sh-x-aaaaaaaa-bbbbbbbb-cccccccc-ddd"

    async def test_a_tag_is_stored_standardized(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        made = await cast["a_member"].post(
            f"/api/appeals/{appeal['id']}/translations", json={"language": "sh"}
        )
        assert made.status_code == 201, made.text
        assert made.json()["language"] == "sr-Latn"

    async def test_a_tag_too_long_once_standardized_is_refused(self, cast) -> None:  # type: ignore[no-untyped-def]
        assert len(self.GROWS) == 35
        started = await cast["a_member"].post(
            "/api/appeals",
            json={
                "lead_organization_id": str(cast.org_a.id),
                "title": "Tagged",
                "language": self.GROWS,
            },
        )
        assert started.status_code == 422, started.text
        appeal = await start_appeal(cast)
        translated = await cast["a_member"].post(
            f"/api/appeals/{appeal['id']}/translations", json={"language": self.GROWS}
        )
        assert translated.status_code == 422, translated.text
        assert translated.json()["code"] == "validation_failed"
