# The book: chapters/*.md -> build/book/ (HTML pages, EPUB, PDF), and its checks.
# Included by the top-level Makefile; also usable alone:
#   make -f book/book.mk book|book-html|check-book|test-book|bench-book
# Everything runs from the repository root; BOOK_OUT may point elsewhere.

BOOK_OUT      ?= build/book
BOOK_CHAPTERS := $(sort $(wildcard chapters/[0-9][0-9]-*.md)) $(sort $(wildcard chapters/[a-z]-*.md))
BOOK_SLUGS    := $(notdir $(basename $(BOOK_CHAPTERS)))
BOOK_DOTS     := $(wildcard chapters/diagrams/*.dot)
BOOK_SVGS     := $(patsubst chapters/diagrams/%.dot,$(BOOK_OUT)/diagrams/%.svg,$(BOOK_DOTS))
BOOK_PAGES    := $(patsubst %,$(BOOK_OUT)/%.html,$(BOOK_SLUGS))
BOOK_LUA      := book/filters/common.lua
BOOK_PANDOC   := pandoc -f markdown+gfm_auto_identifiers --highlight-style=pygments \
                 -M chapter-list="$(BOOK_SLUGS)" -M chapter-dir=chapters -M book-out=$(BOOK_OUT)
BOOK_EPUB     := $(BOOK_OUT)/socket-workbook.epub
BOOK_PDF      := $(BOOK_OUT)/socket-workbook.pdf
BOOK_PRINT    := $(BOOK_OUT)/socket-workbook-print.html

# Chapter 12 shows lab 09's sockbench measured on the reader's machine: a plot
# and a table that tools/plot-sockbench writes into PLOT_OUT (`make plot`
# remeasures). SOCKBENCH=path uses another sockbench program (yours).
PLOT_OUT      ?= build/plot
SOCKBENCH_SRC := solutions/09-sockbench/sockbench.c
SOCKBENCH     ?= $(PLOT_OUT)/sockbench
PLOT_FILES    := $(PLOT_OUT)/sockbench.svg $(PLOT_OUT)/sockbench.md
BOOK_PLOT     := $(BOOK_OUT)/plot/sockbench.svg $(BOOK_OUT)/plot/sockbench.md

.PHONY: book book-html check-book test-book bench-book clean-book

## book: build/book/index.html, one page per chapter, the EPUB and the PDF
book: book-html $(BOOK_EPUB) $(BOOK_PDF)
	@echo "The book is in $(BOOK_OUT)/: index.html, socket-workbook.epub, socket-workbook.pdf"

## book-html: only the HTML pages (fast: one chapter touched, one page rebuilt)
book-html: $(BOOK_PAGES) $(BOOK_OUT)/index.html $(BOOK_OUT)/book.css $(BOOK_SVGS) $(BOOK_PLOT)

$(BOOK_OUT) $(BOOK_OUT)/diagrams $(BOOK_OUT)/plot:
	@mkdir -p $@

# The sockbench that the plot measures: lab 09's solution, compiled as the
# grader compiles (a missing solution stops the book with this message).
$(PLOT_OUT)/sockbench: $(SOCKBENCH_SRC)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@cc -std=c17 -D_GNU_SOURCE -Wall -Wextra -g -O1 -o $@ $< -lm

$(SOCKBENCH_SRC):
	@echo "book: chapter 12 needs $@ (lab 09's sockbench) to measure this machine;" \
	      "it is missing. Restore it, or build with SOCKBENCH=path/to/a/sockbench." >&2
	@exit 1

$(PLOT_FILES) &: $(SOCKBENCH) tools/plot-sockbench
	@echo "  PLOT    $(PLOT_FILES) (sockbench on this machine, well under a minute)"
	@tools/plot-sockbench --sockbench $(SOCKBENCH) --out $(PLOT_OUT) >/dev/null

$(BOOK_OUT)/plot/%: $(PLOT_OUT)/% | $(BOOK_OUT)/plot
	@cp $< $@

$(BOOK_OUT)/12-measuring.html: $(BOOK_PLOT)

$(BOOK_OUT)/diagrams/%.svg: chapters/diagrams/%.dot | $(BOOK_OUT)/diagrams
	@echo "  DOT     $@"
	@dot -Tsvg -o $@.tmp $< && mv $@.tmp $@

$(BOOK_OUT)/%.css: book/css/%.css | $(BOOK_OUT)
	@cp $< $@

$(BOOK_OUT)/%.html: chapters/%.md book/filters/book.lua $(BOOK_LUA) book/templates/page.html | $(BOOK_OUT)
	@echo "  HTML    $@"
	@$(BOOK_PANDOC) -t html5 -s --template book/templates/page.html --toc --toc-depth=2 \
	  --lua-filter book/filters/book.lua -o $@ $<

$(BOOK_OUT)/index.html: book/index.md $(BOOK_CHAPTERS) book/filters/combine.lua $(BOOK_LUA) book/templates/page.html | $(BOOK_OUT)
	@echo "  HTML    $@"
	@$(BOOK_PANDOC) -t html5 -s --template book/templates/page.html -M book-mode=index \
	  --lua-filter book/filters/combine.lua -o $@ $<

$(BOOK_EPUB): book/book.md $(BOOK_CHAPTERS) book/filters/combine.lua $(BOOK_LUA) book/css/epub.css $(BOOK_SVGS) $(BOOK_PLOT)
	@echo "  EPUB    $@"
	@$(BOOK_PANDOC) -t epub3 --toc --toc-depth=2 --epub-chapter-level=1 --css book/css/epub.css \
	  --resource-path=$(BOOK_OUT) --lua-filter book/filters/combine.lua -o $@.tmp.epub $< \
	  && mv $@.tmp.epub $@

$(BOOK_PRINT): book/book.md $(BOOK_CHAPTERS) book/filters/combine.lua $(BOOK_LUA) book/templates/print.html $(BOOK_PLOT) | $(BOOK_OUT)
	@echo "  HTML    $@"
	@$(BOOK_PANDOC) -t html5 -s --template book/templates/print.html --toc --toc-depth=2 \
	  -M pagetitle="The Socket Workbook" --lua-filter book/filters/combine.lua -o $@ $<

$(BOOK_PDF): $(BOOK_PRINT) $(BOOK_OUT)/print.css $(BOOK_SVGS) $(BOOK_PLOT)
	@echo "  PDF     $@"
	@weasyprint -q $< $@.tmp && mv $@.tmp $@

## check-book: tangle every listing, compile it with -Werror, run each chapter's example test
##   (BOOK_ONLY="01-what-is-a-socket ..." restricts it to some chapters)
check-book:
	@book/scripts/check-examples $(BOOK_OUT)/code $(BOOK_ONLY)

## test-book: the book in a real browser, the PDF's pages, check-book failing on a broken listing
test-book: book
	@BOOK_OUT=$(BOOK_OUT) bats book/tests/

## bench-book: time a full build and an HTML rebuild after touching one chapter
bench-book:
	@book/scripts/bench-book

clean-book:
	rm -rf $(BOOK_OUT)
