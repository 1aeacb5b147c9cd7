#!/usr/bin/env bash
# The letter tests read PDFs as a person would: pdftoppm renders a page, pdftotext and
# pdffonts read it back (Debian's poppler-utils).
set -euo pipefail
if command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's poppler-utils for the letter tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
  exit 0
fi
echo "The letter tests need poppler-utils (pdftotext, pdftoppm, pdffonts)." >&2
echo "Install it with:  sudo apt-get install poppler-utils" >&2
exit 1
