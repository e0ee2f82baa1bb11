# One entry point for the whole chain. `make run` and `make test` work from a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: run build unit test pytest lint bench clean venv report sql daily retrain venv-spark java build-spark test-spark

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $@

## run: build the warehouse; its on-run-end hook writes exports, figures and summaries and
## releases them with the warehouse in one flip (tiktok_claims.export.release)
run: build

# dbt build, with the Python models' workers starting while dbt parses (src/tiktok_claims/run_dbt.py)
DBT_BUILD := $(PY) -m tiktok_claims.run_dbt build

# Unit tests check SQL logic on fixed inputs, not the data: as dbt recommends, the production
# build leaves them out, and `make test` runs them (`unit`, and every build in pytest).
build: venv
	mkdir -p warehouse
	$(DBT_BUILD) --exclude-resource-type unit_test

unit: venv
	$(BIN)/dbt test --select test_type:unit

## daily: load the inbox's new batches, score them with the saved model, refresh queue, drift, exports
daily: venv
	$(DBT_BUILD) --selector daily

## retrain: the day's run, then a build that refits on the initial labels + moderator
## decisions and promotes only if not worse (released with the warehouse, or not at all)
retrain: daily
	$(DBT_BUILD) --selector retrain --vars '{retrain: true}'

## test: lint, build, then the pytest suite (real-data tests need ../shared/data), on two
## workers: a test module stays on one (its fixtures are built once)
test: venv lint run unit report
	$(BIN)/pytest -n 2 --dist loadfile

pytest: venv
	$(BIN)/pytest

lint: venv
	$(BIN)/ruff check src models_py tests bench
	$(BIN)/ruff format --check src models_py tests bench
	$(BIN)/sqlfluff lint --processes 2 dbt_project/models analyses tests/dbt

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

## Spark: the SQL models on Apache Spark (dbt-spark session mode, a local pyspark, Java 17).
# Its warehouse, metastore and dbt artefacts stay under CLAIMS_SPARK_DIR (absolute).
export CLAIMS_SPARK_DIR := $(abspath $(or $(CLAIMS_SPARK_DIR),warehouse/spark))
SPARK_DBT_ENV := DBT_TARGET_PATH=$(CLAIMS_SPARK_DIR)/target DBT_LOG_PATH=$(CLAIMS_SPARK_DIR)/logs

venv-spark: $(VENV)/.installed-spark
$(VENV)/.installed-spark: $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev,spark]'
	touch $@

java:
	@command -v java >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq openjdk-17-jre-headless; } >/dev/null 2>&1 || { echo "Spark needs \
	Java 17: java is missing and openjdk-17-jre-headless could not be installed with apt-get \
	(it needs root); install a Java 17 runtime and run this again." >&2; exit 1; }

## build-spark: dbt build on the spark target (the header check runs first: no Python in dbt there)
build-spark: venv-spark java
	mkdir -p "$(CLAIMS_SPARK_DIR)"
	vars=$$($(PY) -m tiktok_claims header) && $(SPARK_DBT_ENV) $(BIN)/dbt build --target spark --vars "$$vars"

## test-spark: build on Spark from the DuckDB build's input and compare every mart with DuckDB's
test-spark: venv-spark java
	test -f warehouse/tiktok_claims.duckdb || $(MAKE) build
	$(BIN)/pytest -m spark

clean:
	rm -rf target logs dbt_packages exports warehouse/*.duckdb warehouse/*.wal warehouse/models warehouse/spark
	rm -rf reports/build reports/.evidence reports/.warehouse reports/.evidence-build.log
