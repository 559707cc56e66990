# The one command surface: `make demo`, `make test` (what CI runs), `make lint`, `make wheel`,
# `make bench`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.deps-installed
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
# Cargo needs no network once dependencies are fetched; the lock file pins them all.
CARGO ?= cargo
# The wheel's platform tag: maturin checks (auditwheel-style) that the extension needs no
# newer glibc symbols and no libraries outside the manylinux policy; the build fails if not.
MANYLINUX ?= manylinux_2_34
DIST := dist
# The interpreter whose installed `talque` the type checks run against: .venv (after
# `make build`) by default; `make test` passes the fresh virtualenv it installed the wheel into.
CHECK_PY ?=

.PHONY: build wheel sdist demo lint lint-rust lint-python lint-types test test-rust \
	test-python test-airflow test-dlt soak bench clean

$(STAMP): requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Builds the extension (release profile) into python/talque and installs the package
# into the local virtualenv in editable mode.
build: $(STAMP)
	$(VENV)/bin/maturin develop --release --quiet

# The release wheel (abi3: one wheel for CPython 3.10+). After `make build` cargo has
# nothing left to compile: both use the same release profile.
wheel: $(STAMP)
	rm -f $(DIST)/talque-*.whl
	$(VENV)/bin/maturin build --release --quiet --compatibility $(MANYLINUX) --out $(DIST)

sdist: $(STAMP)
	rm -f $(DIST)/talque-*.tar.gz
	$(VENV)/bin/maturin sdist --out $(DIST)

demo: build
	$(PY) examples/demo.py

lint: lint-python lint-rust lint-types

lint-rust: $(STAMP)
	$(CARGO) fmt --all -- --check
	PYO3_PYTHON=$(CURDIR)/$(PY) $(CARGO) clippy --workspace --all-targets --quiet -- -D warnings

lint-python: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Stubs checked against the installed extension and package (allowlist: what stubtest cannot
# see, each entry says why), the package type-checked strictly, and a usage file that
# exercises the public API type-checked against the installed package.
lint-types: $(if $(CHECK_PY),,build)
	$(or $(CHECK_PY),$(PY)) -m mypy.stubtest talque --allowlist stubtest-allowlist.txt \
		--mypy-config-file pyproject.toml
	$(or $(CHECK_PY),$(PY)) -m mypy python/talque
	$(or $(CHECK_PY),$(PY)) -m mypy tests/typecheck/usage.py

test-rust:
	$(CARGO) test --workspace --exclude talque --quiet

# The pytest suite against the package as built into .venv (quick, for development).
test-python: build
	$(PY) -m pytest -q

# What CI runs: build the wheel once (and the sdist), install the wheel into a fresh virtualenv
# outside the source tree, lint (type checks against that install), run the Rust tests, then
# the whole pytest suite against the installed wheel from a directory where the sources are not
# importable (tests/test_packaging.py checks where `talque` came from, and the sdist's files).
test: wheel sdist
	set -e; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet -r requirements-dev.txt $(DIST)/talque-*.whl; \
	$(MAKE) --no-print-directory lint CHECK_PY="$$tmp/venv/bin/python"; \
	$(MAKE) --no-print-directory test-rust; \
	cd "$$tmp" && TALQUE_TEST_INSTALLED_FROM_WHEEL=1 "$$tmp/venv/bin/python" -m pytest -q \
		--rootdir "$(CURDIR)" "$(CURDIR)/tests"

# The Airflow integration (talque.airflow and examples/dags) against a real Airflow 3: the wheel
# plus requirements-airflow.txt (every version pinned) in a fresh virtualenv outside the tree,
# AIRFLOW_HOME in a temporary folder, and tests_airflow/ with its own pytest settings. Separate
# from `make test`, which never installs Airflow; .ci/run runs both.
test-airflow: wheel
	set -e; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet -r requirements-airflow.txt $(DIST)/talque-*.whl; \
	mkdir "$$tmp/airflow-home"; \
	cd "$$tmp" && AIRFLOW_HOME="$$tmp/airflow-home" "$$tmp/venv/bin/python" -m pytest -q \
		-c "$(CURDIR)/tests_airflow/pytest.ini" "$(CURDIR)/tests_airflow"

# The dlt source (talque.dlt and examples/dags/talque_dlt_load.py) against a real dlt, DuckDB and
# PostgreSQL: the wheel plus requirements-dlt.txt (every version pinned) in a fresh virtualenv
# outside the tree, and tests_dlt/ with its own pytest settings. tests_dlt/with_postgres.sh
# installs PostgreSQL if it is missing (apt-get, as root), runs a throwaway server for the
# suite and stops it afterwards, also when a test fails. .ci/run runs it after the others.
test-dlt: wheel
	set -e; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet -r requirements-dlt.txt $(DIST)/talque-*.whl; \
	cd "$$tmp" && "$(CURDIR)/tests_dlt/with_postgres.sh" "$$tmp/venv/bin/python" -m pytest -q \
		-c "$(CURDIR)/tests_dlt/pytest.ini" "$(CURDIR)/tests_dlt"

# The long reliability runs (a few minutes), which `make test` leaves out (marker `soak`):
# 50,000 tickets and 5,000 read ids through 10% random faults, RSS over 200,000 requests,
# plus the short soak, deadline and load tests; prints the figures of the README's
# Reliability section.
soak: build
	$(PY) -m pytest -q -s -m "" tests/test_soak.py tests/test_deadline.py tests/test_load.py

# dlt goes beside .venv, not into it (`make lint` checks talque.dlt without dlt): only the
# "dlt" benchmark scenario's children put bench/.dlt-site on their path.
DLT_SITE := bench/.dlt-site
$(DLT_SITE)/.installed: requirements-dlt.txt $(STAMP)
	rm -rf $(DLT_SITE)
	$(PY) -m pip install --quiet --target $(DLT_SITE) -r requirements-dlt.txt
	touch $@

bench: build $(DLT_SITE)/.installed
	$(PY) -m pip install --quiet -r bench/requirements.txt
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) target $(DIST) python/talque/*.so
