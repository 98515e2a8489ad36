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

# Quiet: one summary line instead of one line per migration (the full output on failure).
migrate: install
	@out=$$($(BIN)/python manage.py migrate --noinput 2>&1) || { echo "$$out"; exit 1; }; \
	echo "数据库 / database: $$(echo "$$out" | grep -c ' OK$$') migrations applied, schema up to date"

demo: migrate
	@$(BIN)/python manage.py seed_demo
	@out=$$($(BIN)/python manage.py compute_metrics 2>&1) || { echo "$$out"; exit 1; }; \
	echo "指标 / metrics: $$(echo "$$out" | grep -c computed) months computed"
	@$(BIN)/python manage.py create_demo_users

# Quiet start: runserver's start-up chatter is dropped and the address is the last line,
# unbuffered, so it shows even when the output goes to a file. Errors still show.
RUNSERVER_CHATTER := -e 'Watching for file changes' -e '^[A-Z][a-z]* [0-9]*, [0-9]* - ' \
  -e '^Django version' -e '^Starting development server' -e '^Quit the server' \
  -e 'This is a development server' -e '^For more information on production' -e '^$$'
run: demo
	@echo ""
	@echo "门户地址 / portal: http://$(HOST):$(PORT)/   (Ctrl+C 停止 / to stop)"
	@PYTHONUNBUFFERED=1 $(BIN)/python manage.py runserver --skip-checks $(HOST):$(PORT) 2>&1 \
	  | grep --line-buffered -v $(RUNSERVER_CHATTER)

test: install
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

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
