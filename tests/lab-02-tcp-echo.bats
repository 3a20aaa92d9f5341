#!/usr/bin/env bats
# The grader is right about lab 02: the solution gets every point, the
# skeleton only what it earns, each wrong program loses exactly the check
# meant for its bug, and programs written differently but correctly pass.

load test_helper

@test "the reference solution scores full marks" {
  assert_full_marks 02-tcp-echo solutions
}

@test "the untouched skeleton earns only the two compile checks" {
  grade_json 02-tcp-echo labs
  assert_equal "$GRADE_STATUS" 1
  run jq -r '.tests[] | select(.status == "passed") | .name' "$RESULT"
  assert_output $'compiles without errors\ncompiles without warnings'
  assert_equal "$(jq .score "$RESULT")" 2
}

@test "a compiler warning loses only the warnings check" {
  assert_only_fails 02-tcp-echo compiler-warning "compiles without warnings"
}

@test "an IPv4-only server loses only the IPv6 check" {
  assert_only_fails 02-tcp-echo ipv4-only-server "server answers over IPv6 (::1) too"
}

@test "an echo that is not binary-safe loses only the NUL-bytes check" {
  assert_only_fails 02-tcp-echo not-binary-safe "echoes binary data with NUL bytes"
}

@test "a lock-step client in small chunks loses only the small-pieces check" {
  assert_only_fails 02-tcp-echo client-lockstep-small-chunks "client finishes 16 MiB against a server that echoes in small pieces"
}

@test "a client that tries only the first address loses only the getaddrinfo check" {
  assert_only_fails 02-tcp-echo client-first-address-only "client tries every address getaddrinfo gives"
}

@test "ignoring BIND_ADDR loses only the BIND_ADDR check" {
  assert_only_fails 02-tcp-echo ignores-bind-addr "listens only on BIND_ADDR when given"
}

@test "no SO_REUSEADDR loses only the restart check" {
  assert_only_fails 02-tcp-echo no-reuseaddr "restarts at once after serving clients (SO_REUSEADDR)"
}

@test "a silent bind failure loses only the port-in-use check" {
  assert_only_fails 02-tcp-echo silent-bind-failure "reports a port already in use"
}

@test "a port read with atoi loses only the bad-ports check" {
  assert_only_fails 02-tcp-echo atoi-port "rejects bad ports (0, 70000, abc)"
}

@test "a logged port without ntohs loses only the log check" {
  assert_only_fails 02-tcp-echo log-port-not-ntohs "logs accepted ADDR PORT with the client's real address"
}

@test "death by SIGPIPE loses only the vanishing-clients check" {
  assert_only_fails 02-tcp-echo sigpipe-death "survives clients that vanish mid-echo"
}

@test "a client that fails silently loses only the error-report check" {
  assert_only_fails 02-tcp-echo client-silent-failure "client reports an unknown host and a refused connection"
}

@test "trusting the default IPV6_V6ONLY loses only the V6ONLY check" {
  assert_only_fails 02-tcp-echo default-v6only "sets IPV6_V6ONLY explicitly on a dual-stack socket"
}

@test "a descriptor leaked per client loses only the descriptor check" {
  assert_only_fails 02-tcp-echo fd-leak-per-client "closes each client's descriptor"
}

@test "a client that never frees the getaddrinfo list loses only the valgrind memory check" {
  assert_only_fails 02-tcp-echo client-no-freeaddrinfo "no memory errors or leaks under valgrind"
}

@test "a listening socket left open loses only the descriptors-at-exit check" {
  assert_only_fails 02-tcp-echo listen-fd-left-open "closes every descriptor at exit"
}

@test "a wrong exit status on signals loses only the signal check" {
  assert_only_fails 02-tcp-echo wrong-exit-status "exits 0 on SIGINT and on SIGTERM"
}

@test "serving only one client loses only the several-clients check" {
  assert_only_fails 02-tcp-echo one-client-only "serves several clients one after another"
}

@test "dropping bytes on EAGAIN loses the slow-reader check (and the 16 MiB one when the timing exposes it there too)" {
  assert_fails_also_maybe 02-tcp-echo drops-bytes-on-eagain "echoes everything to a slow reader" \
    "echoes 16 MiB byte for byte"
}

@test "every case in the catalogue has a test here" {
  local case
  for case in "$ROOT"/tests/cases/02-tcp-echo/*/; do
    case=$(basename "$case")
    grep -q -- " $case " "$BATS_TEST_FILENAME" || grep -q -- "/$case\$" "$BATS_TEST_FILENAME" ||
      fail "tests/cases/02-tcp-echo/$case is not used by any test"
  done
}

@test "two listening sockets with a self-pipe are correct too" {
  assert_full_marks 02-tcp-echo tests/cases/02-tcp-echo/correct-two-sockets-selfpipe
}

@test "a reader-thread client is correct too" {
  assert_full_marks 02-tcp-echo tests/cases/02-tcp-echo/correct-reader-thread
}

@test "cleanup in the signal handler with sendmsg is correct too" {
  assert_full_marks 02-tcp-echo tests/cases/02-tcp-echo/correct-handler-cleanup
}
