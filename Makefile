# Two commands matter: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
PYTEST_WORKERS ?= 2

.PHONY: run test install install-dev frontend lint lock check-api-client openapi clean-data test-python \
	front-door custody-vectors

run: install frontend ## install, build the UI, migrate ./data/accord.db, create dev keys, serve :8000
	$(VENV)/bin/accord serve

test: install-dev frontend ## every test: Python (with browser tests) and frontend unit tests
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-poppler.sh
	$(PY) -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider
	cd frontend && npm test --silent

test-python: install-dev frontend
	bash scripts/ensure-poppler.sh
	$(PY) -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

# Installs come from the hashed lock files only (scripts/install-python.sh, the same line the
# Dockerfile runs); `make lock` recompiles them after pyproject.toml changes.
$(VENV)/.installed: pyproject.toml requirements/runtime.txt | $(VENV)/bin/activate
	sh scripts/install-python.sh $(VENV) requirements/runtime.txt --editable
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements/dev.txt $(VENV)/.installed
	sh scripts/install-python.sh $(VENV) requirements/dev.txt --editable
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(shell find frontend/src frontend/index.html frontend/public -type f 2>/dev/null) frontend/vite.config.ts
	cd frontend && npm run build

frontend: frontend/dist/index.html

openapi: install ## write frontend/openapi.json and regenerate the typed client
	$(VENV)/bin/accord openapi --output frontend/openapi.json
	cd frontend && npm run gen:api

check-api-client: install frontend/node_modules/.package-lock.json ## fail when the generated client is stale
	@$(VENV)/bin/accord openapi | diff -q - frontend/openapi.json >/dev/null \
		|| { echo "frontend/openapi.json is stale: run make openapi"; exit 1; }
	cd frontend && npm run check:api

lock: install-dev ## recompile requirements/*.txt (hashed) from pyproject.toml
	bash scripts/lock.sh

# The tests read the committed file; regenerate it only when the custody formats change.
custody-vectors: install frontend/node_modules/.package-lock.json ## remake tests/kit/crypto/custody_vectors.json (Python and browser halves)
	cd frontend && node scripts/custody-vectors.mjs
	$(PY) scripts/custody_vectors.py

front-door: ## a fresh venv from the runtime lock alone serves /readyz (CI; no dev extra)
	bash scripts/front-door.sh

lint: install-dev frontend/node_modules/.package-lock.json check-api-client ## static checks (all in CI)
	bash scripts/lock.sh --check
	$(VENV)/bin/deptry .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check app tests migrations bench
	$(VENV)/bin/ruff format --check app tests migrations bench
	$(VENV)/bin/mypy app/kit app/auth app/permissions.py
	$(VENV)/bin/bandit -q -c pyproject.toml -r app
	bash scripts/audit-dependencies.sh
	cd frontend && npm run typecheck
	cd frontend && npm run lint
	cd frontend && npm run format:check

clean-data: ## forget the embedded database and development keys
	rm -rf data
