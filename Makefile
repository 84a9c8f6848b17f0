# Birdhouse: every target installs what it needs from nothing (a Python 3.11+ and network to PyPI).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install browser test demo bench eval check clean

install: $(STAMP)

# Re-install only when the project's dependencies change; `make install` twice does nothing the second time.
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Birdhouse needs Python 3.11+")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,embedded]'
	@touch $(STAMP)

# The browser tests drive the distribution's Chromium (Playwright never downloads one here), and its emoji font.
CHROMIUM := /usr/bin/chromium
EMOJI_FONT := /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

browser:
	@test -x $(CHROMIUM) -a -f $(EMOJI_FONT) || { $(SUDO) apt-get update && \
		$(SUDO) apt-get install -y --no-install-recommends chromium fonts-noto-color-emoji; }

# Tests start a private Redis of their own (BIRDHOUSE_TEST_REDIS_URL names another); they read nothing outside the repo.
test: install browser
	$(BIN)/python -m pytest -q

demo: install
	$(BIN)/birdhouse demo

bench: install
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

eval: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[train]'
	$(BIN)/python tools/eval_triage.py

check: install
	$(BIN)/birdhouse check

clean:
	rm -rf $(VENV) var .pytest_cache *.egg-info
