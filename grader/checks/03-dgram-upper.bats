#!/usr/bin/env bats
# Lab 03 dgram-upper: the checks, in the order a student meets them.
# programs: dgram-upper-server dgram-upper-client
# Each check's points are in brackets at the end of its name: the only place
# they are written. Every port is picked free at run time (free_port); the
# grader's own datagram peer is grader/peer/dgram-peer.c.

load test_helper

SERVER_PROGRAM=dgram-upper-server
CLIENT_PROGRAM=dgram-upper-client

# --- helpers for this lab ---------------------------------------------------

# start_upper_server LIMIT ENDPOINT [WRAPPER...]: start the student's server
# on ENDPOINT (HOST:PORT or a path) and wait until its socket is bound. Sets
# SERVER.
start_upper_server() {
  local limit=$1 endpoint=$2
  shift 2
  spawn "$limit" server "$@" "$(student dgram-upper-server)" "$endpoint"
  SERVER=$SPAWNED
  wait_dgram_bound "$SERVER" "$endpoint"
}

# start_peer_server ENDPOINT DROP: the grader's datagram server on ENDPOINT,
# which ignores the first DROP datagrams and answers the others upper-cased;
# it logs every arrival to $T/peer.out. Sets OTHER.
start_peer_server() {
  spawn 30 peer "$GRADER_TOOLS/dgram-peer" server "$1" "$2"
  OTHER=$SPAWNED
  wait_dgram_bound "$OTHER" "$1"
}

# peer NAME MODE ENDPOINT ARGS...: run the grader's datagram client (see
# dgram-peer.c); its report is in $T/NAME.out; sets STATUS.
peer() {
  local name=$1
  shift
  run_program 30 "$name" "$GRADER_TOOLS/dgram-peer" "$@"
}

# peer_failed NAME WHAT: the evidence of a failed dgram-peer run.
peer_failed() {
  evidence expected "$2"
  if [[ $STATUS == 1 ]]; then
    sed -n 's/^/seen: /p' "$T/$1.out" | grep -v ': ok$' | head -n 6
  else
    evidence seen "the grader's peer: $(describe_status "$STATUS" 30)"
    show_file "server stderr" "$T/server.err"
  fi
  return 1
}

# senders_at_once ENDPOINT N: N senders' datagrams all waiting in the
# server's queue at once (the server is stopped while they are sent), then
# each sender must get its own reply. Sets STATUS; the report is in
# $T/senders.out.
senders_at_once() {
  local tries=500 group
  signal_program STOP "$SERVER" || true
  spawn 30 senders "$GRADER_TOOLS/dgram-peer" senders "$1" "$2"
  group=$SPAWNED
  until grep -q '^sent' "$T/senders.out" || ((--tries == 0)) || ! kill -0 "$group" 2>/dev/null; do
    sleep 0.01
  done
  signal_program CONT "$SERVER" || true
  finish "$group"
  [[ $STATUS == 0 ]]
}

# upper_lines INPUT: what the client must print for INPUT (lines ending in
# newlines): the same lines with a-z upper-cased, nothing else changed.
upper_lines() {
  LC_ALL=C tr a-z A-Z <"$1"
}

# ask_with_client ENDPOINT INPUT LIMIT [WRAPPER...]: run the student's client
# with INPUT on stdin; it must print every line upper-cased and exit 0.
ask_with_client() {
  local endpoint=$1 input=$2 limit=$3
  shift 3
  cp "$input" "$T/client.in"
  run_program "$limit" client "$@" "$(student dgram-upper-client)" "$endpoint"
  upper_lines "$input" >"$T/client.expected"
  if [[ $STATUS != 0 ]]; then
    show_file "client stderr" "$T/client.err"
    show_file "server stderr" "$T/server.err"
    fail_check "the client (to $endpoint) $(describe_status "$STATUS" "$limit"), after printing $(stat -c %s "$T/client.out") of $(stat -c %s "$T/client.expected") bytes" \
      "the client prints every line upper-cased and exits 0"
    return 1
  fi
  same_bytes "$T/client.expected" "$T/client.out" "the client's output"
}

# udp_endpoint HOST: HOST:PORT on a free port (HOST in brackets for IPv6).
udp_endpoint() {
  local port
  port=$(free_port)
  if [[ $1 == *:* ]]; then printf '[%s]:%s' "$1" "$port"; else printf '%s:%s' "$1" "$port"; fi
}

# Hooks for the standard checks (test_helper.bash, "Standard checks"): the
# server on UDP, so that its getaddrinfo path runs under valgrind too; the
# client under valgrind; datagrams of every size for the memory verdict.
start_server() {
  local limit=$1
  shift
  UPPER_ENDPOINT=$(udp_endpoint 127.0.0.1)
  SERVER_ENDPOINT=${UPPER_ENDPOINT##*:}
  SERVER_FILE=
  start_upper_server "$limit" "$UPPER_ENDPOINT" "$@"
}
exercise_server() {
  peer probe probe "$UPPER_ENDPOINT" text 3
}
valgrind_clients() {
  printf 'first line\n\n%s\nlast line\n' "$(head -c 3000 /dev/urandom | base64 -w 0)" >"$T/client.in"
  run_program 30 client "${VALGRIND[@]}" --log-file="$T/client-dgram-upper-client.valgrind" \
    "$(student dgram-upper-client)" "$UPPER_ENDPOINT"
}
memory_traffic() {
  peer probe probe "$UPPER_ENDPOINT" text 0 1 1472 65507
}

# eight_bit_locale: an 8-bit locale in $T/loc, where toupper(0xe9) is 0xc9;
# prints the environment that selects it (nothing if it cannot be made).
eight_bit_locale() {
  mkdir -p "$T/loc"
  # Judged by what it wrote: localedef exits 1 for mere warnings, and makes
  # the locale's folder before it finds that it cannot fill it.
  localedef -i fr_FR -f ISO-8859-1 "$T/loc/fr_FR.ISO-8859-1" >/dev/null 2>&1 || :
  if [[ -s $T/loc/fr_FR.ISO-8859-1/LC_CTYPE ]]; then
    chmod -R a+rX "$T/loc"
    printf 'LOCPATH=%s LC_ALL=fr_FR.ISO-8859-1' "$T/loc"
  fi
}

# bound_paths TRACE: the pathnames (not abstract names) a traced process bound.
bound_paths() {
  grep -E '^[0-9]+ +bind\(' "$1" | grep -o 'sun_path="[^"]*"' | sed 's/^sun_path="//; s/"$//'
}

# --- compiling --------------------------------------------------------------

@test "compiles without errors [1 pt]" { check_compiles; }

@test "compiles without warnings [1 pt]" { check_no_warnings; }

# --- the three transports ---------------------------------------------------

@test "upper-cases lines over UDP on 127.0.0.1 [2 pts]" {
  hint "The server: getaddrinfo(HOST, PORT) with AI_PASSIVE and SOCK_DGRAM, socket, bind, then recvfrom and sendto back to the address recvfrom gave. The client: one datagram per line, without the newline; print each reply and a newline." \
    06-datagrams#sendto-and-recvfrom 06-datagrams#messages-not-bytes
  needs server client
  local endpoint
  endpoint=$(udp_endpoint 127.0.0.1)
  start_upper_server 60 "$endpoint"
  printf 'hello, datagrams\nMixed Case 123 and punctuation: [ok]\n' >"$T/lines"
  ask_with_client "$endpoint" "$T/lines" 10
}

@test "works over IPv6 ([::1]) [2 pts]" {
  hint "Let getaddrinfo pick the family (AF_UNSPEC) and create the socket with the ai_family, ai_socktype and ai_protocol it returns: a socket made AF_INET cannot bind or reach ::1. (The skeleton's parse_endpoint already takes the brackets off [::1]:PORT.)" \
    04-addresses#getaddrinfo-and-getnameinfo 04-addresses#internet-addresses-and-byte-order
  needs server client
  local endpoint
  endpoint=$(udp_endpoint ::1)
  start_upper_server 60 "$endpoint"
  printf 'hello over IPv6\n' >"$T/lines"
  ask_with_client "$endpoint" "$T/lines" 10 || return 1
  # [::] is every IPv6 address: the server must answer on ::1 there too.
  endpoint=$(udp_endpoint ::)
  start_upper_server 60 "$endpoint" || return 1
  peer probe probe "[::1]:${endpoint##*:}" text 5
  [[ $STATUS == 0 ]] || peer_failed probe "a server on $endpoint answering a datagram sent to ::1"
}

@test "works over a Unix datagram socket [2 pts]" {
  hint "ENDPOINT with a '/' is a path: AF_UNIX with SOCK_DGRAM. The client must bind an address of its own first (autobind: bind with only sun_family and a length of sizeof(sa_family_t)), or the server has nowhere to send the reply." \
    06-datagrams#unix-datagram-sockets 06-datagrams#why-a-unix-datagram-client-must-bind
  needs server client
  start_upper_server 60 "$T/upper.sock"
  printf 'hello over a socket file\nsecond line\n' >"$T/lines"
  ask_with_client "$T/upper.sock" "$T/lines" 10
}

# --- datagrams and their sizes ----------------------------------------------

@test "answers an empty datagram with an empty one [1 pt]" {
  hint "A datagram of 0 bytes is a message like any other: recvfrom returns 0 for it, which is not an end of file (a datagram socket has none). Answer with a 0-byte sendto; the client sends an empty line as a 0-byte datagram and prints an empty line for the reply." \
    06-datagrams#zero-length-datagrams
  needs server client
  local endpoint
  endpoint=$(udp_endpoint 127.0.0.1)
  start_upper_server 60 "$endpoint"
  peer probe probe "$endpoint" text 0 5
  [[ $STATUS == 0 ]] || { peer_failed probe "a reply of 0 bytes to a datagram of 0 bytes, then the server still answering"; return 1; }
  printf 'before\n\nafter\n' >"$T/lines"
  ask_with_client "$endpoint" "$T/lines" 10
}

@test "keeps datagrams of 1, 1472 and 65507 bytes whole [2 pts]" {
  hint "A datagram arrives whole or not at all, but recvfrom cuts it to the size of your buffer without a word: receive into a buffer of at least 65507 bytes (the largest UDP payload over IPv4) and reply with exactly the length recvfrom returned." \
    06-datagrams#message-size-and-truncation
  needs server client
  local endpoint
  endpoint=$(udp_endpoint 127.0.0.1)
  start_upper_server 60 "$endpoint"
  peer probe probe "$endpoint" text 1 1472 65507
  [[ $STATUS == 0 ]] || { peer_failed probe "each reply exactly as long as its datagram, upper-cased"; return 1; }
  # The client too: a line of 65507 bytes is one datagram, and so is its reply.
  head -c 49130 /dev/urandom | base64 -w 0 | head -c 65507 >"$T/lines"
  printf '\nshort line\n' >>"$T/lines"
  ask_with_client "$endpoint" "$T/lines" 10
}

@test "changes only ASCII letters, whatever the locale [1 pt]" {
  hint "Only the bytes a to z change. toupper() follows the locale (after setlocale, an 8-bit locale turns 0xe9 into 0xc9), and it is undefined for a negative char: test 'a' <= c && c <= 'z' yourself." \
    06-datagrams#upper-casing-without-the-locale
  needs server client
  local endpoint locale
  locale=$(eight_bit_locale)
  endpoint=$(udp_endpoint 127.0.0.1)
  # shellcheck disable=SC2086 # $locale is a list of NAME=VALUE words
  start_upper_server 60 "$endpoint" env $locale
  peer probe probe "$endpoint" bytes 256 512
  [[ $STATUS == 0 ]] || { peer_failed probe "every byte value 0-255 sent: only a-z changed, to A-Z"; return 1; }
  printf 'caf\351 na\357ve \340 \377 {}|~ end\n' >"$T/lines"
  # shellcheck disable=SC2086
  ask_with_client "$endpoint" "$T/lines" 10 env $locale
  # In the C locale toupper() too changes only a to z: without the 8-bit
  # locale, what this check is about was not seen.
  [[ -n $locale ]] || not_judged "no 8-bit locale could be generated here (localedef -i fr_FR -f ISO-8859-1: Debian packages libc-bin and locales), and in the C locale toupper() changes only a to z as well, so a program that follows the locale looks like one that does not (in the C locale every byte came back right)"
}

@test "replies to each of several senders [2 pts]" {
  hint "One datagram socket serves everyone: reply to the address this recvfrom returned (with its length), every time. Do not connect the server's socket to a client, and do not keep the first sender's address." \
    06-datagrams#sendto-and-recvfrom 06-datagrams#connected-udp
  needs server
  local endpoint
  endpoint=$(udp_endpoint 127.0.0.1)
  start_upper_server 60 "$endpoint"
  senders_at_once "$endpoint" 8 || { peer_failed senders "8 UDP senders each get their own reply"; return 1; }
  start_upper_server 60 "$T/upper.sock" || return 1
  senders_at_once "$T/upper.sock" 4 || peer_failed senders "4 Unix-domain senders each get their own reply"
}

# --- the client against loss and silence ------------------------------------

# waits about 1 s: the client's second try comes after its 1 s time-out
@test "client retries when a datagram is lost [2 pts]" {
  hint "UDP may lose a datagram and nobody tells you: wait for the reply with a timeout of 1 s (poll, or SO_RCVTIMEO), then send the same datagram again, up to 3 sends in all." \
    06-datagrams#loss-timeouts-and-retries
  needs client
  local endpoint second
  endpoint=$(udp_endpoint 127.0.0.1)
  start_peer_server "$endpoint" 1 || return 1
  printf 'is anybody there\n' >"$T/lines"
  ask_with_client "$endpoint" "$T/lines" 10 || {
    evidence note "the grader's server ignored the first datagram and answered the next"
    return 1
  }
  second=$(sed -n '2s/^t=\([0-9.]*\) .*/\1/p' "$T/peer.out")
  if [[ -z $second ]]; then
    fail_check "the server saw only one datagram" "the first datagram lost, a second one sent about 1 s later"
  elif awk -v t="$second" 'BEGIN { exit !(t < 0.5) }'; then
    fail_check "the second try came $second s after the first" "about 1 s between tries: wait for the reply before sending again"
  fi
}

# waits about 3 s: three tries of 1 s against a server that never answers
@test "client gives up after 3 tries of about 1 s, exit 1 [2 pts]" {
  hint "After the third unanswered try print a message and exit 1: a client that waits forever (blocking recvfrom without a timeout) hangs the moment a datagram is lost." \
    06-datagrams#loss-timeouts-and-retries 05-lifecycle#errors-and-exit-statuses
  needs client
  local endpoint start elapsed
  endpoint=$(udp_endpoint 127.0.0.1)
  start_peer_server "$endpoint" 1000000 || return 1
  printf 'hello?\n' >"$T/client.in"
  run_program 10 client "$(student dgram-upper-client)" "$endpoint"
  # Timed from the first datagram's arrival, so that a slow start under a
  # loaded machine does not count.
  start=$(sed -n '1s/.* at=//p' "$T/peer.out")
  if [[ -z $start ]]; then
    show_file "client stderr" "$T/client.err"
    fail_check "the client sent nothing ($(describe_status "$STATUS" 10))" "a request sent, then 3 tries of about 1 s, then exit status 1"
    return 1
  fi
  elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  if [[ $STATUS != 1 ]]; then
    show_file "client stderr" "$T/client.err"
    fail_check "against a server that never answers: $(describe_status "$STATUS" 10) after $elapsed s" \
      "exit status 1 after about 3 s (3 tries of 1 s)"
  elif [[ ! -s $T/client.err ]]; then
    fail_check "exit status 1 but nothing on stderr" "a message saying that no reply came"
  elif awk -v t="$elapsed" 'BEGIN { exit !(t < 2.5 || t > 6) }'; then
    fail_check "it gave up $elapsed s after its first datagram arrived" "about 3 s: 3 tries, each waiting 1 s for the reply"
  fi
}

@test "client works with socat as the server [1 pt]" {
  hint "Your client must only assume what the contract says: any server that answers each datagram with one datagram will do." \
    06-datagrams#sendto-and-recvfrom
  needs client
  local port
  port=$(free_port)
  # socat hands each datagram to its own tr and sends tr's output back.
  spawn 30 other socat "UDP4-RECVFROM:$port,bind=127.0.0.1,fork" "EXEC:tr a-z A-Z"
  wait_dgram_bound "$SPAWNED" "127.0.0.1:$port" || return 1
  printf 'one\ntwo words\nthree: 3\n' >"$T/lines"
  ask_with_client "127.0.0.1:$port" "$T/lines" 15
}

# waits about 3 s: one run against a server that never answers (three tries of 1 s)
@test "Unix client leaves no socket file behind [1 pt]" {
  hint "Autobind (bind with only sun_family, length sizeof(sa_family_t)) or an abstract name leaves no file at all; a client that binds a path must unlink it on every way out, including after the last try." \
    06-datagrams#why-a-unix-datagram-client-must-bind
  needs client
  local run path left=()
  start_peer_server "$T/answers.sock" 0 || return 1
  spawn 30 silent "$GRADER_TOOLS/dgram-peer" server "$T/silent.sock" 1000000
  wait_dgram_bound "$SPAWNED" "$T/silent.sock" || return 1
  printf 'leave no trace\n' >"$T/client.in"
  for run in answers silent; do
    run_program 10 client "${STRACE[@]}" "$T/client-$run.trace" "$(student dgram-upper-client)" "$T/$run.sock"
    # Judged only for a client that does send over a Unix path.
    [[ $run == silent || -s $T/peer.out ]] ||
      { fail_check "the client sent no datagram to $T/answers.sock" "a request sent, and no file left behind"; return 1; }
    while IFS= read -r path; do
      [[ $path == /* ]] || path=$T/$path
      [[ -e $path || -L $path ]] && left+=("$path (after a run against a server that $([[ $run == answers ]] && echo answers || echo never answers))")
    done < <(bound_paths "$T/client-$run.trace")
  done
  ((${#left[@]} == 0)) || fail_check "$(printf '%s; ' "${left[@]}")" "no file left by the client's bind"
}

# --- the server against hostile senders -------------------------------------

@test "keeps serving when a Unix client never reads its replies [1 pt]" {
  hint "A Unix-domain datagram is never dropped: once a receiver's queue is full, sendto to it blocks (the limit is net.unix.max_dgram_qlen), and a blocked server serves nobody. Reply with MSG_DONTWAIT (or a non-blocking socket) and drop the reply on EAGAIN." \
    06-datagrams#unix-datagram-sockets
  needs server
  # More requests than the flooder's queue takes replies (net.unix.
  # max_dgram_qlen of this network namespace: 10 in a new one, often 512 on
  # a host), so that a server that blocks on a full queue does block.
  local qlen=
  read -r qlen </proc/sys/net/unix/max_dgram_qlen 2>/dev/null || qlen=
  [[ $qlen =~ ^[0-9]+$ ]] && ((qlen <= 4000)) ||
    not_judged "net.unix.max_dgram_qlen is '$qlen' here: too many requests would be needed to fill a queue of replies (a grading in a network namespace of its own sees 10)"
  start_upper_server 60 "$T/upper.sock"
  peer flood flood "$T/upper.sock" $((qlen + 20))
  [[ $STATUS == 0 ]] || peer_failed flood "requests from another socket answered at once after $((qlen + 20)) requests from a socket that never reads"
}

@test "survives a datagram over 65507 bytes [1 pt]" {
  hint "Over AF_UNIX a datagram can be larger than your buffer. recv(MSG_TRUNC) returns the datagram's real length, which may be more than the buffer holds: never use that length to index the buffer. Drop such a datagram (or answer the part that fits) and keep serving." \
    06-datagrams#message-size-and-truncation
  needs server
  start_upper_server 60 "$T/upper.sock"
  peer oversize oversize "$T/upper.sock" 100000
  [[ $STATUS == 0 ]] && return 0
  if ! kill -0 "$SERVER" 2>/dev/null; then
    finish "$SERVER"
    show_file "server stderr" "$T/server.err"
    fail_check "after a datagram of 100000 bytes the server stopped: $(describe_status "$STATUS")" "the server still answering"
    return 1
  fi
  peer_failed oversize "the next request answered after a datagram of 100000 bytes"
}

# --- errors -------------------------------------------------------------------

@test "rejects bad endpoints with exit status 2 [1 pt]" {
  hint "Check ENDPOINT before using it: a port is 1 to 65535 in decimal digits (not atoi), HOST:PORT needs its colon, and a path must be shorter than sun_path's 108 bytes. Anything else: a usage line on stderr, exit 2." \
    04-addresses#ports-and-ephemeral-ports 04-addresses#path-length 05-lifecycle#errors-and-exit-statuses
  needs server client
  local bad lines=() too_long
  too_long=$(long_path 108)
  for bad in 127.0.0.1:0 127.0.0.1:70000 127.0.0.1:abc 127.0.0.1 "$too_long"; do
    lines+=("dgram-upper-server $bad" "dgram-upper-client $bad")
  done
  usage_errors "${lines[@]}"
}

@test "client reports an unknown host [1 pt]" {
  hint "getaddrinfo returns an error code, not errno: print it with gai_strerror and exit 1." \
    04-addresses#getaddrinfo-and-getnameinfo 05-lifecycle#errors-and-exit-statuses
  needs client
  local endpoint
  # A refusal only counts from a client that works with a known host.
  endpoint=$(udp_endpoint 127.0.0.1)
  start_peer_server "$endpoint" 0 || return 1
  printf 'a known host\n' >"$T/lines"
  ask_with_client "$endpoint" "$T/lines" 10 || { evidence note "a refusal counts only from a client that works with a known host"; return 1; }
  printf 'anyone there?\n' >"$T/client.in"
  run_program 10 client "$(student dgram-upper-client)" "no-such-host.invalid:$(free_port)"
  if [[ $STATUS != 1 || ! -s "$T/client.err" ]]; then
    show_file "client stderr" "$T/client.err"
    fail_check "for the host no-such-host.invalid: $(describe_status "$STATUS" 10)$([[ -s "$T/client.err" ]] || printf ', nothing on stderr')" \
      "exit status 1 and a message on stderr"
  fi
}

@test "server reports a port already in use [1 pt]" {
  hint "bind fails with EADDRINUSE when another socket has the port: print a message naming the call and the cause (perror or strerror) and exit 1." \
    05-lifecycle#errors-and-exit-statuses
  needs server
  local endpoint
  endpoint=$(udp_endpoint 127.0.0.1)
  start_peer_server "$endpoint" 0 || return 1
  run_program 5 server "$(student dgram-upper-server)" "$endpoint"
  if [[ $STATUS != 1 ]] || ! grep -q 'Address already in use' "$T/server.err"; then
    show_file "server stderr" "$T/server.err"
    fail_check "on a port another socket has: $(describe_status "$STATUS" 5)" \
      "exit status 1 and a message with the cause: Address already in use"
  fi
}

# --- system calls (strace) ------------------------------------------------------

@test "uses SOCK_DGRAM sockets [1 pt]" {
  hint "This lab is about datagrams: socket(AF_UNIX, SOCK_DGRAM, 0) for a path (AF_UNIX accepts SOCK_RAW too, and quietly makes it a datagram socket, but that is not what the contract asks for)." \
    06-datagrams#unix-datagram-sockets a-debugging#reading-strace-output
  needs server client
  local side types
  start_upper_server 60 "$T/upper.sock" "${STRACE[@]}" "$T/server.trace" || return 1
  start_peer_server "$T/answers.sock" 0 || return 1
  printf 'traced\n' >"$T/client.in"
  run_program 10 client "${STRACE[@]}" "$T/client.trace" "$(student dgram-upper-client)" "$T/answers.sock"
  peer probe probe "$T/upper.sock" text 3
  stop_server TERM "$SERVER" || true
  for side in server client; do
    types=$(grep -Eo 'socket\(AF_UNIX, SOCK_[A-Z]+' "$T/$side.trace" | sed 's/.*, //' | sort -u | paste -sd ' ')
    [[ -n $types ]] || { fail_check "the $side made no AF_UNIX socket for a path ENDPOINT" "socket(AF_UNIX, SOCK_DGRAM, 0)"; return 1; }
    [[ $types == SOCK_DGRAM ]] || { fail_check "the $side made AF_UNIX sockets of type $types" "socket(AF_UNIX, SOCK_DGRAM, 0)"; return 1; }
  done
}

# --- shutting down ---------------------------------------------------------------

@test "exits 0 on SIGINT and on SIGTERM [2 pts]" { check_signal_exit; }

@test "removes its socket file at exit [1 pt]" {
  hint "The server created the file with bind, so it removes it: unlink(PATH) after the loop ends on SIGINT or SIGTERM." \
    04-addresses#stale-socket-files 05-lifecycle#clean-shutdown-on-signals
  needs server
  start_upper_server 60 "$T/upper.sock" || return 1
  peer probe probe "$T/upper.sock" text 3 || true
  stop_observed TERM "$SERVER" 3 "$T/upper.sock" || not_judged_after_no_exit
  if [[ -e $T/upper.sock ]]; then
    fail_check "$T/upper.sock still there after the server exited" "the socket file removed"
  fi
}

@test "closes every descriptor at exit [1 pt]" { check_descriptors_closed; }

@test "no memory errors or leaks under valgrind [2 pts]" { check_valgrind; }
