#!/usr/bin/env bats
# The grader is right about lab 07: the solution gets every point, the
# skeleton only what it earns, each wrong program loses exactly the check
# meant for its bug, and programs written differently but correctly pass.

load test_helper

@test "the reference solution scores full marks" {
  assert_full_marks 07-mini-dockerd solutions
}

@test "the untouched skeleton earns only the two compile checks" {
  grade_json 07-mini-dockerd labs
  assert_equal "$GRADE_STATUS" 1
  run jq -r '.tests[] | select(.status == "passed") | .name' "$RESULT"
  assert_output $'compiles without errors\ncompiles without warnings'
  assert_equal "$(jq .score "$RESULT")" 2
}

@test "every case in the catalogue has a test here" {
  local case
  for case in "$ROOT"/tests/cases/07-mini-dockerd/*/; do
    [[ -d $case ]] || continue
    case=$(basename "$case")
    grep -q -- " $case " "$BATS_TEST_FILENAME" || grep -q -- "/$case\$" "$BATS_TEST_FILENAME" ||
      fail "tests/cases/07-mini-dockerd/$case is not used by any test"
  done
}
