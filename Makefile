# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench demo clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Builds the demo database when none exists, then serves the dashboard and runs the
# scheduler beside it (Streamlit honours STREAMLIT_SERVER_PORT); Ctrl-C stops both.
run: install
	$(PY) -m pricewatch demo --if-missing
	$(PY) -m pricewatch serve

demo: install
	$(PY) -m pricewatch demo --force

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# Two workers (pytest-xdist), whole files to a worker: module-scoped servers start once.
# One file alone: .venv/bin/python -m pytest -q tests/test_x.py (no -n needed).
test: install lint
	$(PY) -m pytest -q -n 2 --dist loadfile

bench: install
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
