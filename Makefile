# One entry point for the whole chain. `make run` and `make test` work from a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: run build test pytest lint bench clean venv report sql

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $@

## run: build the warehouse; its on-run-end hook writes exports, figures and summaries and
## releases them with the warehouse in one flip (tiktok_claims.export.release)
run: build

build: venv
	mkdir -p warehouse
	$(BIN)/dbt build

## test: lint, build, then the pytest suite (real-data tests need ../shared/data)
test: venv lint run report
	$(BIN)/pytest

pytest: venv
	$(BIN)/pytest

lint: venv
	$(BIN)/ruff check src models_py tests bench
	$(BIN)/ruff format --check src models_py tests bench
	$(BIN)/sqlfluff lint dbt_project/models analyses tests/dbt

## sql: the DuckDB shell on the warehouse, read-only (a running build needs the write lock)
sql: venv
	$(BIN)/duckdb -readonly "$(REPORT_WAREHOUSE)"

bench: venv
	$(PY) -m bench

## report: build the Evidence site (reports/build) from the warehouse, print Overview + summaries to PDF
REPORT_WAREHOUSE := $(or $(CLAIMS_WAREHOUSE),warehouse/tiktok_claims.duckdb)
REPORT_EXPORTS := $(or $(CLAIMS_EXPORTS),exports)
CHROMIUM ?= /usr/bin/chromium
report: venv
	test -f "$(REPORT_WAREHOUSE)" || $(MAKE) run
	test -x "$(CHROMIUM)" || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	cd reports && npm install --no-audit --no-fund --loglevel=error
	mkdir -p reports/.warehouse && cp "$(REPORT_WAREHOUSE)" reports/.warehouse/tiktok_claims.duckdb
	rm -rf reports/build reports/.evidence/template/build
	# the plan is written once (docs/); the report page is made from it
	{ printf -- '---\ntitle: Project plan\n---\n\n'; tail -n +2 docs/project_plan.md; } > reports/pages/project-plan.md
	cd reports && set -o pipefail && { npm run --silent sources && npm run --silent build; } 2>&1 | tee .evidence-build.log
	! grep -E "Error in Query|✖ Error" reports/.evidence-build.log
	! grep -l "Error in Query" $$(find reports/build -name '*.html')
	cd reports && CHROMIUM="$(CHROMIUM)" node scripts/pdf.mjs build "$(abspath $(REPORT_EXPORTS))"

clean:
	rm -rf target logs dbt_packages exports warehouse/*.duckdb warehouse/*.wal warehouse/models
	rm -rf reports/build reports/.evidence reports/.warehouse reports/.evidence-build.log
