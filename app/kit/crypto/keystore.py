"""Secret files on disk: written atomically and private, refused when others can read them."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from app.kit.crypto.errors import KeyringError
from app.kit.crypto.keyring import Keyring

_FILE_MODE = 0o600
_DIR_MODE = 0o700


def write_secret_file(path: Path, data: str | bytes) -> None:
    """Atomically replace ``path`` with ``data`` (str as UTF-8), mode 0600.

    A missing parent directory is created with mode 0700. Readers see either the old file or
    the complete new one, never a partial write, and the file is never briefly world-readable.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    directory = path.parent
    directory.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
    temporary = directory / f".{path.name}.{secrets.token_hex(8)}.tmp"
    # O_EXCL also refuses to follow a symlink planted at the temporary name.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, _FILE_MODE)
    try:
        try:
            # The umask may have tightened the mode further; make it exactly 0600.
            os.fchmod(fd, _FILE_MODE)
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    # Make the rename itself durable, or a crash could bring the old key file back.
    dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def read_secret_file(path: Path) -> bytes:
    """Return the contents of ``path``.

    KeyringError if it is not a regular file or its mode grants anything to group or others
    (mode & 0o077); FileNotFoundError if it does not exist.
    """
    with open(path, "rb") as file:
        # fstat on the open file, not stat on the name, so the checked file is the one read.
        mode = os.fstat(file.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise KeyringError(f"secret file {path} is not a regular file")
        if mode & 0o077:
            raise KeyringError(
                f"secret file {path} is accessible to group or others "
                f"(mode {stat.S_IMODE(mode):04o}); restrict it to 0600"
            )
        return file.read()


def load_keyring_file(path: Path) -> Keyring:
    """Read a keyring saved by save_keyring_file; KeyringError if unsafe or malformed."""
    try:
        text = read_secret_file(path).decode("utf-8")
    except UnicodeDecodeError:
        raise KeyringError(f"keyring file {path} is not UTF-8 text") from None
    return Keyring.from_json(text)


def save_keyring_file(path: Path, keyring: Keyring) -> None:
    """Write ``keyring`` as accord-keyring/1 JSON to ``path`` with write_secret_file."""
    write_secret_file(path, keyring.to_json())
