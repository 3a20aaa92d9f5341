#!/usr/bin/env bats
# The grader is right about lab 07: the solution gets every point, the
# skeleton only what it earns, each wrong program loses exactly the check
# meant for its bug, and programs written differently but correctly pass.

load test_helper

@test "the reference solution scores full marks" {
  assert_full_marks 07-mini-dockerd solutions
}

@test "the untouched skeleton earns only the two compile checks" {
  grade_json 07-mini-dockerd labs
  assert_equal "$GRADE_STATUS" 1
  run jq -r '.tests[] | select(.status == "passed") | .name' "$RESULT"
  assert_output $'compiles without errors\ncompiles without warnings'
  assert_equal "$(jq .score "$RESULT")" 2
}

@test "a copy of each request path never freed loses only the valgrind check" {
  assert_only_fails 07-mini-dockerd request-copy-never-freed "no memory errors or leaks under valgrind"
}

@test "a Content-Length counted from the error buffer's size loses only the Content-Length check" {
  assert_only_fails 07-mini-dockerd wrong-content-length-on-errors "Content-Length is always the body's length"
}

@test "HEAD answers with a body (but for /_ping) lose only the HEAD check" {
  assert_only_fails 07-mini-dockerd head-with-body "answers HEAD with the headers and no body"
}

@test "closing after every answer loses only the keep-alive check" {
  assert_only_fails 07-mini-dockerd no-keep-alive "keeps the connection open between requests (keep-alive)"
}

@test "ignoring Connection: close loses only its check" {
  assert_only_fails 07-mini-dockerd ignores-connection-close "honours Connection: close"
}

@test "a version prefix of the form /v1.NN only loses only the prefix check" {
  assert_only_fails 07-mini-dockerd version-prefix-two-digits "accepts a /vN.NN version prefix"
}

@test "a plain-text 404 loses only the 404 check" {
  assert_only_fails 07-mini-dockerd not-found-not-json "answers 404 with a JSON message for an unknown path"
}

@test "a method never looked at loses only the 405 check" {
  assert_only_fails 07-mini-dockerd method-ignored "answers 405 for a wrong method on a known path"
}

@test "a crash on a NUL byte loses only the garbage check" {
  assert_only_fails 07-mini-dockerd crash-on-nul-byte "survives binary garbage"
}

@test "a 1 KiB limit on request heads loses only the long-header check" {
  assert_only_fails 07-mini-dockerd head-limit-1k "accepts a 6 KiB header, refuses a 1 MiB one, without crashing"
}

@test "one request per recv loses only the split-request check" {
  assert_only_fails 07-mini-dockerd one-recv-per-request "reads a request that arrives one byte at a time"
}

@test "pipelined requests thrown away lose only the pipelining check" {
  assert_only_fails 07-mini-dockerd pipelined-requests-dropped "answers pipelined requests in order"
}

@test "a socket file mode left to the umask loses only the mode check" {
  assert_only_fails 07-mini-dockerd socket-mode-from-umask "socket file has mode 0660 whatever the umask"
}

@test "a /_ping without Api-Version loses only the Api-Version check" {
  assert_only_fails 07-mini-dockerd no-api-version-header "every /_ping answer carries an Api-Version header"
}

@test "death by SIGPIPE loses only the vanished-client check" {
  assert_only_fails 07-mini-dockerd sigpipe-death "a vanished client never kills the server"
}

@test "a socket file left behind loses only the cleanup check" {
  assert_only_fails 07-mini-dockerd no-unlink "cleans up on exit: socket file removed, descriptors closed"
}

@test "HTTP/1.0 connections kept open lose only the HTTP/1.0 check" {
  assert_only_fails 07-mini-dockerd http10-kept-open "speaks HTTP/1.0"
}

@test "a wrong exit status on signals loses only the signal check" {
  assert_only_fails 07-mini-dockerd exit-status-1-on-signal "exits 0 on SIGINT and on SIGTERM"
}

@test "a compiler warning loses only the warnings check" {
  assert_only_fails 07-mini-dockerd compiler-warning "compiles without warnings"
}

@test "a path too long for sun_path, cut short, loses only the bad-arguments check" {
  assert_only_fails 07-mini-dockerd path-length-unchecked "rejects bad arguments with exit status 2"
}

@test "removing a regular file at PATH loses only the stale-file check" {
  assert_only_fails 07-mini-dockerd stale-file-any-type "replaces a stale socket file, never another file"
}

@test "epoll, a signalfd and read/write are correct too" {
  assert_full_marks 07-mini-dockerd tests/cases/07-mini-dockerd/correct-epoll-signalfd-write
}

@test "a process per connection with blocking I/O is correct too" {
  assert_full_marks 07-mini-dockerd tests/cases/07-mini-dockerd/correct-fork-per-connection
}

@test "poll with a self-pipe and clients allocated on connect is correct too" {
  assert_full_marks 07-mini-dockerd tests/cases/07-mini-dockerd/correct-selfpipe-malloc
}

@test "skipping empty lines before a request line (RFC 9112) is correct too" {
  assert_full_marks 07-mini-dockerd tests/cases/07-mini-dockerd/correct-skips-empty-lines
}

@test "a malformed request closed without an answer loses only the 400 check" {
  assert_only_fails 07-mini-dockerd malformed-closed-silently "answers 400 to a malformed request, and keeps serving"
}

@test "serving one client at a time loses the several-connections check, and the Docker SDK's, which holds a connection open while it opens another" {
  assert_fails_also_maybe 07-mini-dockerd one-client-at-a-time "serves several connections at once" \
    "works with the Docker SDK for Python"
  assert_line "works with the Docker SDK for Python"
}

@test "every case in the catalogue has a test here" {
  local case
  for case in "$ROOT"/tests/cases/07-mini-dockerd/*/; do
    [[ -d $case ]] || continue
    case=$(basename "$case")
    grep -q -- " $case " "$BATS_TEST_FILENAME" || grep -q -- "/$case\$" "$BATS_TEST_FILENAME" ||
      fail "tests/cases/07-mini-dockerd/$case is not used by any test"
  done
}
