# The two quick-start commands: `make run` (app on :5000 with demo data), `make test` (whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app casserole
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-fast install install-dev lint bench screenshots clean worker beat

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,prod]'

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	FLASK_RUN_HOST=$(HOST) FLASK_RUN_PORT=$(PORT) $(FLASK) run

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

test-fast: install-dev
	$(BIN)/python -m pytest -m "not slow and not browser" -q

# The real queue (needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0); without a broker
# `make run` runs every job in the request instead.
worker: install
	$(BIN)/celery -A casserole.jobs.worker worker --loglevel INFO

beat: install
	$(BIN)/celery -A casserole.jobs.worker beat --loglevel INFO --schedule instance/celerybeat-schedule

screenshots: install-dev
	$(BIN)/python -m pytest -q tests/browser/test_accessibility.py -k screenshots
	$(BIN)/python -m pytest -q tests/browser/test_polish.py -k "date_input or death_step or map_points"
	mkdir -p docs/screenshots && cp test-artifacts/home-*.png test-artifacts/polish-*.png docs/screenshots/

bench: install-dev
	$(BIN)/python -m matching.bench --scale all

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache .ruff_cache
