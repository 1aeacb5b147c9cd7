# syntax=docker/dockerfile:1
# Accord production image: the built frontend plus the Python app, run as uid 10001.
#
#   docker compose build            (or: docker build -t accord:latest .)
#
# No secret is baked in: keys and database passwords arrive at run time as mounted files
# (see docker-compose.yml). Base images are pinned by tag; pin digests where a registry is
# reachable (`docker buildx imagetools inspect <image>`).

ARG NODE_IMAGE=node:20-bookworm-slim
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- 1. frontend: npm ci + npm run build -> /src/frontend/dist ---------------------------
FROM ${NODE_IMAGE} AS frontend
WORKDIR /src/frontend
# What `npm ci` reads first (layer cached until the lock changes). .npmrc sets engine-strict;
# @accord/api-gen is a `file:tools/api-gen` dependency, so its package.json is needed too.
COPY frontend/package.json frontend/package-lock.json frontend/.npmrc ./
COPY frontend/tools/api-gen/package.json tools/api-gen/package.json
RUN npm ci --no-audit --no-fund
# The sources (.dockerignore keeps node_modules/ and dist/ out of the context).
COPY frontend/ ./
RUN npm run build

# --- 2. python-build: the project and its pinned dependencies in /opt/venv ---------------
FROM ${PYTHON_IMAGE} AS python-build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
# The hashed runtime lock, then the project itself without resolving anything more.
# CI runs this exact line in a fresh venv and serves /readyz from it (scripts/front-door.sh).
COPY pyproject.toml ./
COPY requirements/runtime.txt requirements/runtime.txt
COPY scripts/install-python.sh scripts/install-python.sh
COPY app/ app/
RUN sh scripts/install-python.sh /opt/venv requirements/runtime.txt

# --- 3. runtime ---------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# PYTHONPATH=/app: the `accord` entry point must import app/ from /app, not the copy pip put
# in site-packages, because app/migrate.py finds alembic.ini and migrations/ next to app/.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ACCORD_ENV=production \
    ACCORD_FRONTEND_DIST=/app/frontend/dist

RUN groupadd --system --gid 10001 accord \
    && useradd --system --uid 10001 --gid 10001 --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin accord

COPY --from=python-build /opt/venv /opt/venv
WORKDIR /app
# Owned by root and read-only to the app user: the process cannot alter its own code.
COPY alembic.ini ./
COPY migrations/ migrations/
COPY app/ app/
COPY --from=frontend /src/frontend/dist frontend/dist

# PGPASSWORD_FILE -> PGPASSWORD (asyncpg uses it when the database URL carries no password),
# so a database password comes from a mounted secret file and never appears in the compose
# file, the image or `docker inspect`. Any other command is run unchanged.
COPY --chmod=0755 <<'EOF' /usr/local/bin/accord-entrypoint
#!/bin/sh
set -eu
if [ -n "${PGPASSWORD_FILE:-}" ]; then
    PGPASSWORD="$(cat "$PGPASSWORD_FILE")"
    export PGPASSWORD
    unset PGPASSWORD_FILE
fi
exec "$@"
EOF

# Compiled once here: the container's root filesystem is read-only at run time.
RUN python -m compileall -q app migrations

USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["accord-entrypoint"]
CMD ["accord", "serve", "--host", "0.0.0.0"]
