#!/usr/bin/env bats
# The grader's readers, on sample inputs (tests/fixtures/): the strace and
# valgrind parsers of grader/checks/test_helper.bash and lib/results.jq. They
# run in milliseconds, so a change to a parser is tested before any grading.

load test_helper

FIXTURES=$ROOT/tests/fixtures

setup() {
  # The parsers alone, without the rest of the check helper (which expects
  # to run inside a grading).
  local name
  for name in accepted_not_closed valgrind_memory_problems valgrind_open_fds signal_state exited_within nudge; do
    source <(sed -n "/^$name() {/,/^}/p" "$ROOT/grader/checks/test_helper.bash")
  done
}

@test "accepted_not_closed counts a descriptor left open before the next accept, resumed calls included" {
  run accepted_not_closed "$FIXTURES/strace-leak.txt"
  assert_output '1 of 3 accepted descriptors were never closed'
}

@test "accepted_not_closed accepts close split by strace -f and close_range" {
  run accepted_not_closed "$FIXTURES/strace-clean.txt"
  assert_output ''
}

@test "valgrind_open_fds lists what the program opened and ignores inherited descriptors" {
  run valgrind_open_fds "$FIXTURES/valgrind-fds.txt"
  assert_failure
  assert_output $'Open AF_UNIX socket 4: /tmp/x.sock <-> unbound\nOpen pipe descriptor 7:'
  run valgrind_open_fds "$FIXTURES/valgrind-clean.txt"
  assert_success
  assert_output ''
}

@test "valgrind_memory_problems reports invalid accesses and lost blocks, and a missing summary" {
  run valgrind_memory_problems "$FIXTURES/valgrind-errors.txt"
  assert_failure
  assert_output --partial 'Invalid write of size 1'
  assert_output --partial 'definitely lost in'
  run valgrind_memory_problems "$FIXTURES/valgrind-clean.txt"
  assert_success
  run valgrind_memory_problems /dev/null
  assert_failure
  assert_output --partial 'no summary'
}

@test "valgrind_memory_problems names a syscall given unaddressable memory, and counts a kind it does not know" {
  run valgrind_memory_problems "$FIXTURES/valgrind-syscall.txt"
  assert_failure
  assert_output --regexp '^ +1 Syscall param recvmsg\(msg.msg_iov\[0\]\) points to unaddressable byte\(s\)$'
  # Errors counted but none of a kind it knows: still not an empty "seen".
  grep -v 'Syscall param' "$FIXTURES/valgrind-syscall.txt" >"$BATS_TEST_TMPDIR/unknown.txt"
  run valgrind_memory_problems "$BATS_TEST_TMPDIR/unknown.txt"
  assert_failure
  assert_output "2 errors in valgrind's report"
}

# results FILE: lib/results.jq over the sample stream and check table.
results() {
  jq -n -R --rawfile stream "$FIXTURES/stream.txt" --rawfile checks "$FIXTURES/checks.tsv" \
    --argjson not_run '{"01-uds-echo": "not run: out of time"}' --arg sandbox 'sandbox' \
    --argjson time 1.5 -f "$ROOT/grader/lib/results.jq"
}

@test "signal_state tells a caught signal from an ignored one, and skips a program that has ended" {
  # signal_state reads /proc for the pids program_pids gives.
  program_pids() { printf '%s\n' "$SHELL_PID" 99999999; }
  bash -c 'trap "" INT; trap : TERM; while :; do sleep 1; done' 3>&- &
  SHELL_PID=$!
  sleep 0.2
  run signal_state INT 0
  assert_output --regexp '^bash: state S \(sleeping\).*; SIGINT is ignored \(SIG_IGN\)$'
  run signal_state TERM 0
  assert_output --regexp '^bash: state S \(sleeping\).*; a handler catches SIGTERM$'
  run signal_state USR1 0
  assert_output --regexp '; SIGUSR1 has its default action$'
  kill -KILL "$SHELL_PID"
  wait "$SHELL_PID" 2>/dev/null || true
}

@test "exited_within counts a leader that has exited but is not reaped yet as exited" {
  # A zombie: python's child, which python never waits for.
  python3 -c 'import os, sys, time
pid = os.fork()
if pid == 0: os._exit(0)
print(pid, flush=True); time.sleep(30)' >"$BATS_TEST_TMPDIR/zombie" 3>&- &
  local parent=$! zombie=
  until [[ -s $BATS_TEST_TMPDIR/zombie ]]; do sleep 0.05; done
  zombie=$(<"$BATS_TEST_TMPDIR/zombie")
  run exited_within "$zombie" 1
  assert_success
  # A process still running is not, and the wait is wall-clock seconds.
  local start=$SECONDS
  run exited_within "$parent" 1
  assert_failure
  ((SECONDS - start <= 3))
  kill -KILL "$parent"
  wait "$parent" 2>/dev/null || true
}

@test "nudge never fails, so that a check under errexit goes on to its verdict when nothing listens" {
  # The check's shell runs with errexit, as bats runs a check.
  run bash -ec "$(declare -f nudge); nudge '$BATS_TEST_TMPDIR/nobody.sock'; nudge 1; echo went on"
  assert_success
  assert_output 'went on'
}

@test "results.jq matches results to checks by lab and name, not by position" {
  run bash -c "$(declare -f results); FIXTURES=$FIXTURES ROOT=$ROOT results | jq -c '[.tests[] | [.number, .score, .status]]'"
  assert_output '[["01.1",1,"passed"],["01.2",0,"failed"],["01.3",0,"failed"],["02.1",1,"passed"],["02.2",0,"failed"]]'
}

@test "results.jq: a check that never ran says why, a skipped one is not judged, bats internals are dropped" {
  local doc
  doc=$(results)
  run jq -r '.tests[2].output' <<<"$doc"
  assert_output 'not run: out of time'
  run jq -r '.tests[4].output' <<<"$doc"
  assert_output 'not judged: no shim here'
  run jq -r '.tests[1].output' <<<"$doc"
  assert_output $'seen: nothing listening\nhint: follow the lifecycle'
  run jq -r '"\(.score)/\(.max_score)"' <<<"$doc"
  assert_output '2/8'
  run jq -r '.output' <<<"$doc"
  assert_output --partial '1 check(s) not judged'
  run jq -c '.unknown' <<<"$doc"
  assert_output '[]'
}

@test "results.jq lists a reported check that is not in the table as unknown" {
  local doc
  doc=$(jq -n -R --rawfile stream "$FIXTURES/stream.txt" --rawfile checks <(head -n 1 "$FIXTURES/checks.tsv") \
    --argjson not_run '{}' --arg sandbox s --argjson time 1 -f "$ROOT/grader/lib/results.jq")
  run jq -r '.unknown | length' <<<"$doc"
  assert_output 3
}

@test "merge-groups.awk puts the groups' streams back in file order, numbered from 1, one plan and one suite line" {
  local dir=$BATS_TEST_TMPDIR
  printf '%s\n' 'first [1 pt]' 'second [2 pts]' 'third (x) [1 pt]' 'never ran [1 pt]' >"$dir/order"
  printf '%s\n' '1..2' 'suite /c/01-lab.bats' 'begin 1 first [1 pt]' 'ok 1 first [1 pt] # in 5 ms' \
    'begin 2 third (x) [1 pt]' '# note: seen' 'not ok 2 third (x) [1 pt]' '# reason: no' >"$dir/0.stream"
  printf '%s\n' '1..1' 'suite /c/01-lab.bats' 'begin 1 second [2 pts]' 'ok 1 second [2 pts] # skip not judged: why' >"$dir/1.stream"
  run awk -f "$ROOT/grader/lib/merge-groups.awk" "$dir/order" "$dir/0.stream" "$dir/1.stream"
  assert_output "$(printf '%s\n' '1..3' 'suite /c/01-lab.bats' 'begin 1 first [1 pt]' 'ok 1 first [1 pt] # in 5 ms' \
    'begin 2 second [2 pts]' 'ok 2 second [2 pts] # skip not judged: why' \
    'begin 3 third (x) [1 pt]' '# note: seen' 'not ok 3 third (x) [1 pt]' '# reason: no')"
}
