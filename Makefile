# Two entry points for a fresh machine (see README.md):
#   make demo   -- set up and run the main job on embedded defaults
#   make test   -- set up and run the whole test suite (what .ci/run calls)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup setup-test services demo test lint bench

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/python -m compileall -q ingest detectors monitor

setup-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python -m compileall -q ingest detectors monitor

# Mosquitto (Debian package) for the broker tests; PostgreSQL's server must be on PATH (initdb, pg_ctl);
# Chromium and a Chinese font (fonts-noto-cjk) for the browser tests; systemd-analyze for deploy/systemd.
services:
	@command -v mosquitto >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto mosquitto-clients) >/dev/null; \
	  else echo "mosquitto missing: run 'sudo apt-get install mosquitto mosquitto-clients'" >&2; exit 1; fi; }
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null; \
	  else echo "PostgreSQL's server missing: run 'sudo apt-get install postgresql'" >&2; exit 1; fi; }
	@command -v chromium >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; else echo "chromium missing: run 'sudo apt-get install chromium'" >&2; exit 1; fi; }
	@command -v systemd-analyze >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd) >/dev/null; else echo "systemd-analyze missing (checks deploy/systemd): run 'sudo apt-get install systemd'" >&2; exit 1; fi; }
	@fc-list :lang=zh 2>/dev/null | grep -q . || { if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk) >/dev/null; else echo "no Chinese font for the browser test: run 'sudo apt-get install fonts-noto-cjk'" >&2; exit 1; fi; }

demo: setup
	$(BIN)/monitor demo

test: setup-test services
	$(BIN)/ruff check ingest detectors monitor tests bench
	$(BIN)/ruff format --check ingest detectors monitor tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q

lint: setup-test
	$(BIN)/ruff check --fix ingest detectors monitor tests bench
	$(BIN)/ruff format ingest detectors monitor tests bench
