# Hybrid Catalog: `make run` serves the whole project, `make test` checks it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run test lint format schema bench bench-scale bench-memory bench-checkout clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements/base.txt requirements/production.txt requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the pinned requirements (only when they changed)

run: $(STAMP) ## Migrate, load the demo data and serve on http://127.0.0.1:8000 (SQLite unless DATABASE_URL is set)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(STAMP) ## ruff (lint and format check), the import contract, the migrations check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

test: lint ## lint, then the whole pytest suite (on DATABASE_URL when set)
	$(BIN)/pytest

format: $(STAMP) ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: $(STAMP) ## Regenerate the committed API contracts (OpenAPI, GraphQL SDL, the persisted-query manifest)
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py spectacular --validate --fail-on-warn --file api_rest/openapi.yaml
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py graphql_schema --schema api_graphql.schema.schema --out api_graphql/schema.graphql
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py graphql_manifest workshop/scenarios.yaml workshop/screens.yaml --out api_graphql/persisted-queries.json

$(VENV)/.bench-installed: $(STAMP) requirements/bench.txt
	$(BIN)/python -m pip install --quiet -r requirements/bench.txt
	touch $@

bench: $(VENV)/.bench-installed ## Benchmark REST and GraphQL, uncached and cached, against a hand-written baseline under wrk (DATABASE_URL=postgres://... REDIS_URL=redis://...)
	@command -v wrk >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-scale: $(VENV)/.bench-installed ## Benchmark 10,000 against 1,000,000 books, each size in its own database (DATABASE_URL=postgres://... REDIS_URL=redis://...)
	@command -v wrk >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk)
	$(BIN)/python -m bench.run --scale 10000,1000000 $(BENCH_ARGS)

bench-memory: $(VENV)/.bench-installed ## Worker memory after 1,000 and 10,000 requests per worker, workers never recycled
	@command -v wrk >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk)
	$(BIN)/python -m bench.run --memory 1000,10000 $(BENCH_ARGS)

bench-checkout: $(VENV)/.bench-installed ## Purchases under concurrent load, REST against GraphQL, with a stock consistency check
	@command -v wrk >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk)
	$(BIN)/python -m bench.run --checkout $(BENCH_ARGS)

clean: ## Remove the virtualenv, the SQLite database and collected static files
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles .pytest_cache
