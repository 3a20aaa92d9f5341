#!/usr/bin/env bats
# Lab 01 uds-echo: the checks, in the order a student meets them.
# programs: uds-echo-server uds-echo-client
# Each check's points are in brackets at the end of its name: the only place
# they are written.

load test_helper

SERVER_PROGRAM=uds-echo-server
CLIENT_PROGRAM=uds-echo-client

# --- helpers for this lab ---------------------------------------------------

# socat_echo SOCKET: a line sent by socat comes back.
socat_echo() {
  printf 'hello from socat\n' >"$T/socat.in"
  run_program 5 socat socat -t 5 - "UNIX-CONNECT:$1"
  [[ $STATUS == 0 ]] && cmp -s "$T/socat.in" "$T/socat.out"
}

# Hooks for the standard checks (test_helper.bash, "Standard checks").
start_server() {
  local limit=$1
  shift
  SERVER_ENDPOINT=$T/s$((++STARTED)).sock
  SERVER_FILE=$SERVER_ENDPOINT
  start_unix_server "$limit" "$SERVER_ENDPOINT" "$@"
}
exercise_server() {
  socat_echo "$SERVER_ENDPOINT"
}
valgrind_clients() {
  head -c 75000 /dev/urandom | base64 >"$T/client.in"
  run_program 30 client "${VALGRIND[@]}" --log-file="$T/client-uds-echo-client.valgrind" \
    "$(student uds-echo-client)" "$SERVER_ENDPOINT"
}
ACCEPTED_FDS_CHECK="closes each client's descriptor"

# --- compiling --------------------------------------------------------------

@test "compiles without errors [1 pt]" { check_compiles; }

@test "compiles without warnings [1 pt]" { check_no_warnings; }

# --- echoing ------------------------------------------------------------------

@test "echoes a line of text [2 pts]" {
  hint "Follow the lifecycle: the server does socket, bind, listen, accept, then reads and writes back until read returns 0; the client does socket, connect, sends stdin, and prints what comes back." \
    05-lifecycle#server-lifecycle 05-lifecycle#client-lifecycle
  needs server client
  start_unix_server 60 "$T/echo.sock"
  printf 'hello, socket\n' >"$T/text"
  client_echoes 10 "$T/text" "$T/echo.sock"
}

@test "echoes binary data with NUL bytes [2 pts]" {
  hint "Data is bytes, not a C string: use the count that read/recv returned, never strlen, printf(\"%s\"), fputs or fgets on it." \
    05-lifecycle#bytes-not-strings
  needs server client
  start_unix_server 60 "$T/echo.sock"
  { printf 'NUL\0in the middle\0\n'; head -c 65536 /dev/urandom; } >"$T/binary"
  client_echoes 10 "$T/binary" "$T/echo.sock"
}

@test "echoes 16 MiB byte for byte [3 pts]" {
  hint "A client that sends all of its input before reading the echo deadlocks once both kernel buffers are full: send a chunk, read that many bytes back, repeat; then shutdown(SHUT_WR) and read to EOF." \
    05-lifecycle#avoiding-deadlock-on-large-inputs 05-lifecycle#short-reads-and-short-writes
  needs server client
  start_unix_server 60 "$T/echo.sock"
  head -c 12582912 /dev/urandom | base64 -w 100 >"$T/big" # 16 MiB of text
  client_echoes 20 "$T/big" "$T/echo.sock"
}

@test "serves several clients one after another [2 pts]" {
  hint "After a client's EOF, close that connection and go back to accept: the server's main loop runs until a signal, not until the first client leaves." \
    05-lifecycle#server-lifecycle
  needs server client
  start_unix_server 60 "$T/echo.sock"
  local n
  for n in 1 2 3; do
    printf 'client number %s\n' "$n" >"$T/text"
    if ! client_echoes 5 "$T/text" "$T/echo.sock"; then
      evidence seen "client $n of 3 was not served"
      kill -0 "$SERVER" 2>/dev/null || evidence seen "the server had exited"
      return 1
    fi
  done
}

@test "echoes everything to a slow reader [2 pts]" {
  hint "The reader is slow, so your socket's send buffer fills: a blocking write just waits, but a non-blocking socket returns EAGAIN or writes only part. Keep every unsent byte and write it when poll says POLLOUT; never drop it." \
    05-lifecycle#short-reads-and-short-writes
  needs server
  start_unix_server 60 "$T/echo.sock"
  run_program 20 peer "$GRADER_TOOLS/stream-peer" slow-reader "$T/echo.sock" 4194304
  if [[ $STATUS != 0 ]]; then
    show_file "server stderr" "$T/server.err"
    fail_check "$(head -c 300 "$T/peer.out") ($(describe_status "$STATUS" 20))" \
      "all 4 MiB echoed, in order, to a client that reads slowly"
  fi
}

# --- real peers -------------------------------------------------------------

@test "serves socat as a client [1 pt]" {
  hint "Any stream client must work, not only yours: echo exactly what arrives, and close the connection after the client's EOF." \
    05-lifecycle#end-of-file-and-shutdown
  needs server
  start_unix_server 60 "$T/echo.sock"
  if ! socat_echo "$T/echo.sock"; then
    show_file "socat stdout" "$T/socat.out"
    show_file "socat stderr" "$T/socat.err"
    fail_check "socat exited with status $STATUS" "socat -t 5 - UNIX-CONNECT:PATH gets its line back and exits 0"
  fi
}

@test "serves nc -U as a client [1 pt]" {
  hint "Any stream client must work, not only yours: echo exactly what arrives, and close the connection after the client's EOF." \
    05-lifecycle#end-of-file-and-shutdown
  needs server
  start_unix_server 60 "$T/echo.sock"
  printf 'hello from nc\n' >"$T/nc.in"
  run_program 5 nc nc -N -U "$T/echo.sock"
  if [[ $STATUS != 0 ]] || ! cmp -s "$T/nc.in" "$T/nc.out"; then
    show_file "nc stdout" "$T/nc.out"
    fail_check "nc exited with status $STATUS" "nc -N -U PATH gets its line back and exits 0"
  fi
}

@test "client works with a server that is not its own [2 pts]" {
  hint "Your client must only assume what the contract says: connect, send, read the echo, shutdown(SHUT_WR), read until EOF, exit 0." \
    05-lifecycle#client-lifecycle 05-lifecycle#end-of-file-and-shutdown
  needs client
  spawn 10 server socat "UNIX-LISTEN:$T/socat.sock" PIPE
  SERVER=$SPAWNED
  wait_unix_listening "$SERVER" "$T/socat.sock"
  seq 1 2000 >"$T/lines"
  client_echoes 10 "$T/lines" "$T/socat.sock"
}

# --- system calls (strace) ------------------------------------------------------

@test "uses AF_UNIX SOCK_STREAM sockets [1 pt]" {
  hint "Both programs create their socket with socket(AF_UNIX, SOCK_STREAM, 0); flags such as SOCK_CLOEXEC may be added." \
    02-domains#the-unix-domain 03-types#stream-sockets
  needs server client
  start_unix_server 60 "$T/echo.sock" "${STRACE[@]}" "$T/server.trace"
  printf 'traced\n' >"$T/client.in"
  run_program 10 client "${STRACE[@]}" "$T/client.trace" "$(student uds-echo-client)" "$T/echo.sock"
  local side
  for side in server client; do
    if ! strace_has "$T/$side.trace" 'socket\(AF_(UNIX|LOCAL), SOCK_STREAM[|A-Z_]*, '; then
      grep -E '^[0-9]+ +socket' "$T/$side.trace" | head -n 3 | sed 's/^/    /'
      fail_check "the $side made no AF_UNIX SOCK_STREAM socket" "socket(AF_UNIX, SOCK_STREAM, 0) in the $side"
      return 1
    fi
  done
}

@test "server binds, listens and accepts [1 pt]" {
  hint "A server binds its socket to PATH, calls listen, then accept (or accept4) for each client." \
    05-lifecycle#server-lifecycle a-debugging#reading-strace-output
  needs server
  start_unix_server 60 "$T/echo.sock" "${STRACE[@]}" "$T/server.trace"
  socat_echo "$T/echo.sock" || true
  stop_server TERM "$SERVER" || true
  local call pattern
  for call in bind listen accept; do
    case $call in
      bind) pattern="bind\\([0-9]+, \\{sa_family=AF_(UNIX|LOCAL), sun_path=\"$T/echo.sock\"\\}, [0-9]+\\) += 0" ;;
      listen) pattern='listen\([0-9]+, -?[0-9]+\) += 0' ;;
      accept) pattern='accept4?\(.*\) += [0-9]+' ;;
    esac
    strace_has "$T/server.trace" "$pattern" && continue
    fail_check "no successful $call in the server's system calls" "bind to $T/echo.sock, listen, accept"
    return 1
  done
}

@test "closes each client's descriptor [2 pts]" {
  hint "Every descriptor accept returns must be closed when that client is done (shutdown is not close): otherwise each client leaks one descriptor until the server runs out." \
    05-lifecycle#closing-every-descriptor a-debugging#reading-strace-output
  needs server
  start_unix_server 60 "$T/echo.sock" "${STRACE[@]}" "$T/server.trace"
  local n
  for n in 1 2 3; do socat_echo "$T/echo.sock" || true; done
  stop_server TERM "$SERVER" || true
  local leaks
  leaks=$(accepted_not_closed "$T/server.trace")
  if [[ -n "$leaks" ]]; then
    fail_check "$leaks" "close(fd) for every fd that accept returned, before the next accept"
  fi
}

# --- robustness ---------------------------------------------------------------

@test "survives clients that vanish mid-echo [2 pts]" {
  hint "Writing to a client that has gone raises SIGPIPE, which kills a process by default: ignore SIGPIPE or send with MSG_NOSIGNAL, and treat EPIPE or ECONNRESET as the end of that client only." \
    05-lifecycle#vanished-peers-and-sigpipe
  needs server
  start_unix_server 60 "$T/echo.sock"
  # Surviving means serving the next client, so first make sure this server
  # serves a second client at all; if not, that is another check's failure.
  socat_echo "$T/echo.sock" || fail_check "the server does not echo a line" "a working echo server"
  if ! socat_echo "$T/echo.sock"; then
    not_judged "the server does not serve a second client, so surviving one cannot be seen (see \"serves several clients one after another\")"
  fi
  # A client that connects, sends and closes while the server is busy (here:
  # stopped), so that the server echoes to a socket nobody reads any more.
  signal_program STOP "$SERVER" || true
  run_program 5 gone "$GRADER_TOOLS/stream-peer" send-close "$T/echo.sock" 65536
  signal_program CONT "$SERVER" || true
  # A client that closes in the middle of its echo.
  run_program 5 vanisher "$GRADER_TOOLS/stream-peer" vanish "$T/echo.sock" 1048576
  socat_echo "$T/echo.sock" && return 0
  if exited_within "$SERVER" 1; then
    finish "$SERVER"
    show_file "server stderr" "$T/server.err"
    fail_check "the server stopped: $(describe_status "$STATUS")" \
      "the server still serving the next client"
  else
    fail_check "the server no longer answers clients" "the server still serving the next client"
  fi
}

@test "replaces a stale socket file [2 pts]" {
  hint "A server that was killed leaves its socket file behind, and bind then fails with EADDRINUSE: if PATH is a socket, unlink it before bind." \
    04-addresses#stale-socket-files
  needs server
  "$GRADER_TOOLS/stream-peer" stale "$T/echo.sock"
  [[ -S "$T/echo.sock" ]]
  start_unix_server 60 "$T/echo.sock"
  socat_echo "$T/echo.sock" || fail_check "the server listens but does not echo"
}

@test "leaves a regular file or a symbolic link at PATH untouched [2 pts]" {
  hint "Only a socket may be removed: lstat PATH first (stat follows a symbolic link to whatever it names), and if it exists and is not a socket (S_ISSOCK), print a message and exit 1 without touching it." \
    04-addresses#stale-socket-files 05-lifecycle#errors-and-exit-statuses
  needs server
  refuses_non_socket_path "$(student uds-echo-server)" PATH || return 1
  # A refusal only counts from a server that does start where it may.
  start_unix_server 60 "$T/echo.sock" || { evidence seen "(the server must still start on a free PATH)"; return 1; }
  socat_echo "$T/echo.sock" || fail_check "the server does not echo on a free PATH" "a working server that refuses only a non-socket PATH"
}

@test "rejects a path too long for sun_path [1 pt]" {
  hint "sun_path holds 108 bytes including the terminating NUL: check strlen(PATH) < sizeof addr.sun_path before copying, and exit 2 with a usage message if not." \
    04-addresses#path-length 05-lifecycle#errors-and-exit-statuses
  needs server client
  local too_long fits program
  too_long=$(long_path 108)
  fits=$(long_path 107)
  for program in uds-echo-server uds-echo-client; do
    run_program 5 "$program" "$(student "$program")" "$too_long"
    if [[ $STATUS != 2 ]]; then
      show_file "$program stderr" "$T/$program.err"
      fail_check "$program with a 108-byte PATH: $(describe_status "$STATUS" 5)" \
        "exit status 2 and a usage message"
      return 1
    fi
  done
  start_unix_server 60 "$fits" || { evidence seen "(a 107-byte PATH fits and must work)"; return 1; }
  printf 'long path\n' >"$T/text"
  client_echoes 5 "$T/text" "$fits"
}

@test "client reports a missing server [1 pt]" {
  hint "When connect fails (ENOENT: no such file; ECONNREFUSED: nobody listens), print a message naming the call and the cause (perror or strerror) and exit 1." \
    05-lifecycle#errors-and-exit-statuses
  needs client
  "$GRADER_TOOLS/stream-peer" stale "$T/dead.sock"
  local path cause
  for path in "$T/missing.sock" "$T/dead.sock"; do
    cause='No such file or directory'
    [[ -e $path ]] && cause='Connection refused'
    printf 'anyone there?\n' >"$T/client.in"
    run_program 5 client "$(student uds-echo-client)" "$path"
    if [[ $STATUS != 1 ]] || ! grep -q "$cause" "$T/client.err"; then
      show_file "client stderr" "$T/client.err"
      fail_check "$(describe_status "$STATUS" 5), for $([[ -e $path ]] && printf 'a socket nobody listens on' || printf 'a path that does not exist')" \
        "exit status 1 and a message on stderr with the cause: $cause"
      return 1
    fi
  done
}

@test "exits 0 on SIGINT and on SIGTERM [2 pts]" { check_signal_exit; }

@test "cleans up on exit: socket file removed, descriptors closed [2 pts]" { check_cleanup; }

@test "no memory errors or leaks under valgrind [2 pts]" { check_valgrind; }
