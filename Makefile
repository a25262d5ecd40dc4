# Summit: `make run` serves the demo site, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
ENV_FILE := .env
VNU_JAR := tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: help bootstrap run test lint format messages screenshots lighthouse smoke vnu clean \
	bench bench-clean backup restore security

help:
	@echo "make run    - set up, load demo content and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   - set up and run the whole test suite"
	@echo "make lint   - ruff check and format check"
	@echo "make messages - update the Japanese and Russian catalogues (locale/*/LC_MESSAGES/django.po)"
	@echo "make screenshots - full-page PNGs of every page kind into docs/screenshots/"
	@echo "make lighthouse  - Lighthouse scores (mobile) for the home page and an article"
	@echo "make smoke  - start a clean clone in production mode and check every README URL"
	@echo "make bench  - load test the production server on PostgreSQL (ARTICLES=100000)"
	@echo "make bench-clean - drop the benchmark database"
	@echo "make backup  - database and media into backups/summit-<UTC time>.tar.gz"
	@echo "make restore FILE=backups/… - replace the database and media with a backup"
	@echo "make security - sqlmap and the HTTP Observatory against a production server on loopback"

# Re-install only when a requirements file changes.
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# Development defaults for this checkout, so `manage.py` commands work as the README writes
# them. Written once and never overwritten; the environment always wins over it.
$(ENV_FILE):
	@printf '%s\n' \
	  "# Local development settings, written by make. The environment wins over this file." \
	  "# Production sets DJANGO_DEBUG=0 and its own DJANGO_SECRET_KEY in the environment." \
	  "DJANGO_DEBUG=1" \
	  "DJANGO_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote $@: development defaults for manage.py commands (see README, Configuration)"

bootstrap: $(STAMP) $(ENV_FILE)

# The interface's translations: the .po catalogues are committed, their compiled .mo files are
# not. Recompiled whenever a catalogue is newer than its .mo; `run` and `test` need them.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
$(MO_FILES) &: $(PO_FILES) | $(STAMP) $(ENV_FILE)
	@command -v msgfmt >/dev/null || { \
	  echo "msgfmt (GNU gettext) is missing, so the translations cannot be compiled:" \
	  "install it, e.g. apt-get install gettext"; exit 1; }
	$(PY) manage.py compilemessages --ignore=$(VENV) -v0
	@touch $(MO_FILES)

# After changing interface text: add the new messages to the catalogues, then translate them.
messages: bootstrap
	$(PY) manage.py makemessages -l ja -l ru -e html,txt,py,xml --no-obsolete --no-wrap \
	  --ignore=$(VENV) --ignore=node_modules --ignore=tools --ignore=staticfiles --ignore=tests

# The W3C HTML checker for tests/summit/test_html_validity.py; needs npm and a Java runtime.
# Without them that test skips locally (CI installs both, and there it never skips).
$(VNU_JAR): tools/vnu/package.json tools/vnu/package-lock.json
	@# --ignore-scripts: vnu-jar's install script would download its own Java when it finds none.
	cd tools/vnu && npm ci --ignore-scripts --no-audit --no-fund --silent
	@touch $@

vnu:
	@if command -v npm >/dev/null && command -v java >/dev/null; then \
	  $(MAKE) --no-print-directory $(VNU_JAR); \
	else echo "npm or java not found: the HTML validity test will be skipped"; fi

# Debug is on for `make run` unless the environment says otherwise (DJANGO_DEBUG=0).
run: export DJANGO_DEBUG ?= 1
# In production mode static files are collected first: templates, and so every command that
# renders one, need the manifest of hashed file names.
run: bootstrap $(MO_FILES)
	@case "$${DJANGO_DEBUG,,}" in 1|true|yes|on) ;; *) $(PY) manage.py collectstatic --noinput -v0 ;; esac
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_events
	@case "$${DJANGO_DEBUG,,}" in \
	  1|true|yes|on) \
	    echo; $(PY) manage.py demo_editor; \
	    echo "Summit is running at http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"; echo; \
	    exec $(PY) manage.py runserver 127.0.0.1:$(PORT) ;; \
	  *) \
	    $(PY) manage.py check --deploy --fail-level ERROR; \
	    echo; $(PY) manage.py demo_editor; \
	    echo "Summit is running in production mode at http://127.0.0.1:$(PORT)/"; echo; \
	    PORT=$(PORT) exec $(VENV)/bin/gunicorn -c gunicorn.conf.py summit.wsgi ;; \
	esac

test: bootstrap vnu $(MO_FILES)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

screenshots: bootstrap
	$(PY) tools/screenshots.py

lighthouse: bootstrap
	cd tools/lighthouse && npm ci --no-audit --no-fund --silent
	$(PY) tools/lighthouse.py

smoke:
	python3 tools/smoke.py $(if $(DATABASE_URL),--database-url $(DATABASE_URL))

# The benchmark database is kept for the next run (generating it takes minutes).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/summit_bench
bench: bootstrap
	$(PY) bench/load.py --database-url $(BENCH_DATABASE_URL) \
	  --articles $(or $(ARTICLES),100000) --seconds $(or $(BENCH_SECONDS),10)

bench-clean: bootstrap
	$(PY) bench/load.py --database-url $(BENCH_DATABASE_URL) --drop

backup: bootstrap
	$(PY) tools/backup.py backup

restore: bootstrap
	@test -n "$(FILE)" || { echo "make restore needs FILE=backups/summit-….tar.gz"; exit 2; }
	$(PY) tools/backup.py restore "$(FILE)"

# Attack scan of the production server on loopback with a throw-away database (README,
# "Attack suite and security scan"); takes several minutes.
security: bootstrap
	bench/security.sh

format: bootstrap
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache tools/vnu/node_modules tools/observatory/node_modules
