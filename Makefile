# The two quick-start commands: `make run` (app on :5000 with demo data), `make test` (whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app casserole
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-fast install install-dev lint bench screenshots translations clean worker beat

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

# Extract every translatable text, add new ones to the Welsh and Bengali catalogs, compile them.
# New texts arrive untranslated: fill their msgstr in casserole/translations/*/LC_MESSAGES/
# messages.po, then run this again (tests/web/test_translations.py lists what is missing).
POT := casserole/translations/messages.pot
translations: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _ln:1,2 -k lazy_ngettext:1,2 \
		--no-location --sort-output \
		--omit-header -o $(POT) .
	$(BIN)/pybabel update -i $(POT) -d casserole/translations --no-fuzzy-matching \
		--ignore-obsolete
	$(BIN)/pybabel compile -d casserole/translations --statistics

bench: install-dev
	$(BIN)/python -m matching.bench --scale all

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache .ruff_cache
