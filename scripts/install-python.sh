#!/bin/sh
# Install Accord into a virtual environment from a hashed lock file: exactly the reviewed
# versions, transitive ones included, each checked against its recorded sha256.
#
#   scripts/install-python.sh VENV LOCKFILE [--editable]
#
# One command for every place that installs Accord: `make run` (runtime lock, editable),
# `make test` (dev lock, editable), the Dockerfile's python-build stage (runtime lock) and
# CI's front-door check, which runs this very line in a fresh venv (scripts/front-door.sh).
set -eu
venv=$1
lock=$2
mode=${3:-}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
pip="$venv/bin/python -m pip --disable-pip-version-check --no-input -q"
# --require-hashes refuses any package, direct or transitive, that the lock does not pin
# with a hash; --no-deps then installs the project itself without resolving anything more.
$pip install --require-hashes --no-deps -r "$lock"
if [ "$mode" = "--editable" ]; then
    $pip install --no-deps -e .
else
    $pip install --no-deps --no-cache-dir .
fi
# The lock must be complete: a requirement it misses shows up here, not at first import.
$pip check
