# The README's commands. Everything installs into .venv; system packages come
# from Debian through scripts/system-packages (apt when root, a message if not).
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install demo test bench lint format clean

install: $(STAMP)

$(STAMP): pyproject.toml scripts/system-packages
	@scripts/system-packages
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,countries]'
	@touch $(STAMP)

demo: install
	$(VENV)/bin/munbook demo

test: install
	MUNBOOK_TEST_PG="$$(scripts/test-postgres)" $(VENV)/bin/pytest

# `make bench startup generate`: only those benchmarks (the names are not targets of their own)
BENCH_NAMES := $(filter-out bench install demo test lint format clean,$(MAKECMDGOALS))
bench: install
	$(PY) bench/run.py $(BENCH_NAMES)
ifneq ($(filter bench,$(MAKECMDGOALS)),)
$(BENCH_NAMES): ; @:
endif

lint: install
	$(VENV)/bin/ruff check widgets tests scripts bench
	$(VENV)/bin/ruff format --check widgets tests scripts bench
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format widgets tests scripts bench
	$(VENV)/bin/ruff check --fix widgets tests scripts bench

clean:
	rm -rf $(VENV) outputs/* .pytest_cache
