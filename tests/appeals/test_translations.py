"""Translations over HTTP: the source's blocks, their own revisions, stale when the source
moves on, and current and approved before the appeal opens."""

from __future__ import annotations

from tests.appeals.conftest import (
    approve_all,
    open_for_signing,
    read_text,
    save,
    start_appeal,
    transition,
    with_co_author,
)


async def _translated(cast, language: str = "ru") -> tuple[str, dict, str]:  # type: ignore[no-untyped-def]
    appeal = await start_appeal(cast)
    created = await cast["a_member"].post(
        f"/api/appeals/{appeal['id']}/translations", json={"language": language}
    )
    assert created.status_code == 201, created.text
    return appeal["id"], created.json(), created.headers["etag"]


class TestTranslations:
    async def test_a_translation_starts_as_the_source_and_saves_its_own_revisions(
        self, cast
    ) -> None:  # type: ignore[no-untyped-def]
        appeal_id, translation, etag = await _translated(cast)
        assert translation["language"] == "ru"
        assert translation["head_number"] == 1
        assert translation["stale"] is False
        assert [b["id"] for b in translation["blocks"]] == [
            b["id"] for b in translation["source_blocks"]
        ]
        blocks = translation["blocks"]
        blocks[4]["text"] = "Призвать к освобождению всех заключённых журналистов."
        saved = await cast["a_member"].put(
            f"/api/appeals/{appeal_id}/translations/ru/text",
            json={"blocks": blocks},
            headers={"If-Match": etag},
        )
        assert saved.status_code == 200, saved.text
        assert saved.json()["head_number"] == 2
        assert saved.json()["blocks"][4]["text"].startswith("Призвать")
        stale_tag = await cast["a_member"].put(
            f"/api/appeals/{appeal_id}/translations/ru/text",
            json={"blocks": blocks},
            headers={"If-Match": etag},
        )
        assert stale_tag.status_code == 412
        listed = (await cast["b_member"].get(f"/api/appeals/{appeal_id}/translations")).status_code
        assert listed == 404  # not a co-author: the compartment holds for translations too

    async def test_blocks_must_be_the_sources(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal_id, translation, etag = await _translated(cast)
        response = await cast["a_member"].put(
            f"/api/appeals/{appeal_id}/translations/ru/text",
            json={"blocks": translation["blocks"][:-1]},
            headers={"If-Match": etag},
        )
        assert response.status_code == 422
        assert response.json()["code"] == "text_invalid"

    async def test_languages_are_bcp47_and_not_the_sources_nor_twice(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal_id, _, _ = await _translated(cast, "be")
        path = f"/api/appeals/{appeal_id}/translations"
        assert (await cast["a_member"].post(path, json={"language": "be"})).json()[
            "code"
        ] == "translation_exists"
        assert (await cast["a_member"].post(path, json={"language": "en"})).status_code == 422
        assert (
            await cast["a_member"].post(path, json={"language": "not a tag"})
        ).status_code == 422
        normalized = await cast["a_member"].post(path, json={"language": "SR-latn"})
        assert normalized.json()["language"] == "sr-Latn"
        assert (await cast["b_member"].post(path, json={"language": "de"})).status_code == 404

    async def test_a_source_change_makes_it_stale_with_the_changes_since(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal_id, _, _ = await _translated(cast)
        etag, blocks = await read_text(cast["a_member"], appeal_id)
        blocks[2]["text"] = "We write about the reporters held since the spring of last year."
        assert (await save(cast["a_member"], appeal_id, etag, blocks)).status_code == 200
        stale = (await cast["a_member"].get(f"/api/appeals/{appeal_id}/translations/ru")).json()
        assert stale["stale"] is True
        assert stale["source_number"] == 1
        changed = [b for b in stale["source_diff"]["blocks"] if b["op"] == "changed"]
        assert [b["id"] for b in changed] == [blocks[2]["id"]]
        approve = await cast["a_rep"].post(
            f"/api/appeals/{appeal_id}/translations/ru/approval", json={"sha256": stale["sha256"]}
        )
        assert approve.status_code == 409
        assert approve.json()["code"] == "approval_not_current"

    async def test_an_appeal_opens_only_with_current_approved_translations(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal_id, translation, _ = await _translated(cast)
        await with_co_author(cast, appeal_id)
        await transition(cast, "a_member", appeal_id, "submit_for_review")
        await approve_all(cast, appeal_id)
        refused = await open_for_signing(cast, appeal_id)
        assert refused.status_code == 409
        assert refused.json()["code"] == "translations_not_ready"
        member_try = await cast["a_member"].post(
            f"/api/appeals/{appeal_id}/translations/ru/approval",
            json={"sha256": translation["sha256"]},
        )
        assert member_try.status_code == 403
        approved = await cast["a_rep"].post(
            f"/api/appeals/{appeal_id}/translations/ru/approval",
            json={"sha256": translation["sha256"]},
        )
        assert approved.status_code == 200, approved.text
        assert approved.json()["approved"] is True
        opened = await open_for_signing(cast, appeal_id)
        assert opened.status_code == 201, opened.text
        assert opened.json()["state"] == "open"
