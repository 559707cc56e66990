# The one command surface: `make demo`, `make test` (what CI runs), `make lint`, `make wheel`,
# `make bench`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.deps-installed
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
# Cargo needs no network once dependencies are fetched; the lock file pins them all.
CARGO ?= cargo
# The Linux wheel's platform tag: manylinux2014 (glibc 2.17: RHEL 7, Ubuntu 14.04, Amazon Linux 2
# and everything newer). Zig links against that glibc's symbols whatever the build machine's glibc
# is; maturin and then auditwheel (`make wheel-check`) check that the tag is earned.
MANYLINUX ?= manylinux2014
WHEEL_TAG ?= manylinux_2_17_x86_64
DIST := dist
# The interpreter whose installed `talque` the type checks run against: .venv (after
# `make build`) by default; `make test` passes the fresh virtualenv it installed the wheel into.
CHECK_PY ?=

.PHONY: build wheel wheel-check sdist sdist-check wheel-from-sdist demo lint lint-rust \
	lint-python lint-types lint-workflows test test-rust test-python test-airflow test-dlt soak \
	bench clean

$(STAMP): requirements-dev.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Builds the extension (release profile) into python/talque and installs the package
# into the local virtualenv in editable mode.
build: $(STAMP)
	$(VENV)/bin/maturin develop --release --quiet

# The release wheel (abi3: one wheel for CPython 3.10+), linked by zig (the ziglang package,
# which maturin finds as `python3 -m ziglang` on PATH) against glibc 2.17, then checked. It builds
# into target/x86_64-unknown-linux-gnu/, beside `make build`'s target/release/.
wheel: $(STAMP)
	rm -f $(DIST)/talque-*.whl
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/maturin build --release --quiet --zig \
		--compatibility $(MANYLINUX) --out $(DIST)
	$(MAKE) --no-print-directory wheel-check

# The tag must be earned, not just claimed: auditwheel reads the symbol versions and libraries
# the extension needs and must find them consistent with $(WHEEL_TAG); abi3audit --strict fails
# on any symbol outside CPython 3.10's stable ABI.
wheel-check: $(STAMP)
	set -e; \
	for whl in $(DIST)/talque-*.whl; do \
		report=$$($(VENV)/bin/auditwheel show "$$whl"); echo "$$report"; \
		echo "$$report" | tr '\n' ' ' | grep -q 'consistent with the following platform tag: *"$(WHEEL_TAG)"' \
			|| { echo "$$whl: auditwheel does not grant $(WHEEL_TAG)" >&2; exit 1; }; \
		$(VENV)/bin/abi3audit --strict --summary "$$whl"; \
	done

sdist: $(STAMP)
	rm -f $(DIST)/talque-*.tar.gz
	$(VENV)/bin/maturin sdist --out $(DIST)

# The cheap part of "pip can build from the sdist", which `make test` runs: the unpacked sdist is a
# complete cargo workspace whose lock file resolves every dependency offline, without compiling.
sdist-check: sdist
	set -e; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	tar -xzf $(DIST)/talque-*.tar.gz -C "$$tmp"; \
	$(CARGO) metadata --locked --offline --format-version 1 \
		--manifest-path "$$tmp"/talque-*/Cargo.toml > /dev/null; \
	echo "sdist-check: the sdist's workspace and Cargo.lock resolve offline"

# The whole of it (a full release compile, so .ci/run runs it after `make test`): `pip wheel`
# builds the sdist in an isolated environment, as pip does for a user without a matching wheel,
# and the result is installed into a fresh virtualenv and used against the fake server.
wheel-from-sdist: sdist
	set -e; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip wheel --quiet --no-deps --wheel-dir "$$tmp/wheels" \
		$(DIST)/talque-*.tar.gz; \
	"$$tmp/venv/bin/python" -m pip install --quiet "$$tmp"/wheels/talque-*.whl; \
	cd "$$tmp" && "$$tmp/venv/bin/python" "$(CURDIR)/.ci/smoke.py"

demo: build
	$(PY) examples/demo.py

lint: lint-python lint-rust lint-types lint-workflows

# Every GitHub workflow against the workflow schema (bundled with check-jsonschema, no network)
# and zizmor's audits (offline: no GitHub API lookups); any finding fails.
lint-workflows: $(STAMP)
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(VENV)/bin/zizmor --offline --no-progress .github/workflows

lint-rust: $(STAMP)
	$(CARGO) fmt --all -- --check
	$(PYTHON) .ci/module_cycles.py
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
test: wheel sdist-check
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
# plus the short soak, deadline and load tests, and SIGINT at random moments of a blocking
# call (hundreds of runs, cold caches, a loaded CPU); prints the figures of the README's
# Reliability section.
soak: build
	$(PY) -m pytest -q -s -m "" tests/test_soak.py tests/test_deadline.py tests/test_load.py \
		tests/test_interrupt.py

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
