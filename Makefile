# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
# QR codes on certificates open the server that made them, unless PORTAL_BASE_URL says otherwise.
PORTAL_BASE_URL ?= http://$(HOST)

.PHONY: run test setup venv system-deps js-deps migrate seed lint check bench worker beat clean

run: setup migrate seed ## set up, migrate, seed demo data, serve on 127.0.0.1:8000 with DEBUG on
	DJANGO_DEBUG=true PORTAL_BASE_URL=$(PORTAL_BASE_URL) $(PY) manage.py runserver $(HOST)

test: setup js-deps ## set up and run the whole test suite (PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL are set)
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

setup: venv system-deps

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

system-deps:
	bash scripts/system-deps.sh

js-deps: node_modules/.installed  ## axe-core for the browser tests' accessibility checks (npm)

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "js-deps: npm not found; the accessibility checks of the browser tests will fail" >&2; exit 1; fi

migrate: venv
	$(PY) manage.py migrate --noinput

seed: venv
	$(PY) manage.py seed_demo

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check . || true

check: venv
	$(PY) manage.py check
	DJANGO_PRODUCTION=true DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-looking-secret-value-xyz DJANGO_ALLOWED_HOSTS=ce.example.cn \
	  $(PY) manage.py check --deploy --fail-level WARNING

# make bench SCALE=small|medium|full: seed PostgreSQL (BENCH_DATABASE_URL, default portal_bench)
# by COPY, serve with gunicorn in production settings, drive with wrk, one table with ratios to
# the baseline; results in bench/results/. The per-app benchmarks: $(PY) -m bench NAME.
SCALE ?= small
bench: venv system-deps
	$(PY) -m bench.scale --scale $(SCALE)

# Worker and beat are separate processes (never a worker with an embedded beat): run `make worker` on each worker
# machine and `make beat` once; a second beat waits on RedBeat's lock instead of running the
# periodic tasks again (README, deployment).
worker: venv ## a Celery worker (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A portal worker -l info

beat: venv ## the Celery beat, its own process (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A portal beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles var .pytest_cache
