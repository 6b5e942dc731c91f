# Two commands: `make run` (the app on the demo practice) and `make test` (the whole suite).
# Both create or reuse .venv and install the pinned dependencies from pyproject.toml.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint screenshot clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Practice Desk needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m app --demo

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check app tests benchmarks

screenshot: $(STAMP)
	$(PY) -m app --demo --screenshot docs/screenshots/month.png

clean:
	rm -rf $(VENV) build *.egg-info
