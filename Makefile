# The README's commands. Everything installs into .venv; system packages come
# from Debian through scripts/system-packages (apt when root, a message if not).
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The exact versions tested, for `.[dev,countries,docs]` on Python 3.11, Linux: written by
# uv (`make lock`), installed as they are; munbook itself goes on top without its deps.
LOCK   := requirements.lock

.PHONY: install lock demo test docs bench lint format clean

install: $(STAMP)

$(STAMP): pyproject.toml $(LOCK) scripts/system-packages
	@scripts/system-packages
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# Refresh the pins: the newest releases pyproject.toml's bounds allow (`make lock
# LOCK_FLAGS=` keeps the pins that still fit, e.g. after adding one dependency).
# 3.11 is 3.11.0: the pins install on every 3.11. Then `make install` and test.
LOCK_FLAGS ?= --upgrade
lock: install
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --extra countries --extra docs \
	  --python-version 3.11 --python-platform linux --custom-compile-command 'make lock' \
	  $(LOCK_FLAGS) --quiet -o $(LOCK)

# `make demo PORT=8877`: another port than 8866 (munbook demo --port)
PORT ?=
demo: install
	$(VENV)/bin/munbook demo $(if $(PORT),--port $(PORT))

test: install docs
	MUNBOOK_TEST_PG="$$(scripts/test-postgres)" $(VENV)/bin/pytest

# The docs site (docs/, Sphinx + MyST) into the home's docs/ (outputs/docs, or
# $MUNBOOK_HOME/docs), which `munbook serve` shows at /munbook/docs/. Warnings are
# errors; -n checks every reference; a missing page, anchor or image fails the build.
docs: install
	$(VENV)/bin/sphinx-build -W --keep-going -n -q -b html docs \
	  "$$($(PY) -c 'from widgets import settings; print(settings.docs_dir())')"

# `make bench startup generate`: only those benchmarks (the names are not targets of their own)
BENCH_NAMES := $(filter-out bench install lock demo test docs lint format clean,$(MAKECMDGOALS))
bench: install
	$(PY) bench/run.py $(BENCH_NAMES)
ifneq ($(filter bench,$(MAKECMDGOALS)),)
$(BENCH_NAMES): ; @:
endif

lint: install
	$(VENV)/bin/ruff check widgets tests scripts bench docs
	$(VENV)/bin/ruff format --check widgets tests scripts bench docs
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format widgets tests scripts bench docs
	$(VENV)/bin/ruff check --fix widgets tests scripts bench docs

clean:
	rm -rf $(VENV) outputs/* .pytest_cache
