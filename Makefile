# Summit: `make run` serves the demo site, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: help bootstrap run test lint format screenshots lighthouse clean

help:
	@echo "make run    - set up, load demo content and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   - set up and run the whole test suite"
	@echo "make lint   - ruff check and format check"
	@echo "make screenshots - full-page PNGs of every page kind into docs/screenshots/"
	@echo "make lighthouse  - Lighthouse scores (mobile) for the home page and an article"

# Re-install only when a requirements file changes.
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

bootstrap: $(STAMP)

# Debug is on for `make run` unless the environment says otherwise (DJANGO_DEBUG=0).
run: export DJANGO_DEBUG ?= 1
run: bootstrap
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@case "$${DJANGO_DEBUG,,}" in \
	  1|true|yes|on) \
	    echo; $(PY) manage.py demo_editor; \
	    echo "Summit is running at http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"; echo; \
	    exec $(PY) manage.py runserver 127.0.0.1:$(PORT) ;; \
	  *) \
	    $(PY) manage.py collectstatic --noinput -v0; \
	    $(PY) manage.py check --deploy --fail-level ERROR; \
	    echo; $(PY) manage.py demo_editor; \
	    echo "Summit is running in production mode at http://127.0.0.1:$(PORT)/"; echo; \
	    exec $(VENV)/bin/gunicorn summit.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile - ;; \
	esac

test: bootstrap
	$(PY) -m pytest $(PYTEST_ARGS)

lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

screenshots: bootstrap
	$(PY) tools/screenshots.py

lighthouse: bootstrap
	cd tools/lighthouse && npm ci --no-audit --no-fund --silent
	$(PY) tools/lighthouse.py

format: bootstrap
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
