# Everyday commands. `make run` serves the demo programme; `make test` runs the whole suite on
# SQLite and then on a throwaway PostgreSQL cluster. Both work on a fresh Debian/Ubuntu machine.

PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
PYTEST_ARGS ?= -q
TEST_WORKERS ?= 2

BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app

CHROMIUM := /usr/bin/chromium

.PHONY: install install-dev install-bench install-mutate browser-deps redis-deps pdf-tools html-checker vendor-js lighthouse db run dev test test-sqlite test-postgres test-dates bench bench-pg bench-export bench-data mutate lint clean \
	extract update-translations compile-translations

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

# Message catalogues (issue 11): English is the source; French and Kinyarwanda are translated in
# translations/<lang>/LC_MESSAGES/messages.po (terms: translations/GLOSSARY.md). The compiled .mo files
# are built here and never committed.
LANGUAGES := fr rw
PYBABEL := $(BIN)/pybabel
CATALOGUES := $(foreach lang,$(LANGUAGES),translations/$(lang)/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.runtime
	$(PYBABEL) --quiet compile -d translations -l $*

extract: $(VENV)/.runtime  ## the message template translations/messages.pot from the sources
	$(PYBABEL) --quiet extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k N_ --add-location=file --sort-output \
	  --project "Clinical mentorship" -o translations/messages.pot .

update-translations: extract  ## merge the template into the fr and rw catalogues (new messages come in empty)
	$(PYBABEL) update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

compile-translations: $(VENV)/.runtime  ## the .mo files the app reads
	$(PYBABEL) compile --statistics -d translations

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

$(VENV)/.bench: requirements-bench.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-bench.txt
	@touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime $(COMPILED)  ## build .venv with the pinned dependencies and compile the catalogues

install-dev: $(VENV)/.dev install

install-bench: $(VENV)/.bench

db: install  ## apply migrations and the default content
	$(FLASK) db upgrade
	$(FLASK) seed-defaults

# On loopback the browser reaches the app over plain HTTP, so the Secure cookie flag is relaxed
# there unless set explicitly; anywhere else, serve behind HTTPS (see docs/deployment.md).
LOOPBACK := $(filter 127.0.0.1 localhost ::1,$(HOST))
# gunicorn and one job-queue worker (e-mail, exports, daily tasks) together; Ctrl-C stops both (scripts/serve.sh).
run: db  ## serve the app with gunicorn on HOST:PORT and its job-queue worker, loading the demo programme into an empty database
	$(FLASK) demo-data --if-empty
	FLASK_MAIL_TO_LOG=$${FLASK_MAIL_TO_LOG:-true} $(FLASK) daily  # today's reminders, which the worker prints (issue 24)
	$(if $(LOOPBACK),FLASK_SESSION_COOKIE_SECURE=$${FLASK_SESSION_COOKIE_SECURE:-false}) \
	  FLASK_MAIL_TO_LOG=$${FLASK_MAIL_TO_LOG:-true} scripts/serve.sh $(BIN) $(HOST) $(PORT) $(WORKERS)

dev: db  ## Flask's reloader and debugger (never in production)
	$(FLASK) demo-data --if-empty
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

# The browser tests (tests/browser) drive Debian's Chromium: Playwright's own browser download does
# not work on these machines, so never `playwright install`.
browser-deps:  ## Debian's chromium for the browser tests (apt-get installs it when run as root)
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "The browser tests need Debian's Chromium at $(CHROMIUM), and only root can install it:" >&2; \
	    echo "  sudo apt-get update && sudo apt-get install -y chromium   (or: sudo make browser-deps)" >&2; \
	    exit 1; \
	  fi; \
	  echo "Installing Debian's chromium for the browser tests"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  { apt-get update && apt-get install -y chromium; } || { echo "apt-get could not install chromium" >&2; exit 1; }; \
	  [ -x $(CHROMIUM) ] || { echo "the chromium package did not provide $(CHROMIUM)" >&2; exit 1; }; \
	fi

# The offline app's libraries (issue 21), pinned in package.json/package-lock.json and copied into static/js/vendor/,
# where they are committed as htmx is: the app serves them itself (never a CDN). Run after changing their versions.
VENDOR_JS := static/js/vendor
vendor-js: package.json package-lock.json  ## copy workbox (service worker) and idb-keyval (drafts) from node_modules into static/
	npm ci --ignore-scripts --no-audit --no-fund
	mkdir -p $(VENDOR_JS)
	for module in sw core routing strategies; do \
	  file=workbox-$$module.$$( [ $$module = sw ] && echo js || echo prod.js ); \
	  sed '/sourceMappingURL=/d' node_modules/workbox-$$module/build/$$file > $(VENDOR_JS)/$$file; \
	done
	cp node_modules/workbox-sw/LICENSE $(VENDOR_JS)/workbox.LICENSE
	sed '/sourceMappingURL=/d' node_modules/idb-keyval/dist/umd.js > $(VENDOR_JS)/idb-keyval.js
	cp node_modules/idb-keyval/LICENCE $(VENDOR_JS)/idb-keyval.LICENSE

# Debian's Redis for tests/reports/test_two_servers.py (two app servers share one job queue); the test starts its own
# redis-server on a free port, so none needs to be running.
REDIS_SERVER := /usr/bin/redis-server
redis-deps:  ## Debian's redis-server for the two-server test (apt-get installs it when run as root)
	@if [ ! -x $(REDIS_SERVER) ]; then \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "The two-server test needs Debian's redis-server at $(REDIS_SERVER), and only root can install it:" >&2; \
	    echo "  sudo apt-get update && sudo apt-get install -y redis-server   (or: sudo make redis-deps)" >&2; \
	    exit 1; \
	  fi; \
	  echo "Installing Debian's redis-server for the two-server test"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  { apt-get update && apt-get install -y redis-server; } || { echo "apt-get could not install redis-server" >&2; exit 1; }; \
	  [ -x $(REDIS_SERVER) ] || { echo "the redis-server package did not provide $(REDIS_SERVER)" >&2; exit 1; }; \
	fi

# The PDF tests (tests/reports) read PDFs back as a reader's tools do: poppler's pdfinfo (tagged, title), pdftoppm
# (pages to images, compared with tests/reports/reference/) and pdftotext -bbox (no word outside the margins).
pdf-tools:  ## Debian's poppler-utils for the PDF tests (apt-get installs it when run as root)
	@if ! command -v pdftoppm >/dev/null || ! command -v pdftotext >/dev/null || ! command -v pdfinfo >/dev/null; then \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "The PDF tests need poppler-utils (pdfinfo, pdftoppm, pdftotext), and only root can install it:" >&2; \
	    echo "  sudo apt-get update && sudo apt-get install -y poppler-utils   (or: sudo make pdf-tools)" >&2; \
	    exit 1; \
	  fi; \
	  echo "Installing Debian's poppler-utils for the PDF tests"; \
	  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y poppler-utils; } || { echo "apt-get could not install poppler-utils" >&2; exit 1; }; \
	fi

# The Nu HTML Checker for tests/browser/test_valid_html.py: vnu-jar pinned in package-lock.json, installed by
# `npm ci` without its install script (which would download a Java of its own), run on Debian's Java.
VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar

$(VNU_JAR): package.json package-lock.json
	@for tool in java npm; do \
	  command -v $$tool >/dev/null && continue; \
	  package=$$([ $$tool = java ] && echo default-jre-headless || echo npm); \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "The HTML check needs $$tool, and only root can install it: sudo apt-get install -y $$package (or: sudo make html-checker)" >&2; \
	    exit 1; \
	  fi; \
	  echo "Installing Debian's $$package for the HTML check"; \
	  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$package; } || { echo "apt-get could not install $$package" >&2; exit 1; }; \
	done
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

html-checker: $(VNU_JAR)  ## the Nu HTML Checker for the browser tests (vnu-jar by npm ci; Java and npm by apt-get as root)

test: install-dev browser-deps pdf-tools html-checker redis-deps  ## the whole suite on SQLite (then the browser tests), then on PostgreSQL 15, two workers each
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: install-dev browser-deps pdf-tools html-checker redis-deps
	@echo "== tests on SQLite =="
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest $(PYTEST_ARGS) -n $(TEST_WORKERS) -m "not browser"
	@echo "== browser tests (Chromium, on SQLite) =="
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest $(PYTEST_ARGS) -m browser

test-postgres: install-dev browser-deps pdf-tools redis-deps
	@echo "== tests on PostgreSQL =="
	scripts/with-postgres.sh $(BIN)/python -m pytest $(PYTEST_ARGS) -n $(TEST_WORKERS) -m "not sqlite_only and not one_database and not browser and not no_db"

# Every test runs on one fixed day (tests/frozen_clock.py); TEST_TODAY=YYYY-MM-DD moves it. This runs the SQLite
# pass, browser tests included, on a month end and a leap day. Not part of `make test` (it doubles its time; docs/testing.md).
TEST_DATES ?= 2027-01-31 2028-02-29
test-dates: install-dev browser-deps  ## the SQLite pass (and the browser tests) again on each of TEST_DATES
	@failed=""; for day in $(TEST_DATES); do \
	  echo "==== the suite on $$day (TEST_TODAY) ===="; \
	  TEST_TODAY=$$day $(MAKE) --no-print-directory test-sqlite || failed="$$failed $$day"; \
	done; \
	if [ -n "$$failed" ]; then echo "The suite failed on:$$failed" >&2; exit 1; fi

# Not part of `make test` (it takes minutes and wants a quiet machine); see docs/benchmarks.md.
bench: install-bench  ## benchmarks at national scale against the budgets of issue 9; figures in bench/results.json
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Issue 23: the same benchmark on a throwaway PostgreSQL 15 cluster (scripts/with-postgres.sh), figures at SCALE
# (10: 420 hospitals, ~30,000 mentees) with query counts compared at scale 1, every page against the 50 ms budget,
# a 60 s load test of 50 users on two app servers x 2 workers, and req/s at saturation against a bare Flask page.
SCALE ?= 10
BENCH_PG_ARGS ?=
bench-pg: install-bench  ## the benchmark on PostgreSQL at SCALE (default 10); figures in bench/results-pg.json
	scripts/with-postgres.sh $(BIN)/python -m bench.run --database postgresql --scale $(SCALE) --query-scale 1 --strict \
		--app-servers 2 --users 50 --load-seconds 60 --saturation-seconds 20 --json bench/results-pg.json $(BENCH_PG_ARGS)

# Issue 23's export budget: one year of national signed sheets (scale 1, about 2,300) as one bulk export, built by a
# real Huey consumer of 2 worker processes on the bench database, with nothing stored (<= 3 min) and then every sheet
# stored (<= 20 s). Minutes of both cores: not part of `make bench`. BENCH_EXPORT_ARGS="--database postgresql" under
# scripts/with-postgres.sh for PostgreSQL.
BENCH_EXPORT_ARGS ?=
bench-export: install-bench  ## the bulk export budget (a year of signed sheets, 2 worker processes); figures in bench/results-export.json
	$(BIN)/python -m bench.run --export-year --json bench/results-export.json $(BENCH_EXPORT_ARGS)

BENCH_DATA_ARGS ?= --scale 1
bench-data: install  ## national-scale data into bench/national.db (BENCH_DATA_ARGS="--scale 3 --reset")
	$(BIN)/python -m bench.generate $(BENCH_DATA_ARGS)

$(VENV)/.mutate: requirements-mutate.txt requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-mutate.txt
	@touch $@ $(VENV)/.dev $(VENV)/.runtime

install-mutate: $(VENV)/.mutate install

# Mutation testing of the rule modules (issue 16): cadence, planning, transfers, scopes, gaps. Not part of
# `make test` (about 40 minutes on one core of a busy machine). mutmut mutates these functions one change at a time and runs the
# tests chosen in pyproject.toml ([tool.mutmut]) that reach each; the survivors are listed in
# docs/mutation-testing.md. `make mutate MUTATE_CHILDREN=2` on a quiet machine.
MUTATE_CHILDREN ?= 1
MUTATE_TARGETS ?= \
	'blueprints.visits.cadence.*' \
	'blueprints.visits.planning.*' 'blueprints.visits.queries.x_holidays*' 'blueprints.visits.queries.x*Holidays*' \
	'blueprints.people.services.transfers.x_log_transfer*' 'blueprints.people.services.transfers.x_apply_transfer*' \
	'blueprints.people.services.transfers.x_apply_due_transfers*' 'blueprints.people.services.transfers.x_cancel_transfer*' \
	'blueprints.people.queries.transfers.x_last_transfer*' \
	'blueprints.people.scopes.*' 'blueprints.mentoring.queries.x_writable_mentee_ids*' \
	'blueprints.equipment.gaps.*'
mutate: install-mutate
	rm -rf mutants
	env -u TEST_DATABASE_URL $(BIN)/mutmut run --max-children $(MUTATE_CHILDREN) $(MUTATE_TARGETS)
	$(BIN)/python scripts/mutation_report.py $(MUTATE_TARGETS)

# Lighthouse (issue 19) over the login page, each role's home, a feedback form, the calendar and the equipment matrix,
# mobile and desktop presets, against the app served as `make run` does (the demo database) on a free port. The npm
# `lighthouse` pinned in package-lock.json runs Debian's Chromium. Not part of `make test`: the scores move with the
# machine's load; README ("Lighthouse") has the last figures. LIGHTHOUSE_ARGS="--presets mobile --only login".
LIGHTHOUSE_NPM := node_modules/.bin/lighthouse
$(LIGHTHOUSE_NPM): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

lighthouse: db browser-deps $(LIGHTHOUSE_NPM)  ## Lighthouse scores of the main pages (performance, accessibility, best practices, CLS)
	$(FLASK) demo-data --if-empty
	CHROME_PATH=$(CHROMIUM) $(BIN)/python scripts/lighthouse.py $(LIGHTHOUSE_ARGS)

lint: install-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
