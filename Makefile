# Two commands: `make run` (set up, then start the app) and `make test` (set up, then test).
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python

.PHONY: run test setup setup-dev system-packages bench clean

run: setup
	$(PY) -m streamlit run app.py

test: setup-dev system-packages
	$(PY) -m pytest

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

system-packages:
	@sh scripts/ensure-system-packages.sh

bench: setup
	$(PY) bench/pages.py

clean:
	rm -rf $(VENV) .pytest_cache
