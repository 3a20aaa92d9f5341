#!/usr/bin/env bats
# Lab 04 frames: the checks, in the order a student meets them.
# programs: frame-server seqpacket-server
# Each check's points are in brackets at the end of its name: the only place
# they are written.
#
# The frames come from the grader's own peer, grader/peer/frame-peer.c: it
# splits them at every byte, packs many into one write, sends empty, 1 MiB,
# 16 MiB and oversize ones, and cuts connections inside a frame.

load test_helper

SERVER_PROGRAM=frame-server

# --- helpers for this lab ---------------------------------------------------

# start_program VAR ROLE PROGRAM LIMIT ENDPOINT [WRAPPER...]: the student's
# PROGRAM on a Unix path or a TCP port, its output under ROLE, its group in
# VAR, waited for until it listens.
start_program() {
  local var=$1 role=$2 program=$3 limit=$4 endpoint=$5
  shift 5
  spawn "$limit" "$role" "$@" "$(student "$program")" "$endpoint"
  printf -v "$var" '%s' "$SPAWNED"
  if [[ $endpoint == */* ]]; then
    wait_unix_listening "$SPAWNED" "$endpoint"
  else
    wait_tcp_listening "$SPAWNED" "$endpoint" 30
  fi
}

# start_frame_server LIMIT ENDPOINT [WRAPPER...]: frame-server. Sets SERVER.
start_frame_server() {
  start_program SERVER server frame-server "$@"
}

# start_seqpacket_server LIMIT PATH [WRAPPER...]: seqpacket-server. Sets
# SEQSERVER.
start_seqpacket_server() {
  start_program SEQSERVER seqserver seqpacket-server "$@"
}

# Hooks for the standard checks (test_helper.bash, "Standard checks"): both
# servers on a Unix path; the memory verdict also sees frames of every size,
# an oversize length and a frame cut short.
SERVERS=(frame-server seqpacket-server)
start_server() {
  local limit=$1
  shift
  SERVER_ENDPOINT=$T/s$((++STARTED)).sock
  SERVER_FILE=$SERVER_ENDPOINT
  start_program SERVER server "$SERVER_PROGRAM" "$limit" "$SERVER_ENDPOINT" "$@"
}
exercise_server() {
  if [[ $SERVER_PROGRAM == frame-server ]]; then
    frame_peer 10 exchange frames "$SERVER_ENDPOINT" 5
  else
    frame_peer 10 seqpeer seqpacket "$SERVER_ENDPOINT" 5
  fi
}
memory_traffic() {
  if [[ $SERVER_PROGRAM == frame-server ]]; then
    frame_peer 20 exchange frames "$SERVER_ENDPOINT" 0 70000
    frame_peer 20 exchange frames "$SERVER_ENDPOINT" -c 1 2 3 4000
    frame_peer 20 oversize oversize "$SERVER_ENDPOINT" 16777217
    frame_peer 20 cut cut "$SERVER_ENDPOINT" 50
    frame_peer 20 exchange frames "$SERVER_ENDPOINT" 5
  else
    frame_peer 20 seqpeer seqpacket "$SERVER_ENDPOINT" 1 65536 300
  fi
}
ACCEPTED_FDS_CHECK="closes each connection's descriptor"
# A server that ends on a cut or oversize frame loses those checks, not
# the clean-up one.
CLEANUP_WITHOUT_TRAFFIC=1

# FRAME_ORDER: empty, or read, write or both once frame_exchange has found
# that the server reads or writes lengths in host byte order; the peer then
# speaks that order (-H) for the rest of the check.
FRAME_ORDER=

# frame_peer LIMIT NAME ARGS...: run the grader's frame peer; its verdict is
# in $T/NAME.out, STATUS 0 when the server did as expected.
frame_peer() {
  local limit=$1 name=$2
  shift 2
  run_program "$limit" "$name" "$GRADER_TOOLS/frame-peer" ${FRAME_ORDER:+-H "$FRAME_ORDER"} "$@"
}

# server_state: "; the server had stopped (...)" when it is no longer running.
server_state() {
  if ! kill -0 "$SERVER" 2>/dev/null; then
    finish "$SERVER"
    printf '; the server had stopped (%s)' "$(describe_status "$STATUS")"
  fi
}

# host_byte_order ENDPOINT: true if the server reads or writes lengths in
# host byte order; the first line of $T/hostorder.out says which, the second
# ("order: read|write|both") is for frame_peer -H.
host_byte_order() {
  frame_peer 15 hostorder hostorder "$1"
  [[ $STATUS == 0 ]]
}

# frame_exchange LIMIT ENDPOINT EXPECTED ARGS...: `frame-peer frames ENDPOINT
# ARGS...` is answered as it should be. A server that gets the byte order of
# lengths wrong is judged in its own order, with a note: that one bug is
# "lengths in network byte order"'s failure, and costs that check only.
frame_exchange() {
  local limit=$1 endpoint=$2 expected=$3
  shift 3
  frame_peer "$limit" exchange frames "$endpoint" "$@"
  [[ $STATUS == 0 ]] && return 0
  if [[ -z $FRAME_ORDER ]] && kill -0 "$SERVER" 2>/dev/null && host_byte_order "$endpoint"; then
    FRAME_ORDER=$(sed -n 's/^order: //p' "$T/hostorder.out")
    note "$(head -n 1 "$T/hostorder.out"); judged in that order, so that it costs only \"lengths in network byte order\""
    frame_peer "$limit" exchange frames "$endpoint" "$@"
    [[ $STATUS == 0 ]] && return 0
  fi
  local seen state
  seen=$(head -c 400 "$T/exchange.out")
  [[ -n $seen ]] || seen="the peer $(describe_status "$STATUS" "$limit")"
  state=$(server_state)
  show_file "server stderr" "$T/server.err"
  fail_check "$seen$state" "$expected"
}

# tcp_server_or_note PORT: start frame-server on TCP PORT for a check that is
# not about TCP; if it does not listen, that is "serves frames over TCP"'s
# failure: note it and return 1 so the check judges the Unix side only.
tcp_server_or_note() {
  if ! start_frame_server 60 "$1" >/dev/null; then
    note "not judged over TCP: the server does not listen on port $1 (see \"serves frames over TCP\")"
    return 1
  fi
}

# log_lines: how many lines the server has written to stderr so far.
log_lines() {
  local n
  n=$(wc -l <"$T/server.err" 2>/dev/null) || n=0
  printf '%s' "$n"
}

# logged_since COUNT: the server's stderr grows past COUNT lines within 2 s.
logged_since() {
  local tries=100
  while ((tries-- > 0)); do
    (($(log_lines) > $1)) && return 0
    sleep 0.02
  done
  return 1
}

# --- compiling --------------------------------------------------------------

@test "compiles without errors [1 pt]" { check_compiles; }

@test "compiles without warnings [1 pt]" { check_no_warnings; }

# --- frames over a stream -------------------------------------------------------

@test "answers each frame with its payload reversed [2 pts]" {
  hint "Read the 4-byte length, convert it with ntohl, read exactly that many bytes, reverse them, and send a 4-byte length (htonl) and the reversed bytes; then read the next frame, until the client's EOF, and accept the next client." \
    07-framing#length-prefixed-frames 05-lifecycle#server-lifecycle
  needs frame-server
  start_frame_server 60 "$T/frames.sock"
  frame_exchange 10 "$T/frames.sock" "each frame answered with one frame holding its payload reversed" 5 300 4000 60000 || return 1
  frame_exchange 10 "$T/frames.sock" "a second client served after the first one left" 11 || return 1
}

@test "serves frames over TCP [2 pts]" {
  hint "An ENDPOINT made of digits only is a TCP port: listen on every local address (in6addr_any with IPV6_V6ONLY off, or INADDR_ANY), with htons on the port." \
    07-framing#one-server-two-transports 04-addresses#internet-addresses-and-byte-order
  needs frame-server
  local port
  port=$(free_port)
  start_frame_server 60 "$port" || return 1
  frame_exchange 10 "127.0.0.1:$port" "frames answered over TCP, on 127.0.0.1:$port" 5 300 4000 60000 || return 1
  frame_exchange 10 "127.0.0.1:$port" "a second TCP client served" 11
}

# waits about 1 s: frames sent one byte per write, with pauses
@test "reads frames split at every byte [3 pts]" {
  hint "A stream keeps no boundaries: a frame may arrive one byte per recv, even inside the 4-byte length. Loop until you have exactly 4 bytes, then exactly LENGTH bytes — never assume one recv gives a whole header or a whole frame." \
    07-framing#partial-frames 05-lifecycle#short-reads-and-short-writes
  needs frame-server
  local sizes=(1 2 3 7 300 2000) port
  start_frame_server 60 "$T/frames.sock"
  frame_exchange 20 "$T/frames.sock" "frames sent one byte per write (with pauses) answered" -s "${sizes[@]}" || return 1
  port=$(free_port)
  stop_server TERM "$SERVER" || true
  tcp_server_or_note "$port" || return 0
  frame_exchange 20 "127.0.0.1:$port" "frames sent one byte per write over TCP answered" -s "${sizes[@]}"
}

@test "answers many frames sent in one write [3 pts]" {
  hint "One recv may return several frames, or one and a half: keep the bytes after the end of a frame, they are the start of the next one (or read exactly 4 bytes, then exactly LENGTH bytes, and never more)." \
    07-framing#many-frames-in-one-read
  needs frame-server
  local port
  start_frame_server 60 "$T/frames.sock"
  frame_exchange 20 "$T/frames.sock" "100 frames written at once, 100 replies in order" -c $(seq 1 3 300) || return 1
  frame_exchange 20 "$T/frames.sock" "frames of mixed sizes written at once, each answered" -c 5000 1 60000 2 3 || return 1
  port=$(free_port)
  stop_server TERM "$SERVER" || true
  tcp_server_or_note "$port" || return 0
  frame_exchange 20 "127.0.0.1:$port" "100 frames written at once over TCP, 100 replies" -c $(seq 1 3 300)
}

@test "answers an empty frame [1 pt]" {
  hint "A length of 0 is a frame like any other: its reply is a 4-byte length of 0 and nothing else. Do not read 0 bytes as EOF, and do not skip the reply." \
    07-framing#the-empty-frame
  needs frame-server
  start_frame_server 60 "$T/frames.sock"
  frame_exchange 10 "$T/frames.sock" "an empty frame answered by an empty frame, and the connection still usable" 0 5 0 0 3
}

@test "answers 1 MiB and 16 MiB frames [2 pts]" {
  hint "Payloads up to 16 MiB (16777216 bytes, the limit included) are allowed: allocate a buffer of the frame's length (after checking the limit) instead of using a fixed small array." \
    07-framing#limits-on-untrusted-lengths
  needs frame-server
  start_frame_server 60 "$T/frames.sock"
  frame_exchange 30 "$T/frames.sock" "a 1 MiB frame and a 16 MiB frame (the limit) answered" 1048576 16777216
}

@test "lengths in network byte order [2 pts]" {
  hint "The length is big-endian on the wire (network byte order): ntohl on the 4 bytes you read, htonl on the length you send. Forgetting it turns a length of 5 into 83886080 on x86." \
    07-framing#length-prefixed-frames 04-addresses#internet-addresses-and-byte-order
  needs frame-server
  start_frame_server 60 "$T/frames.sock"
  frame_peer 10 exchange frames "$T/frames.sock" 258 60000
  [[ $STATUS == 0 ]] && return 0
  local seen
  seen=$(head -c 400 "$T/exchange.out")
  if host_byte_order "$T/frames.sock"; then
    seen="$seen; $(head -n 1 "$T/hostorder.out")"
  fi
  show_file "server stderr" "$T/server.err"
  fail_check "$seen$(server_state)" \
    "frames of 258 (00 00 01 02 on the wire) and 60000 bytes answered with lengths in network byte order"
}

@test "closes a connection whose length is over 16 MiB, and keeps serving [2 pts]" {
  hint "The length comes from the peer, so do not trust it: above 16777216, log it, close that connection (without allocating or reading the payload) and go back to accept. Never exit for one client's bad frame." \
    07-framing#limits-on-untrusted-lengths
  needs frame-server
  start_frame_server 60 "$T/frames.sock"
  local length before
  for length in 16777217 4294967295; do
    before=$(log_lines)
    frame_peer 10 oversize oversize "$T/frames.sock" "$length"
    if [[ $STATUS != 0 ]]; then
      show_file "server stderr" "$T/server.err"
      fail_check "$(head -c 300 "$T/oversize.out")$(server_state)" \
        "the connection closed at once, with no reply, after a header claiming $length bytes"
      return 1
    fi
    if ! logged_since "$before"; then
      fail_check "nothing on stderr about the length of $length" "a line on stderr saying why the connection was closed"
      return 1
    fi
  done
  frame_exchange 10 "$T/frames.sock" "the next client served as usual" 5 300
  # Refused before anything was reserved for it: the server never grew
  # towards the 4 GiB the second header claimed.
  local pid peak
  pid=$(program_pids "$SERVER" | head -n 1)
  peak=$(awk '/^VmPeak:/ { print int($2 / 1024) }' "/proc/$pid/status" 2>/dev/null) || peak=
  if [[ -n $peak ]] && ((peak > 1024)); then
    fail_check "the server's address space reached $peak MiB: it allocated room for a length before checking it" \
      "the length checked against 16 MiB before any allocation"
  fi
}

@test "closes a connection cut inside a frame, and keeps serving [2 pts]" {
  hint "read/recv returning 0 in the middle of a frame is not a frame: log it, close that connection, and accept the next client. Do not loop on it, do not answer half a frame, do not exit." \
    07-framing#partial-frames 05-lifecycle#end-of-file-and-shutdown
  needs frame-server
  start_frame_server 60 "$T/frames.sock"
  local bytes before where
  for bytes in 2 50; do
    where="inside the payload (50 of 104 bytes)"
    ((bytes < 4)) && where="inside the 4-byte length"
    before=$(log_lines)
    frame_peer 15 cut cut "$T/frames.sock" "$bytes"
    if [[ $STATUS != 0 ]]; then
      show_file "server stderr" "$T/server.err"
      fail_check "$(head -c 300 "$T/cut.out")$(server_state)" \
        "no reply to a frame cut short $where, and the connection closed"
      return 1
    fi
    frame_exchange 10 "$T/frames.sock" "the next client served after one that closed $where" 5 || return 1
    if ! logged_since "$before"; then
      fail_check "nothing on stderr about the connection that ended $where" \
        "a line on stderr saying the connection ended inside a frame"
      return 1
    fi
  done
}

@test "survives a client that leaves without reading [2 pts]" {
  hint "Writing a reply to a client that has gone raises SIGPIPE, which kills a process by default: ignore SIGPIPE or send with MSG_NOSIGNAL, and treat EPIPE or ECONNRESET as the end of that connection only." \
    05-lifecycle#vanished-peers-and-sigpipe
  needs frame-server
  start_frame_server 60 "$T/frames.sock"
  # One exchange first: it learns the server's byte order, so that the frame
  # below is one the server reads whole whatever that order is.
  frame_exchange 10 "$T/frames.sock" "a first client served" 5 || return 1
  # The client sends a frame and closes while the server is stopped, so the
  # server reads the whole frame and then writes its reply to nobody.
  signal_program STOP "$SERVER" || true
  frame_peer 10 leave leave "$T/frames.sock" 100000
  signal_program CONT "$SERVER" || true
  frame_exchange 10 "$T/frames.sock" "the next client served after one that left before its reply" 5
}

@test "closes each connection's descriptor [1 pt]" {
  hint "Every descriptor accept returns must be closed when that connection ends, however it ends (EOF, an oversize length, a cut frame): shutdown is not close." \
    05-lifecycle#closing-every-descriptor a-debugging#reading-strace-output
  needs frame-server
  start_frame_server 60 "$T/frames.sock" "${STRACE[@]}" "$T/server.trace"
  frame_peer 10 exchange frames "$T/frames.sock" 5 300
  frame_peer 10 oversize oversize "$T/frames.sock" 16777217
  frame_peer 10 cut cut "$T/frames.sock" 50
  frame_peer 10 exchange frames "$T/frames.sock" 7
  if ! kill -0 "$SERVER" 2>/dev/null; then
    not_judged "the server stopped by itself during the test (see the oversize and cut-frame checks)"
  fi
  stop_server TERM "$SERVER" 10 || true
  local leaks
  leaks=$(accepted_not_closed "$T/server.trace")
  if [[ -n "$leaks" ]]; then
    fail_check "$leaks" "close(fd) for every fd that accept returned"
  fi
}

# --- SOCK_SEQPACKET ---------------------------------------------------------------

@test "seqpacket-server answers each message reversed [2 pts]" {
  hint "On a SOCK_SEQPACKET socket one recv returns exactly one message and one send sends one: reverse the bytes recv returned and send them back in a single send. recv returning 0 is the client's EOF." \
    07-framing#sock_seqpacket-the-kernel-frames-for-you 03-types#sequenced-packet-sockets
  needs seqpacket-server
  start_seqpacket_server 60 "$T/seq.sock"
  local args
  for args in "1 100 4000" "-c 1 2 3 100 7 2500" "9"; do
    # shellcheck disable=SC2086
    frame_peer 10 seqpeer seqpacket "$T/seq.sock" $args
    if [[ $STATUS != 0 ]]; then
      show_file "seqpacket-server stderr" "$T/seqserver.err"
      fail_check "$(head -c 300 "$T/seqpeer.out")" "one reply message per message, its bytes reversed ($args)"
      return 1
    fi
  done
}

@test "seqpacket-server keeps messages of up to 64 KiB whole [2 pts]" {
  hint "recv gets at most the buffer's size and silently drops the rest of a longer message (MSG_TRUNC): receive into a buffer of 65536 bytes, the largest message the contract allows." \
    07-framing#sock_seqpacket-the-kernel-frames-for-you
  needs seqpacket-server
  start_seqpacket_server 60 "$T/seq.sock"
  frame_peer 10 seqpeer seqpacket "$T/seq.sock" 65536 65535 40000 1
  if [[ $STATUS != 0 ]]; then
    show_file "seqpacket-server stderr" "$T/seqserver.err"
    fail_check "$(head -c 300 "$T/seqpeer.out")" "messages of 65536, 65535, 40000 and 1 bytes answered whole"
  fi
}

@test "seqpacket-server uses AF_UNIX SOCK_SEQPACKET [1 pt]" {
  hint "socket(AF_UNIX, SOCK_SEQPACKET, 0), bind, listen, accept: the same lifecycle as a stream server, with message boundaries kept by the kernel." \
    03-types#sequenced-packet-sockets a-debugging#reading-strace-output
  needs seqpacket-server
  start_seqpacket_server 60 "$T/seq.sock" "${STRACE[@]}" "$T/seq.trace"
  frame_peer 10 seqpeer seqpacket "$T/seq.sock" 5 || true
  if ! strace_has "$T/seq.trace" 'socket\(AF_(UNIX|LOCAL), SOCK_SEQPACKET[|A-Z_]*, 0\) += [0-9]+'; then
    grep -E '^[0-9]+ +socket' "$T/seq.trace" | head -n 3 | sed 's/^/    /'
    fail_check "no AF_UNIX SOCK_SEQPACKET socket in seqpacket-server's system calls" \
      "socket(AF_UNIX, SOCK_SEQPACKET, 0)"
  fi
}

# --- the command line and the end ------------------------------------------------

@test "leaves a regular file or a symbolic link at PATH untouched [1 pt]" {
  hint "Only a socket may be removed: lstat PATH first (stat follows a symbolic link to whatever it names), and if it exists and is not a socket (S_ISSOCK), print a message and exit 1 without touching it — in both servers." \
    04-addresses#stale-socket-files 05-lifecycle#errors-and-exit-statuses
  needs frame-server seqpacket-server
  refuses_non_socket_path "$(student frame-server)" PATH || { evidence seen "(frame-server)"; return 1; }
  refuses_non_socket_path "$(student seqpacket-server)" PATH || { evidence seen "(seqpacket-server)"; return 1; }
  # A refusal only counts from servers that do start where they may.
  start_frame_server 60 "$T/free.sock" || { evidence seen "(frame-server must still start on a free PATH)"; return 1; }
  frame_exchange 15 "$T/free.sock" "frame-server answering on a free PATH" 5 || return 1
  start_seqpacket_server 60 "$T/free.seq" || { evidence seen "(seqpacket-server must still start on a free PATH)"; return 1; }
  frame_peer 15 seqpeer seqpacket "$T/free.seq" 5 ||
    fail_check "$(head -c 300 "$T/seqpeer.out")" "seqpacket-server answering on a free PATH"
}

@test "rejects bad arguments with exit status 2 [1 pt]" {
  hint "A PORT is decimal digits from 1 to 65535; a PATH must be shorter than 108 bytes (sun_path with its NUL); and there is exactly one argument. Anything else: a usage line on stderr and exit status 2." \
    04-addresses#path-length 05-lifecycle#errors-and-exit-statuses
  needs frame-server seqpacket-server
  local too_long fits
  too_long=$(long_path 108)
  fits=$(long_path 107)
  usage_errors "frame-server" "frame-server 0" "frame-server 65536" "frame-server 99999999999999999999" \
    "frame-server $too_long" "frame-server $fits extra" "seqpacket-server" "seqpacket-server $too_long" || return 1
  start_frame_server 60 "$fits" || { evidence seen "(a 107-byte PATH fits and must work)"; return 1; }
  frame_exchange 10 "$fits" "a server on a 107-byte path answers" 5
}

@test "exits 0 on SIGINT and on SIGTERM [2 pts]" { check_signal_exit; }

@test "cleans up on exit: socket files removed, descriptors closed [2 pts]" { check_cleanup; }

@test "no memory errors or leaks under valgrind [2 pts]" { check_valgrind; }
