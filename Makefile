# The two commands a new user needs: `make run` and `make test`. Everything installs into .venv.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LEADS ?= 1000000
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DAGSTER_DISABLE_TELEMETRY := 1
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: run test lint format bench bench-generate bench-pipeline dev clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e ".[dev]"
	@touch $(STAMP)

## Generate demo data if the landing zone is empty, load it, build everything, print the funnel.
## FULL_REFRESH=1 rebuilds the incremental models from scratch.
run: $(STAMP)
	$(BIN)/funnel run $(if $(filter-out 0,$(FULL_REFRESH)),--full-refresh)

## Lint (ruff, sqlfluff) and the whole test suite, on TEST_WORKERS processes (default 2, the
## cores CI has; a test file stays on one worker, so its module fixtures are built once).
TEST_WORKERS ?= 2
test: lint
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check orchestration tests bench
	$(BIN)/ruff format --check orchestration tests bench
	$(BIN)/sqlfluff lint models macros tests/dbt --processes 2

format: $(STAMP)
	$(BIN)/ruff format orchestration tests bench
	$(BIN)/ruff check --fix orchestration tests bench

## Benchmarks at LEADS leads (default 1,000,000): `make bench LEADS=100000`.
bench: bench-generate bench-pipeline

bench-generate: $(STAMP)
	$(BIN)/python bench/bench_generate.py --leads $(LEADS)

## Full build vs a one-query yardstick, then one more day's incremental build.
bench-pipeline: $(STAMP)
	$(BIN)/python bench/bench_pipeline.py --leads $(LEADS)

## The Dagster UI on 127.0.0.1, port DAGSTER_PORT (default 3000), with this code location. Its
## instance is .dagster_home (git-ignored; a dagster.yaml with telemetry off is written when
## missing); the venv goes on PATH because dagster-dbt looks dbt up there at load time.
dev: $(STAMP)
	@$(BIN)/python -c "from orchestration.settings import Settings; Settings.from_env().export()"
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dagster dev -h 127.0.0.1 -p $${DAGSTER_PORT:-3000} \
		-m orchestration.definitions

clean:
	rm -rf target logs warehouse .dagster_home
