"""File names and the ZIP stream of a batch of letters.

Pure except for the ZIP writer's buffer: no database, no network.

* A download's name goes into ``Content-Disposition`` twice: an ASCII ``filename`` any
  client understands, and ``filename*`` (RFC 5987/6266) in UTF-8 for those that read it.
  Both are built from a recipient's name with everything that could end the header, climb a
  directory or hide a character (quotes, slashes, backslashes, control and bidi characters)
  removed.
* A batch is written as a ZIP one letter at a time into a small buffer that is drained after
  each entry, so memory holds one letter, never the whole archive.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date
from urllib.parse import quote

_UNSAFE = re.compile(r"[^\w\- ]+", re.UNICODE)
_SPACES = re.compile(r"[\s_\-]+")
MAX_STEM = 60


def _clean(name: str) -> str:
    name = "".join(
        ch
        for ch in unicodedata.normalize("NFC", name)
        if unicodedata.category(ch)[0] not in "CZ" or ch == " "
    )
    return _SPACES.sub("-", _UNSAFE.sub(" ", name)).strip("-.")[:MAX_STEM].strip("-.")


def unicode_stem(name: str, fallback: str) -> str:
    return _clean(name) or fallback


def ascii_stem(name: str, fallback: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = _clean(decomposed).lower()
    return cleaned if len(re.sub(r"[^a-z0-9]", "", cleaned)) >= 2 else fallback


def letter_stem(recipient_name: str, recipient_id: str, day: date) -> tuple[str, str]:
    """(ASCII stem, Unicode stem) of a letter's file name."""
    fallback = f"recipient-{recipient_id[:8]}"
    return (
        f"letter-{day.isoformat()}-{ascii_stem(recipient_name, fallback)}",
        f"letter-{day.isoformat()}-{unicode_stem(recipient_name, fallback)}",
    )


def content_disposition(ascii_name: str, unicode_name: str) -> str:
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(unicode_name, safe='')}"


class _Buffer(io.RawIOBase):
    """A write-only, unseekable sink: zipfile then writes data descriptors and never seeks."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[no-untyped-def,override]
        self._parts.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def zip_stream(entries: Iterable[tuple[str, bytes]]) -> Iterator[bytes]:
    """The ZIP of ``entries`` (name, content), yielded entry by entry. PDFs are stored
    (already compressed), text is deflated."""
    sink = _Buffer()
    with zipfile.ZipFile(sink, "w") as archive:  # type: ignore[arg-type]
        for name, content in entries:
            method = zipfile.ZIP_STORED if name.endswith(".pdf") else zipfile.ZIP_DEFLATED
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = method
            archive.writestr(info, content)
            yield sink.drain()
    yield sink.drain()
