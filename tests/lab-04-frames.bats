#!/usr/bin/env bats
# The grader is right about lab 04: the solution gets every point, the
# skeleton only what it earns, each wrong program loses exactly the check
# meant for its bug, and programs written differently but correctly pass.

load test_helper

@test "the reference solution scores full marks" {
  assert_full_marks 04-frames solutions
}

@test "the untouched skeleton earns only the two compile checks" {
  grade_json 04-frames labs
  assert_equal "$GRADE_STATUS" 1
  run jq -r '.tests[] | select(.status == "passed") | .name' "$RESULT"
  assert_output $'compiles without errors\ncompiles without warnings'
  assert_equal "$(jq .score "$RESULT")" 2
}

@test "a forgotten ntohl/htonl loses only the byte-order check: every other check is judged in the server's own order" {
  assert_only_fails 04-frames forgot-ntohl "lengths in network byte order"
  run not_judged_checks
  assert_output ''
}

@test "a forgotten htonl alone loses only the byte-order check" {
  assert_only_fails 04-frames htonl-missing "lengths in network byte order"
  run not_judged_checks
  assert_output ''
}

@test "a forgotten ntohl alone loses only the byte-order check" {
  assert_only_fails 04-frames ntohl-missing "lengths in network byte order"
  run not_judged_checks
  assert_output ''
}

@test "a length trusted without a limit loses only the oversize check" {
  assert_only_fails 04-frames no-length-limit "closes a connection whose length is over 16 MiB, and keeps serving"
}

@test "exiting on one oversize length loses only the oversize check" {
  assert_only_fails 04-frames exits-on-oversize "closes a connection whose length is over 16 MiB, and keeps serving"
}

@test "a header read with one recv loses the split-frames check (and the cut-frame one when the cut falls in the header)" {
  assert_fails_also_maybe 04-frames header-in-one-recv "reads frames split at every byte" \
    "closes a connection cut inside a frame, and keeps serving"
}

@test "a 64 KiB limit loses only the large-frames check" {
  assert_only_fails 04-frames limit-64k "answers 1 MiB and 16 MiB frames"
}

@test "exiting on a cut connection loses only the cut-frame check" {
  assert_only_fails 04-frames exits-on-cut "closes a connection cut inside a frame, and keeps serving"
}

@test "a cut connection closed silently loses only the cut-frame check" {
  assert_only_fails 04-frames silent-on-cut "closes a connection cut inside a frame, and keeps serving"
}

@test "no reply to an empty frame loses only the empty-frame check" {
  assert_only_fails 04-frames empty-frame-ignored "answers an empty frame"
}

@test "death by SIGPIPE loses only the leaving-client check" {
  assert_only_fails 04-frames sigpipe-death "survives a client that leaves without reading"
}

@test "a descriptor leaked per connection loses only the descriptor check" {
  assert_only_fails 04-frames fd-leak-per-connection "closes each connection's descriptor"
}

@test "a buffer leaked on a cut connection loses only the valgrind memory check" {
  assert_only_fails 04-frames buffer-leak-on-cut "no memory errors or leaks under valgrind"
}

@test "a port without htons loses only the TCP check" {
  assert_only_fails 04-frames tcp-port-no-htons "serves frames over TCP"
}

@test "a port without a range check loses only the bad-arguments check" {
  assert_only_fails 04-frames port-not-checked "rejects bad arguments with exit status 2"
}

@test "a 4 KiB seqpacket buffer loses only the 64 KiB check" {
  assert_only_fails 04-frames seqpacket-small-buffer "seqpacket-server keeps messages of up to 64 KiB whole"
}

@test "a seqpacket socket file left behind loses only the cleanup check" {
  assert_only_fails 04-frames seqpacket-no-unlink "cleans up on exit: socket files removed, descriptors closed"
}

@test "a wrong exit status on signals loses only the signal check" {
  assert_only_fails 04-frames seqpacket-exit-status "exits 0 on SIGINT and on SIGTERM"
}

@test "a compiler warning loses only the warnings check" {
  assert_only_fails 04-frames compiler-warning "compiles without warnings"
}

@test "read/write with a frame buffer and a self-pipe is correct too" {
  assert_full_marks 04-frames tests/cases/04-frames/correct-buffered-selfpipe
}

@test "signalfd, accept4 and sendmsg are correct too" {
  assert_full_marks 04-frames tests/cases/04-frames/correct-signalfd-accept4
}

@test "a fork-per-client server with pselect and MSG_WAITALL is correct too" {
  assert_full_marks 04-frames tests/cases/04-frames/correct-fork-pselect
}

@test "stat instead of lstat loses only the regular-file-or-link check" {
  assert_only_fails 04-frames stat-not-lstat "leaves a regular file or a symbolic link at PATH untouched"
}

@test "answering a frame cut short loses only the cut-frame check" {
  assert_only_fails 04-frames answers-cut-frame "closes a connection cut inside a frame, and keeps serving"
}

@test "allocating before the length check loses only the oversize check" {
  assert_only_fails 04-frames alloc-before-check "closes a connection whose length is over 16 MiB, and keeps serving"
}

@test "a buffered reader that drops the bytes after each frame loses only the many-frames check" {
  assert_only_fails 04-frames leftover-bytes-dropped "answers many frames sent in one write"
}

@test "every case in the catalogue has a test here" {
  local case
  for case in "$ROOT"/tests/cases/04-frames/*/; do
    case=$(basename "$case")
    grep -q -- " $case " "$BATS_TEST_FILENAME" || grep -q -- "/$case\$" "$BATS_TEST_FILENAME" ||
      fail "tests/cases/04-frames/$case is not used by any test"
  done
}
