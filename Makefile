# The two commands: `make demo` runs SignMe with demo data, `make test` runs the tests.
# Each creates .venv and installs what it needs on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test test-sqlite test-postgres lint format bench surge clean system-packages messages

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

demo: $(BIN)/.installed
	$(BIN)/signme demo --port $(PORT)

# Chromium for the browser tests and wrk for the benchmarks, from Debian.
system-packages:
	@bash scripts/system-packages

test: $(BIN)/.installed system-packages
	@$(MAKE) --no-print-directory test-sqlite
	@if $(BIN)/python scripts/pg_ready.py "$(PG_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL not reachable at $(PG_URL)"; exit 1; \
	else echo "PostgreSQL not reachable at $(PG_URL): skipped the PostgreSQL run"; fi

# Two test processes, one a core: the tests keep both busy (the long ones and
# those that wait on Chromium or a demo process begin first; see
# STARTED_FIRST in tests/conftest.py), and a third only adds its start-up.
# TEST_WORKERS=0: one process. loadgroup: the browser tests share one
# process and one Chromium, and the walk of every page has another (see
# SHARED_COSTS in tests/conftest.py).
TEST_WORKERS ?= 2
# Each test process rewrites the asserts of every test module (seconds of CPU);
# pytest keeps the result in __pycache__ unless PYTHONDONTWRITEBYTECODE is set,
# so the next run, or the PostgreSQL run after the SQLite one, starts at once.
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadgroup

test-sqlite: $(BIN)/.installed
	@echo "== tests on SQLite"
	SIGNME_HOME=var/test DATABASE_URL= $(PYTEST)

test-postgres: $(BIN)/.installed
	@echo "== tests on PostgreSQL"
	SIGNME_HOME=var/test DATABASE_URL=$(PG_URL) $(PYTEST)

lint: $(BIN)/.installed
	$(BIN)/ruff check signme tests bench
	$(BIN)/ruff format --check signme tests bench

format: $(BIN)/.installed
	$(BIN)/ruff format signme tests bench
	$(BIN)/ruff check --fix signme tests bench

# Translators: refresh the Welsh catalogue from the code and compile it (needs
# GNU gettext); commit both django.po and django.mo, so installing needs neither.
messages: $(BIN)/.installed
	cd signme && SIGNME_HOME=../var ../$(BIN)/signme manage makemessages -l cy -e html,txt,py,svg --no-location --no-obsolete -i "static/*"
	cd signme && SIGNME_HOME=../var ../$(BIN)/signme manage compilemessages -l cy

# Small sizes by default (a few minutes); e.g. make bench BENCH_ARGS="--full --db sqlite,postgres"
bench: $(BIN)/.installed system-packages
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# A surge replayed on a cluster on loopback (nginx, app servers, PostgreSQL,
# Redis, workers, an SMTP sink): three minutes. E.g. make surge SURGE_ARGS="--peak 600"
surge: $(BIN)/.installed system-packages
	$(BIN)/python bench/surge.py $(SURGE_ARGS)

clean:
	rm -rf $(VENV) var
