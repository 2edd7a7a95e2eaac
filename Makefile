# The two commands of the README: `make build` and `make test`.
# Everything they need is installed here, into .venv in the repo root.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: build test check lint bench images clean system-deps messages bench-letters bench-send

build: $(STAMP)
	@$(BIN)/python -c "import weasyprint" 2>/dev/null || { \
	  echo "WeasyPrint needs the Pango libraries: install them with 'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0' (Debian/Ubuntu) or 'brew install pango' (macOS)."; exit 1; }
	$(BIN)/briefpress build --edition all --html

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

# Poppler (pdftoppm, pdffonts) and qpdf are used by the PDF structure tests, Chromium
# by the live preview's browser test. As root (CI) they are installed with apt-get;
# elsewhere those tests skip.
system-deps:
	@if ! command -v pdftoppm >/dev/null 2>&1 || ! command -v qpdf >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils qpdf >/dev/null) \
	      || echo "note: could not install poppler-utils/qpdf; tests that need them will skip"; \
	  else echo "note: poppler-utils/qpdf missing; tests that need them will skip"; fi; \
	fi
	@# Chromium drives the live preview's browser test (tests/live/test_browser.py).
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "note: could not install chromium; the browser test will skip"; \
	  else echo "note: chromium missing; the browser test will skip"; fi; \
	fi

test: $(TEST_STAMP) system-deps
	$(BIN)/python -m pytest -q

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

check: $(STAMP)
	$(BIN)/briefpress check --against ../shared/seeds/000_f3237e55bf94ab5f.txt

# Speed and memory figures, measured side by side (see docs/benchmarks.md). Not a test.
bench: $(STAMP)
	$(BIN)/python bench/bench.py

# Interface strings: extract every _() and {% trans %} (see babel.cfg) into the template
# catalog and merge it into each language's .po file. New or changed strings then show
# as untranslated or fuzzy; tests/render/test_i18n.py fails until each catalog is complete.
# Start a language with: $(BIN)/pybabel init -D briefpress -i $(POT) -d $(LOCALE) -l xx
LOCALE := src/briefpress/locale
POT := $(LOCALE)/briefpress.pot
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o $(POT) --add-location=file --sort-by-file \
	  --add-comments=Translators: --project=briefpress --copyright-holder=briefpress .
	$(BIN)/pybabel update -D briefpress -i $(POT) -d $(LOCALE)

# Page images of one brief of each kind, committed under docs/pages/ for review.
images: $(STAMP)
	$(BIN)/python scripts/page_images.py

clean:
	rm -rf out/*.pdf out/*.html out/print out/assets out/letters out/thumbs

# Letters: a 4-page brief mailed to 1,000 generated recipients, against making each
# letter and brief from scratch (see docs/benchmarks.md, "Letters"). Not a test.
bench-letters: $(STAMP)
	$(BIN)/python bench/letters.py

# E-mail: 1,000 letters sent to a local SMTP server (aiosmtpd on 127.0.0.1): messages a
# second and peak memory (see docs/benchmarks.md, "Sending by e-mail"). Not a test.
bench-send: $(TEST_STAMP)
	$(BIN)/python bench/send.py
