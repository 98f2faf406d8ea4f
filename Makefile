# govhall: `make run` serves the demo city, `make test` runs the whole suite. Only Python 3.11 and make needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test setup lint format messages clean bench fuzz

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(STAMP)
	$(PY) -m govhall.core.i18n_compile
	$(PY) manage.py migrate --noinput

run: setup
	$(PY) manage.py demo --once
	$(PY) manage.py serve

# The suite runs in up to 4 processes (pytest-xdist), tests handed out in collection order, which keeps
# pytest-django's order (transactional tests last); PYTEST_PROCESSES= runs it in this one process.
PYTEST_PROCESSES ?= -n auto --maxprocesses=4

test: $(DEVSTAMP)
	$(PY) -m govhall.core.i18n_compile
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest $(PYTEST_PROCESSES) $(PYTEST_ARGS)

lint: $(DEVSTAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages:
	cd govhall && for app in $$(ls -d */locale | cut -d/ -f1); do (cd $$app && ../../$(PY) ../../manage.py makemessages -l zh_Hans --no-obsolete); done

# The benchmarks need the production extra too (gunicorn, psycopg-pool, redis) and PostgreSQL on
# 127.0.0.1:5432; `make bench BENCH="intake --full"` runs one at its full size (bench/all.py --help).
BENCHSTAMP := $(VENV)/.installed-bench
BENCH ?=

$(BENCHSTAMP): pyproject.toml $(DEVSTAMP)
	$(PY) -m pip install --quiet -e '.[dev,production]'
	touch $@

bench: $(BENCHSTAMP)
	$(PY) -m govhall.core.i18n_compile
	$(PY) bench/all.py $(BENCH)

# schemathesis against the whole OpenAPI schema, as the demo administrator and the department handler
# (tools/fuzz.py; FUZZ_EXAMPLES=15 FUZZ_SEED=7 by default). 0 findings is the goal.
fuzz: $(DEVSTAMP)
	$(PY) -m govhall.core.i18n_compile
	$(PY) tools/fuzz.py

clean:
	rm -rf $(VENV) var
