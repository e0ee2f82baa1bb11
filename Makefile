# One entry point for the whole chain. `make run` and `make test` work from a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: run build publish test pytest lint bench clean venv

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $@

## run: build the warehouse (dbt build, with exports) and write figures and summaries
run: build publish

build: venv
	mkdir -p warehouse
	$(BIN)/dbt build

publish: venv
	$(PY) -m tiktok_claims publish

## test: lint, build, then the pytest suite (real-data tests need ../shared/data)
test: venv lint run
	$(BIN)/pytest

pytest: venv
	$(BIN)/pytest

lint: venv
	$(BIN)/ruff check src models_py tests bench
	$(BIN)/ruff format --check src models_py tests bench
	$(BIN)/sqlfluff lint dbt_project/models analyses tests/dbt

bench: venv
	$(PY) -m bench

clean:
	rm -rf target logs dbt_packages exports warehouse/*.duckdb warehouse/*.wal warehouse/models
