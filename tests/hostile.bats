#!/usr/bin/env bats
# The grader survives hostile submissions (GRADER.md, "Untrusted code"): each
# case in tests/hostile/ is a lab-01 submission that attacks the grader. For
# each: the grader's exit status, its wall time within the bound README.md
# states, a complete results file with the lab's checks at 0 and a reason, no
# process left behind, and nothing changed outside the sandbox.

load test_helper

BOUND=630 # seconds: compile (30 s) + one lab's checks (600 s), README.md


# grade_hostile CASE: grade tests/hostile/CASE; sets GRADE_STATUS, ELAPSED,
# RESULT, and checks the guarantees that hold for every case.
grade_hostile() {
  local sub marker changed
  sub=$(submission_from 01-uds-echo "tests/hostile/$1")
  marker=$BATS_TEST_TMPDIR/marker
  touch "$marker"
  sleep 0.01
  # The grader's work area goes here, and every process it starts inherits
  # HOSTILE_RUN, so that this test finds what its own grading left behind.
  mkdir -p "$BATS_TEST_TMPDIR/w"
  local dir=$BATS_TEST_TMPDIR/w
  # As root, student code runs as another uid that must reach the work area.
  while [[ $(id -u) == 0 && $dir != / && $dir != /tmp ]]; do chmod o+x "$dir"; dir=$(dirname "$dir"); done
  export GRADER_TMPDIR=$BATS_TEST_TMPDIR/w HOSTILE_RUN=$BATS_TEST_TMPDIR
  RESULT=$BATS_TEST_TMPDIR/result.json
  local start=$SECONDS
  GRADE_STATUS=0
  timeout -k 5 $((BOUND + 60)) "$GRADE" --submission "$sub" --format json --output "$RESULT" 01 \
    >"$BATS_TEST_TMPDIR/stdout" 2>"$BATS_TEST_TMPDIR/stderr" || GRADE_STATUS=$?
  ELAPSED=$((SECONDS - start))

  assert_equal "$GRADE_STATUS" 1
  ((ELAPSED <= BOUND)) || fail "grading took ${ELAPSED} s, over the ${BOUND} s bound"

  # A complete, valid results file: every check listed, every failure explained.
  run jq -e --argjson n "$(grep -c '^@test ' "$ROOT/grader/checks/01-uds-echo.bats")" '
    (.tests | length == $n) and .score <= 2 and
    all(.tests[] | select(.status == "failed"); .output | length > 0)' "$RESULT"
  assert_success

  # Nothing left running that this grading started.
  sleep 0.5
  local pid leftovers=()
  for pid in /proc/[0-9]*; do
    grep -qsz "^HOSTILE_RUN=$BATS_TEST_TMPDIR\$" "$pid/environ" && leftovers+=("$(tr '\0' ' ' <"$pid/cmdline")")
  done
  assert_equal "${leftovers[*]}" ''

  # Nothing changed outside the sandbox: the submission, the repository, the
  # home directory, /tmp's grader work areas.
  changed=$({
    find "$sub" "$ROOT" -maxdepth 3 -newer "$marker" -not -path "$ROOT/build*" -not -path "$ROOT/.git*"
    find "$HOME" -maxdepth 1 -type f -newer "$marker"
  } 2>/dev/null)
  assert_equal "$changed" ''
  [[ ! -e $HOME/results.json ]] || fail "a results file was planted in $HOME"
  run ls -A "$GRADER_TMPDIR"
  assert_output ''
}

# reason_for CHECK-NUMBER: the output the student sees for that check.
reason_for() {
  jq -r --arg n "$1" '.tests[] | select(.number == $n) | .output' "$RESULT"
}

@test "a submission that does not compile scores 0 with the compiler's errors" {
  grade_hostile does-not-compile
  run reason_for 01.1
  assert_output --partial 'error:'
}

@test "a source that makes the compiler read /dev/zero is stopped" {
  grade_hostile compile-hang
  run reason_for 01.1
  assert_output --regexp 'did not (compile|finish)'
}

@test "an infinite loop that ignores signals is killed at each check's time limit" {
  grade_hostile infinite-loop
  run reason_for 01.19
  assert_output --partial 'listening'
}

@test "a server that sleeps holding its socket and ignores SIGTERM is killed" {
  grade_hostile sleeps-holding-socket
  run reason_for 01.19
  assert_output --regexp 'still running 3 s|killed \(SIGKILL\)'
}

@test "a fork bomb is contained by the process limit" {
  [[ $(id -u) == 0 ]] || skip "needs root: only a uid of its own makes RLIMIT_NPROC bind without a cgroup"
  grade_hostile fork-bomb
}

@test "a daemon that escaped its process group with setsid is killed" {
  grade_hostile daemonises
}

@test "a flood of output is cut at the file size limit" {
  grade_hostile floods-output
  run reason_for 01.8
  assert_output --partial 'SIGXFSZ'
}

@test "a file that grows without end is cut at the file size limit" {
  grade_hostile fills-disk
}

@test "fake results files planted around the sandbox change nothing" {
  [[ $(id -u) == 0 ]] || skip "needs root: as the same user, student code can write wherever the grader can"
  rm -f /tmp/workbook-planted-results.json /var/tmp/workbook-planted-results.json /dev/shm/workbook-planted-results.json
  grade_hostile fake-results
  local planted
  for planted in /tmp /var/tmp /dev/shm; do
    [[ ! -e $planted/workbook-planted-results.json ]] || fail "a file the student's code wrote in $planted is still there"
  done
}

@test "a source that is a symbolic link or a FIFO is refused, never followed or opened" {
  local sub=$BATS_TEST_TMPDIR/links
  mkdir -p "$sub/01-uds-echo"
  ln -s /etc/shadow "$sub/01-uds-echo/uds-echo-server.c"
  mkfifo "$sub/01-uds-echo/uds-echo-client.c"
  RESULT=$BATS_TEST_TMPDIR/result.json
  run timeout 300 "$GRADE" --submission "$sub" --format json --output "$RESULT" 01
  assert_equal "$status" 1
  run reason_for 01.1
  assert_output --partial 'uds-echo-server.c is a symbolic link'
  refute_output --partial 'root:'
  run jq -r '.tests[].output' "$RESULT"
  refute_output --partial 'root:'
  run jq -r .score "$RESULT"
  assert_output 0
  # A whole lab folder that is a link is refused too.
  rm -rf "$sub/01-uds-echo"
  mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
  cp "$ROOT/solutions/01-uds-echo/"*.c "$BATS_TEST_TMPDIR/elsewhere/"
  ln -s "$BATS_TEST_TMPDIR/elsewhere" "$sub/01-uds-echo"
  run timeout 300 "$GRADE" --submission "$sub" --format json --output "$RESULT" 01
  run reason_for 01.1
  assert_output --partial 'symbolic link'
}

@test "a program deleting the directories above it changes nothing outside its sandbox" {
  [[ $(id -u) == 0 ]] || skip "needs root: as the same user, student code can delete what the grader owns"
  grade_hostile deletes-parent
}

@test "a program that kills its parent does not stop the grader" {
  grade_hostile kills-parent
}

@test "kill(-1, SIGKILL) reaches only the submission's own PID namespace" {
  [[ $(id -u) == 0 ]] || unshare --user --map-current-user --pid --fork true 2>/dev/null ||
    skip "no PID namespace here: kill(-1) would reach every process of this user"
  grade_hostile kills-everyone
}

@test "a program cannot reach a listener outside its grading, even on loopback" {
  [[ $(id -u) == 0 ]] || skip "no network namespace as an ordinary user: gradings share the machine's loopback"
  # The listener: whatever reaches it is kept in $BATS_TEST_TMPDIR/outside.
  socat -u TCP-LISTEN:0,bind=127.0.0.1,fork OPEN:"$BATS_TEST_TMPDIR/outside",creat,append &
  local listener=$! port= tries=100
  until port=$(ss -Htlnp | awk -v pid="pid=$listener," 'index($0, pid) { sub(/.*:/, "", $4); print $4 }') && [[ -n $port ]] ||
    ((--tries == 0)); do sleep 0.05; done
  [[ -n $port ]]
  HOSTILE_PORT=$port grade_hostile phones-home
  kill "$listener"
  [[ ! -s $BATS_TEST_TMPDIR/outside ]] || fail "the program got out: $(cat "$BATS_TEST_TMPDIR/outside")"
}
