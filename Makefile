# The two commands of the README: `make demo` and `make test`.
# `make stack` and `make bench-load`: the production shape on this machine and its load test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: demo test install lint typecheck test-sqlite test-oscar test-hosts test-postgres bench \
	messages clean system-packages stack bench-load test-allauth

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,postgres,redis]'
	touch $(STAMP)

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev,postgres,redis,bench]'
	touch $(BENCH_STAMP)

install: $(STAMP)

# chromium, redis-server, postgresql, gettext, nginx: installed with apt as root, else the one
# command to run is printed.
system-packages:
	scripts/ensure_system_packages.sh nginx-light

demo: $(STAMP)
	$(PY) scripts/demo.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy store sociallogin kakaosync keymap config devtools

test-sqlite: $(STAMP)
	$(PY) -m pytest -n 2 -p no:cacheprovider -m "not oscar and not hosts"

# The host shops, in one process: the wheel and one virtualenv with the [oscar] extra, then
# the host matrix (tests/hosts: plain Django, a custom user model, django-oscar, each from the
# README's recipe blocks, the same promises over HTTP) and the Oscar leg in Chromium
# (tests/oscar), which reuses the matrix's Oscar shop.
test-oscar: $(STAMP)
	$(PY) -m pytest -p no:cacheprovider -m "oscar or hosts" tests/hosts tests/oscar

# The host matrix alone.
test-hosts: $(STAMP)
	$(PY) -m pytest -p no:cacheprovider -m hosts tests/hosts

test-postgres: $(STAMP)
	$(PY) scripts/with_postgres.py $(PY) -m pytest -n 2 -p no:cacheprovider -m "not e2e and not slow and not oscar and not hosts"

# django-allauth's own test suite with the plugin installed (scripts/allauth_suite.py): only
# the failures listed with their README policy in scripts/allauth_suite_expected.toml.
test-allauth: $(STAMP)
	$(PY) scripts/allauth_suite.py -n 2

test: system-packages
	$(MAKE) lint typecheck test-sqlite test-oscar test-postgres test-allauth

bench: $(STAMP)
	$(PY) bench/run.py

# PostgreSQL, Redis, gunicorn app servers behind nginx, the sandboxes, the demo seeded.
stack: $(BENCH_STAMP) system-packages
	$(PY) scripts/stack.py

# Locust against the stack and against plain allauth on the same engines (bench/load/).
bench-load: $(BENCH_STAMP) system-packages
	$(PY) bench/load/run.py $(ARGS)

messages: $(STAMP)
	cd store && ../$(PY) ../manage.py makemessages -l ko --no-obsolete && ../$(PY) ../manage.py compilemessages -l ko
	cd sociallogin && ../$(PY) ../manage.py makemessages -l ko --no-obsolete && ../$(PY) ../manage.py compilemessages -l ko
	cd kakaosync && ../$(PY) ../manage.py makemessages -l ko --no-obsolete && ../$(PY) ../manage.py compilemessages -l ko
	cd keymap && ../$(PY) ../manage.py makemessages -l ko --no-obsolete && ../$(PY) ../manage.py compilemessages -l ko

clean:
	rm -rf $(VENV) build dist *.egg-info demo.sqlite3 var
