#!/usr/bin/env bash
# The front door, as a newcomer and the production image meet it: a fresh virtual environment
# built by the Dockerfile's own install line (runtime lock only, no dev extra), then
# `accord serve` on a free port must answer /readyz with 200. Fails loudly otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d)
server_pid=""
cleanup() {
    # errexit holds in this trap too: a stopped server's status must not become ours.
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# 1. The Dockerfile's python-build install line, run here with /opt/venv -> a scratch venv.
install_line=$(sed -n 's/^RUN \(sh scripts\/install-python\.sh \/opt\/venv .*\)$/\1/p' Dockerfile)
if [ -z "$install_line" ]; then
    echo "front door: the Dockerfile has no 'RUN sh scripts/install-python.sh /opt/venv ...' line"
    exit 1
fi
venv="$work/venv"
echo "front door: ${install_line//\/opt\/venv/$venv}"
eval "${install_line//\/opt\/venv/$venv}"
if "$venv/bin/python" -c "import pytest" 2>/dev/null; then
    echo "front door: the runtime venv has pytest: it is not runtime-only"
    exit 1
fi

# 2. The image's layout: code, migrations and alembic.ini under one root on PYTHONPATH.
root="$work/root"
mkdir -p "$root"
cp -r alembic.ini migrations app "$root/"
port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log="$work/serve.log"
(
    cd "$root"
    exec env -i PATH="$venv/bin:/usr/bin:/bin" HOME="$work" PYTHONPATH="$root" \
        ACCORD_DATA_DIR="$work/data" ACCORD_FRONTEND_DIST="$repo/frontend/dist" \
        ACCORD_HTTP__PUBLIC_URL="http://localhost:$port" \
        "$venv/bin/accord" serve --host 127.0.0.1 --port "$port"
) >"$log" 2>&1 &
server_pid=$!

for _ in $(seq 120); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "front door: accord serve exited before answering:"
        cat "$log"
        server_pid=""
        exit 1
    fi
    status=$(curl -s -o "$work/readyz" -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
    if [ "$status" = "200" ]; then
        echo "front door: /readyz 200 from the runtime-only install: $(cat "$work/readyz")"
        exit 0
    fi
    sleep 0.5
done
echo "front door: /readyz did not answer 200 within 60 s (last status: ${status:-none}):"
cat "$log"
exit 1
