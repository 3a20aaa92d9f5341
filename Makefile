# The Socket Workbook: `make` sets everything up and grades labs/;
# `make test` runs the project's own tests. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := all

LAB ?=
GRADE_FLAGS ?=
CFLAGS_LAB := -std=c17 -D_GNU_SOURCE -Wall -Wextra -g -O1
PACKAGE_LISTS := grader/packages.txt book/packages.txt tools/packages.txt

.PHONY: all deps labs grade progress test test-grader test-catalogue bench skeletons check-skeletons plot compare-sockperf

## all: install what is missing, build the book and the labs, grade labs/
all: deps book labs progress

## deps: install the Debian packages that are missing (apt-get, as root or via sudo)
deps:
	@tools/install-deps $(PACKAGE_LISTS)

## labs: compile every program in labs/ into build/labs/ (the grader's flags)
labs:
	@for src in labs/*/*.c; do \
	  lab=$$(basename "$$(dirname "$$src")"); prog=$$(basename "$$src" .c); \
	  mkdir -p "build/labs/$$lab"; \
	  cc $(CFLAGS_LAB) -o "build/labs/$$lab/$$prog" "$$src" -lm || exit 1; \
	done; echo "Built the lab programs into build/labs/."

## grade [LAB=01]: grade your work in labs/ (exit status 1 while checks fail)
grade:
	@grader/grade $(GRADE_FLAGS) $(LAB)

## progress [LAB=01]: the table that `make` ends with. A lab is graded again only when
##   one of its files, or the grader, changed since its last grading (kept in
##   build/grade/LAB.json); `make grade` always grades afresh. Failing checks are
##   expected while you work, so only a grader that cannot run (status 2) stops make.
GRADE_CACHE  := build/grade
GRADE_CHECKS := grader/checks
GRADER_FILES := grader/grade grader/packages.txt $(GRADE_CHECKS)/test_helper.bash \
                $(wildcard grader/lib/* grader/peer/*)
GRADE_LABS   := $(notdir $(wildcard labs/[0-9][0-9]-*))
ifneq ($(LAB),)
GRADE_LABS   := $(filter $(LAB) $(LAB)-%,$(GRADE_LABS))
endif
# As many labs at once as grader/grade would grade: one per two cores.
GRADE_JOBS   := $(shell n=$$(( $$(nproc 2>/dev/null || echo 2) / 2 )); echo $$(( n < 1 ? 1 : n )))
GRADE_JSONS  := $(GRADE_LABS:%=$(GRADE_CACHE)/%.json)
# The labs' documents as one, each check with its lab (what grader/lib/human reads).
GRADE_MERGE  := { score: (map(.score) | add), max_score: (map(.max_score) | add), \
                  tests: [.[].tests[] | .lab = .tags[0]] }

progress:
	@test -n "$(GRADE_LABS)" || { echo "progress: no lab '$(LAB)' in labs/" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory -j$(GRADE_JOBS) $(GRADE_JSONS)
	@jq -s '$(GRADE_MERGE)' $(GRADE_JSONS) >$(GRADE_CACHE)/progress.json
	@grader/lib/human $(GRADE_CACHE)/progress.json . --summary

# One lab's results (the Gradescope document, whose tags name the lab). The
# folder itself is a prerequisite: adding or removing a file changes it.
.SECONDEXPANSION:
$(GRADE_CACHE)/%.json: labs/% $$(wildcard labs/$$*/*) $(GRADE_CHECKS)/%.bats $(GRADER_FILES)
	@mkdir -p $(@D)
	@echo "  GRADE   $* (new or changed since its last grading)"
	@grader/grade --jobs 1 --format json --output $@.tmp $* >/dev/null; \
	  test $$? -ne 2 && mv $@.tmp $@

## test: the project's own tests (grader proven right, book checked)
test: deps test-grader check-book test-book test-docker

# Every catalogue is part of `make test`; lab 09's is the most expensive (27
# gradings: its checks run sockbench under strace, each traced run once and
# shared by the strace checks).
test-grader:
	@bats --jobs 4 --no-parallelize-across-files $(wildcard tests/*.bats)

## test-catalogue: only the labs' proofs (solution, skeleton, wrong programs, variants)
test-catalogue:
	@bats --jobs 4 --no-parallelize-across-files $(wildcard tests/lab-*.bats)

## skeletons: write labs/*/*.c from the marked solutions (docs/skeletons.md)
skeletons:
	@tools/make-skeletons

## check-skeletons: fail if labs/ differs from what the solutions make
check-skeletons:
	@tools/make-skeletons --check

## bench: print how long grading takes
bench:
	@tools/bench-grade

include book/book.mk

## plot [SOCKBENCH=path]: measure this machine with lab 09's sockbench (default: the solution,
##   compiled into build/plot/): every transport, both modes, a few sizes, in well under a minute;
##   writes build/plot/sockbench.svg and build/plot/sockbench.md, which chapter 12 shows
plot: $(SOCKBENCH)
	@tools/plot-sockbench --sockbench $(SOCKBENCH) --out $(PLOT_OUT)

## compare-sockperf [SOCKBENCH=path]: sockbench side by side with sockperf (latency, TCP and
##   UDP) and iperf3 (TCP throughput) on loopback: the figures and their ratios (a benchmark)
compare-sockperf: $(SOCKBENCH)
	@tools/compare-sockperf --sockbench $(SOCKBENCH)

include docker/docker.mk
