#!/usr/bin/env bats
# The grader is right about lab 03: the solution gets every point, the
# skeleton only what it earns, each wrong program loses exactly the check
# meant for its bug, and programs written differently but correctly pass.

load test_helper

@test "the reference solution scores full marks" {
  assert_full_marks 03-dgram-upper solutions
}

@test "the untouched skeleton earns only the two compile checks" {
  grade_json 03-dgram-upper labs
  assert_equal "$GRADE_STATUS" 1
  run jq -r '.tests[] | select(.status == "passed") | .name' "$RESULT"
  assert_output $'compiles without errors\ncompiles without warnings'
  assert_equal "$(jq .score "$RESULT")" 2
}

@test "a compiler warning loses only the warnings check" {
  assert_only_fails 03-dgram-upper compiler-warning "compiles without warnings"
}

@test "an IPv4-only server loses only the IPv6 check" {
  assert_only_fails 03-dgram-upper server-ipv4-only "works over IPv6 ([::1])"
}

@test "a Unix client that does not bind loses only the Unix check" {
  assert_only_fails 03-dgram-upper client-no-bind "works over a Unix datagram socket"
}

@test "ignoring empty datagrams loses only the empty-datagram check" {
  assert_only_fails 03-dgram-upper empty-datagram-ignored "answers an empty datagram with an empty one"
}

@test "an 8 KiB buffer loses only the sizes check" {
  assert_only_fails 03-dgram-upper small-buffer "keeps datagrams of 1, 1472 and 65507 bytes whole"
}

@test "toupper under the user's locale loses only the ASCII check" {
  assert_only_fails 03-dgram-upper locale-toupper "changes only ASCII letters, whatever the locale"
}

@test "where no 8-bit locale can be made, toupper under the user's locale is not judged, never passed" {
  [[ $(id -u) == 0 ]] && command -v unshare >/dev/null || skip "needs root and unshare, to hide the locales' sources"
  local dir empty=$BATS_TEST_TMPDIR/empty
  mkdir -p "$empty"
  dir=$(submission_from 03-dgram-upper tests/cases/03-dgram-upper/locale-toupper)
  # A mount namespace of its own, where localedef finds no locale source.
  unshare -m bash -c 'mount --bind "$1" /usr/share/i18n/locales && exec "$2" --submission "$3" --format json --jobs 32 03' \
    _ "$empty" "$GRADE" "$dir" >"$BATS_TEST_TMPDIR/result.json" || true
  RESULT=$BATS_TEST_TMPDIR/result.json
  run failed_checks
  assert_output ''
  run not_judged_checks
  assert_output 'changes only ASCII letters, whatever the locale'
}

@test "upper-casing every byte from 'a' up loses only the ASCII check" {
  assert_only_fails 03-dgram-upper not-ascii-only "changes only ASCII letters, whatever the locale"
}

@test "answering a batch to one address loses only the several-senders check" {
  assert_only_fails 03-dgram-upper batch-one-address "replies to each of several senders"
}

@test "a client that never sends again loses only the retry check" {
  assert_only_fails 03-dgram-upper client-no-retry "client retries when a datagram is lost"
}

@test "a client that retries forever loses only the give-up check" {
  assert_only_fails 03-dgram-upper client-retries-forever "client gives up after 3 tries of about 1 s, exit 1"
}

@test "a client that exits 0 after silence loses only the give-up check" {
  assert_only_fails 03-dgram-upper client-exit-0-on-silence "client gives up after 3 tries of about 1 s, exit 1"
}

@test "a client that leaves its socket file loses only the no-file check" {
  assert_only_fails 03-dgram-upper client-leaves-file "Unix client leaves no socket file behind"
}

@test "a blocking sendto loses only the never-reading-client check" {
  assert_only_fails 03-dgram-upper blocking-reply "keeps serving when a Unix client never reads its replies"
}

@test "trusting recv's MSG_TRUNC length loses only the oversized-datagram check" {
  assert_only_fails 03-dgram-upper msg-trunc-overrun "survives a datagram over 65507 bytes"
}

@test "a port read with atoi loses only the bad-endpoints check" {
  assert_only_fails 03-dgram-upper atoi-port "rejects bad endpoints with exit status 2"
}

@test "a client silent about an unknown host loses only the unknown-host check" {
  assert_only_fails 03-dgram-upper client-silent-unknown-host "client reports an unknown host"
}

@test "a silent bind failure loses only the port-in-use check" {
  assert_only_fails 03-dgram-upper silent-bind-failure "server reports a port already in use"
}

@test "SOCK_RAW in the Unix domain loses only the SOCK_DGRAM check" {
  assert_only_fails 03-dgram-upper unix-sock-raw "uses SOCK_DGRAM sockets"
}

@test "a wrong exit status on signals loses only the signal check" {
  assert_only_fails 03-dgram-upper wrong-exit-status "exits 0 on SIGINT and on SIGTERM"
}

@test "a socket file left behind loses only the unlink check" {
  assert_only_fails 03-dgram-upper server-no-unlink "removes its socket file at exit"
}

@test "a socket left open loses only the descriptors-at-exit check" {
  assert_only_fails 03-dgram-upper socket-left-open "closes every descriptor at exit"
}

@test "a client that never frees its line loses only the valgrind memory check" {
  assert_only_fails 03-dgram-upper client-line-leak "no memory errors or leaks under valgrind"
}

@test "every case in the catalogue has a test here" {
  local case
  for case in "$ROOT"/tests/cases/03-dgram-upper/*/; do
    case=$(basename "$case")
    grep -q -- " $case " "$BATS_TEST_FILENAME" || grep -q -- "/$case\$" "$BATS_TEST_FILENAME" ||
      fail "tests/cases/03-dgram-upper/$case is not used by any test"
  done
}

@test "recvmsg, signalfd and an unconnected client are correct too" {
  assert_full_marks 03-dgram-upper tests/cases/03-dgram-upper/correct-msg-signalfd
}

@test "epoll with a self-pipe and a client bound to a path are correct too" {
  assert_full_marks 03-dgram-upper tests/cases/03-dgram-upper/correct-epoll-selfpipe
}

@test "cleanup in the signal handler and a pselect client are correct too" {
  assert_full_marks 03-dgram-upper tests/cases/03-dgram-upper/correct-handler-cleanup
}
