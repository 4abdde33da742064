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

.PHONY: study test test-cluster env lint format lock dry-run clean-results design

study: $(STAMP)
	$(BIN)/snakemake -c$(CORES)

test: $(STAMP)
	$(BIN)/python -m pytest

# The tiny study on a real one-node SLURM (root: .ci/slurm-up installs and starts it), every job
# an sbatch job through profiles/slurm; its release must equal a local run's byte for byte.
# The daemons started are stopped again, whatever the outcome.
test-cluster: $(STAMP)
	trap .ci/slurm-down EXIT; .ci/slurm-up && \
	  REINTEGRATION_TEST_CLUSTER=1 $(BIN)/python -m pytest tests/cluster/test_slurm_release.py -v -s

# The design study (coverage, size, bias, power from the calibrated generator) into
# results/design/; the next `make study` adds the report's "Design" page. Expensive (R = 200:
# about 20 minutes on 2 cores), so only on request: `make design DESIGN_R=50` for a quick look.
DESIGN_R ?= 200
design: $(STAMP)
	$(BIN)/python benchmarks/design_study.py results/design --R $(DESIGN_R)

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
	/tmp/reintegration-lock-venv/bin/pip install --quiet -e '.[dev,cluster]'
	$(PYTHON) workflow/scripts/write_lock.py --venv /tmp/reintegration-lock-venv --lock requirements.lock --conda environment.yml

clean-results:
	rm -rf results .snakemake/metadata
