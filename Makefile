# osaava: two commands. `make demo` runs the main job on embedded defaults; `make test` passes
# the tests. Both set up .venv on first use (Python 3.11) and reinstall when pyproject changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export OSAAVA_TEST_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: demo test bench mutate serve setup check-services test-tools clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/osaava demo

check-services:
	@$(BIN)/python scripts/check_services.py

# Debian's chromium, poppler-utils and fonts for the browser and PDF checks; the xAPI test LRS
# in its own venv (ralph-malph cannot share Prefect's).
test-tools:
	@sh scripts/ensure_system_packages.sh
	@bash scripts/lrs_venv.sh

test: $(STAMP) check-services test-tools
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python scripts/bench.py

# Mutation testing of osaava/figures.py against the fast figure tests ([tool.mutmut] in
# pyproject.toml), on a seeded sample of its ~2 600 mutants (MUTATE_SAMPLE=0 runs them all;
# MUTATE_LIMIT seconds stops a run, a later run resumes). Prints the score of the sample.
MUTATE_SAMPLE ?= 150
MUTATE_LIMIT ?= 3600
mutate: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,mutate]'
	$(BIN)/python scripts/mutate.py --sample $(MUTATE_SAMPLE) --limit $(MUTATE_LIMIT)

clean:
	rm -rf var out test-artifacts .pytest_cache .venv-lrs mutants

serve: $(STAMP)
	scripts/serve.sh
