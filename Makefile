# Two commands: `make study` builds the whole study, `make test` runs the tests.
# Both create .venv if missing and install the pinned environment once; the
# install is redone only when requirements.lock or pyproject.toml change.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORES ?= 4
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: study test env lint format lock dry-run clean-results

study: $(STAMP)
	$(BIN)/snakemake -c$(CORES)

test: $(STAMP)
	$(BIN)/python -m pytest

env: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pinned environment into $(VENV) (once; redone only when requirements.lock changes)"
	$(BIN)/python -m pip install --quiet --quiet --disable-pip-version-check --no-input -r requirements.lock
	$(BIN)/python -m pip install --quiet --quiet --disable-pip-version-check --no-input --no-deps --no-build-isolation -e .
	@touch $(STAMP)

dry-run: $(STAMP)
	$(BIN)/snakemake -n -c$(CORES)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakemake --lint

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-resolve the pins from pyproject.toml (needs the registry); review the diff before committing.
lock:
	rm -rf /tmp/reintegration-lock-venv && $(PYTHON) -m venv /tmp/reintegration-lock-venv
	/tmp/reintegration-lock-venv/bin/pip install --quiet -e '.[dev]'
	$(PYTHON) workflow/scripts/write_lock.py --venv /tmp/reintegration-lock-venv --lock requirements.lock --conda environment.yml

clean-results:
	rm -rf results .snakemake/metadata
