# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install install-dev serve migrate seed check lint format messages compilemessages clean

run: install migrate seed serve

test: install-dev
	$(VENV)/bin/pytest $(PYTEST_ARGS)

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changed, so a second `make run` starts at once.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# axe-core for the browser tests' accessibility checks (tests/browser/axe.py): from npm when npm
# is there; without it those checks skip locally (CI installs npm and requires them).
node_modules/.installed: package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund && touch $@; \
	else \
		echo "npm is missing: the accessibility checks of the browser tests will skip"; \
	fi

install-dev: $(VENV)/.installed-dev node_modules/.installed

migrate: install
	mkdir -p var/static var/media
	$(PY) manage.py migrate --noinput

seed: install
	$(PY) manage.py seed_demo

serve: install
	$(PY) manage.py runserver $(HOST):$(PORT)

check: install-dev
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

lint: check

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Extract strings (needs gettext's xgettext), then compile with polib (no msgfmt needed).
# `scripts/translate.py FILE.json` fills translations from a {msgid: msgstr} file.
messages: install-dev
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete \
		--ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(MAKE) compilemessages

compilemessages: install-dev
	$(PY) scripts/compile_messages.py

clean:
	rm -rf $(VENV) var

# Benchmarks (docs/operations.md, Benchmarks): DATABASE_URL and REDIS_URL must be set.
BENCH_DURATION ?= 30
BENCH_CONCURRENCY ?= 8
.PHONY: bench
bench: install
	$(PY) bench/run.py --duration $(BENCH_DURATION) --concurrency $(BENCH_CONCURRENCY)

# Mutation testing (docs/mutation.md): slow, not part of `make test` or CI. One module at a
# time, one test process (2 shared cores), each in its own copy of the tree
# (var/mutation/<module>/) against its own tests ([tool.mutation.modules] in pyproject.toml);
# each mutant runs the tests that reached its function, on a file SQLite test database reused
# between runs. PYTHONPATH is emptied so the tests import mutmut's mutated copy (mutants/).
# Empty: every module listed under [tool.mutation.modules] in pyproject.toml.
MUTATION_MODULES ?=
.PHONY: mutation
mutation: install-dev
	mkdir -p var
	$(PY) scripts/mutation_run.py $(MUTATION_MODULES)

# Lighthouse (docs/benchmarks.md, Lighthouse): home, forum index, a board and a topic under
# production settings (gunicorn + whitenoise, fresh SQLite seeded with seed_demo), mobile preset,
# median of 3 runs; fails below 95. Needs npm and Debian's chromium. Not part of `make test`.
LIGHTHOUSE_ARGS ?=
.PHONY: lighthouse
lighthouse: install
	$(PY) bench/lighthouse.py $(LIGHTHOUSE_ARGS)
