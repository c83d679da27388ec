# l3audit: `make demo` sets up and audits the built-in demo outlets; `make test` sets up and runs the tests.
# Both create .venv and install what they need; nmap comes from apt when we can use apt (root or sudo).

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo test setup system-deps clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: system-deps $(STAMP)

# nmap, chromium and the report fonts are optional (a built-in scanner takes over without nmap; PDF reports are
# skipped, with a note, without chromium), but audits and reports are better with them.
SYSTEM_PACKAGES = nmap chromium fonts-noto-core fonts-noto-mono
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	$(PYTHON) -c "import ensurepip" >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	if [ -z "$$missing" ]; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then echo "note: please install$$missing (no apt-get here)"; \
	else SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  ( $$SUDO apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	    ( $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null ) ) || \
	  echo "note: could not install$$missing; l3audit works without them (built-in scanner, no PDF)"; fi

demo: setup
	$(BIN)/l3audit demo --out l3audit-demo

test: setup
	$(BIN)/python -m pytest -q

# Move the entries helpers added to audit/i18n.py's MESSAGES dict into the .po files, recompile the .mo
# files and check that every message has both translations (Babel; see audit/messages/build.py).
messages: $(STAMP)
	$(BIN)/python -m audit.messages.build import
	$(BIN)/python -m audit.messages.build compile
	$(BIN)/python -m audit.messages.build check

clean:
	rm -rf $(VENV) l3audit-demo build *.egg-info .pytest_cache
