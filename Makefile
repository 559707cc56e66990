# The one command surface: `make demo`, `make test` (what CI runs), `make bench`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.deps-installed
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
# Cargo needs no network once dependencies are fetched; the lock file pins them all.
CARGO ?= cargo

.PHONY: build demo test test-rust test-python bench clean

$(STAMP): requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Builds the extension (release profile) into python/talque and installs the package
# into the local virtualenv in editable mode.
build: $(STAMP)
	$(VENV)/bin/maturin develop --release --quiet

demo: build
	$(PY) examples/demo.py

test-rust:
	$(CARGO) test --workspace --exclude talque --quiet

test-python: build
	$(PY) -m pytest -q

test: test-rust test-python

bench: build
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) target python/talque/*.so
