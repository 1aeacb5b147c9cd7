"""Files and directories only their owner may read (the embedded database, the data dir).

``mkdir(mode=…)`` and ``os.open(…, mode)`` set a mode only on what they create, and the
umask may loosen nothing but also tighten nothing that already exists; so each function
here also tightens what exists: it removes every group and other permission. A path some
other user owns is left as it is (changing its mode would fail; it is that user's).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_directory(path: Path) -> None:
    """Create ``path`` (and missing parents) with mode 0700, or tighten it to owner-only."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    tighten(path)


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists; tighten it if it does."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    except FileExistsError:
        tighten(path)
    else:
        os.close(fd)  # the umask can only have removed bits from 0600


def tighten(path: Path) -> None:
    """Remove group and other permissions from ``path`` when it exists and is ours."""
    with contextlib.suppress(FileNotFoundError):
        status = path.stat()
        mode = stat.S_IMODE(status.st_mode)
        if mode & 0o077 and status.st_uid == os.geteuid():
            path.chmod(mode & ~0o077)
