# finegrid — two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
CASES  ?= 100000
TEST_JOBS ?= 0
FG     := FINEGRID_DEMO=1 $(BIN)/finegrid
# Each app may keep its own catalogue (finegrid/<app>/locale/…); all of them are compiled.
PO     := $(wildcard finegrid/locale/*/LC_MESSAGES/django.po finegrid/*/locale/*/LC_MESSAGES/django.po)
MO     := $(PO:.po=.mo)
# The console's front-end libraries (htmx) come from npm into a folder served as static files.
ASSETS := finegrid/console/static/console

.PHONY: demo test install messages clean

# The deadline worker, a gentle sensor simulator (in process, or to FINEGRID_MQTT_URL's broker) and
# the overview's slow panels (refresh-overview) run beside the server and stop with it.
demo: install messages
	$(FG) migrate --no-input
	$(FG) seed-demo --cases $(CASES)
	$(FG) train --seed --if-missing  # insight's day-one model, built from its own generated corpus
	$(FG) label-cases  # topics for the seeded cases, so the hot issues and hotspots have something to show
	$(FG) worker & worker=$$!; $(FG) simulate-sensors & sensors=$$!; \
	$(FG) refresh-overview --every 600 & panels=$$!; \
	trap 'kill $$worker $$sensors $$panels 2>/dev/null' EXIT INT TERM; \
	$(FG) serve --host $(HOST) --port $(PORT)

# In one process by default. TEST_JOBS=auto runs it on every core (pytest-xdist, a database per
# worker, a topic root per worker on the machine's MQTT broker), about 2½ times faster on an idle
# box, but one such run reported 1,542 results of 1,570 tests with no error: not yet explained.
test: install messages
	$(BIN)/pytest -n $(TEST_JOBS) --dist loadgroup

install: $(VENV)/.installed

# Reinstalled whenever pyproject.toml changes; the stamp keeps repeated runs quick.
$(VENV)/.installed: pyproject.toml $(ASSETS)/package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	command -v npm >/dev/null || (apt-get update -q && apt-get install -y -q npm)
	npm ci --prefix $(ASSETS) --no-audit --no-fund --loglevel=error
	command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium fonts-noto-cjk)
	# wrk loads the server in `finegrid bench intake`; only the benchmark needs it, so its absence is no failure.
	command -v wrk >/dev/null || apt-get install -y -q wrk || (apt-get update -q && apt-get install -y -q wrk) \
		|| echo "wrk is missing: finegrid bench intake will skip its HTTP load"
	touch $@

messages: $(MO)

%.mo: %.po
	command -v msgfmt >/dev/null || (apt-get update -q && apt-get install -y -q gettext)
	msgfmt --check -o $@ $<

clean:
	rm -rf $(VENV) var build *.egg-info $(MO)
