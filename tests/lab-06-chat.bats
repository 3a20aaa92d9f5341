#!/usr/bin/env bats
# The grader is right about lab 06: the solution gets every point, the
# skeleton only what it earns, each wrong program loses exactly the check
# meant for its bug, and programs written differently but correctly pass.

load test_helper

@test "the reference solution scores full marks" {
  assert_full_marks 06-chat solutions
}

@test "the untouched skeleton earns only the two compile checks" {
  grade_json 06-chat labs
  assert_equal "$GRADE_STATUS" 1
  run jq -r '.tests[] | select(.status == "passed") | .name' "$RESULT"
  assert_output $'compiles without errors\ncompiles without warnings'
  assert_equal "$(jq .score "$RESULT")" 2
}

@test "a line relayed back to its sender loses only the relay check" {
  assert_only_fails 06-chat relays-to-sender "relays each line to every other client, never back to the sender"
}

@test "a line copied only up to its first NUL (strlen-style) loses only the bytes-intact check" {
  assert_only_fails 06-chat line-copied-up-to-nul "relays empty lines, NUL and CR bytes intact"
}

@test "waiting for a client that never reads loses only the non-reader check" {
  assert_only_fails 06-chat blocking-write-to-non-reader "drops a client that never reads, without slowing the others"
}

@test "bytes dropped on EAGAIN lose only the non-reader check" {
  assert_only_fails 06-chat drops-bytes-on-eagain "drops a client that never reads, without slowing the others"
}

@test "numbers reused after a client leaves lose only the numbering check" {
  assert_only_fails 06-chat numbers-reused "numbers clients 1, 2, 3..., announces joins and leaves, never reuses a number"
}

@test "no limit on a line's length loses only the long-line check" {
  assert_only_fails 06-chat no-line-limit "relays a 4096-byte line and refuses a longer one"
}

@test "a refused client not announced as gone loses only the long-line check" {
  assert_only_fails 06-chat leave-not-announced-when-refused "relays a 4096-byte line and refuses a longer one"
}

@test "an unterminated line relayed at EOF loses only the split-lines check" {
  assert_only_fails 06-chat relays-partial-line-at-eof "reads lines split at every byte and many lines in one write"
}

@test "death by SIGPIPE loses only the vanishing-clients check" {
  assert_only_fails 06-chat no-sigpipe-handling "survives clients that vanish (SIGPIPE)"
}

@test "a descriptor leaked per client loses only the descriptor check" {
  assert_only_fails 06-chat fd-leak-per-client "closes the descriptor of every client that leaves"
}

@test "blocking client sockets (even with MSG_DONTWAIT) lose only the event-loop check" {
  assert_only_fails 06-chat blocking-client-sockets "one thread, an event loop over poll or epoll, non-blocking client sockets"
}

@test "an IPv4-only server loses only the TCP check" {
  assert_only_fails 06-chat ipv4-only "serves TCP over 127.0.0.1 and ::1"
}

@test "no SO_REUSEADDR loses only the restart check" {
  assert_only_fails 06-chat no-reuseaddr "restarts at once on the same port (SO_REUSEADDR)"
}

@test "a stale socket file not replaced loses only the stale-file check" {
  assert_only_fails 06-chat stale-not-replaced "replaces a stale socket file, refuses to remove anything else"
}

@test "a port without a range check loses only the bad-arguments check" {
  assert_only_fails 06-chat port-not-checked "rejects bad arguments with exit status 2"
}

@test "a wrong exit status on signals loses only the signal check" {
  assert_only_fails 06-chat exit-status-on-signal "exits 0 on SIGINT and on SIGTERM"
}

@test "a socket file left behind loses only the cleanup check" {
  assert_only_fails 06-chat no-unlink-on-exit "cleans up on exit: socket file removed, descriptors closed"
}

@test "a client's memory never freed loses only the valgrind check" {
  assert_only_fails 06-chat client-struct-leak "no memory errors or leaks under valgrind"
}

@test "a compiler warning loses only the warnings check" {
  assert_only_fails 06-chat compiler-warning "compiles without warnings"
}

@test "epoll level-triggered, signalfd, accept4 and write() are correct too" {
  assert_full_marks 06-chat tests/cases/06-chat/correct-epoll-signalfd-accept4-write
}

@test "epoll edge-triggered, a self-pipe and ioctl FIONBIO are correct too" {
  assert_full_marks 06-chat tests/cases/06-chat/correct-epoll-edge-selfpipe-fionbio
}

@test "two listening sockets, sendmsg and accept4 are correct too" {
  assert_full_marks 06-chat tests/cases/06-chat/correct-two-sockets-sendmsg-accept4
}

@test "every case in the catalogue has a test here" {
  local case
  for case in "$ROOT"/tests/cases/06-chat/*/; do
    case=$(basename "$case")
    grep -q -- " $case " "$BATS_TEST_FILENAME" || grep -q -- "/$case\$" "$BATS_TEST_FILENAME" ||
      fail "tests/cases/06-chat/$case is not used by any test"
  done
}
