# Two commands: `make run` (the app on the demo practice) and `make test` (the whole suite).
# Both create or reuse .venv and install the pinned dependencies from pyproject.toml.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres lint screenshot clean installer installer-check pdf-tools

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Practice Desk needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	@$(PY) installer/check_qt_libs.py  # Qt's xcb libraries: installs them as root, else prints the command
	$(PY) -m app --demo

# The whole suite twice at the same time (issue 17): on SQLite, and on PostgreSQL on a throw-away
# server started for it on a free port (tests/run_suites.py; the PostgreSQL run's log is printed at
# the end; fails if either run fails). ~9 minutes on two idle cores. PYTEST_ARGS go to both runs.
test: $(STAMP) pdf-tools
	$(PY) -m tests.run_suites $(PYTEST_ARGS)

# the suite on SQLite only
test-sqlite: $(STAMP) pdf-tools
	PRACTICE_DB=sqlite QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

# pdftoppm (poppler-utils) draws PDF pages as PNGs for tests/documents. Installed when missing and
# we are root with apt-get (as CI is); otherwise say how, and those tests skip saying why.
PDFTOPPM_HINT := pdftoppm (poppler-utils) is missing, so the PDF page pictures of tests/documents are skipped; install it with: sudo apt-get install -y poppler-utils
pdf-tools:
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing poppler-utils (pdftoppm) for the PDF tests"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -qq poppler-utils >/dev/null 2>&1 \
	      || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq poppler-utils >/dev/null 2>&1; } \
	      || echo "$(PDFTOPPM_HINT)"; \
	  else echo "$(PDFTOPPM_HINT)"; fi; }

# The suite on PostgreSQL alone (issue 17): tests/pg_server.py starts a throw-away server on 127.0.0.1
# as the postgres user (installed from Debian when missing and root), each test gets a database cloned
# from a migrated template, and the server is stopped at the end whatever happened. Tests about the
# practice file itself skip there, saying why.
test-postgres: $(STAMP) pdf-tools
	@url=$$($(PY) -m tests.pg_server start) && \
	  PRACTICE_DB=postgres PRACTICE_PG_URL="$$url" QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS); \
	  status=$$?; $(PY) -m tests.pg_server stop; exit $$status

lint: $(STAMP)
	$(VENV)/bin/ruff check app tests benchmarks

screenshot: $(STAMP)
	$(PY) -m app --demo --screenshot docs/screenshots/month.png

# The PyInstaller bundle (installer/README.md): dist/practice-desk/practice-desk.
INSTALLER_STAMP := $(VENV)/.installed-installer

$(INSTALLER_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,installer]'
	@touch $(INSTALLER_STAMP)

installer: $(INSTALLER_STAMP)
	$(PY) installer/check_qt_libs.py --always  # the bundle carries the xcb libraries of this machine
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller installer/practice-desk.spec
	@du -sh dist/practice-desk

# slow (~10 s after the build): starts the bundle offscreen on a demo in a temporary home
installer-check: installer
	PRACTICE_INSTALLER=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m installer tests/installer

clean:
	rm -rf $(VENV) build dist *.egg-info
