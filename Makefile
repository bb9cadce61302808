# Two commands do all the set-up on a fresh machine:
#   make demo   - install into .venv, ingest the seed documents into provenance.db, print the report
#   make test   - install into .venv (with test tools) and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-test browser lint bench clean

$(BIN)/provenance: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/provenance

install: $(BIN)/provenance

demo: install
	$(BIN)/provenance ingest fixtures/seeds/000_b07d10da4452e945.txt fixtures/seeds/003_cd3dd4c4be34f6b3.txt
	$(BIN)/provenance check
	$(BIN)/provenance report

test: install browser
	$(BIN)/python -m pytest -q -p no:cacheprovider

# Browser tests drive Debian's chromium through Playwright (never Playwright's own download).
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "browser tests need Debian's chromium: sudo apt-get install chromium" >&2; fi; }

# ruff (rules in pyproject.toml) and mypy --strict on provenance/; CI runs it before the tests.
lint: install
	$(BIN)/ruff check provenance tests bench
	$(BIN)/mypy --strict provenance

clean:
	rm -rf $(VENV) provenance.db provenance.db-wal provenance.db-shm *.egg-info
