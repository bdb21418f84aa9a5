# jobmatch — the two commands of README.md, and what they stand on.
VENV      ?= .venv
PYTHON    ?= python3
BIN       := $(VENV)/bin
PIP       := $(BIN)/pip install --disable-pip-version-check -q -c constraints.txt
HOST      ?= 127.0.0.1
PORT      ?= 5000
PYTEST_WORKERS ?= 2

.PHONY: install install-dev run test bench clean

install: $(VENV)/.installed            ## virtualenv with the pinned runtime dependencies

$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -e .
	touch $@

install-dev: $(VENV)/.installed-dev    ## plus pytest, Playwright (no browser download) and schemathesis

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) -r requirements-dev.txt
	touch $@

run: export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
run: install                           ## migrate, load the demo, serve http://127.0.0.1:5000
	$(BIN)/jobmatch db upgrade
	$(BIN)/jobmatch demo
	$(BIN)/jobmatch run --host $(HOST) --port $(PORT)

test: install-dev                      ## the whole suite, on SQLite, PostgreSQL and Redis
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

bench: install-dev                     ## the benchmarks of README.md (needs PostgreSQL; several minutes)
	$(BIN)/python bench/roster_import.py
	$(BIN)/python bench/roster_validation.py
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/sms.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/ledger.py

clean:
	rm -rf $(VENV) instance .pytest_cache
