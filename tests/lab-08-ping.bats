#!/usr/bin/env bats
# The grader is right about lab 08: the solution gets every point, the
# skeleton only what it earns, each wrong program loses exactly the check
# meant for its bug, and programs written differently but correctly pass.
# Needs what the checks need to judge anything: root, and network namespaces.

load test_helper

@test "the reference solution scores full marks" {
  assert_full_marks 08-ping solutions
}

@test "the untouched skeleton earns only the two compile checks" {
  grade_json 08-ping labs
  assert_equal "$GRADE_STATUS" 1
  run jq -r '.tests[] | select(.status == "passed") | .name' "$RESULT"
  assert_output $'compiles without errors\ncompiles without warnings'
  assert_equal "$(jq .score "$RESULT")" 2
}

@test "-c 0 accepted loses only the bad-arguments check" {
  assert_only_fails 08-ping count-zero-accepted "rejects bad arguments with exit status 2"
}

@test "exit status 1 for an unknown host loses only the unknown-host check" {
  assert_only_fails 08-ping unknown-host-exit-1 "an unknown host: a message and exit status 2"
}

@test "icmp_seq from 0 loses only the icmp_seq check" {
  assert_only_fails 08-ping seq-from-zero "icmp_seq counts 1, 2, 3... in the requests and in the output"
}

@test "no IP_RECVTTL loses only the TTL check" {
  assert_only_fails 08-ping no-recvttl "prints the TTL and the hop limit of each reply (64 on loopback)"
}

@test "a raw socket's IP header left in place loses only the raw IPv4 check" {
  assert_only_fails 08-ping ip-header-kept "falls back to a raw socket over 127.0.0.1 when ping sockets are refused"
}

@test "a checksum in host byte order loses only the raw IPv4 check" {
  assert_only_fails 08-ping checksum-host-order "falls back to a raw socket over 127.0.0.1 when ping sockets are refused"
}

@test "exit status 1 when no socket is allowed loses only that check" {
  assert_only_fails 08-ping neither-exit-1 "neither socket allowed: a message and exit status 2"
}

@test "exit status 0 without replies loses only the no-replies check" {
  assert_only_fails 08-ping no-reply-exit-0 "no replies: 100% packet loss and exit status 1, within its time bound"
}

@test "an inverted loss figure loses only the no-replies check" {
  assert_only_fails 08-ping loss-inverted "no replies: 100% packet loss and exit status 1, within its time bound"
}

@test "own requests taken for replies loses only the own-requests check" {
  assert_only_fails 08-ping own-requests-counted "a raw socket does not take its own requests for replies"
}

@test "no identifier check loses only the other-pinger check" {
  assert_only_fails 08-ping no-ident-check "a raw socket ignores another pinger's replies (iputils ping beside it)"
}

@test "duplicates counted as replies loses only the duplicate check" {
  assert_only_fails 08-ping duplicates-counted "a duplicated reply is not counted twice"
}

@test "mdev dividing by n - 1 loses only the statistics check" {
  assert_only_fails 08-ping mdev-sample "the summary's min/avg/max/mdev agree with the reply times"
}

@test "mdev without the square root loses only the statistics check" {
  assert_only_fails 08-ping mdev-variance "the summary's min/avg/max/mdev agree with the reply times"
}

@test "min starting at 0 loses only the statistics check" {
  assert_only_fails 08-ping min-from-zero "the summary's min/avg/max/mdev agree with the reply times"
}

@test "waiting for each reply before the next request loses only the schedule check" {
  assert_only_fails 08-ping waits-for-each-reply "sends every SECONDS without waiting for replies, then waits for late ones"
}

@test "a fixed 1 s wait after the last request loses only the schedule check" {
  assert_only_fails 08-ping fixed-linger "sends every SECONDS without waiting for replies, then waits for late ones"
}

@test "waiting 10 s when no reply came loses only the no-reply check" {
  assert_only_fails 08-ping no-reply-waits-10s "no replies: 100% packet loss and exit status 1, within its time bound"
}

@test "-i ignored loses only the schedule check" {
  assert_only_fails 08-ping interval-ignored "sends every SECONDS without waiting for replies, then waits for late ones"
}

@test "SIGINT left at its default loses only the SIGINT check" {
  assert_only_fails 08-ping no-sigint-handler "SIGINT prints the summary and exits 0"
}

@test "getaddrinfo's list never freed loses only the valgrind check" {
  assert_only_fails 08-ping no-freeaddrinfo "no memory errors or leaks under valgrind"
}

@test "a compiler warning loses only the warnings check" {
  assert_only_fails 08-ping compiler-warning "compiles without warnings"
}

@test "a timerfd schedule with signalfd and poll is correct too" {
  assert_full_marks 08-ping tests/cases/08-ping/correct-timerfd-signalfd
}

@test "pselect, Welford's running variance and the TTL from the IP header are correct too" {
  assert_full_marks 08-ping tests/cases/08-ping/correct-pselect-welford
}

@test "a self-pipe, a connected socket and the send time in the payload are correct too" {
  assert_full_marks 08-ping tests/cases/08-ping/correct-selfpipe-connect
}

@test "a raw ICMPv6 socket read as if it gave an IPv6 header loses only the raw ICMPv6 check; the two checks that rest on it are not judged" {
  assert_only_fails 08-ping raw-ipv6-header-skipped "falls back to a raw ICMPv6 socket over ::1"
  run not_judged_checks
  assert_line "a raw socket ignores another pinger's replies (iputils ping beside it)"
  assert_line "a duplicated reply is not counted twice"
}

@test "every case in the catalogue has a test here" {
  local case
  for case in "$ROOT"/tests/cases/08-ping/*/; do
    case=$(basename "$case")
    grep -q -- " $case " "$BATS_TEST_FILENAME" || grep -q -- "/$case\$" "$BATS_TEST_FILENAME" ||
      fail "tests/cases/08-ping/$case is not used by any test"
  done
}
