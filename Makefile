# Kyoso — the two commands: `make run` (the whole app with demo data) and `make test` (the suite).
# Python ≥ 3.12 is found by itself: $(PYTHON) if given, else the PATH, else pyenv's versions.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Prints the first interpreter that really runs and is ≥ 3.12 (a pyenv shim may exist and fail).
FIND_PYTHON = for c in $(PYTHON) python3.13 python3.12 python3 python \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  if command -v "$$c" >/dev/null 2>&1 && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    echo "$$c"; exit 0; fi; done; \
	echo "No Python ≥ 3.12 found: install one, or run make PYTHON=/path/to/python3.12" >&2; exit 1

.PHONY: install run test lint check demo migrate clean

$(BIN)/python:
	@py=$$($(FIND_PYTHON)) && echo "Using $$py ($$($$py --version))" && "$$py" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python  ## create .venv and install the app with its test tools
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# The compiled catalogues are committed; rebuild them when gettext is present.
	@if command -v msgfmt >/dev/null; then $(BIN)/python manage.py compilemessages --ignore=.venv >/dev/null; fi

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate  ## the national municipality list and the demo records and accounts (idempotent)
	$(BIN)/python manage.py load_municipalities
	$(BIN)/python manage.py load_procedures
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py load_outcome_demo
	$(BIN)/python manage.py load_proposal_demo
	$(BIN)/python manage.py load_reference_figures outcomes/data/reference_L01_mhlw.csv --procedure L01

run: demo  ## the whole app on http://$(HOST):$(PORT) with demo data: web, Celery worker and beat
	@echo "Kyoso: http://$(HOST):$(PORT)/  (admin: /admin/, API docs: /api/v1/docs/) — Ctrl-C stops all"
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) PORT=$(PORT) $(BIN)/honcho -f Procfile.dev start

test: install  ## the whole suite (SQLite unless DATABASE_URL points at PostgreSQL)
	@# axe-core for the accessibility checks in the page tests (skipped without npm or Chromium)
	@if command -v npm >/dev/null; then cd tests/browser && npm ci --silent --no-audit --no-fund; fi
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/python -m ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

check: install
	$(BIN)/python manage.py check

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .test-media .pytest_cache

# National scale (docs/performance.md): a seeded kyoso_bench database, gunicorn with production settings,
# every figure against its baseline in the same run. wrk is used when installed (apt-get install wrk).
.PHONY: bench drills
BENCH_SCALE ?= full

bench: install  ## benchmark at BENCH_SCALE (full ≈ 15 min, small ≈ 3 min): bench/results/, docs/performance.md
	$(BIN)/python -m bench.run --scale $(BENCH_SCALE) $(BENCH_ARGS)

drills: install  ## fault drills on the bench database: load, PostgreSQL restart, broker outage, killed worker
	$(BIN)/python -m bench.drills.run $(DRILL_ARGS)
