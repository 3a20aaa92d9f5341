#!/usr/bin/env bats
# grader/grade's command line and output formats, as ../shared/GRADER.md (the
# design) and grader/README.md specify.

load test_helper

setup_file() {
  # One graded skeleton (fast: its programs exit at once), in every format.
  export SKELETON_OUT=$BATS_FILE_TMPDIR
  local format
  for format in json junit tap human; do
    "$ROOT/grader/grade" --submission "$ROOT/labs" --format "$format" --jobs 32 01 \
      >"$SKELETON_OUT/skeleton.$format" 2>"$SKELETON_OUT/skeleton.$format.err" || true
  done
}

@test "the JSON output has every field Gradescope reads, and no others" {
  run jq -e '
    (keys == ["execution_time", "max_score", "output", "score", "tests"]) and
    (.score | type == "number") and (.max_score | type == "number") and
    (.execution_time | type == "number") and (.output | type == "string") and
    (.tests | length > 0) and
    all(.tests[];
      (keys == ["max_score", "name", "number", "output", "score", "status", "tags", "visibility"]) and
      (.name | type == "string") and (.number | test("^[0-9]{2}\\.[0-9]+$")) and
      (.score | type == "number") and (.max_score | type == "number") and
      (.score <= .max_score) and (.status == "passed" or .status == "failed") and
      (.output | type == "string") and (.tags | type == "array" and all(type == "string")) and
      (.visibility | IN("visible", "hidden", "after_due_date", "after_published")))
  ' "$SKELETON_OUT/skeleton.json"
  assert_success
}

@test "the score is the sum of the checks' scores" {
  run jq -e '.score == ([.tests[].score] | add) and .max_score == ([.tests[].max_score] | add)' \
    "$SKELETON_OUT/skeleton.json"
  assert_success
}

@test "the gradescope format is the same document as json" {
  "$GRADE" --submission "$ROOT/labs" --format gradescope --jobs 32 01 >"$BATS_TEST_TMPDIR/gs.json" || true
  assert_equal "$(jq -c '.tests | map([.number, .status])' "$BATS_TEST_TMPDIR/gs.json")" \
    "$(jq -c '.tests | map([.number, .status])' "$SKELETON_OUT/skeleton.json")"
}

@test "the JUnit output is well-formed XML with one suite per lab" {
  run xmllint --noout "$SKELETON_OUT/skeleton.junit"
  assert_success
  run xmllint --xpath 'count(//testsuite)' "$SKELETON_OUT/skeleton.junit"
  assert_output 1
  run xmllint --xpath 'count(//testcase)' "$SKELETON_OUT/skeleton.junit"
  assert_output "$(jq '.tests | length' "$SKELETON_OUT/skeleton.json")"
  run xmllint --xpath 'count(//testcase/failure)' "$SKELETON_OUT/skeleton.junit"
  assert_output "$(jq '[.tests[] | select(.status == "failed")] | length' "$SKELETON_OUT/skeleton.json")"
}

@test "the TAP output has a plan and one line per check" {
  run head -n 1 "$SKELETON_OUT/skeleton.tap"
  assert_output "1..$(jq '.tests | length' "$SKELETON_OUT/skeleton.json")"
  run grep -cE '^(not )?ok [0-9]+ ' "$SKELETON_OUT/skeleton.tap"
  assert_output "$(jq '.tests | length' "$SKELETON_OUT/skeleton.json")"
}

@test "the human report shows each failure's evidence, hint and book section" {
  run cat "$SKELETON_OUT/skeleton.human"
  assert_output --partial 'FAIL 01.3'
  assert_output --partial 'seen: '
  assert_output --partial 'hint: '
  assert_output --partial 'read: Chapter 5, "Server lifecycle": chapters/05-lifecycle.md#server-lifecycle'
  assert_output --partial 'score: 2/'
  refute_output --partial 'in test file'
}

@test "a failed check's output keeps no bats internals" {
  run jq -r '.tests[].output' "$SKELETON_OUT/skeleton.json"
  refute_output --partial 'in test file'
  refute_output --partial 'from function'
}

@test "exit status 1 when a check fails, 0 when all pass" {
  run "$GRADE" --submission "$ROOT/labs" --format json --jobs 32 01
  assert_equal "$status" 1
}

@test "a missing lab folder is graded, scores 0 and says which file is missing" {
  mkdir -p "$BATS_TEST_TMPDIR/empty"
  run "$GRADE" --submission "$BATS_TEST_TMPDIR/empty" --format json --jobs 32 01
  assert_equal "$status" 1
  assert_equal "$(jq .score <<<"$output")" 0
  assert_equal "$(jq -r '.tests[0].output' <<<"$output" | grep -c 'uds-echo-server.c is missing')" 1
}

@test "a program that does not compile scores 0 and its compiler errors are shown" {
  mkdir -p "$BATS_TEST_TMPDIR/sub/01-uds-echo"
  cp "$ROOT/solutions/01-uds-echo/"*.c "$BATS_TEST_TMPDIR/sub/01-uds-echo/"
  printf 'this is not C;\n' >>"$BATS_TEST_TMPDIR/sub/01-uds-echo/uds-echo-server.c"
  run "$GRADE" --submission "$BATS_TEST_TMPDIR/sub" --format json --jobs 32 01
  assert_equal "$status" 1
  run jq -r '.tests[0].output' <<<"$output"
  assert_output --partial 'error:'
  assert_output --partial 'did not compile'
}

@test "--output writes the document to a file and a summary to stdout" {
  run "$GRADE" --submission "$ROOT/labs" --format json --output "$BATS_TEST_TMPDIR/out.json" --jobs 32 01
  assert_equal "$status" 1
  assert_output --partial '01-uds-echo'
  run jq -e '.tests | length > 0' "$BATS_TEST_TMPDIR/out.json"
  assert_success
}

@test "a lab can be named by number or by folder name" {
  run "$GRADE" --submission "$ROOT/labs" --format json --jobs 32 01-uds-echo
  assert_equal "$(jq -r '.tests[0].tags[0]' <<<"$output")" 01-uds-echo
}

@test "an unknown lab is a usage error (exit 2)" {
  run "$GRADE" --format json 99
  assert_equal "$status" 2
  assert_output --partial "no lab '99'"
}

@test "an unknown format or option is a usage error (exit 2)" {
  run "$GRADE" --format yaml 01
  assert_equal "$status" 2
  run "$GRADE" --frobnicate 01
  assert_equal "$status" 2
  run "$GRADE" --split 0 01
  assert_equal "$status" 2
  assert_output --partial '--split takes a positive number'
}

@test "a missing submission folder is an error of use (exit 2)" {
  run "$GRADE" --submission "$BATS_TEST_TMPDIR/nowhere" 01
  assert_equal "$status" 2
  assert_output --partial 'no submission folder'
}

@test "a missing tool is named with its Debian package (exit 2)" {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  local tool
  for tool in bash cc jq timeout setsid pgrep parallel bats mktemp dirname nproc cat date; do
    ln -s "$(command -v "$tool")" "$BATS_TEST_TMPDIR/bin/$tool"
  done
  PATH=$BATS_TEST_TMPDIR/bin run "$GRADE" 01
  assert_equal "$status" 2
  assert_output --partial 'strace is not installed (Debian package: strace)'
}

@test "the grader leaves no temporary files behind" {
  mkdir -p "$BATS_TEST_TMPDIR/w"
  chmod 755 "$BATS_TEST_TMPDIR/w" "$BATS_TEST_TMPDIR" "$(dirname "$BATS_TEST_TMPDIR")" \
    "$(dirname "$(dirname "$BATS_TEST_TMPDIR")")"
  GRADER_TMPDIR=$BATS_TEST_TMPDIR/w "$GRADE" --submission "$ROOT/labs" --format json 01 >/dev/null || true
  run ls -A "$BATS_TEST_TMPDIR/w"
  assert_output ''
}

@test "every section a hint points to exists in the book's chapters" {
  local ref chapter anchor ids
  for ref in $(grep -ho '[0-9a-z][0-9a-z]*-[a-z0-9-]*#[a-z0-9_-]*' "$ROOT"/grader/checks/*.bats | sort -u); do
    chapter=${ref%%#*} anchor=${ref#*#}
    [[ -f $ROOT/chapters/$chapter.md ]] || fail "hint points to chapters/$chapter.md, which does not exist"
    ids=$(awk '/^```/ { f = !f } !f && /^#+ / { t = $0; sub(/^#+ +/, "", t); t = tolower(t); gsub(/[^a-z0-9 _-]/, "", t); gsub(/ /, "-", t); print t }' \
      "$ROOT/chapters/$chapter.md")
    grep -qx -- "$anchor" <<<"$ids" || fail "hint points to $ref: no such heading"
  done
}

@test "the lab README's table of checks matches the grader's points" {
  local lab table from_grader
  for lab in "$ROOT"/grader/checks/[0-9][0-9]-*.bats; do
    lab=$(basename "$lab" .bats)
    table=$(sed -n 's/^| \([0-9][0-9]\.[0-9]*\) | \(.*\) | *\([0-9]*\) |$/\1 \2 \3/p' "$ROOT/labs/$lab/README.md")
    from_grader=$(sed -n 's/^@test "\(.*\) \[\([0-9]*\) pts\{0,1\}\]" {.*$/\1 \2/p' "$ROOT/grader/checks/$lab.bats" |
      awk -v n="${lab%%-*}" '{ print n "." NR " " $0 }')
    assert_equal "$table" "$from_grader"
  done
}

# leftovers_of DIR: the command lines of processes of a grading whose work
# area was under DIR.
leftovers_of() {
  local pid
  for pid in /proc/[0-9]*; do
    grep -qsz "^GRADER_WORK=$1/" "$pid/environ" && tr '\0' ' ' <"$pid/cmdline" && echo
  done
  return 0
}

# interrupt_grading TIMES: grade lab 01's solution in a work area under
# BATS_TEST_TMPDIR/w, send it TERM TIMES times 10 ms apart once its checks
# run, then assert that none of its processes and none of its files are left.
interrupt_grading() {
  mkdir -p "$BATS_TEST_TMPDIR/w"
  chmod 755 "$BATS_TEST_TMPDIR/w" "$BATS_TEST_TMPDIR" "$(dirname "$BATS_TEST_TMPDIR")" \
    "$(dirname "$(dirname "$BATS_TEST_TMPDIR")")"
  GRADER_TMPDIR=$BATS_TEST_TMPDIR/w "$GRADE" --submission "$ROOT/solutions" --format json 01 >/dev/null 2>&1 3>&- &
  local grade=$! tries=100 i
  until compgen -G "$BATS_TEST_TMPDIR/w/g.*/*.stream" >/dev/null || ((tries-- == 0)); do sleep 0.1; done
  sleep 0.5
  for ((i = 0; i < $1; i++)); do kill -TERM "$grade" 2>/dev/null || true; sleep 0.01; done
  wait "$grade" || true
  sleep 1
  run leftovers_of "$BATS_TEST_TMPDIR/w"
  assert_output ''
  run ls -A "$BATS_TEST_TMPDIR/w"
  assert_output ''
}

@test "an interrupted grading leaves no process and no files behind" {
  interrupt_grading 1
}

@test "a grading signalled again while it cleans up still leaves no process and no files behind" {
  # timeout(1) signals its child and then the child's whole process group: a
  # second TERM that arrives while the first one's clean-up runs.
  interrupt_grading 10
}

# checks_dir CHECK...: a folder of check files holding lab 01's test_helper
# and a lab "01-uds-echo" made of the given @test lines. Prints its path.
checks_dir() {
  local dir=$BATS_TEST_TMPDIR/checks
  mkdir -p "$dir"
  cp "$ROOT/grader/checks/test_helper.bash" "$dir/"
  { printf '# programs: uds-echo-server uds-echo-client\nload test_helper\n'; printf '%s\n' "$@"; } >"$dir/01-uds-echo.bats"
  printf '%s' "$dir"
}

@test "a check without a name and points is an error of the grader (exit 2)" {
  GRADER_CHECKS_DIR=$(checks_dir '@test "named [1 pt]" { true; }' '@test "no points" { true; }') \
    run "$GRADE" --submission "$ROOT/labs" --format json 01
  assert_equal "$status" 2
  assert_output --partial 'a check without a name and points'
}

@test "two checks with one name are an error of the grader (exit 2)" {
  GRADER_CHECKS_DIR=$(checks_dir '@test "twice [1 pt]" { true; }' '@test "twice [1 pt]" { false; }') \
    run "$GRADE" --submission "$ROOT/labs" --format json 01
  assert_equal "$status" 2
  assert_output --partial 'two checks named'
}

@test "a check that does not end with a line '}' is an error of the grader (exit 2)" {
  # Each group of checks runs a copy of the file without the others'
  # checks: where a check ends must be plain.
  GRADER_CHECKS_DIR=$(checks_dir '@test "open [1 pt]" {' '  true' '  }' '@test "next [1 pt]" { true; }') \
    run "$GRADE" --submission "$ROOT/labs" --format json 01
  assert_equal "$status" 2
  assert_output --partial 'a check starts before the one above ends'
}

@test "the compiler and the checks see one environment: of the user's variables only GRADER_* pass" {
  # One machine's variables must not move a verdict: valgrind obeys
  # VALGRIND_OPTS, glibc MALLOC_PERTURB_, the compiler CPATH.
  local seen=$BATS_TEST_TMPDIR/env poisoned=$BATS_TEST_TMPDIR/include
  mkdir -p "$poisoned"
  echo '#error a header from the user CPATH' >"$poisoned/stdio.h"
  GRADER_CHECKS_DIR=$(checks_dir "@test \"sees [1 pt]\" { env >'$seen'; [[ -x \$GRADER_BIN/uds-echo-server ]]; }") \
    VALGRIND_OPTS=--no-such-option MALLOC_PERTURB_=7 CPATH=$poisoned LANG=C.UTF-8 HOME=/root GRADER_TIME_SCALE=3 \
    run "$GRADE" --submission "$ROOT/solutions" --format json 01
  assert_success
  run grep -cE '^(VALGRIND_OPTS|MALLOC_PERTURB_|CPATH|LANG)=' "$seen"
  assert_output 0
  run grep -cFx -e HOME=/nonexistent -e LC_ALL=C -e GRADER_TIME_SCALE=3 "$seen"
  assert_output 3
  # bats puts its own folder first.
  run grep -cxE 'PATH=([^:]*bats[^:]*:)?/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "$seen"
  assert_output 1
}

@test "--prepare builds every peer into the cache: a grading then finds all it needs there" {
  local cache=$BATS_TEST_TMPDIR/cache
  GRADER_CACHE=$cache run "$GRADE" --prepare
  assert_success
  # Every peer/*.c and the launcher, each once.
  run ls "$cache/peers"
  assert_equal "${#lines[@]}" $(($(ls "$ROOT"/grader/peer/*.c | wc -l) + 1))
  local before=$output
  GRADER_CACHE=$cache run "$GRADE" --submission "$ROOT/labs" --format json --output /dev/null 01
  run ls "$cache/peers"
  assert_output "$before"
  # Nowhere to put them is an error, not a silent no-op.
  GRADER_CACHE=/proc/no-such-cache run "$GRADE" --prepare
  assert_failure 2
  assert_output --partial "cannot be written"
}

@test "--list names every check with its points, compiles and runs nothing, and exits 0" {
  local ran=$BATS_TEST_TMPDIR/ran
  GRADER_CHECKS_DIR=$(checks_dir "@test \"first [1 pt]\" { touch '$ran'; }" \
    "@test \"second [2 pts]\" { touch '$ran'; }") \
    run "$GRADE" --submission "$BATS_TEST_TMPDIR/nowhere" --list --format json 01
  assert_success
  run jq -c '[.score, .max_score, [.tests[] | [.name, .max_score, .status, .output]]]' <<<"$output"
  assert_output '[0,3,[["first",1,"failed","not run: grade --list compiles and runs nothing"],["second",2,"failed","not run: grade --list compiles and runs nothing"]]]'
  assert [ ! -e "$ran" ]
  # A student reads a list, not a failed grading.
  GRADER_CHECKS_DIR=$(checks_dir '@test "first [1 pt]" { true; }' '@test "second [2 pts]" { true; }') \
    run "$GRADE" --list --format human 01
  assert_success
  assert_line --regexp '^  01\.1 +first +1 pt$'
  assert_line --regexp '^  01\.2 +second +2 pts$'
  assert_line --partial 'nothing was compiled or run'
  refute_output --regexp 'FAIL|PASS|0/3'
  # Every format lists them: TAP has the plan and a line per check.
  run "$GRADE" --list --format tap 01
  assert_success
  assert_line --index 0 "1..$(grep -c '^@test ' "$ROOT/grader/checks/01-uds-echo.bats")"
}

@test "results are matched to checks by name: a check bats never ran is not run, the others keep their points" {
  GRADER_CHECKS_DIR=$(checks_dir '@test "first [1 pt]" { true; }' '@test "second [2 pts]" { skip_me; }' \
    '@test "third [4 pts]" { true; }' 'skip_me() { exit 1; }') \
    run "$GRADE" --submission "$ROOT/labs" --format json 01
  assert_equal "$status" 1
  run jq -c '[.tests[] | [.name, .score, .status]]' <<<"$output"
  assert_output '[["first",1,"passed"],["second",0,"failed"],["third",4,"passed"]]'
}

@test "a helper that stops a check before it said what it saw is named, and the check runs again; a check's own verdict is not" {
  GRADER_CHECKS_DIR=$(checks_dir '@test "stopped [1 pt]" { stops_early; }' \
    '@test "judged [2 pts]" { fail_check "what it saw" "what it wanted"; }' \
    '@test "stopped once [4 pts]" { stops_once; }' \
    'stops_early() {' '  false' '  fail_check "never said" "never said"' '}' \
    'stops_once() {' '  mkdir "$GRADER_WORK/tried" 2>/dev/null && false' '  true' '}') \
    run "$GRADE" --submission "$ROOT/labs" --format json 01
  assert_equal "$status" 1
  local doc=$output stopped="01-uds-echo.bats line 7, in stops_early: \`false' returned 1"
  # Stopped on both runs: the grader's error, and no points.
  run jq -r '.tests[0] | "\(.score)\n\(.output)"' <<<"$doc"
  assert_output "0
note: the grader stopped this check before its verdict and ran it again (its error, not yours: $stopped)
grader error: the check stopped before its verdict: $stopped"
  run jq -r '.tests[1].output' <<<"$doc"
  assert_output $'expected: what it wanted\nseen: what it saw'
  # Stopped on the first run only: the second run's verdict, with the note.
  run jq -r '.tests[2] | "\(.score) \(.status)\n\(.output)"' <<<"$doc"
  assert_output "4 passed
note: the grader stopped this check before its verdict and ran it again (its error, not yours: 01-uds-echo.bats line 11, in stops_once: \`false' returned 1)"
}

@test "a run shared by checks is made afresh when the check that claimed it stops before finishing it" {
  # Whichever check claims the run first stops once, before finishing it.
  GRADER_CHECKS_DIR=$(checks_dir '@test "first [1 pt]" { shared_run; }' '@test "second [2 pts]" { shared_run; }' \
    'shared_run() {' '  local claim=$GRADER_TMP/shared' \
    '  if mkdir "$claim" 2>/dev/null; then' \
    '    held_claim "$claim" "$claim.done"' \
    '    mkdir "$GRADER_WORK/stopped-once" 2>/dev/null && false' \
    '    echo made >"$claim.done"' \
    '  else' \
    '    wait_made "$claim.done" "the shared run" "$claim" || return 1' \
    '  fi' '}')
  local split
  for split in 1 2; do
    GRADER_CHECKS_DIR=$GRADER_CHECKS_DIR run "$GRADE" --submission "$ROOT/labs" --format json --split "$split" 01
    assert_success
    run jq -r '[.tests[] | "\(.name) \(.score)"] | join(", ")' <<<"$output"
    assert_output 'first 1, second 2'
  done
}

@test "a check not judged scores nothing and says why" {
  GRADER_CHECKS_DIR=$(checks_dir '@test "judged [1 pt]" { true; }' \
    '@test "unobservable [2 pts]" { not_judged "no namespaces here; run as root to judge it"; }') \
    run "$GRADE" --submission "$ROOT/labs" --format json 01
  assert_equal "$status" 1
  local doc=$output
  run jq -r '.tests[1] | "\(.score) \(.status) \(.output)"' <<<"$doc"
  assert_output '0 failed not judged: no namespaces here; run as root to judge it'
  run jq -r .output <<<"$doc"
  assert_output --partial '1 check(s) not judged'
  GRADER_CHECKS_DIR=$BATS_TEST_TMPDIR/checks run "$GRADE" --submission "$ROOT/labs" --format human --output /dev/null 01
  assert_output --partial 'not judged'
}

@test "the README's progress table lists every lab with its checks and points" {
  local lab n points table
  table=$(sed -n '/^lab  *checks  *points$/,/^total/p' "$ROOT/README.md")
  for lab in "$ROOT"/grader/checks/[0-9][0-9]-*.bats; do
    n=$(grep -c '^@test ' "$lab")
    points=$(sed -n 's/^@test ".* \[\([0-9]*\) pts\{0,1\}\]" {.*$/\1/p' "$lab" | awk '{ s += $1 } END { print s }')
    grep -qE "^$(basename "$lab" .bats) +2/$n +2/$points\$" <<<"$table" ||
      fail "README.md's table has no row '$(basename "$lab" .bats) 2/$n 2/$points'"
  done
}

@test "make progress grades a lab again only when its files or the grader changed" {
  local copy=$BATS_TEST_TMPDIR/repo
  mkdir -p "$copy/labs" "$copy/book" "$copy/docker"
  cp "$ROOT/Makefile" "$copy/"
  cp "$ROOT/book/book.mk" "$copy/book/"
  cp "$ROOT/docker/docker.mk" "$copy/docker/"
  cp -r "$ROOT/grader" "$copy/"
  cp -r "$ROOT/labs/01-uds-echo" "$copy/labs/"
  rm "$copy"/grader/checks/[0-9][0-9]-*.bats
  local checks=$copy/grader/checks/01-uds-echo.bats
  printf '%s\n' '# programs: uds-echo-server uds-echo-client' 'load test_helper' \
    '@test "passes [1 pt]" { true; }' '@test "fails [2 pts]" { false; }' >"$checks"

  run make -C "$copy" --no-print-directory progress
  assert_success
  assert_line --partial 'GRADE   01-uds-echo'
  assert_line --regexp '^01-uds-echo +1/2 +1/3$'
  run make -C "$copy" --no-print-directory progress
  assert_success
  refute_line --partial 'GRADE'
  assert_line --regexp '^01-uds-echo +1/2 +1/3$'

  # The grader changed: the table shows the new verdict.
  sed -i 's/{ false; }/{ true; }/' "$checks"
  run make -C "$copy" --no-print-directory progress
  assert_line --partial 'GRADE   01-uds-echo'
  assert_line --regexp '^01-uds-echo +2/2 +3/3$'
  # A student's file changed, or a new file appeared in the lab's folder.
  touch "$copy/labs/01-uds-echo/uds-echo-server.c"
  run make -C "$copy" --no-print-directory progress
  assert_line --partial 'GRADE   01-uds-echo'
  : >"$copy/labs/01-uds-echo/notes.txt"
  run make -C "$copy" --no-print-directory progress
  assert_line --partial 'GRADE   01-uds-echo'
  run make -C "$copy" --no-print-directory progress
  refute_line --partial 'GRADE'
}

@test "the checks that wait longest are dealt first, each to the group expected to finish first" {
  # GRADER_*: the one kind of variable the checks see from outside.
  export GRADER_MARKS=$BATS_TEST_TMPDIR/marks
  mkdir -p "$GRADER_MARKS"
  local mark='{ echo "$GRADER_GROUP of $GRADER_GROUPS" >"$GRADER_MARKS/${BATS_TEST_DESCRIPTION%% *}"; }'
  GRADER_CHECKS_DIR=$(checks_dir '# waits about 3 s: a test' "@test \"first, long [1 pt]\" $mark" \
    "@test \"second, short [1 pt]\" $mark" '# waits about 3 s: a test' "@test \"third, long [1 pt]\" $mark" \
    '# waits about 2 s: a test' "@test \"fourth, middle [1 pt]\" $mark")
  export GRADER_CHECKS_DIR
  # Two groups: 3 s to each, then 2 s to the first (a tie goes to the lower
  # group), then 0.1 s to the second. Dealt in turn, both 3 s would share one.
  run "$GRADE" --submission "$ROOT/labs" --format json --split 2 01
  assert_success
  run cat "$GRADER_MARKS/first," "$GRADER_MARKS/second," "$GRADER_MARKS/third," "$GRADER_MARKS/fourth,"
  assert_output "$(printf '0 of 2\n1 of 2\n1 of 2\n0 of 2')"
  # By default, a group per 2.5 s expected (8.1 s here), at most 4.
  rm -f "$GRADER_MARKS"/*
  run "$GRADE" --submission "$ROOT/labs" --format json 01
  assert_success
  run cat "$GRADER_MARKS/first," "$GRADER_MARKS/second," "$GRADER_MARKS/third," "$GRADER_MARKS/fourth,"
  assert_output "$(printf '%s of 4\n' 0 3 1 2)"
}

@test "the checks that share a run are dealt to one group" {
  # grader/grade's own functions, on the labs' check files.
  source <(sed -n '/^check_table() {/,/^}/p;/^deal() {/,/^}/p' "$ROOT/grader/grade")
  local CHECKS=$ROOT/grader/checks USUAL_MS=100 GROUP_MS=2500 MAX_GROUPS=4 split=
  local work=$BATS_TEST_TMPDIR labs=(01-uds-echo 04-frames 09-sockbench) lab
  check_table >"$work/checks.tsv"
  for lab in "${labs[@]}"; do deal "$lab"; done
  # LAB RUN GROUPS: the groups the checks of each shared run were dealt to.
  run awk -F'\t' '
    FILENAME ~ /checks.tsv$/ { if ($8 != "") run[$1 "\t" $3] = $8; next }
    { lab = FILENAME; sub(/.*\//, "", lab); sub(/\.deal$/, "", lab)
      key = lab "\t" $2
      if (key in run) { k = lab " " run[key]; if (index(groups[k], " " $1 " ") == 0) groups[k] = groups[k] " " $1 " "; n[k]++ } }
    END { for (k in groups) print k, n[k], "checks, groups:" groups[k] }' "$work/checks.tsv" "$work"/*.deal
  assert_success
  assert_line --regexp '^01-uds-echo exit 2 checks, groups: [0-3] $'
  assert_line --regexp '^04-frames exit 1 checks, groups: [0-3] $'
  assert_line --regexp '^04-frames exit-plain 1 checks, groups: [0-3] $'
  assert_line --regexp '^09-sockbench traced 6 checks, groups: [0-3] $'
}

@test "checks dealt to groups (--split) are reported in file order, whatever characters their names hold" {
  GRADER_CHECKS_DIR=$(checks_dir '@test "a (first) one. [1 pt]" { true; }' '@test "b * + ? | {2} [2 pts]" { false; }' \
    "@test \"c ^ it's [x] [3 pts]\" { true; }" '@test "d /e/ -f- [4 pts]" { not_judged "for a reason"; }' \
    '@test "e last [5 pts]" { true; }') \
    run "$GRADE" --submission "$ROOT/labs" --format json --split 3 01
  assert_equal "$status" 1
  run jq -c '[.tests[] | [.number, .score, .status]]' <<<"$output"
  assert_output '[["01.1",1,"passed"],["01.2",0,"failed"],["01.3",3,"passed"],["01.4",0,"failed"],["01.5",5,"passed"]]'
  GRADER_CHECKS_DIR=$BATS_TEST_TMPDIR/checks run "$GRADE" --submission "$ROOT/labs" --format tap --split 3 01
  run grep -E '^(not )?ok ' <<<"$output"
  assert_line --index 0 --regexp '^ok 1 a \(first\) one\. '
  assert_line --index 1 --regexp '^not ok 2 b '
  assert_line --index 2 --regexp "^ok 3 c \\^ it's "
  assert_line --index 3 --regexp '^ok 4 d .* # skip not judged: for a reason$'
  assert_line --index 4 --regexp '^ok 5 e last '
}

@test "a lab's verdicts do not depend on how many groups its checks are dealt to" {
  # A case that loses the clean-up check, which shares its run with the
  # valgrind check (dealt together: in one group either way).
  local dir split
  dir=$(submission_from 01-uds-echo tests/cases/01-uds-echo/no-cleanup-on-sigterm)
  for split in 1 3; do
    "$GRADE" --submission "$dir" --format json --split "$split" 01 >"$BATS_TEST_TMPDIR/split$split.json" || true
  done
  run jq -c '[.tests[] | [.name, .status]]' "$BATS_TEST_TMPDIR/split3.json"
  assert_output "$(jq -c '[.tests[] | [.name, .status]]' "$BATS_TEST_TMPDIR/split1.json")"
  assert_output --partial '"failed"'
}
