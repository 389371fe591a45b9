# finegrid — two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
PO     := finegrid/locale/zh_Hans/LC_MESSAGES/django.po
MO     := $(PO:.po=.mo)

.PHONY: demo test install messages clean

demo: install messages
	FINEGRID_DEMO=1 $(BIN)/finegrid migrate --no-input
	FINEGRID_DEMO=1 $(BIN)/finegrid seed-demo
	FINEGRID_DEMO=1 $(BIN)/finegrid serve --host $(HOST) --port $(PORT)

test: install messages
	$(BIN)/pytest

install: $(VENV)/.installed

# Reinstalled whenever pyproject.toml changes; the stamp keeps repeated runs quick.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

messages: $(MO)

$(MO): $(PO)
	command -v msgfmt >/dev/null || (apt-get update -q && apt-get install -y -q gettext)
	msgfmt --check -o $@ $<

clean:
	rm -rf $(VENV) var build *.egg-info $(MO)
