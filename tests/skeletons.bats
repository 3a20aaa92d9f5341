#!/usr/bin/env bats
# The skeletons in labs/ are made from the marked solutions by
# tools/make-skeletons (docs/skeletons.md): they are up to date, they compile
# cleanly with the grader's flags, and a broken marker is refused. Fast: no
# grading (tests/lab-NN-*.bats prove the skeletons earn only honest points).

load test_helper

MAKE=$ROOT/tools/make-skeletons

# sample_repo: a tiny repository in $BATS_TEST_TMPDIR/repo with one chapter
# and one lab whose solution is read from stdin.
sample_repo() {
  REPO=$BATS_TEST_TMPDIR/repo
  mkdir -p "$REPO/chapters" "$REPO/solutions/01-demo" "$REPO/labs/01-demo"
  printf '# Demo\n\n## Short reads and short writes\n\ntext\n' >"$REPO/chapters/05-lifecycle.md"
  cat >"$REPO/solutions/01-demo/demo.c"
}

# A well-formed sample: a whole-function region with a stub, a region inside
# a function without one, and a solution-only helper.
good_sample() {
  sample_repo <<'EOF'
#include <stdio.h>

// solution only begin
static int twice(int x)
{
    return 2 * x;
}
// solution only end

/*
 * TODO 1 begin — double it [05-lifecycle#short-reads-and-short-writes].
 * Return twice x.
 */
static int doubled(int x)
{
    return twice(x);
}
// TODO 1 stub:
// static int doubled(int x)
// {
//     (void)x;
//     return -1; /* TODO 1 not written yet */
// }
// TODO 1 end

int main(void)
{
    /* TODO 2 begin — print it [05-lifecycle]. */
    printf("%d\n", doubled(21));
    // TODO 2 end
    return 0;
}
EOF
}

@test "labs/ is what tools/make-skeletons makes from solutions/" {
  run "$MAKE" --check
  assert_success
  refute_output
}

@test "every skeleton compiles without warnings with the grader's flags" {
  local c failed=0
  for c in "$ROOT"/labs/[0-9][0-9]-*/*.c; do
    [[ -e $c ]] || continue
    if ! cc -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 -o "$BATS_TEST_TMPDIR/prog" "$c" -lm \
        2>"$BATS_TEST_TMPDIR/cc.err"; then
      printf '%s:\n' "${c#"$ROOT"/}" >&2
      cat "$BATS_TEST_TMPDIR/cc.err" >&2
      failed=1
    fi
  done
  ((failed == 0))
}

@test "no skeleton contains a marker or the word 'solution only'" {
  run grep -nE 'TODO [0-9]+ (begin|stub|end)|solution only' "$ROOT"/labs/*/*.c
  assert_failure 1
}

@test "a sample solution makes the skeleton the markers describe" {
  good_sample
  run "$MAKE" --root "$REPO"
  assert_success
  run cat "$REPO/labs/01-demo/demo.c"
  assert_output - <<'EOF'
#include <stdio.h>

/*
 * TODO 1 — double it (Chapter 5, "Short reads and short writes").
 * Return twice x.
 */
static int doubled(int x)
{
    (void)x;
    return -1; /* TODO 1 not written yet */
}

int main(void)
{
    /* TODO 2 — print it (Chapter 5). */
    return 0;
}
EOF
  run "$MAKE" --root "$REPO" --check
  assert_success
}

@test "--check shows the difference and exits 1 when a skeleton was edited" {
  good_sample
  "$MAKE" --root "$REPO"
  printf '/* edited by hand */\n' >>"$REPO/labs/01-demo/demo.c"
  run "$MAKE" --root "$REPO" --check
  assert_failure 1
  assert_output --partial '-/* edited by hand */'
  run "$MAKE" --root "$REPO" --check 01
  assert_failure 1
}

@test "--check exits 1 for a skeleton that has no solution" {
  good_sample
  "$MAKE" --root "$REPO"
  printf 'int main(void) { return 0; }\n' >"$REPO/labs/01-demo/stray.c"
  run "$MAKE" --root "$REPO" --check
  assert_failure 1
  assert_output --partial 'stray.c has no solution'
}

# broken SED-SCRIPT MESSAGE: the good sample edited by sed is refused with
# exit status 2 and a message holding MESSAGE; labs/ is left alone.
broken() {
  good_sample
  sed -i "$1" "$REPO/solutions/01-demo/demo.c"
  run "$MAKE" --root "$REPO"
  assert_failure 2
  assert_output --partial "$2"
  assert_output --partial "solutions/01-demo/demo.c"
  [[ ! -e $REPO/labs/01-demo/demo.c ]]
}

@test "a region without an end is refused" {
  broken '/TODO 2 end/d' "has no '// TODO 2 end'"
}

@test "an end of another region is refused" {
  broken 's|// TODO 1 end|// TODO 3 end|' "'TODO 3' marker inside the region 'TODO 1'"
}

@test "a region begun inside another is refused" {
  broken '/solution only end/d' "regions do not nest"
}

@test "a stub line that does not start with // is refused" {
  broken 's|^//     (void)x;|    (void)x;|' "must start with //"
}

@test "a misspelt marker is refused" {
  broken 's|TODO 1 begin|TODO 1 begni|' "a marker outside a region, or misspelt"
}

@test "a TODO number used twice in a file is refused" {
  broken 's|TODO 2 begin|TODO 1 begin|; s|// TODO 2 end|// TODO 1 end|' "TODO 1 begins a second time"
}

@test "a reference to a section the book does not have is refused" {
  broken 's|short-reads-and-short-writes|no-such-section|' "has no section #no-such-section"
}

@test "a solution without any TODO region is refused" {
  sample_repo <<'EOF'
int main(void) { return 0; }
EOF
  run "$MAKE" --root "$REPO"
  assert_failure 2
  assert_output --partial "the skeleton would be the solution"
}

# --check covers the labs under solutions/; this catches a skeleton written
# by hand for a lab that has no marked solution to be made from.
@test "every skeleton in labs/ has a marked solution" {
  local c lab
  for c in "$ROOT"/labs/[0-9][0-9]-*/*.c; do
    [[ -e $c ]] || continue
    lab=$(basename "$(dirname "$c")")
    [[ -f $ROOT/solutions/$lab/${c##*/} ]] || fail "${c#"$ROOT"/} has no solution to be made from"
    grep -q 'TODO [0-9]* begin' "$ROOT/solutions/$lab/${c##*/}" || fail "solutions/$lab/${c##*/} has no TODO region"
  done
}
