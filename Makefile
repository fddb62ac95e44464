# One-command set-up on Debian/Ubuntu: `make demo` counts the bundled samples, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
APT_PACKAGES := poppler-utils
# the browser tests drive Debian's Chromium through Playwright (no browser download); DejaVu renders Vietnamese
TEST_APT_PACKAGES := chromium fonts-dejavu-core

.PHONY: demo test lint bench system system-test apt clean

$(BIN)/scanner: pyproject.toml
	$(MAKE) system
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps 'augraphy==8.2.6'  # see pyproject.toml: its other needs are in [dev]
	touch $@

# System packages the scanner needs (poppler's pdftoppm for PDF scans), installed only when missing.
system:
	@$(MAKE) --no-print-directory apt PACKAGES="$(APT_PACKAGES)"

system-test:
	@$(MAKE) --no-print-directory apt PACKAGES="$(TEST_APT_PACKAGES)"

apt:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

# Count the bundled sample scans from scratch. The scan exits 3 because the samples include a page
# of another ballot on purpose (it is stored for review, not counted).
demo: $(BIN)/scanner
	rm -f out/demo.db out/demo.db-wal out/demo.db-shm
	mkdir -p out
	$(BIN)/scanner scan --db out/demo.db --template templates/uy-ban-thuong-vu-12 samples/scans || [ $$? -eq 3 ]
	$(BIN)/scanner count set --db out/demo.db --from samples/count.toml
	$(BIN)/scanner report --db out/demo.db --pdf out/demo-minutes.pdf --csv out/demo-results.csv --json out/demo-results.json
	$(BIN)/scanner export --db out/demo.db --format jsonl --out out/demo-pages.jsonl
	$(BIN)/scanner report --db out/demo.db

test: lint system-test
	$(BIN)/python -m pytest -q

lint: $(BIN)/scanner
	$(BIN)/ruff check scanner tests bench tools
	$(BIN)/ruff format --check scanner tests bench tools
	$(BIN)/mypy scanner

bench: $(BIN)/scanner
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) out scans
