#!/usr/bin/env bats
# grader/grade-all: a class of 9 submissions graded in one batch — copies
# of the solutions, untouched skeletons, and broken ones (a classic bug from
# tests/cases/, code that does not compile, an empty folder, programs that
# hang) — gives a correct gradebook and one results file per student.

load test_helper

# labs: the labs graded here (the columns of the gradebook): the grader's
# first two, so that the batch stays a few minutes long however many labs
# the course grows to, and still has more than one column when it can.
labs() {
  local file
  for file in "$ROOT"/grader/checks/[0-9][0-9]-*.bats; do basename "$file" .bats; done | head -n 2
}

# cell STUDENT COLUMN: the gradebook's value. The student's name is the only
# field that may hold commas or quotes (then it is quoted, quotes doubled).
cell() {
  local quoted="\"${1//\"/\"\"}\"," line rest i
  local -a names values
  IFS=, read -r -a names <"$OUT/grades.csv"
  while IFS= read -r line; do
    [[ $line == "$quoted"* ]] || continue
    rest=${line#"$quoted"}
    IFS=, read -r -a values <<<"$rest,"
    for i in "${!names[@]}"; do
      [[ ${names[$i]} == "\"$2\"" ]] && { printf '%s' "${values[$((i - 1))]}"; return; }
    done
  done <"$OUT/grades.csv"
}

# students: the students' names, one per line.
students() {
  find "$CLASS" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%f\n'
}

# lab_score JSON LAB [max]: a lab's score (or max) in a results document
# (empty when the document has no such lab).
lab_score() {
  jq -r --arg lab "$2" --arg field "${3:-score}" \
    '[.tests[] | select(.tags[0] == $lab) | .[if $field == "max" then "max_score" else "score" end]] | add // ""' "$1"
}

setup_file() {
  export CLASS=$BATS_FILE_TMPDIR/class OUT=$BATS_FILE_TMPDIR/out
  mkdir -p "$CLASS"
  local i lab patch
  cp -r "$ROOT/solutions" "$CLASS/solution"
  cp -r "$ROOT/solutions" "$CLASS/o'brien, pat" # a name that needs CSV quoting
  mkdir -p "$CLASS/repo-layout" && cp -r "$ROOT/solutions" "$CLASS/repo-layout/labs" # a clone of a student's repository
  cp -r "$ROOT/labs" "$CLASS/skeleton"
  # A classic bug from each lab's catalogue, each in a copy of the solutions.
  i=0
  for lab in $(labs); do
    # (Not a bug of a correct variant: its patch needs the variant, 'base'.)
    patch=$(for p in "$ROOT"/tests/cases/"$lab"/*/bug.patch; do [[ -e ${p%/*}/base ]] || echo "$p"; done | head -n 1)
    [[ -n $patch ]] || continue
    i=$((i + 1))
    cp -r "$ROOT/solutions" "$CLASS/bug-$i"
    patch --quiet -p1 -d "$CLASS/bug-$i/$lab" <"$patch"
    echo "$lab" >"$BATS_FILE_TMPDIR/bug-$i.lab"
  done
  echo "$i" >"$BATS_FILE_TMPDIR/bugs"
  # Does not compile; nothing handed in; programs that hang forever.
  cp -r "$ROOT/labs" "$CLASS/no-compile"
  for file in "$CLASS"/no-compile/*/*.c; do echo 'this is not C' >"$file"; done
  mkdir "$CLASS/empty"
  cp -r "$ROOT/labs" "$CLASS/hangs"
  for file in "$CLASS"/hangs/*/*.c; do
    printf '#include <unistd.h>\nint main(void) { for (;;) pause(); }\n' >"$file"
  done
  mkdir "$CLASS/.git" # not a student
  echo "not a student either" >"$CLASS/README.txt"

  # The reference: the skeletons graded on their own.
  "$GRADE" --submission "$ROOT/labs" --format json --jobs 16 $(labs) >"$BATS_FILE_TMPDIR/skeleton.json" || true

  GRADE_ALL_STATUS=0
  "$ROOT/grader/grade-all" "$CLASS" --output "$OUT" --jobs 2 $(labs) \
    >"$BATS_FILE_TMPDIR/stdout" 2>"$BATS_FILE_TMPDIR/stderr" || GRADE_ALL_STATUS=$?
  export GRADE_ALL_STATUS
}

@test "grade-all grades all 9 students and exits 0" {
  assert_equal "$GRADE_ALL_STATUS" 0
  run cat "$BATS_FILE_TMPDIR/stderr"
  local n
  n=$(students | wc -l)
  assert_output --partial "[$n/$n]"
  assert_output --partial "Graded $n of $n students"
}

@test "the gradebook has a header and one row per student, one column per lab plus total" {
  run head -n 1 "$OUT/grades.csv"
  assert_output "$(labs | jq -R . | jq -s -r '["student"] + . + ["total"] | @csv')"
  run awk 'END { print NR }' "$OUT/grades.csv"
  assert_output "$(($(students | wc -l) + 1))"
  # Hidden folders and plain files are not students.
  run grep -c -e '^"\.git"' -e README "$OUT/grades.csv"
  assert_output 0
}

@test "names that need quoting stay one CSV field" {
  run grep -F "\"o'brien, pat\"," "$OUT/grades.csv"
  assert_success
  assert_equal "$(cell "o'brien, pat" total)" "$(jq .max_score "$OUT/o'brien, pat.json")"
}

@test "solutions score full marks in every lab, in either layout" {
  local student lab
  for student in solution "o'brien, pat" repo-layout; do
    for lab in $(labs); do
      assert_equal "$(cell "$student" "$lab")" "$(lab_score "$OUT/$student.json" "$lab" max)"
    done
    assert_equal "$(cell "$student" total)" "$(jq .max_score "$OUT/$student.json")"
  done
}

@test "skeletons score what the skeleton scores on its own" {
  local student lab
  for student in skeleton; do
    for lab in $(labs); do
      assert_equal "$(cell "$student" "$lab")" "$(lab_score "$BATS_FILE_TMPDIR/skeleton.json" "$lab")"
    done
  done
}

@test "a classic bug loses points in its own lab only" {
  local i lab other max
  for ((i = 1; i <= $(<"$BATS_FILE_TMPDIR/bugs"); i++)); do
    lab=$(cat "$BATS_FILE_TMPDIR/bug-$i.lab")
    max=$(lab_score "$OUT/bug-$i.json" "$lab" max)
    (($(cell "bug-$i" "$lab") < max)) || fail "bug-$i scored $(cell "bug-$i" "$lab")/$max in $lab"
    (($(cell "bug-$i" "$lab") > 0)) || fail "bug-$i scored 0 in $lab"
    for other in $(labs); do
      [[ $other == "$lab" ]] && continue
      assert_equal "$(cell "bug-$i" "$other")" "$(lab_score "$OUT/bug-$i.json" "$other" max)"
    done
  done
}

@test "code that does not compile, an empty folder and hanging programs score 0 or near it, and do not stop the batch" {
  assert_equal "$(cell no-compile total)" 0
  assert_equal "$(cell empty total)" 0
  # A program that hangs may earn the compile points, nothing more.
  assert_equal "$(cell hangs total)" "$(jq '[.tests[] | select(.name | test("^compiles")) | .score] | add // 0' "$OUT/hangs.json")"
}

@test "the total is the sum of the labs, and each row matches the student's results file" {
  local student lab sum
  assert_equal "$(students | wc -l)" 9
  while IFS= read -r student; do
    sum=0
    for lab in $(labs); do
      assert_equal "$(cell "$student" "$lab")" "$(lab_score "$OUT/$student.json" "$lab")"
      sum=$((sum + $(cell "$student" "$lab")))  # every lab graded: no empty cell
    done
    assert_equal "$(cell "$student" total)" "$sum"
    assert_equal "$(jq .score "$OUT/$student.json")" "$sum"
  done < <(students)
}

@test "every student gets a valid Gradescope results file" {
  local count
  count=$(ls "$OUT"/*.json | wc -l)
  assert_equal "$count" 9
  run jq -e -s 'all(.[]; (.score | type == "number") and (.max_score > 0) and (.tests | length > 0)
    and all(.tests[]; has("name") and has("score") and has("max_score") and has("status")))' "$OUT"/*.json
  assert_success
}

@test "a student who cannot be graded in time gets a results file saying why, empty cells, exit 1" {
  local class=$BATS_TEST_TMPDIR/class out=$BATS_TEST_TMPDIR/out
  mkdir -p "$class"
  cp -r "$ROOT/labs" "$class/slow"
  for file in "$class"/slow/*/*.c; do
    printf '#include <unistd.h>\nint main(void) { for (;;) pause(); }\n' >"$file"
  done
  run "$ROOT/grader/grade-all" "$class" --output "$out" --timeout 2 $(labs)
  assert_failure 1
  assert_output --partial "could not be graded"
  # Shown only if an assertion below fails.
  echo "--- slow.log:"; cat "$out/slow.log"; echo "--- grades.csv:"; cat "$out/grades.csv"
  echo "--- slow.json: $(wc -c <"$out/slow.json") bytes"
  run grep '^"slow"' "$out/grades.csv"
  assert_output "\"slow\"$(labs | sed 's/.*/,/' | tr -d '\n'),"
  run jq -r '.output' "$out/slow.json"
  assert_output --partial "Not graded: grading took longer than 2 s"
  # Every check of the labs is listed, failed, with its points (grade --list).
  local lab checks=0
  for lab in $(labs); do checks=$((checks + $(grep -c '^@test ' "$ROOT/grader/checks/$lab.bats"))); done
  run jq -e --argjson n "$checks" '.score == 0 and (.tests | length == $n) and all(.tests[]; .status == "failed")
    and .max_score == ([.tests[].max_score] | add) and .max_score > 0' "$out/slow.json"
  assert_success
  # Nothing of it is left running.
  run pgrep -f -- "--submission $class/slow"
  assert_failure
}

@test "on a terminal it draws a progress bar" {
  local class=$BATS_TEST_TMPDIR/class
  mkdir -p "$class/a"
  run script -qec "'$ROOT/grader/grade-all' '$class' --output '$BATS_TEST_TMPDIR/out'" /dev/null
  assert_success
  assert_output --partial "] 1/1 students"
  assert_output --partial "#"
}

@test "used wrongly it exits 2 and says how to use it" {
  run "$ROOT/grader/grade-all"
  assert_failure 2
  assert_output --partial usage
  run "$ROOT/grader/grade-all" "$BATS_TEST_TMPDIR/none" --output "$BATS_TEST_TMPDIR/out"
  assert_failure 2
  assert_output --partial "no submissions folder"
  mkdir -p "$BATS_TEST_TMPDIR/class"
  run "$ROOT/grader/grade-all" "$BATS_TEST_TMPDIR/class"
  assert_failure 2
  assert_output --partial "--output"
  run "$ROOT/grader/grade-all" "$BATS_TEST_TMPDIR/class" --output "$BATS_TEST_TMPDIR/class/out"
  assert_failure 2
  assert_output --partial "must not be inside"
}
