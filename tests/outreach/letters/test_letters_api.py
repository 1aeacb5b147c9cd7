"""Letters as a coordinator and a writing representative get them, read as a reader would:
the PDF's extracted text, the plain text, the headers, the archive."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.appeals.conftest import Cast
from tests.outreach.letters.conftest import LetterWorld
from tests.support.pdf import pdf_text

__all__ = ["world"]
from tests.outreach.letters.conftest import world


async def test_letter_pdf_shows_addressee_asks_signatures_and_hash(
    cast: Cast, world: LetterWorld, tmp_path: Path
) -> None:
    dk = world.recipients["dk"]
    response = await cast["coordinator"].get(
        f"/api/appeals/{world.appeal_id}/letters/{dk.id}.pdf", params={"date": "2026-03-16"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="letter-2026-03-16-denmark')
    assert "filename*=UTF-8''letter-2026-03-16-Denmark" in disposition
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content, tmp_path, "-layout")
    assert "March 16, 2026" in text
    assert "The Honorable Lars Holm" in text
    assert "Minister for Foreign Affairs of Denmark" in text
    # The recipient's salutation wins over the text's.
    assert "Dear Minister Holm," in text
    assert "Dear Minister," not in text
    assert "Open the prison gates for the reporters of Belarus" in text
    assert "1. Demand the release of every imprisoned reporter." in " ".join(text.split())
    assert "2. Raise their cases" in " ".join(text.split())
    assert "3. Fund safe passage" in " ".join(text.split())
    assert "Agnieszka Łukaszewicz" in text
    assert "Алесь Бяляцкі" in text
    flat = " ".join(text.split())
    assert "and 2 people whose names are withheld for their safety" in flat
    assert world.sha256 in text
    assert f"/verify/{world.sha256}" in text
    # User text is printed, never run as typst code.
    assert '#read("/etc/passwd")' in flat
    assert "root:" not in text
    # (*not* is the text's own emphasis: printed in italics, without the stars.)
    assert "$x^2$ [link] \\ not _this_ @ref <label> `code`" in flat


async def test_letter_in_the_recipients_language_when_an_approved_translation_exists(
    cast: Cast, world: LetterWorld, tmp_path: Path
) -> None:
    lt = world.recipients["lt"]
    response = await cast["coordinator"].get(
        f"/api/appeals/{world.appeal_id}/letters/{lt.id}", params={"date": "2026-03-16"}
    )
    assert response.status_code == 200, response.text
    letter = response.json()
    assert letter["language"] == "be" and letter["translated"] is True
    text = letter["text"]
    assert text.startswith("16 сакавіка 2026 г.")
    assert "Спадару Міністру" in text
    # No salutation in the registry: the translation's.
    assert "Шаноўны міністр!" in text
    assert "1. Патрабаваць вызвалення" in text
    assert "і 1 чалавек" not in text
    assert "а таксама 2 чалавекі, чые імёны не раскрываюцца дзеля іх бяспекі" in text
    pdf = await cast["coordinator"].get(f"/api/appeals/{world.appeal_id}/letters/{lt.id}.pdf")
    assert "Адчыніце турмы для журналістаў Беларусі" in pdf_text(pdf.content, tmp_path, "-layout")


async def test_a_language_without_translation_falls_back_to_the_source(
    cast: Cast, world: LetterWorld
) -> None:
    fr = world.recipients["fr"]
    response = await cast["coordinator"].get(
        f"/api/appeals/{world.appeal_id}/letters/{fr.id}.txt", params={"date": "2026-03-16"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    text = response.text
    assert text.startswith("March 16, 2026\n\nMadame la Ministre\nMinistère de l'Europe\n")
    assert "Dear Minister," in text
    assert "the monitors (https://monitor.example.org/list)" in text


async def test_the_closing_phrase_is_set_with_if_match_and_printed(
    cast: Cast, world: LetterWorld
) -> None:
    base = f"/api/appeals/{world.appeal_id}/letter-closing"
    read = await cast["coordinator"].get(base)
    assert read.status_code == 200 and read.json() == {"text": None}
    phrase = {"text": "as well as other members of the Free Press Coalition"}
    assert (await cast["coordinator"].put(base, json=phrase)).status_code == 428
    stale = await cast["coordinator"].put(base, json=phrase, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    done = await cast["coordinator"].put(
        base, json=phrase, headers={"If-Match": read.headers["etag"]}
    )
    assert done.status_code == 200, done.text
    again = await cast["coordinator"].put(
        base, json={"text": "other"}, headers={"If-Match": read.headers["etag"]}
    )
    assert again.status_code == 412
    # A writing representative reads letters but may not change them.
    refused = await cast["a_rep"].put(base, json=phrase, headers={"If-Match": done.headers["etag"]})
    assert refused.status_code == 403
    letter = await cast["a_rep"].get(
        f"/api/appeals/{world.appeal_id}/letters/{world.recipients['dk'].id}"
    )
    assert letter.status_code == 200
    assert letter.json()["text"].rstrip().split("\n\n")[-2] == phrase["text"]


async def test_a_batch_is_a_zip_of_every_letter_of_the_group(
    cast: Cast, world: LetterWorld, tmp_path: Path
) -> None:
    response = await cast["coordinator"].post(
        f"/api/appeals/{world.appeal_id}/letters/batch",
        json={"group_id": str(world.group_id), "date": "2026-03-16"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert len(names) == 4 and all(n.endswith((".pdf", ".txt")) for n in names)
    pdfs = [n for n in names if n.endswith(".pdf")]
    texts = [pdf_text(archive.read(n), tmp_path, "-layout") for n in pdfs]
    assert any("The Honorable Lars Holm" in t for t in texts)
    assert any("Спадару Міністру" in t for t in texts)
    assert archive.testzip() is None


async def test_refusals_are_clear(cast: Cast, world: LetterWorld) -> None:
    base = f"/api/appeals/{world.appeal_id}/letters"
    missing = await cast["coordinator"].get(f"{base}/01938b6e-0000-7000-8000-000000000000.pdf")
    assert missing.status_code == 404 and missing.json()["code"] == "recipient_not_found"
    both = await cast["coordinator"].post(
        f"{base}/batch",
        json={"group_id": str(world.group_id), "recipient_ids": [str(world.recipients["dk"].id)]},
    )
    assert both.status_code == 422
    bad_date = await cast["coordinator"].get(
        f"{base}/{world.recipients['dk'].id}.txt", params={"date": "1066-10-14"}
    )
    assert bad_date.status_code == 422 and bad_date.json()["code"] == "letter_date_invalid"
    # Members of the writing organizations who are not representatives: 403; outsiders: 404.
    assert (await cast["a_member"].get(base)).status_code == 403
    outsider = await cast["admin"].get(base)
    assert outsider.status_code == 404


async def test_no_letter_before_the_text_is_frozen(cast: Cast) -> None:
    from tests.appeals.conftest import start_appeal

    appeal = await start_appeal(cast)
    response = await cast["coordinator"].get(f"/api/appeals/{appeal['id']}/letters")
    assert response.status_code == 409
    assert response.json()["code"] == "appeal_not_frozen"


async def test_the_verification_url_shows_anyone_the_text_with_that_hash(
    cast: Cast, world: LetterWorld, settings, client
) -> None:  # type: ignore[no-untyped-def]
    """The letter's footer names /verify/<hash>; that page shows anyone holding the letter
    the frozen text with its hash (and the tracker once it is published), nothing else."""
    url = f"/api/appeals/{world.appeal_id}/letters/{world.recipients['dk'].id}"
    base = settings.http.public_url.rstrip("/")
    letter = (await cast["coordinator"].get(url)).json()
    page = f"{base}/verify/{world.sha256}"
    assert letter["verify_url"] == page
    assert letter["text"].rstrip().endswith(page)

    shown = await client.get(f"/api/public/texts/{world.sha256}")
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert body["sha256"] == world.sha256
    assert body["title"] == "Open the prison gates for the reporters of Belarus"
    assert "Demand the release of every imprisoned reporter." in [b["text"] for b in body["blocks"]]
    assert body["tracker_path"] is None
    # Nothing of the signatories, recipients or outreach.
    assert "Łukaszewicz" not in shown.text and "Denmark" not in shown.text
    published = await cast["coordinator"].put(
        f"/api/appeals/{world.appeal_id}/tracker", json={"published": True}
    )
    assert published.status_code == 200, published.text
    again = await client.get(f"/api/public/texts/{world.sha256}")
    assert again.json()["tracker_path"] == f"/track/{world.appeal_id}"


async def test_a_draft_or_unknown_hash_is_not_found_and_a_malformed_one_refused(
    cast: Cast, world: LetterWorld, client
) -> None:  # type: ignore[no-untyped-def]
    from tests.appeals.conftest import start_appeal

    draft = await start_appeal(cast)
    for sha256 in (draft["head_sha256"], "0" * 64):
        missing = await client.get(f"/api/public/texts/{sha256}")
        assert missing.status_code == 404
        assert missing.json()["code"] == "text_not_found"
    malformed = await client.get(f"/api/public/texts/{world.sha256.upper()}")
    assert malformed.status_code == 422
    assert malformed.headers["content-type"].startswith("application/problem+json")
