# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint worker beat migrate demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py compute_metrics
	$(BIN)/python manage.py create_demo_users

run: demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# Production stack: needs CELERY_BROKER_URL (and DATABASE_URL, REDIS_URL) in the environment.
# Every queue (celery, metrics, notifications); on several hosts give each worker -Q.
worker: install
	$(BIN)/celery -A config worker -Q celery,metrics,notifications --loglevel=INFO

beat: install
	$(BIN)/celery -A config beat --loglevel=INFO

# PostgreSQL and Redis required (BENCH_PG, REDIS_URL); BENCH_LARGE=40000 for a quick run.
bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
