"""The pure checks: types from content, zip containers from their central directory, file
names and the Content-Disposition they are served with."""

from __future__ import annotations

import io
import zipfile

import pytest

from app.outreach.documents import sniff


def office(names: list[str], *, mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype is not None:
            archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, zipfile.ZIP_STORED)
        for name in names:
            archive.writestr(name, "<?xml version='1.0'?><x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.4\n", sniff.PDF),
        (b"\x89PNG\r\n\x1a\n\x00", sniff.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", sniff.JPEG),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", sniff.WEBP),
        (b"GIF89a\x01\x00", sniff.GIF),
        (b"<html>", None),
        (b"MZ\x90\x00", None),
        (b"", None),
        (b" %PDF-1.4", None),  # not at the start: not a PDF
    ],
)
def test_types_come_from_the_first_bytes(head: bytes, expected: sniff.FileType | None) -> None:
    assert sniff.detect(head) is expected


@pytest.mark.parametrize(
    ("names", "mimetype", "expected"),
    [
        (["[Content_Types].xml", "word/document.xml"], None, sniff.DOCX),
        (["[Content_Types].xml", "xl/workbook.xml"], None, sniff.XLSX),
        (["[Content_Types].xml", "ppt/presentation.xml"], None, sniff.PPTX),
        (
            ["content.xml", "META-INF/manifest.xml"],
            "application/vnd.oasis.opendocument.text",
            sniff.ODT,
        ),
        (
            ["content.xml", "META-INF/manifest.xml"],
            "application/vnd.oasis.opendocument.spreadsheet",
            sniff.ODS,
        ),
    ],
)
def test_office_documents_are_told_apart_by_their_parts(
    names: list[str], mimetype: str | None, expected: sniff.FileType
) -> None:
    data = office(names, mimetype=mimetype)
    provisional = sniff.detect(data[: sniff.HEAD])
    assert provisional is not None and provisional.is_zip
    # Only the tail is needed: the central directory.
    assert (
        sniff.check_container(data[-200:] if len(data) > 200 else data, len(data), provisional)
        is expected
    )


def test_a_central_directory_out_of_the_tail_is_refused() -> None:
    data = office(["[Content_Types].xml", "word/document.xml"])
    with pytest.raises(sniff.ContainerRefused):
        sniff.check_container(data[-30:], len(data), sniff.DOCX)


def test_an_odf_mimetype_without_its_parts_is_refused() -> None:
    data = office(["notes.txt"], mimetype="application/vnd.oasis.opendocument.text")
    with pytest.raises(sniff.ContainerRefused):
        sniff.check_container(data, len(data), sniff.detect(data) or sniff.DOCX)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ответ.pdf", "Ответ.pdf"),
        ("Адказ МЗС.PDF", "Адказ МЗС.pdf"),
        ("e\u0301te\u0301.pdf", "\u00e9t\u00e9.pdf"),  # NFC
        ("/etc/passwd", "passwd.pdf"),
        ("..\\..\\boot.ini", "boot.pdf"),
        ("inv\u202eoice\u200b.pdf", "invoice.pdf"),
        ('a<b>:"c"|d?*.pdf', "a_b___c__d__.pdf"),
        ("   ", "document.pdf"),
        ("report.final", "report.pdf"),
        ("x" * 500 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_names_are_sanitized_and_keep_their_letters(raw: str, expected: str) -> None:
    assert sniff.sanitize_filename(raw, sniff.PDF) == expected


def test_content_disposition_has_an_ascii_fallback_and_the_exact_name() -> None:
    value = sniff.content_disposition("Ответ МИД.pdf")
    assert value == (
        'attachment; filename="document.pdf"; '
        "filename*=UTF-8''%D0%9E%D1%82%D0%B2%D0%B5%D1%82%20%D0%9C%D0%98%D0%94.pdf"
    )
    assert sniff.content_disposition('été "x".pdf').startswith('attachment; filename="ete x.pdf"')
    assert value.isascii()


def test_every_accepted_type_has_a_short_key_that_fits_its_column() -> None:
    from app.models.outreach import Document

    limit = Document.__table__.c.media_type.type.length
    assert len(sniff.BY_KEY) == len(sniff.ACCEPTED)
    assert max(len(key) for key in sniff.BY_KEY) <= limit
    assert sniff.media_type_of("docx") == sniff.DOCX.media_type
    assert sniff.media_type_of("exe") == "application/octet-stream"
