# l3audit: `make demo` sets up and audits the built-in demo outlets; `make test` sets up and runs the tests.
# Both create .venv and install what they need; nmap comes from apt when we can use apt (root or sudo).

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo test setup system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: system-deps $(STAMP)

# nmap is optional (a built-in scanner takes over without it), but audits are better with it.
system-deps:
	@if command -v nmap >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get install -y -qq nmap >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq nmap >/dev/null)) || echo "note: could not install nmap; the built-in scanner will be used"; \
	elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
	  sudo apt-get install -y -qq nmap >/dev/null 2>&1 || echo "note: could not install nmap; the built-in scanner will be used"; \
	else echo "note: nmap not installed; the built-in scanner will be used"; fi

demo: setup
	$(BIN)/l3audit demo --out l3audit-demo

test: setup
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) l3audit-demo build *.egg-info .pytest_cache
