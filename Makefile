# Two commands: `make run` (set up, then start the app) and `make test` (set up, then test).
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python

.PHONY: run test setup setup-dev chromium bench clean

run: setup
	$(PY) -m streamlit run app.py

test: setup-dev chromium
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

chromium:
	@sh scripts/ensure-chromium.sh

bench: setup
	$(PY) bench/pages.py

clean:
	rm -rf $(VENV) .pytest_cache
