# The two commands a newcomer types: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_CLOCK := 2026-03-27
SCENARIO := scenarios/2026-Q1
# The axe-core accessibility engine, injected by the browser tests (npm, into a folder the tests own).
AXE_DIR := tests/e2e/axe
AXE := $(AXE_DIR)/node_modules/axe-core/axe.min.js
# Swagger UI for the API's browsable page /api/v1/docs (npm, served by the service itself).
SWAGGER_DIR := web/api/swagger_ui
SWAGGER := $(SWAGGER_DIR)/node_modules/swagger-ui-dist/swagger-ui-bundle.js

.PHONY: install axe swagger-ui demo test test-postgres lint typecheck unit bench bench-scale clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

$(AXE): $(AXE_DIR)/package.json $(AXE_DIR)/package-lock.json
	cd $(AXE_DIR) && npm ci --no-audit --no-fund --silent
	touch $@

axe: $(AXE)

# --ignore-scripts: no install script runs (swagger-ui-dist's analytics dependency has one).
$(SWAGGER): $(SWAGGER_DIR)/package.json $(SWAGGER_DIR)/package-lock.json
	cd $(SWAGGER_DIR) && npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $@

swagger-ui: $(SWAGGER)

## demo: install, load the 2026-Q1 scenario into the default SQLite file, create the demo accounts
## (printing their shared password), sign a checkpoint of the audit log with a demo key (made once,
## in instance/), serve on http://127.0.0.1:5000 in demo mode
DEMO_ENV := DIALOGUE_CLOCK=$(DEMO_CLOCK) DIALOGUE_DEMO_MODE=yes
DEMO_AUDIT_KEY := instance/demo-audit.key
demo: install swagger-ui
	$(DEMO_ENV) $(BIN)/dialogue db init
	$(DEMO_ENV) $(BIN)/dialogue load-scenario $(SCENARIO)
	$(DEMO_ENV) $(BIN)/dialogue users demo
	$(DEMO_ENV) $(BIN)/dialogue participants publish-statistics --quarter 2026-Q1
	$(DEMO_ENV) $(BIN)/dialogue export quarter
	test -f $(DEMO_AUDIT_KEY) || $(DEMO_ENV) $(BIN)/dialogue audit keygen $(DEMO_AUDIT_KEY)
	$(DEMO_ENV) $(BIN)/dialogue audit checkpoint --key $(DEMO_AUDIT_KEY)
	$(DEMO_ENV) $(BIN)/dialogue run --host 127.0.0.1 --port 5000

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

## test: install and run the whole suite (lint, types, tests)
test: lint typecheck axe swagger-ui
	$(BIN)/pytest

## test-postgres: the same, with every persistence test also on PostgreSQL (local server, database test)
test-postgres: lint typecheck axe swagger-ui
	DIALOGUE_TEST_POSTGRES_URL=$${DIALOGUE_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} DIALOGUE_REQUIRE_POSTGRES=1 $(BIN)/pytest

unit: install
	$(BIN)/pytest tests/unit -q

## bench: measure the write path, aggregate loads, a rebuild and the main pages against their
## baselines and write BENCHMARKS.md (PostgreSQL figures too when its server answers)
BENCH_POSTGRES ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
bench: install
	$(BIN)/python -m benchmarks --postgres $(BENCH_POSTGRES)

## bench-scale: a generated history of ten years at 100 times the scenario's volume (about 2.8 million
## events; generated once, hours, and kept in .bench-cache/), loaded with `dialogue import` on SQLite and
## PostgreSQL: database size, import and rebuild time, board p50/p99, a web worker's peak memory; writes
## BENCHMARKS-scale.md. Smaller: make bench-scale SCALE_YEARS=1 SCALE_MULTIPLE=1
SCALE_YEARS ?= 10
SCALE_MULTIPLE ?= 100
SCALE_REQUESTS ?= 100
bench-scale: install
	$(BIN)/python -m benchmarks.scale --postgres $(BENCH_POSTGRES) --years $(SCALE_YEARS) --multiple $(SCALE_MULTIPLE) --requests $(SCALE_REQUESTS)

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache *.egg-info $(AXE_DIR)/node_modules $(SWAGGER_DIR)/node_modules
