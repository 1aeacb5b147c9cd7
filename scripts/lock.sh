#!/usr/bin/env bash
# Compile the hashed lock files from pyproject.toml (uv pip compile).
#
#   scripts/lock.sh            refresh requirements/*.txt after pyproject.toml changed;
#                              versions already locked are kept (uv prefers the output file's pins)
#   scripts/lock.sh --upgrade  move every transitive dependency to its newest allowed version
#   scripts/lock.sh --check    fail when a lock no longer matches pyproject.toml (make lint)
#
# runtime.txt is what `make run`, the Docker image and CI's front-door check install; dev.txt
# adds the test and lint tools, constrained to the runtime lock's versions so both agree.
set -euo pipefail
cd "$(dirname "$0")/.."
uv=${UV:-.venv/bin/uv}
mode=${1:-}
common=(--python-version 3.11 --generate-hashes --quiet --custom-compile-command "make lock")
[ "$mode" = "--upgrade" ] && common+=(--upgrade)

compile() { # OUTPUT [extra args...]
    local out=$1
    shift
    "$uv" pip compile pyproject.toml "${common[@]}" "$@" -o "$out"
}

lock_all() {
    compile requirements/runtime.txt
    compile requirements/dev.txt --extra dev -c requirements/runtime.txt
}

if [ "$mode" = "--check" ]; then
    # Recompile copies in a scratch tree laid out like this one (the lock files name their
    # inputs by relative path): versions already locked are kept, so only a change of
    # pyproject.toml, not a new upstream release, makes a difference.
    uv=$(realpath "$uv")
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    mkdir "$tmp/requirements"
    cp pyproject.toml "$tmp/"
    cp requirements/runtime.txt requirements/dev.txt "$tmp/requirements/"
    (cd "$tmp" && lock_all)
    stale=0
    for lock in runtime dev; do
        if ! diff -u "requirements/$lock.txt" "$tmp/requirements/$lock.txt" >"$tmp/$lock.diff"; then
            echo "requirements/$lock.txt does not match pyproject.toml (run: make lock):"
            cat "$tmp/$lock.diff"
            stale=1
        fi
    done
    exit $stale
fi
lock_all
echo "locked: $(grep -c '==' requirements/runtime.txt) runtime, $(grep -c '==' requirements/dev.txt) dev packages"
