# Shared by the project's own tests (tests/*.bats): they grade submissions
# made from the reference solutions, the skeletons and the catalogue in
# tests/cases/, and look at what the grader says.

bats_require_minimum_version 1.5.0
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
GRADE=$ROOT/grader/grade

# submission_from LAB SOURCE: a submission folder holding LAB copied from
# SOURCE (solutions, labs, or a tests/cases/LAB/NAME folder, which holds
# a patch against the solution, bug.patch for a wrong program and
# variant.patch for a correct one written another way, or whole .c files
# that replace the solution's files of the same name), or a
# tests/hostile/NAME folder (its .c files only). Prints its path. A case's
# patch applies to another case of the lab (a bug of a correct variant)
# when the case has a file 'base' that names it.
submission_from() {
  local lab=$1 source=$2 dir patch base
  dir=$(mktemp -d "$BATS_TEST_TMPDIR/sub.XXXX")
  mkdir -p "$dir/$lab"
  patch=$ROOT/$source/bug.patch
  [[ -f $patch ]] || patch=$ROOT/$source/variant.patch
  case $source in
    solutions | labs) cp "$ROOT/$source/$lab/"*.c "$dir/$lab/" ;;
    *)
      if [[ -f $patch ]]; then
        cp "$ROOT/solutions/$lab/"*.c "$dir/$lab/"
        if [[ -f $ROOT/$source/base ]]; then
          base=$(<"$ROOT/$source/base")
          cp "$ROOT/${source%/*}/$base/"*.c "$dir/$lab/" || return 1
        fi
        patch --quiet -p1 -d "$dir/$lab" <"$patch" || return 1
      else
        # A correct variant may rewrite one program only; hostile cases
        # (tests/hostile/) stand alone.
        [[ $source == tests/cases/* ]] && cp "$ROOT/solutions/$lab/"*.c "$dir/$lab/"
        cp "$ROOT/$source/"*.c "$dir/$lab/"
      fi
      ;;
  esac
  printf '%s' "$dir"
}

# grade_json LAB SOURCE: grade it; the Gradescope document lands in
# $BATS_TEST_TMPDIR/result.json and GRADE_STATUS holds the exit status.
grade_json() {
  local dir
  dir=$(submission_from "$1" "$2")
  GRADE_STATUS=0
  "$GRADE" --submission "$dir" --format json --jobs 32 "$1" >"$BATS_TEST_TMPDIR/result.json" || GRADE_STATUS=$?
  RESULT=$BATS_TEST_TMPDIR/result.json
  # A check the grader stopped and ran again is a grader bug that did not
  # change the verdict: shown in the test log (bats prints fd 3 at once),
  # so that a passing run still reports it.
  jq -r '.tests[]? | .name as $name | .lab as $lab | .output | split("\n")[] | select(test("grader stopped this check")) | "# \($lab): \($name): \(.)"' \
    "$RESULT" >&3 2>/dev/null || true
}

# failed_checks: the names of the checks in RESULT that were judged and
# failed, one per line.
failed_checks() {
  jq -r '.tests[] | select(.status == "failed" and (.output | startswith("not judged") | not)) | .name' "$RESULT"
}

# not_judged_checks: the names of the checks in RESULT that were not judged.
not_judged_checks() {
  jq -r '.tests[] | select(.status == "failed" and (.output | startswith("not judged"))) | .name' "$RESULT"
}

# assert_only_fails LAB CASE CHECK: the case loses CHECK's points and no other.
assert_only_fails() {
  assert_fails_also_maybe "$@"
}

# assert_fails_also_maybe LAB CASE CHECK MAYBE...: the case loses CHECK's
# points; it may also lose the MAYBE checks, and no other. For a bug that
# one check always exposes and another exposes only when the timing falls
# so (bytes dropped on EAGAIN: always behind a slow reader, sometimes in a
# fast echo too): both verdicts are right, and the test must not flake.
assert_fails_also_maybe() {
  local lab=$1 case=$2 check=$3 name
  shift 3
  grade_json "$lab" "tests/cases/$lab/$case"
  assert_equal "$GRADE_STATUS" 1
  # Checks not judged also score nothing: shown, so that a bug that hides
  # many checks' properties is seen (lab 04's byte order was one).
  while IFS= read -r name; do
    printf '# %s, %s: not judged: %s\n' "$lab" "$case" "$name" >&3
  done < <(not_judged_checks)
  run failed_checks
  assert_line "$check"
  while IFS= read -r name; do
    [[ $name == "$check" ]] && continue
    printf '%s\n' "$@" | grep -qxF -- "$name" ||
      fail "lost another check too: $name
$(jq -r --arg name "$name" '.tests[] | select(.name == $name) | .output' "$RESULT")"
  done <<<"$output"
}

# assert_full_marks LAB SOURCE: every check passes, exit status 0.
assert_full_marks() {
  grade_json "$1" "$2"
  run failed_checks
  [[ -z $output ]] || fail "lost checks:
$(jq -r '.tests[] | select(.status == "failed") | "- \(.name)\n\(.output)"' "$RESULT")"
  run not_judged_checks
  assert_output ''
  assert_equal "$(jq '.score == .max_score and .max_score > 0' "$RESULT")" true
  assert_equal "$GRADE_STATUS" 0
}
