#!/usr/bin/env bats
# The grader is right about lab 05: the solution gets every point, the
# skeleton only what it earns, each wrong program loses exactly the check
# meant for its bug, and programs written differently but correctly pass.

load test_helper

@test "the reference solution scores full marks" {
  assert_full_marks 05-fdpass solutions
}

@test "the untouched skeleton earns only the two compile checks" {
  grade_json 05-fdpass labs
  assert_equal "$GRADE_STATUS" 1
  run jq -r '.tests[] | select(.status == "passed") | .name' "$RESULT"
  assert_output $'compiles without errors\ncompiles without warnings'
  assert_equal "$(jq .score "$RESULT")" 2
}

@test "the character '0' as status loses only the descriptor check" {
  assert_only_fails 05-fdpass status-character-zero "passes a read-only descriptor for the requested file"
}

@test "a client that opens the file by name loses only the client check" {
  assert_only_fails 05-fdpass client-opens-by-name "client prints the file through the passed descriptor"
}

@test "logging the server's own ids loses only the credentials check" {
  assert_only_fails 05-fdpass logs-own-ids "logs the client's pid, uid and gid"
}

@test "names with '/' accepted lose only the refusal check" {
  assert_only_fails 05-fdpass slash-allowed "refuses names with /, . or .., empty and over-long names"
}

@test "'.' and '..' accepted lose only the refusal check" {
  assert_only_fails 05-fdpass dot-dot-allowed "refuses names with /, . or .., empty and over-long names"
}

@test "no error text for a missing file loses only the missing-file check" {
  assert_only_fails 05-fdpass no-error-text "reports a missing file with status 1 and its error"
}

@test "a client that exits 0 on a refusal loses only the missing-file check" {
  assert_only_fails 05-fdpass client-exit-0-on-refusal "reports a missing file with status 1 and its error"
}

@test "passed descriptors left open lose only the descriptor-growth check" {
  assert_only_fails 05-fdpass passed-fd-not-closed "closes its copy of every passed descriptor"
}

@test "a client that truncates a long path loses only the bad-arguments check" {
  assert_only_fails 05-fdpass client-sun-path-overflow "rejects bad arguments with exit status 2"
}

@test "a client that fails silently loses only the missing-server check" {
  assert_only_fails 05-fdpass client-silent-connect "client reports a missing server"
}

@test "a wrong exit status on signals loses only the signal check" {
  assert_only_fails 05-fdpass wrong-exit-status "exits 0 on SIGINT and on SIGTERM"
}

@test "a socket file left behind loses only the cleanup check" {
  assert_only_fails 05-fdpass no-unlink "cleans up on exit: socket file removed, descriptors closed"
}

@test "memory leaked per request loses only the valgrind memory check" {
  assert_only_fails 05-fdpass log-copy-leaked "no memory errors or leaks under valgrind"
}

@test "a compiler warning loses only the warnings check" {
  assert_only_fails 05-fdpass compiler-warning "compiles without warnings"
}

@test "SCM_CREDENTIALS, a self-pipe and sendfile are correct too" {
  assert_full_marks 05-fdpass tests/cases/05-fdpass/correct-passcred-sendfile
}

@test "signalfd, openat with O_NOFOLLOW and read/write are correct too" {
  assert_full_marks 05-fdpass tests/cases/05-fdpass/correct-signalfd-readwrite
}

@test "a fork-per-client server with pselect and a pread client are correct too" {
  assert_full_marks 05-fdpass tests/cases/05-fdpass/correct-fork-pselect
}

@test "stat instead of lstat loses only the regular-file-or-link check" {
  assert_only_fails 05-fdpass stat-not-lstat "leaves a regular file or a symbolic link at PATH untouched"
}

@test "a receive buffer smaller than recvmsg is told loses the names check, and valgrind may see it too" {
  # valgrind sees it when the 4096 bytes recvmsg is given run past the top
  # of the stack (the environment and the arguments sit there): so with the
  # grader's small, fixed environment, and not with a large one. Both
  # verdicts are right: the program does hand recvmsg memory it does not own.
  assert_fails_also_maybe 05-fdpass recv-buffer-overflow "refuses names with /, . or .., empty and over-long names" \
    "no memory errors or leaks under valgrind"
}

@test "exiting when a client left before its answer loses only the leaving-client check" {
  assert_only_fails 05-fdpass exits-on-vanished-client "survives a client that leaves before its answer"
}

@test "a client that keeps the received descriptor loses only the client-descriptor check" {
  assert_only_fails 05-fdpass client-keeps-descriptor "client closes the descriptor it received"
}

@test "every case in the catalogue has a test here" {
  local case
  for case in "$ROOT"/tests/cases/05-fdpass/*/; do
    case=$(basename "$case")
    grep -q -- " $case " "$BATS_TEST_FILENAME" || grep -q -- "/$case\$" "$BATS_TEST_FILENAME" ||
      fail "tests/cases/05-fdpass/$case is not used by any test"
  done
}
