# tanloi_portal: `make run` serves the portal on SQLite with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help run serve test lint format bench loadtest screenshots system-deps messages clean

help:
	@echo "make run    - create .venv, install, migrate, load the plan, seed demo data once, then run Redis, the"
	@echo "             task worker and the web server on http://$(HOST):$(PORT) together (Ctrl-C stops them all)"
	@echo "make serve  - as production runs it, on SQLite unless DATABASE_URL says otherwise: DEBUG off, static"
	@echo "             files collected, gunicorn with several workers, the task worker and its schedule, Redis"
	@echo "make test   - create .venv if missing, install, run the whole test suite"
	@echo "make lint   - ruff check and ruff format --check"
	@echo "make bench  - benchmarks (figures printed, nothing asserted)"
	@echo "make screenshots - the README's pictures of each role's home (docs/screenshots/), from a browser test"
	@echo "make loadtest - gunicorn (4 workers) and the worker under locust for LOADTEST_SECONDS (60) on 127.0.0.1,"
	@echo "             against DATABASE_URL (default: the province data set, tanloi_province); docs/deploy.md"

# The interpreter is looked up only when the venv must be made (scripts/find-python explains the order).
$(PY):
	@PYBIN=$${PYTHON:-$$(scripts/find-python)} || exit 1; \
	echo "Creating $(VENV) with $$PYBIN"; \
	"$$PYBIN" -m venv $(VENV)

$(VENV)/.installed-run: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.installed-run

system-deps:
	@scripts/system-deps

messages: $(VENV)/.installed-run system-deps
	TESTING=true $(PY) manage.py compilemessages --ignore=.venv -v0

run: system-deps $(VENV)/.installed-run messages
	DEBUG=true $(PY) manage.py migrate --no-input
	DEBUG=true $(PY) manage.py load_plan
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true PORTAL_ADDRESS=$(HOST):$(PORT) scripts/run-portal

serve: system-deps $(VENV)/.installed-run messages
	PORTAL_ADDRESS=$(HOST):$(PORT) scripts/serve-portal

test: $(VENV)/.installed-dev messages
	@WITH_BROWSER=1 scripts/system-deps
	@scripts/start-redis
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The README's pictures of each role's home (docs/screenshots/), taken by the browser test of each role's morning.
screenshots: $(VENV)/.installed-dev messages
	@WITH_BROWSER=1 scripts/system-deps
	$(PY) -m pytest tests/e2e/test_role_homes.py
	mkdir -p docs/screenshots
	cp test-artifacts/screenshots/readme-home-*.png docs/screenshots/

bench: system-deps $(VENV)/.installed-dev messages
	$(PY) -m benchmarks
	$(PY) -m benchmarks.excel
	$(PY) -m benchmarks.indicators 1:3500 10:35000
	$(PY) -m benchmarks.cases
	$(PY) -m benchmarks.workbook 3500
	$(PY) -m benchmarks.dashboard 1:3500 10:35000
	$(PY) -m benchmarks.documents 3500
	$(PY) -m benchmarks.lists 1:5000 1:50000
	@scripts/start-redis && $(PY) -m benchmarks.freshness 10
	@if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then \
	  createdb -h 127.0.0.1 -U postgres tanloi_bench 2>/dev/null || true; \
	  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tanloi_bench $(PY) -m benchmarks; \
	  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tanloi_bench $(PY) -m benchmarks.excel; \
	  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tanloi_bench $(PY) -m benchmarks.indicators 1:5000 100:500000; \
	  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tanloi_bench $(PY) -m benchmarks.cases; \
	  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tanloi_bench $(PY) -m benchmarks.workbook 3500 35000; \
	  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tanloi_bench $(PY) -m benchmarks.dashboard 1:5000 100:500000; \
	  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tanloi_bench $(PY) -m benchmarks.documents 3500; \
	  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tanloi_bench $(PY) -m benchmarks.lists 1:5000 1:500000 100:500000; \
	else echo "PostgreSQL not reachable on 127.0.0.1:5432: PostgreSQL figures skipped"; fi

# Not part of test or CI: a benchmark of the production processes under load (benchmarks/loadtest).
loadtest: system-deps $(VENV)/.installed-dev messages
	@scripts/start-redis
	$(PY) -m benchmarks.loadtest

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
