# PreventIA — every target is documented by `make help`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements-dev.lock pyproject.toml | sha1sum | cut -c1-12)
DASH_STAMP := src/preventia/static/dashboard/index.html

.PHONY: help install dashboard run test test-fast lint typecheck eval bench services clean

help: ## Show the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): requirements-dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv>=0.4,<1"
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements-dev.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## Create .venv and install the pinned Python packages (requirements-dev.lock)

$(DASH_STAMP): $(shell find dashboard/src dashboard/index.html dashboard/package*.json -type f 2>/dev/null)
	npm ci --prefix dashboard --no-audit --no-fund --loglevel=error
	npm run build --prefix dashboard --silent

dashboard: $(DASH_STAMP) ## Install the dashboard's npm packages and build it into the package

run: install dashboard ## Set up everything and run the platform on SQLite at http://127.0.0.1:8000
	$(BIN)/preventia db upgrade
	$(BIN)/preventia serve

lint: install ## Ruff lint and format check
	$(BIN)/ruff check src tests bench migrations
	$(BIN)/ruff format --check src tests bench migrations

typecheck: install ## mypy (strict) on the package and the benchmarks
	$(BIN)/mypy

eval: install ## Quality gates: analysis and extraction metrics against their pinned floors
	$(BIN)/preventia eval
	$(BIN)/preventia extract-eval

test-fast: install ## The Python tests only (no lint, no browser)
	$(BIN)/pytest -m "not browser"

test: install dashboard ## Set up everything and run the whole suite (lint, types, tests, browser, quality gates)
	scripts/ensure-system-packages.sh
	$(MAKE) --no-print-directory lint typecheck
	npm test --prefix dashboard --silent
	$(BIN)/pytest
	$(MAKE) --no-print-directory eval

bench: install ## Run the benchmarks in bench/ and print their figures (docs/benchmarks*.md)
	$(BIN)/python bench/bench_analyze.py
	$(BIN)/python bench/bench_pipeline.py --articles 600
	$(BIN)/python bench/bench_workers.py --articles 600
	$(BIN)/python bench/bench_freshness.py
	$(BIN)/python bench/bench_load.py

services: ## Start PostgreSQL and Redis on this machine when they are down (needs root)
	scripts/ensure-services.sh

clean: ## Remove the virtualenv, caches and the dashboard build
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache dashboard/node_modules src/preventia/static/dashboard
