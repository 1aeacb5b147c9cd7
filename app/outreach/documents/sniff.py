"""Pure checks of an uploaded file: what it is (from its content, never its name or the
client's claim), whether a zip container is safe to hand to an office suite, and a file
name that is safe to show and to serve.

A file is accepted only as one of ACCEPTED's types. Office documents are zip containers:
their central directory (at the end of the file, kept from the stream's tail) must hold the
entries the format requires, few enough entries, no path that climbs out of a directory,
and declared sizes that no zip bomb passes (total, and ratio per entry).
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

# A zip's end-of-central-directory record sits in the last 22 bytes plus a comment of at
# most 64 KiB; the central directory itself before it, bounded by MAX_CENTRAL_DIRECTORY.
MAX_ZIP_ENTRIES = 5_000
MAX_CENTRAL_DIRECTORY = 1_048_576
ZIP_TAIL = MAX_CENTRAL_DIRECTORY + 65_536 + 22 + 56 + 20
MAX_UNCOMPRESSED_TOTAL = 256 * 1_048_576
MAX_RATIO = 100
# Small entries compress far better than 100:1 without harm (an XML file of repeats).
RATIO_FLOOR = 1_048_576
MAX_FILENAME = 120
HEAD = 4_096


@dataclass(frozen=True)
class FileType:
    media_type: str
    extension: str
    # Zip containers: entries the format requires in the central directory.
    required: tuple[str, ...] = ()

    @property
    def is_zip(self) -> bool:
        return bool(self.required)


PDF = FileType("application/pdf", "pdf")
PNG = FileType("image/png", "png")
JPEG = FileType("image/jpeg", "jpg")
WEBP = FileType("image/webp", "webp")
GIF = FileType("image/gif", "gif")
_OOXML = "[Content_Types].xml"
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    (_OOXML, "word/document.xml"),
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
    (_OOXML, "xl/workbook.xml"),
)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pptx",
    (_OOXML, "ppt/presentation.xml"),
)
_ODF = ("mimetype", "content.xml", "META-INF/manifest.xml")
ODT = FileType("application/vnd.oasis.opendocument.text", "odt", _ODF)
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", "ods", _ODF)
ACCEPTED = (PDF, PNG, JPEG, WEBP, GIF, DOCX, XLSX, PPTX, ODT, ODS)
# What documents.media_type stores: the type's short key (its extension). Metadata columns
# hold short codes only (tests/security/test_data_classes.py), and office media types run
# to 73 characters; the API and downloads answer with the full media type.
BY_KEY = {t.extension: t for t in ACCEPTED}


def media_type_of(key: str) -> str:
    found = BY_KEY.get(key)
    return found.media_type if found else "application/octet-stream"


ZIP_KINDS = (DOCX, XLSX, PPTX)


class ContainerRefused(ValueError):
    """A zip container that is not the office document it looks like, or is unsafe."""


def detect(head: bytes) -> FileType | None:
    """The accepted type the file's first bytes say it is; None for anything else. A zip
    is only a candidate here: :func:`check_container` decides once the tail is in."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"PK\x03\x04"):
        odf = _odf_mimetype(head)
        if odf is not None:
            return odf
        return DOCX  # provisional: the central directory tells which office file it is
    return None


def _odf_mimetype(head: bytes) -> FileType | None:
    """OpenDocument puts an uncompressed "mimetype" entry first, so its type is in the head."""
    if len(head) < 30:
        return None
    method, size = struct.unpack_from("<H", head, 8)[0], struct.unpack_from("<I", head, 18)[0]
    name_length, extra_length = struct.unpack_from("<HH", head, 26)
    name = head[30 : 30 + name_length]
    start = 30 + name_length + extra_length
    if name != b"mimetype" or method != 0 or size > 100:
        return None
    value = head[start : start + size].decode("ascii", "replace")
    return next((t for t in (ODT, ODS) if t.media_type == value), None)


class _Tail(io.RawIOBase):
    """A file of ``size`` bytes of which only the last ``len(tail)`` are known: enough for
    zipfile to read the central directory, and an error for anything before it."""

    def __init__(self, tail: bytes, size: int) -> None:
        self._tail, self._size, self._start, self._pos = tail, size, size - len(tail), 0

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def read(self, n: int = -1) -> bytes:
        if self._pos < self._start:
            raise ContainerRefused("central directory out of reach")
        begin = self._pos - self._start
        end = len(self._tail) if n is None or n < 0 else begin + n
        data = self._tail[begin:end]
        self._pos += len(data)
        return data


def _unsafe_name(name: str) -> bool:
    if not name or "\x00" in name or "\\" in name or name.startswith("/"):
        return True
    if re.match(r"^[A-Za-z]:", name):
        return True
    return any(part == ".." for part in name.split("/"))


def check_container(tail: bytes, size: int, provisional: FileType) -> FileType:
    """The office type of a zip whose last bytes are ``tail`` (of ``size`` in all), or
    ContainerRefused: unreadable, a bomb, too many entries, an unsafe path, or not an
    accepted office document."""
    try:
        with zipfile.ZipFile(_Tail(tail, size)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ContainerRefused, OSError, ValueError, EOFError) as exc:
        raise ContainerRefused("not a readable zip container") from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ContainerRefused("too many entries")
    total = 0
    for entry in entries:
        if _unsafe_name(entry.filename):
            raise ContainerRefused("an entry's path leaves the container")
        total += entry.file_size
        if total > MAX_UNCOMPRESSED_TOTAL:
            raise ContainerRefused("expands to too much data")
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise ContainerRefused("an entry compresses suspiciously well")
    names = {entry.filename for entry in entries}
    if provisional in (ODT, ODS):
        if all(name in names for name in provisional.required):
            return provisional
        raise ContainerRefused("not an OpenDocument file")
    for kind in ZIP_KINDS:
        if all(name in names for name in kind.required):
            return kind
    raise ContainerRefused("not an office document")


# Control characters (Cc) and format characters (Cf: bidi overrides, zero-width joiners):
# they can make "exe.pdf" show as "fdp.exe" or hide part of a name.
_HIDDEN = ("Cc", "Cf", "Cs", "Co", "Cn")
_RESERVED = re.compile(r'[<>:"|?*]')


def sanitize_filename(raw: str, file_type: FileType) -> str:
    """The name to store and show: the last path part, NFC, without control, bidi or
    reserved characters, at most MAX_FILENAME characters, ending in the detected type's
    extension (whatever the client called it). Unicode letters stay."""
    name = unicodedata.normalize("NFC", raw)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in _HIDDEN)
    name = _RESERVED.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if dot and 0 < len(suffix) <= 5 and suffix.isalnum():
        name = stem.rstrip(" .")
    name = name[: MAX_FILENAME - len(file_type.extension) - 1].rstrip(" .") or "document"
    return f"{name}.{file_type.extension}"


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name as RFC 5987 ``filename*``."""
    decomposed = unicodedata.normalize("NFKD", filename)
    ascii_name = "".join(c for c in decomposed if 32 <= ord(c) < 127 and c not in '"\\%;')
    stem, _, extension = ascii_name.rpartition(".")
    if not stem.strip(" ._-"):
        ascii_name = f"document.{extension or 'bin'}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
