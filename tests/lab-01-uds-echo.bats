#!/usr/bin/env bats
# The grader is right about lab 01: the solution gets every point, the
# skeleton only what it earns, each wrong program loses exactly the check
# meant for its bug, and programs written differently but correctly pass.

load test_helper

@test "the reference solution scores full marks" {
  assert_full_marks 01-uds-echo solutions
}

@test "the untouched skeleton earns only the two compile checks" {
  grade_json 01-uds-echo labs
  assert_equal "$GRADE_STATUS" 1
  run jq -r '.tests[] | select(.status == "passed") | .name' "$RESULT"
  assert_output $'compiles without errors\ncompiles without warnings'
  assert_equal "$(jq .score "$RESULT")" 2
}

@test "no unlink of a stale socket loses only the stale-socket check" {
  assert_only_fails 01-uds-echo no-unlink-stale "replaces a stale socket file"
}

@test "unlinking a regular file loses only the regular-file check" {
  assert_only_fails 01-uds-echo unlinks-regular-file "leaves a regular file or a symbolic link at PATH untouched"
}

@test "death by SIGPIPE loses only the vanishing-clients check" {
  assert_only_fails 01-uds-echo sigpipe-death "survives clients that vanish mid-echo"
}

@test "ignored short writes lose only the slow-reader check" {
  assert_only_fails 01-uds-echo short-writes-ignored "echoes everything to a slow reader"
}

@test "a client that deadlocks on large input loses only the 16 MiB check" {
  assert_only_fails 01-uds-echo client-deadlock "echoes 16 MiB byte for byte"
}

@test "a descriptor leaked per client loses only the descriptor check" {
  assert_only_fails 01-uds-echo fd-leak-per-client "closes each client's descriptor"
}

@test "memory leaked per client loses only the valgrind memory check" {
  assert_only_fails 01-uds-echo memory-leak-per-client "no memory errors or leaks under valgrind"
}

@test "a sun_path overflow loses only the path-length check" {
  assert_only_fails 01-uds-echo sun-path-overflow "rejects a path too long for sun_path"
}

@test "serving only one client loses only the several-clients check" {
  assert_only_fails 01-uds-echo one-client-only "serves several clients one after another"
}

@test "an echo that is not binary-safe loses only the NUL-bytes check" {
  assert_only_fails 01-uds-echo not-binary-safe "echoes binary data with NUL bytes"
}

@test "no cleanup on SIGTERM loses only the cleanup check" {
  assert_only_fails 01-uds-echo no-cleanup-on-sigterm "cleans up on exit: socket file removed, descriptors closed"
}

@test "a wrong exit status on signals loses only the signal check" {
  assert_only_fails 01-uds-echo wrong-exit-status "exits 0 on SIGINT and on SIGTERM"
}

@test "a client that fails silently loses only the missing-server check" {
  assert_only_fails 01-uds-echo client-silent-failure "client reports a missing server"
}

@test "a compiler warning loses only the warnings check" {
  assert_only_fails 01-uds-echo compiler-warning "compiles without warnings"
}

@test "read/write with a self-pipe is correct too" {
  assert_full_marks 01-uds-echo tests/cases/01-uds-echo/correct-read-write-selfpipe
}

@test "accept4 with signalfd is correct too" {
  assert_full_marks 01-uds-echo tests/cases/01-uds-echo/correct-accept4-signalfd
}

@test "a poll-driven client is correct too" {
  assert_full_marks 01-uds-echo tests/cases/01-uds-echo/correct-poll-client
}

@test "a fork-per-client server with pselect is correct too" {
  assert_full_marks 01-uds-echo tests/cases/01-uds-echo/correct-pselect-fork
}

@test "stat instead of lstat loses only the regular-file-or-link check" {
  assert_only_fails 01-uds-echo stat-not-lstat "leaves a regular file or a symbolic link at PATH untouched"
}

@test "handlers installed with signal() (SA_RESTART) lose only the signal check" {
  assert_only_fails 01-uds-echo signal-sa-restart "exits 0 on SIGINT and on SIGTERM"
  run not_judged_checks
  assert_output ''
  run jq -r '.tests[] | select(.name == "exits 0 on SIGINT and on SIGTERM") | .output' "$RESULT"
  assert_output --partial 'SA_RESTART'
}

@test "every case in the catalogue has a test here" {
  local case
  for case in "$ROOT"/tests/cases/01-uds-echo/*/; do
    case=$(basename "$case")
    grep -q -- " $case " "$BATS_TEST_FILENAME" || grep -q -- "/$case\$" "$BATS_TEST_FILENAME" ||
      fail "tests/cases/01-uds-echo/$case is not used by any test"
  done
}
