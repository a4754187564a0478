# Kretslopp: `make run` for a working demo, `make test` for every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests run once on SQLite and once on PostgreSQL (the machine's server unless told otherwise).
KRETSLOPP_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kretslopp
CHROMIUM ?= /usr/bin/chromium

.PHONY: run install test lint format test-sqlite test-postgres pg-ready bench messages browser pgclient clean

$(BIN)/kretslopp: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

install: $(BIN)/kretslopp

run: install
	@mkdir -p var
	@KRETSLOPP_HTTPS=0 $(BIN)/kretslopp migrate --no-input -v 0
	@KRETSLOPP_HTTPS=0 $(BIN)/kretslopp demo --if-empty
	@echo ""
	@echo "  Kretslopp is running at http://$(HOST):$(PORT)/  (log in with a demo account above)"
	@echo "  One background worker runs beside it (large imports, scheduled jobs): var/worker.log"
	@echo ""
	@# The worker lives as long as the server: stopped with it, however the server ends.
	@KRETSLOPP_HTTPS=0 $(BIN)/kretslopp worker --with-schedule > var/worker.log 2>&1 & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  KRETSLOPP_HTTPS=0 $(BIN)/kretslopp runserver --noreload $(HOST):$(PORT)

# The layer contracts of docs/architecture.md ([tool.importlinter] in pyproject.toml) too.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Debian's Chromium drives the browser tests; Playwright's own browser download is not used.
# WeasyPrint (the report PDFs) needs Pango from the system.
browser:
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	@ldconfig -p | grep -q libpangoft2-1.0 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0)

# PostgreSQL's client programs (pg_dump, pg_restore) for `kretslopp backup` and its tests.
pgclient:
	@command -v pg_dump >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client)

test-sqlite: install browser
	KRETSLOPP_HTTPS=0 KRETSLOPP_DATABASE_URL=sqlite:///var/test.sqlite3 $(BIN)/python -m pytest -q

test-postgres: install pgclient
	KRETSLOPP_HTTPS=0 KRETSLOPP_DATABASE_URL=$(KRETSLOPP_TEST_DATABASE_URL) $(BIN)/python -m pytest -q -m "not browser"

# Before anything else: with the server down, stop at once with one line saying how to start it.
pg-ready: install
	@$(BIN)/python -m kretslopp.core.pgcheck "$(KRETSLOPP_TEST_DATABASE_URL)"

test: pg-ready lint test-sqlite test-postgres

# Every benchmark runs even if one misses its target; the exit status says whether all passed.
bench: install
	@status=0; for bench in benchmarks/bench_*.py; do echo "== $$bench"; \
	  $(BIN)/python $$bench || status=1; done; exit $$status

# Swedish catalogues, one per app plus kretslopp/locale for the rest (scripts/messages.sh).
messages: install
	scripts/messages.sh

clean:
	rm -rf $(VENV) var
