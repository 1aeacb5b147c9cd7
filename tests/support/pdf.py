"""A PDF read as a reader would: its text extracted by poppler's pdftotext (installed by
`make test` through scripts/ensure-poppler.sh)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def pdf_text(pdf: bytes, tmp_path: Path, *options: str) -> str:
    """The text of ``pdf`` (``options`` such as ``-layout`` go to pdftotext)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: `make test` installs poppler-utils")
    path = tmp_path / "read.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", *options, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
