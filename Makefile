# The book's commands. `make book` builds the website; `make test` runs every test. Both set up .venv first.
PYTHON_SYSTEM ?= python3
VENV := .venv
LAB_VENV := .venv-lab
PY := $(VENV)/bin/python
PYTEST := $(VENV)/bin/pytest
BUILD_FLAGS := -W -n --keep-going $(if $(FORCE),--all --force,)
PORT ?= 8000
# Notebooks run BLAS on one thread: the chapters time matrix products, and threads on a shared 2-core machine make
# those timings erratic.
ONE_THREAD := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

.PHONY: chromium tex pdf test-pdf book test test-lib test-notebooks test-notebooks-live test-site test-lab test-lab-all check-notebooks strip serve \
	lab lab-env bench clean pins setup

## The environment: pinned packages, optimlib (editable), the site's own scripts.
$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON_SYSTEM) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

_assets/vendor/.versions: tools/vendor_assets.py | $(VENV)/.installed
	$(PY) tools/vendor_assets.py

setup: $(VENV)/.installed _assets/vendor/.versions

## JupyterLab (requirements-lab.txt, the shared packages at requirements.txt's pins) in an environment of its own,
## .venv-lab, whose notebooks run on .venv's kernel (the book's packages): for `make lab`, the JupyterLab tests and
## `make bench`. Kept apart because JupyterLab's jsonschema format extras (rfc3987-syntax builds a parser at import)
## would add seconds to the start of every notebook the build and nbval run.
$(LAB_VENV)/.installed: requirements-lab.txt requirements.txt $(VENV)/.installed
	test -x $(LAB_VENV)/bin/python || $(PYTHON_SYSTEM) -m venv $(LAB_VENV)
	$(LAB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LAB_VENV)/bin/python -m pip install --quiet -c requirements.txt -r requirements-lab.txt jupyterlab_widgets
	$(PY) -m ipykernel install --prefix $(abspath $(LAB_VENV)) --name python3 --display-name "Python 3 (optimlib)" >/dev/null
	touch $@

lab-env: $(LAB_VENV)/.installed

## Execute every notebook (cached; a change to optimlib re-executes all), build the HTML site into _build/html and
## the reader's edition into _build/notebooks (tools/reader_edition.py). FORCE=1 re-executes and rewrites everything.
book: setup
	OPTIMLIB_STATIC=1 $(ONE_THREAD) $(PY) tools/build_book.py $(BUILD_FLAGS)

## The website as one zip that works opened from disk (file://), with the reader's notebooks and optimlib's wheel:
## _build/dist/<name>-<git describe>.zip (tools/dist.py). `book` re-executes and rewrites only what changed.
.PHONY: dist
dist: book
	$(PY) tools/dist.py

## Every test, in the order CI runs them: notebooks clean, library, notebooks, site build, browser, JupyterLab.
## Each notebook is executed once: nbval runs it (as the build would) and stores its outputs in the build's cache
## (tools/nbval_cache.py), so `book` re-uses them; it executes only a notebook nbval could not store.
test: setup chromium lab-env
	$(MAKE) --no-print-directory check-notebooks test-lib test-notebooks book test-site test-lab

check-notebooks:
	$(PY) tools/notebooks.py check book

## The library's tests (bare `pytest` less the tests of the built site and of its reader's edition, which need the build).
## Not under pytest-xdist: two workers doubled the CPU time (torch and BLAS threads in each) and were slower here.
test-lib:
	$(PYTEST) -q --ignore=tests/book/test_site.py --ignore=tests/book/test_screens.py \
	  --ignore=tests/book/test_api_site.py --ignore=tests/book/test_dist.py --ignore=tests/book/test_pdf.py \
	  --ignore=tests/lab

## Two notebooks at a time (pytest-xdist; --dist loadfile keeps each notebook's cells together, in order, on one worker).
test-notebooks:
	OPTIMLIB_STATIC=1 $(ONE_THREAD) PYTHONPATH=tools $(PYTEST) -q -n 2 --dist loadfile -p nbval_cache --nbval-lax \
	  --nbval-current-env book

## The notebooks as a JupyterLab reader runs them (live ipywidgets explorers); not part of `make test`.
test-notebooks-live:
	$(ONE_THREAD) $(PYTEST) -q --nbval-lax --nbval-current-env book

## Two browsers at a time (pytest-xdist).
test-site: chromium
	OPTIMLIB_REQUIRE_SITE=1 $(PYTEST) -q -n 2 tests/book/test_site.py tests/book/test_screens.py \
	  tests/book/test_api_site.py tests/book/test_dist.py

## The reader's edition (needs `make book`): no raw MyST; run live in JupyterLab in headless Chromium.
test-lab: chromium lab-env
	$(PYTEST) -q tests/lab

## Every notebook of the reader's edition run live in JupyterLab (a few minutes; not part of `make test`).
test-lab-all: chromium lab-env
	OPTIMLIB_LAB_ALL=1 $(PYTEST) -q -s tests/lab/test_lab.py

## Debian's Chromium for the browser test (playwright's own browser download does not work offline).
chromium:
	@command -v chromium >/dev/null || { SUDO=$$(command -v sudo || true); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

## The book as a PDF (Jupyter Book's LaTeX builder, xelatex) in _build/pdf/: re-uses `book`'s execution cache (a
## notebook it ran is not run again); each explorer shows its first frame. FORCE=1 re-executes and re-reads all.
pdf: setup tex
	OPTIMLIB_STATIC=1 $(ONE_THREAD) $(PY) tools/build_pdf.py -W -n --keep-going $(if $(FORCE),--force,)

## The PDF's test (builds it; run by .ci/run after `make test`, not part of `make test`).
test-pdf: setup tex
	OPTIMLIB_REQUIRE_PDF=1 $(PYTEST) -q tests/book/test_pdf.py

## Debian's TeX for `make pdf` (xelatex, latexmk, the LaTeX packages Sphinx and Jupyter Book load), FreeFont (Sphinx's
## Unicode fonts for xelatex), DejaVu Sans Mono (code), rsvg-convert (SVG figures to PDF) and pdftotext (the test):
## about 370 MB installed, 2 minutes.
TEX_PACKAGES := texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended latexmk \
	fonts-freefont-otf fonts-dejavu-core librsvg2-bin poppler-utils
tex:
	@for c in xelatex latexmk rsvg-convert pdftotext; do command -v $$c >/dev/null || missing=1; done; \
	  [ -z "$$missing" ] || { SUDO=$$(command -v sudo || true); $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) >/dev/null; }

## Remove outputs and execution counts from every committed notebook.
strip:
	$(PY) tools/notebooks.py strip book

serve:
	@echo "Serving _build/html at http://127.0.0.1:$(PORT)/"
	$(PY) -m http.server --bind 127.0.0.1 --directory _build/html $(PORT)

## JupyterLab on the reader's edition (_build/notebooks), rebuilt first when a chapter or optimlib changed.
lab: setup lab-env
	@if $(PY) tools/reader_edition.py --stale; then $(MAKE) --no-print-directory book; fi
	$(LAB_VENV)/bin/jupyter lab --ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root,) _build/notebooks/

## Speed figures: build times, test-suite time, page weight, library and explorer benchmarks.
bench: setup lab-env chromium tex
	$(PY) bench/run_all.py

## Re-resolve requirements.txt (from requirements.in) and requirements-lab.txt in a throw-away environment.
PINS := /tmp/optimbook-pins
pins:
	rm -rf $(PINS) && $(PYTHON_SYSTEM) -m venv $(PINS)
	$(PINS)/bin/pip install --quiet -r requirements.in
	(echo "# Generated by 'make pins' from requirements.in. Edit requirements.in, then run 'make pins'."; \
	 $(PINS)/bin/pip freeze) > requirements.txt
	$(PINS)/bin/pip freeze | sort > $(PINS)/base.txt
	$(PINS)/bin/pip install --quiet jupyterlab
	(echo "# JupyterLab for 'make lab', pinned (generated by 'make pins'). Kept out of requirements.txt: its jsonschema"; \
	 echo "# format extras add seconds to every notebook's start-up in the build."; \
	 $(PINS)/bin/pip freeze | sort | comm -13 $(PINS)/base.txt -) > requirements-lab.txt

clean:
	rm -rf _build _assets/vendor .pytest_cache
