# fa_book: the two commands are `make book` and `make test` (see README.md).
SHELL := /bin/bash
VENV  ?= .venv
PY    := $(VENV)/bin/python
PIP   := $(PY) -m pip
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup book pdf serve test browser figures bench lint clean

## setup: a virtualenv with torch (CPU build), the package and its docs/test extras; node assets
setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --upgrade pip
	# The CPU build of torch first: an unpinned torch would fetch a multi-GB CUDA build.
	$(PIP) install torch==2.13.0
	$(PIP) install -e '.[docs,test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

## book: set up and build the website into site/ with its PDF and zips (open site/index.html, or `make serve`)
book: setup browser
	$(VENV)/bin/mkdocs build --strict
	@# the PDF and the zips the home page links (Debian's Chromium prints the print page)
	@if command -v chromium >/dev/null 2>&1; then $(PY) hooks/print_book.py $(CURDIR)/site; \
	else echo "chromium is missing: no PDF (sudo apt-get install chromium)"; fi
	@echo ""
	@echo "The book is built: open file://$(CURDIR)/site/index.html (or run: make serve)"

## pdf: the book as one PDF (site/fa_book.pdf, printed by Debian's Chromium) and the
## offline site as a zip (site/fa_book-site.zip); the notebooks are built with the site
pdf: setup browser
	$(VENV)/bin/mkdocs build --strict
	$(PY) hooks/print_book.py $(CURDIR)/site

## serve: serve the built book on http://127.0.0.1:8000
serve: book
	$(PY) -m http.server --directory site --bind 127.0.0.1 8000

## browser: Debian's Chromium for the browser test and the PDF (never a browser download),
## a CJK font for the Chinese terms in the PDF, and poppler-utils (pdftotext) to read it back
BROWSER_DEBS := chromium fonts-noto-cjk poppler-utils
browser:
	@if command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 \
	    && fc-list :lang=zh | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(BROWSER_DEBS); \
	else echo "missing some of: $(BROWSER_DEBS); the browser and PDF tests will skip (sudo apt-get install $(BROWSER_DEBS))"; fi

## test: set up and run every test (what .ci/run calls)
test: setup browser
	$(VENV)/bin/ruff check fa_book tests bench hooks docs conftest.py
	$(VENV)/bin/pytest -n 2 --dist loadfile

## figures: regenerate every figure and table at full size (slow; one process per core, JOBS=N to choose)
figures: setup
	$(PY) -m fa_book.figures $(if $(JOBS),--jobs $(JOBS),)

## bench: run every benchmark in bench/
bench: setup
	for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: setup
	$(VENV)/bin/ruff check fa_book tests bench hooks docs conftest.py

clean:
	rm -rf site
