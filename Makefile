# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test install lint typecheck test-sqlite test-oscar test-postgres bench messages clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,postgres,redis]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) scripts/demo.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy store sociallogin kakaosync keymap config

test-sqlite: $(STAMP)
	$(PY) -m pytest -n 2 -p no:cacheprovider -m "not oscar"

# django-oscar as the host: builds the wheel and its own virtualenv with the [oscar] extra.
test-oscar: $(STAMP)
	$(PY) -m pytest -p no:cacheprovider -m oscar tests/oscar

test-postgres: $(STAMP)
	$(PY) scripts/with_postgres.py $(PY) -m pytest -n 2 -p no:cacheprovider -m "not e2e and not slow and not oscar"

test: lint typecheck test-sqlite test-oscar test-postgres

bench: $(STAMP)
	$(PY) bench/run.py

messages: $(STAMP)
	cd store && ../$(PY) ../manage.py makemessages -l ko --no-obsolete && ../$(PY) ../manage.py compilemessages -l ko
	cd sociallogin && ../$(PY) ../manage.py makemessages -l ko --no-obsolete && ../$(PY) ../manage.py compilemessages -l ko
	cd kakaosync && ../$(PY) ../manage.py makemessages -l ko --no-obsolete && ../$(PY) ../manage.py compilemessages -l ko
	cd keymap && ../$(PY) ../manage.py makemessages -l ko --no-obsolete && ../$(PY) ../manage.py compilemessages -l ko

clean:
	rm -rf $(VENV) build dist *.egg-info demo.sqlite3 var
