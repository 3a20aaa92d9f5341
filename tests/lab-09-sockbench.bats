#!/usr/bin/env bats
# The grader is right about lab 09: the solution gets every point, the
# skeleton only what it earns, each wrong program loses exactly the check
# meant for its bug, and programs written differently but correctly pass.

load test_helper

@test "the reference solution scores full marks" {
  assert_full_marks 09-sockbench solutions
}

@test "the untouched skeleton earns only the two compile checks" {
  grade_json 09-sockbench labs
  assert_equal "$GRADE_STATUS" 1
  run jq -r '.tests[] | select(.status == "passed") | .name' "$RESULT"
  assert_output $'compiles without errors\ncompiles without warnings'
  assert_equal "$(jq .score "$RESULT")" 2
}

@test "trip times never freed lose only the valgrind check" {
  assert_only_fails 09-sockbench trips-never-freed "no memory errors or descriptor leaks under valgrind"
}

@test "a compiler warning loses only the warnings check" {
  assert_only_fails 09-sockbench compiler-warning "compiles without warnings"
}

@test "exit status 1 on a usage error loses only the bad-arguments check" {
  assert_only_fails 09-sockbench usage-exit-1 "rejects bad arguments with exit status 2"
}

@test "a udp default SIZE of 65536 loses only the defaults check" {
  assert_only_fails 09-sockbench udp-default-size "uses the default SIZE and COUNT of each mode"
}

@test "TCP_NODELAY on one socket only loses only the TCP_NODELAY check" {
  assert_only_fails 09-sockbench nodelay-one-side "tcp latency: TCP_NODELAY on both connected sockets (strace)"
}

@test "no warm-up loses only the warm-up check" {
  assert_only_fails 09-sockbench no-warmup "latency: an untimed warm-up of COUNT/10 round trips, then COUNT (strace)"
}

@test "the mean reported as the median loses only the statistics check" {
  assert_only_fails 09-sockbench mean-as-median "the median and the 99th percentile are those of the sorted trip times"
}

@test "the slowest trip reported as p99 loses only the statistics check" {
  assert_only_fails 09-sockbench p99-is-max "the median and the 99th percentile are those of the sorted trip times"
}

@test "trips timed with CLOCK_REALTIME lose only the statistics check" {
  assert_only_fails 09-sockbench wrong-clock "the median and the 99th percentile are those of the sorted trip times"
}

@test "udp bytes counted as sent, not received, loses only the udp loss check" {
  assert_only_fails 09-sockbench bytes-requested "udp throughput reports lost datagrams instead of failing"
}

@test "a short read taken for a mismatch loses only the short-reads check" {
  assert_only_fails 09-sockbench short-read-mismatch "short reads on stream transports are no mismatch (1 MiB messages)"
}

@test "bytes never compared loses only the corrupted-byte check" {
  assert_only_fails 09-sockbench no-byte-check "a byte corrupted in transit: data mismatch and exit status 1"
}

@test "datagram sizes never checked loses only the short-datagram check" {
  assert_only_fails 09-sockbench dgram-size-unchecked "a datagram one byte short: data mismatch and exit status 1"
}

@test "uds-seqpacket made of SOCK_STREAM sockets loses only the transport check" {
  assert_only_fails 09-sockbench seqpacket-as-stream "the traffic goes over the transport named (strace)"
}

@test "a writer that ignores SIZE on streams loses only the write-size check" {
  assert_only_fails 09-sockbench sender-chunks "throughput: COUNT writes of SIZE bytes (strace)"
}

@test "SIGINT and SIGTERM left at their default loses only the signal check" {
  assert_only_fails 09-sockbench no-signal-handling "SIGINT and SIGTERM mid-run end the child and remove the socket files"
}

@test "socket files never removed loses only the clean-up check" {
  assert_only_fails 09-sockbench socket-file-left "leaves no socket file and no process behind"
}

@test "a child left running after the parent exits loses only the clean-up check" {
  assert_only_fails 09-sockbench child-lingers "leaves no socket file and no process behind"
}

@test "bits per second reported as bytes per second loses only the figures check" {
  assert_only_fails 09-sockbench rate-in-bits "the figures agree with the bytes moved and with the run's wall time"
}

@test "a JSON number with an exponent loses only the --json check" {
  assert_only_fails 09-sockbench json-exponent "--json prints one JSON object with exactly the pinned keys"
}

@test "a udp trip without an answer ending with status 0 loses only the udp timeout check" {
  assert_only_fails 09-sockbench udp-timeout-exit-0 "udp latency: a round trip without an answer ends with a message and exit status 1"
}

@test "a thread instead of a child process loses only the fork check" {
  assert_only_fails 09-sockbench threads-not-fork "one parent and one child from fork share the work (strace)"
}

@test "abstract addresses, poll, send and recv, and an interpolated p99 are correct too" {
  assert_full_marks 09-sockbench tests/cases/09-sockbench/correct-poll-abstract
}

@test "a child that measures, socket files kept to the end and TCP_NODELAY inherited from the listener are correct too" {
  assert_full_marks 09-sockbench tests/cases/09-sockbench/correct-child-measures
}

@test "clone without CLONE_THREAD, MSG_WAITALL, relative paths and no udp end marker are correct too" {
  assert_full_marks 09-sockbench tests/cases/09-sockbench/correct-clone-waitall
}

@test "every case in the catalogue has a test here" {
  local case
  for case in "$ROOT"/tests/cases/09-sockbench/*/; do
    case=$(basename "$case")
    grep -q -- " $case " "$BATS_TEST_FILENAME" || grep -q -- "/$case\$" "$BATS_TEST_FILENAME" ||
      fail "tests/cases/09-sockbench/$case is not used by any test"
  done
}
