#!/usr/bin/env bats
# Lab 06 chat: the checks, in the order a student meets them.
# programs: chat-server
# Each check's points are in brackets at the end of its name: the only place
# they are written.
#
# The clients are real peers: one `nc` per client (`nc -U` for a Unix path),
# fed through a FIFO so that a check decides when each client speaks and
# leaves, and waits for what it should see (never a fixed sleep). The
# grader's own peer, grader/peer/chat-peer.c, is used only where nc cannot do
# the job: 100 clients at once, and a paced 16 MiB flood past a client that
# never reads.

load test_helper

SERVER_PROGRAM=chat-server

# --- helpers for this lab ---------------------------------------------------

declare -gA CLIENT_FD CLIENT_GROUP

# start_chat_server LIMIT ENDPOINT [WRAPPER...]: the student's server on a
# Unix path or a TCP port, waited for until it listens. Sets SERVER and
# ENDPOINT (what clients connect to: the path, or 127.0.0.1:PORT).
start_chat_server() {
  local limit=$1 where=$2
  shift 2
  spawn "$limit" server "$@" "$(student chat-server)" "$where"
  SERVER=$SPAWNED
  if [[ $where == */* ]]; then
    ENDPOINT=$where
    wait_unix_listening "$SERVER" "$where"
  else
    ENDPOINT=127.0.0.1:$where
    wait_tcp_listening "$SERVER" "$where"
  fi
}

# start_server LIMIT [WRAPPER...]: the hook of test_helper's standard checks:
# the server on a fresh path in $T. Sets SERVER, SERVER_ENDPOINT, SERVER_FILE.
start_server() {
  local limit=$1
  shift
  SERVER_ENDPOINT=$T/std-$RANDOM.sock
  SERVER_FILE=$SERVER_ENDPOINT
  start_chat_server "$limit" "$SERVER_ENDPOINT" "$@"
}

# exercise_server: the standard checks' traffic. Two clients join and talk
# and are still connected when the server is stopped (clients that leave
# are the descriptor check's business, not the cleanup check's).
exercise_server() {
  local first=x$RANDOM second=y$RANDOM
  join "$first" "$SERVER_ENDPOINT" && join "$second" "$SERVER_ENDPOINT" || return 1
  sees "$first" ' joined' 20 || return 1
  say "$second" 'hello\nagain\n'
  sees "$first" ' again' 20
}

# connections ENDPOINT: how many connections the server side holds on
# ENDPOINT, accepted or still waiting to be (they are accepted in this order).
connections() {
  if [[ $1 == */* ]]; then
    awk -v p="$1" '$NF == p && $4 != "00010000" { n++ } END { print n + 0 }' /proc/net/unix
  else
    local hex
    hex=$(printf '%04X' "${1##*:}")
    awk -v p=":$hex" '$4 == "01" && substr($2, length($2) - 4) == p { n++ } END { print n + 0 }' \
      /proc/net/tcp /proc/net/tcp6
  fi
}

# spawn_client LIMIT NAME COMMAND...: spawn (test_helper) for a peer fed from
# the FIFO $T/NAME.in, which must not inherit the check's write ends of the
# other clients' FIFOs (their EOF would never come): the subshell closes them
# before the launcher starts. (A candidate for test_helper: spawn with
# descriptors to close.)
spawn_client() {
  local limit=$1 name=$2 fd
  shift 2
  (
    for fd in "${CLIENT_FD[@]}"; do exec {fd}>&-; done
    exec "$GRADER_LAUNCH" -t "$limit" -- "$@" <"$T/$name.in" >"$T/$name.out" 2>"$T/$name.err" 3>&-
  ) &
  SPAWNED=$!
  GROUPS_STARTED+=("$SPAWNED")
}

# join NAME [ENDPOINT] [TOOL]: a client reading $T/NAME.in, a FIFO the check
# writes to; its output goes to $T/NAME.out. TOOL is nc (`nc -N`: at EOF it
# shuts its side down and reads on), close (`socat -t 0`: at EOF it closes
# at once) or socat (which, unlike nc, prints what arrived before a reset).
# Returns once the server holds the connection, so clients are numbered in
# the order they join.
join() {
  local name=$1 endpoint=${2:-$ENDPOINT} tool=${3:-nc} cmd fd before end=$((SECONDS + 10))
  case $tool:$endpoint in
    nc:*/*) cmd=(nc -N -U "$endpoint") ;;
    nc:*) cmd=(nc -N "${endpoint%:*}" "${endpoint##*:}") ;;
    close:*/*) cmd=(socat -t 0 - "UNIX-CONNECT:$endpoint") ;;
    socat:*/*) cmd=(socat -t 5 - "UNIX-CONNECT:$endpoint") ;;
  esac
  before=$(connections "$endpoint")
  mkfifo "$T/$name.in"
  spawn_client 60 "$name" "${cmd[@]}"
  CLIENT_GROUP[$name]=$SPAWNED
  exec {fd}>"$T/$name.in"
  CLIENT_FD[$name]=$fd
  while (($(connections "$endpoint") <= before)); do
    if ((SECONDS > end)) || ! kill -0 "$SPAWNED" 2>/dev/null; then
      show_file "server stderr" "$T/server.err"
      fail_check "client $name could not connect to $endpoint$(server_state)" "the server accepting clients"
      return 1
    fi
    sleep 0.01
  done
}

# say NAME PRINTF-ARGS...: client NAME sends these bytes.
say() {
  local name=$1
  shift
  # A subshell: if nc is gone, SIGPIPE ends it, not the check.
  (printf "$@" >&"${CLIENT_FD[$name]}") 2>/dev/null || true
}

# say_file NAME FILE: client NAME sends FILE, in one write if it can.
say_file() {
  (cat "$2" >&"${CLIENT_FD[$1]}") 2>/dev/null || true
}

# leave NAME: client NAME's input ends; nc shuts its side down (or closes).
leave() {
  local fd=${CLIENT_FD[$1]}
  exec {fd}>&-
  unset "CLIENT_FD[$1]"
}

# server_state: "; the server had stopped (...)" when it is no longer running.
server_state() {
  if [[ -n ${SERVER:-} ]] && ! kill -0 "$SERVER" 2>/dev/null; then
    finish "$SERVER"
    printf '; the server had stopped (%s)' "$(describe_status "$STATUS")"
  fi
}

# printable FILE: its first bytes on one line, \n shown as $, others escaped.
printable() {
  head -c 300 "$1" | LC_ALL=C sed -n 'l 0' | paste -sd ' '
}

# sees NAME TEXT [SECONDS]: wait (default 10 s) until client NAME has received
# a line holding TEXT. Fails with what it had received.
sees() {
  local end=$((SECONDS + ${3:-10}))
  while ((SECONDS <= end)); do
    grep -qaF -- "$2" "$T/$1.out" 2>/dev/null && return 0
    sleep 0.01
  done
  show_file "server stderr" "$T/server.err"
  fail_check "client $1 received: $(printable "$T/$1.out")$(server_state)" "client $1 to receive \"$2\" within ${3:-10} s"
}

# sees_count NAME TEXT COUNT [SECONDS]: wait (default 10 s) until client NAME
# has received COUNT lines holding TEXT (where the numbers are not the point).
sees_count() {
  local end=$((SECONDS + ${4:-10})) n
  while ((SECONDS <= end)); do
    n=$(grep -caF -- "$2" "$T/$1.out" 2>/dev/null) || true
    ((${n:-0} >= $3)) && return 0
    sleep 0.01
  done
  show_file "server stderr" "$T/server.err"
  fail_check "client $1 received: $(printable "$T/$1.out")$(server_state)" "client $1 to receive $3 lines holding \"$2\" within ${4:-10} s"
}

# received NAME WHAT PRINTF-ARGS...: client NAME has received exactly these
# bytes (waiting up to 10 s for them to arrive).
received() {
  local name=$1 what=$2
  shift 2
  printf "$@" >"$T/$name.want"
  received_file "$name" "$what" "$T/$name.want"
}

# received_file NAME WHAT FILE: the same, for the bytes of FILE.
received_file() {
  local name=$1 what=$2 want=$3 size end=$((SECONDS + 10))
  size=$(stat -c %s "$want")
  while (($(stat -c %s "$T/$name.out") < size && SECONDS <= end)); do sleep 0.01; done
  cmp -s "$want" "$T/$name.out" && return 0
  evidence expected "$what: $(printable "$want")"
  evidence seen "$(printable "$T/$name.out") ($(stat -c %s "$T/$name.out") bytes; $(cmp "$want" "$T/$name.out" 2>&1 | head -n 1 | sed 's/^[^:]*: //'))$(server_state)"
  return 1
}

# left NAME [SECONDS]: wait until client NAME's peer process has exited.
left() {
  local name=$1
  if ! exited_within "${CLIENT_GROUP[$name]}" "${2:-10}"; then
    fail_check "client $name still running after ${2:-10} s" "client $name gone"
    return 1
  fi
}

# chat_peer LIMIT NAME ARGS...: the grader's peer; its verdict is in
# $T/NAME.out, STATUS 0 when the server did as expected.
chat_peer() {
  local limit=$1 name=$2
  shift 2
  run_program "$limit" "$name" "$GRADER_TOOLS/chat-peer" "$@"
}

# peer_failed NAME EXPECTED: report the peer's verdict.
peer_failed() {
  local seen
  seen=$(head -c 400 "$T/$1.out")
  [[ -n $seen ]] || seen="the peer $(describe_status "$STATUS") $(head -c 200 "$T/$1.err")"
  show_file "server stderr" "$T/server.err"
  fail_check "$seen$(server_state)" "$2"
}

# server_hwm: the server's peak resident memory in KiB (VmHWM).
server_hwm() {
  local pid
  pid=$(program_pids "$SERVER" | head -n 1)
  [[ -n $pid ]] && awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null
}

# --- compiling --------------------------------------------------------------

@test "compiles without errors [1 pt]" { check_compiles; }

@test "compiles without warnings [1 pt]" { check_no_warnings; }

# --- the chat ---------------------------------------------------------------

@test "numbers clients 1, 2, 3..., announces joins and leaves, never reuses a number [3 pts]" {
  hint "Keep a counter that only grows: the Nth client accepted is number N, even after others left. On accept, send \"* N joined\" to every client already there (not to the newcomer); when a connection ends, send \"* N left\" to everyone still there." \
    09-many-clients#the-event-loop-with-poll 09-many-clients#per-client-buffers
  needs server
  start_chat_server 30 "$T/chat.sock" || return 1
  join a && join b || return 1
  sees a '* 2 joined' || return 1
  join c || return 1
  sees b '* 3 joined' || return 1
  leave b
  sees c '* 2 left' || return 1
  join d || return 1
  sees c '* 4 joined' || return 1
  leave a
  sees d '* 1 left' || return 1
  join e || return 1
  sees d '* 5 joined' || return 1
  received a "client 1 saw" '* 2 joined\n* 3 joined\n* 2 left\n* 4 joined\n' || return 1
  received c "client 3 (a newcomer hears nothing about itself)" '* 2 left\n* 4 joined\n* 1 left\n* 5 joined\n' || return 1
  received d "client 4, which joined after client 2 left (its number is not reused)" '* 1 left\n* 5 joined\n'
}

@test "relays each line to every other client, never back to the sender [3 pts]" {
  hint "For each complete line from client N, queue \"[N] LINE\\n\" for every client except N itself, in the order you read the lines." \
    09-many-clients#the-event-loop-with-poll 09-many-clients#per-client-buffers
  needs server
  start_chat_server 30 "$T/chat.sock" || return 1
  join a && join b && join c || return 1
  sees a '* 3 joined' && sees b '* 3 joined' || return 1
  say a 'hello from one\n'
  sees c '[1] hello from one' && sees b '[1] hello from one' || return 1
  say b 'and from two\n'
  sees c '[2] and from two' && sees a '[2] and from two' || return 1
  join d || return 1
  sees a '* 4 joined' && sees b '* 4 joined' && sees c '* 4 joined' || return 1
  received c "client 3" '[1] hello from one\n[2] and from two\n* 4 joined\n' || return 1
  received a "client 1 (the sender of \"hello from one\")" '* 2 joined\n* 3 joined\n[2] and from two\n* 4 joined\n' || return 1
  received b "client 2 (the sender of \"and from two\")" '* 3 joined\n[1] hello from one\n* 4 joined\n'
}

# waits about 0.5 s: one byte per write, with pauses
@test "reads lines split at every byte and many lines in one write [3 pts]" {
  hint "One recv may return part of a line, or several lines and part of the next: append what arrives to that client's input buffer, relay every complete line (up to each \\n), and keep the rest for the next read. At EOF, drop an unfinished line." \
    09-many-clients#lines-from-a-stream 09-many-clients#per-client-buffers
  needs server
  start_chat_server 30 "$T/chat.sock" || return 1
  join a && join b || return 1
  sees a '* 2 joined' || return 1
  local text='split, byte by byte' i
  for ((i = 0; i < ${#text}; i++)); do
    say b '%s' "${text:i:1}"
    sleep 0.02 # one byte per read: the pause is the point of this test
  done
  say b '\n'
  sees a "[2] $text" || return 1
  local many
  many=$(seq -f 'line %g of many' 1 200)
  say b '%s\n' "$many"
  sees a '[2] line 200 of many' || return 1
  say b 'half a line, then EOF'
  leave b
  sees a '* 2 left' || return 1
  { printf '* 2 joined\n[2] %s\n' "$text"; seq -f '[2] line %g of many' 1 200; printf '* 2 left\n'; } >"$T/a.want"
  received_file a "client 1: the byte-by-byte line, 200 lines sent in one write, and no unterminated line at EOF" "$T/a.want"
}

@test "relays empty lines, NUL and CR bytes intact [2 pts]" {
  hint "A line is every byte up to \\n, NUL and \\r included: copy lines with memchr/memcpy and their length, never with strlen, strchr, %s or fgets; an empty line is relayed as \"[N] \\n\"." \
    09-many-clients#lines-from-a-stream
  needs server
  start_chat_server 30 "$T/chat.sock" || return 1
  join a && join b || return 1
  sees a '* 2 joined' || return 1
  # shellcheck disable=SC2046,SC2059
  printf "$(printf '\\%03o' $(seq 0 9) $(seq 11 255))" >"$T/bytes" # every byte but \n
  say b '\nNUL\0inside\n\r\nends in cr\r\n'
  say_file b "$T/bytes"
  say b '\n'
  { printf '* 2 joined\n[2] \n[2] NUL\0inside\n[2] \r\n[2] ends in cr\r\n[2] '; cat "$T/bytes"; printf '\n'; } >"$T/a.want"
  # Client 2's lines must all be relayed before client 3 joins: nc forwards
  # them when it gets to it, and a join is announced at once.
  received_file a "client 1: an empty line, NUL and \\r bytes, and every byte value but \\n" "$T/a.want" || return 1
  # Then nothing more of client 2's: the next thing client 1 gets is the join.
  join c || return 1
  sees a '* 3 joined' || return 1
  printf '* 3 joined\n' >>"$T/a.want"
  received_file a "client 1: client 2's lines, then \"* 3 joined\"" "$T/a.want"
}

@test "relays a 4096-byte line and refuses a longer one [2 pts]" {
  hint "Give each client an input buffer of 4096 bytes plus the \\n. When it is full and holds no \\n, the line is too long: queue \"* line too long\\n\" for that client, disconnect it, announce that it left, and relay nothing of that line." \
    09-many-clients#per-client-buffers 09-many-clients#slow-and-vanished-clients
  needs server
  start_chat_server 30 "$T/chat.sock" || return 1
  join a && join b || return 1
  sees a '* 2 joined' || return 1
  { head -c 4096 /dev/zero | tr '\0' 'x'; printf '\n'; } >"$T/4096"
  { head -c 4097 /dev/zero | tr '\0' 'y'; printf '\n'; } >"$T/4097"
  say_file b "$T/4096"
  sees a '[2] xxxx' || return 1
  join c "" socat || return 1
  sees a '* 3 joined' || return 1
  say_file c "$T/4097"
  sees a '* 3 left' || return 1
  say b 'still here\n'
  sees a '[2] still here' || return 1
  { printf '* 2 joined\n[2] '; cat "$T/4096"; printf '* 3 joined\n* 3 left\n[2] still here\n'; } >"$T/a.want"
  received_file a "client 1: the 4096-byte line, then client 3 leaving, nothing of its 4097-byte line" "$T/a.want" || return 1
  received c "client 3, which sent 4097 bytes before its \\n" '* line too long\n'
}

@test "drops a client that never reads, without slowing the others [3 pts]" {
  hint "Never block on one client: write what the socket takes now (non-blocking), queue the rest for POLLOUT, and when a client's queue passes 1 MiB disconnect it (and announce that it left). Keep the queue's bytes even on EAGAIN or a short write." \
    09-many-clients#slow-and-vanished-clients 09-many-clients#per-client-buffers 09-many-clients#non-blocking-sockets-and-eagain
  needs server
  start_chat_server 60 "$T/chat.sock" || return 1
  chat_peer 50 flood flood "$T/chat.sock" 16 45
  if [[ $STATUS != 0 ]]; then
    peer_failed flood "16 MiB relayed to two paced readers; the client that never reads disconnected and announced as left"
    return 1
  fi
  local hwm
  hwm=$(server_hwm) || hwm=
  if [[ -n $hwm ]] && ((hwm > 65536)); then
    fail_check "the server's peak memory (VmHWM) was $((hwm / 1024)) MiB after relaying 16 MiB" \
      "memory bounded: at most 1 MiB queued for the client that does not read (under 64 MiB in all)"
  fi
}

@test "100 clients at once all see one order of events [3 pts]" {
  hint "Handle every event (a join, a line, a leave) completely, giving it to every client's output queue, before the next one: each client's queue is then a slice of one global order. Accept many clients (poll/epoll, not one thread or process each) and keep reading from all of them." \
    09-many-clients#the-event-loop-with-poll 09-many-clients#fairness 09-many-clients#running-out-of-descriptors
  needs server
  start_chat_server 60 "$T/chat.sock" || return 1
  chat_peer 50 crowd crowd "$T/chat.sock" 100 45
  [[ $STATUS == 0 ]] || peer_failed crowd "100 clients: each one's lines relayed to the 99 others, joins and leaves seen, every client's events a subsequence of one order"
}

@test "serves TCP over 127.0.0.1 and ::1 [2 pts]" {
  hint "A PORT means every local address: one AF_INET6 socket with IPV6_V6ONLY set to 0 (it takes IPv4 clients too) bound to in6addr_any, or two sockets, one per family, both in your poll set." \
    09-many-clients#the-event-loop-with-poll 04-addresses#dual-stack-and-ipv6_v6only
  needs server
  local port
  port=$(free_port)
  start_chat_server 30 "$port" || return 1
  join a "127.0.0.1:$port" && join b "::1:$port" || return 1
  sees a '* 2 joined' || return 1
  say a 'over IPv4\n'
  sees b '[1] over IPv4' || return 1
  say b 'over IPv6\n'
  sees a '[2] over IPv6'
}

@test "restarts at once on the same port (SO_REUSEADDR) [1 pt]" {
  hint "Connections the server closed first stay in TIME_WAIT for a minute and make bind fail with EADDRINUSE: set SO_REUSEADDR on the listening socket before bind." \
    05-lifecycle#time_wait-and-so_reuseaddr
  needs server
  local port
  port=$(free_port)
  start_chat_server 30 "$port" || return 1
  join a && join b || return 1
  sees a '* 2 joined' || return 1
  say b 'before the restart\n'
  sees a '[2] before the restart' || return 1
  stop_server TERM "$SERVER" || true # the server closes first: TIME_WAIT on its side
  start_chat_server 30 "$port" || return 1
  join c && join d || return 1
  sees c '* 2 joined' || return 1
  say d 'after the restart\n'
  sees c '[2] after the restart'
}

@test "replaces a stale socket file, refuses to remove anything else [1 pt]" {
  hint "lstat PATH before bind: a socket left by a killed server is unlinked; anything else (a regular file...) is left alone, with a message and exit status 1." \
    04-addresses#stale-socket-files
  needs server
  printf 'not a socket\n' >"$T/file"
  cp "$T/file" "$T/file.orig"
  run_program 5 refused "$(student chat-server)" "$T/file"
  if [[ $STATUS != 1 ]] || ! cmp -s "$T/file" "$T/file.orig"; then
    fail_check "with a regular file at PATH: $(describe_status "$STATUS" 5)$([[ -f $T/file ]] || printf ', and the file was removed')" \
      "exit status 1, the file untouched"
    return 1
  fi
  "$GRADER_TOOLS/stream-peer" stale "$T/chat.sock"
  start_chat_server 30 "$T/chat.sock" || return 1
  join a && join b || return 1
  sees a '* 2 joined' || return 1
  say b 'over a stale file\n'
  sees a '[2] over a stale file'
}

@test "survives clients that vanish (SIGPIPE) [2 pts]" {
  hint "Sending to a client that has closed raises SIGPIPE, which kills the process: ignore SIGPIPE (or send with MSG_NOSIGNAL) and treat EPIPE/ECONNRESET as that client leaving." \
    09-many-clients#slow-and-vanished-clients 05-lifecycle#vanished-peers-and-sigpipe
  needs server
  start_chat_server 30 "$T/chat.sock" || return 1
  join w && join y "" close && join z "" close || return 1
  sees w '* 3 joined' || return 1
  # While the server is stopped, client 2 sends lines and closes, and client 3
  # closes: whatever it handles first, it then writes to a closed socket.
  signal_program STOP "$SERVER" || true
  say y 'one\ntwo\n'
  leave y
  leave z
  left y 10 && left z 10 || { signal_program CONT "$SERVER"; return 1; }
  signal_program CONT "$SERVER" || true
  sees w '* 2 left' && sees w '* 3 left' || return 1
  join v || return 1
  sees_count w ' joined' 3
}

@test "one thread, an event loop over poll or epoll, non-blocking client sockets [2 pts]" {
  hint "No fork and no threads: one loop around poll/ppoll or epoll_wait serves every client. Make each accepted socket non-blocking (fcntl O_NONBLOCK, or accept4 with SOCK_NONBLOCK) so that no recv or send can ever stall the loop." \
    09-many-clients#the-event-loop-with-poll 09-many-clients#non-blocking-sockets-and-eagain 09-many-clients#epoll
  needs server
  start_chat_server 30 "$T/chat.sock" "${STRACE[@]}" "$T/server.trace" || return 1
  join a && join b && join c || return 1
  sees a '* 3 joined' || return 1
  say a 'traced\n'
  sees c '[1] traced' || return 1
  leave b
  sees c '* 2 left' || return 1
  stop_server TERM "$SERVER" 10 || true
  local calls
  calls=$(grep -Eo '^[0-9]+ +(fork|vfork|clone|clone3)\(' "$T/server.trace" | head -n 1)
  if [[ -n $calls ]]; then
    fail_check "the server called ${calls##* }...) : a new process or thread" "one process, one thread"
    return 1
  fi
  if (($(grep -Ec '^[0-9]+ +(poll|ppoll|epoll_wait|epoll_pwait|epoll_pwait2)\(' "$T/server.trace") < 3)); then
    fail_check "no loop over poll, ppoll or epoll_wait in the server's system calls" "an event loop over poll or epoll"
    return 1
  fi
  local blocking
  blocking=$(blocking_clients "$T/server.trace")
  if [[ -n $blocking ]]; then
    fail_check "$blocking" "every accepted socket non-blocking (accept4 SOCK_NONBLOCK, fcntl O_NONBLOCK or ioctl FIONBIO)"
  fi
}

# blocking_clients TRACE: the accepted descriptors never made non-blocking.
blocking_clients() {
  awk '
    { sub(/^[0-9]+ +/, "") }
    /^(accept|accept4)\(.*\) += [0-9]+$/ {
      fd = $NF + 0
      accepted++
      if (fd in pending) bad++
      pending[fd] = ($0 !~ /SOCK_NONBLOCK/)
      if (!pending[fd]) delete pending[fd]
      next
    }
    /^fcntl\([0-9]+, F_SETFL, .*O_NONBLOCK/ && match($0, /^fcntl\([0-9]+/) { delete pending[substr($0, 7, RLENGTH - 6) + 0]; next }
    /^ioctl\([0-9]+, FIONBIO, \[1\]/ && match($0, /^ioctl\([0-9]+/) { delete pending[substr($0, 7, RLENGTH - 6) + 0]; next }
    END {
      for (fd in pending) bad++
      if (bad) printf "%d of %d accepted sockets were never made non-blocking\n", bad, accepted
    }
  ' "$1"
}

# unclosed_clients TRACE: how many accepted descriptors were never closed.
unclosed_clients() {
  awk '
    { sub(/^[0-9]+ +/, "") }
    /^(accept|accept4)\(.*\) += [0-9]+$/ { open[$NF + 0] = 1; next }
    /^close\([0-9]+\) += 0/ && match($0, /^close\([0-9]+/) { delete open[substr($0, 7, RLENGTH - 6) + 0]; next }
    /^close_range\(/ && match($0, /^close_range\([0-9]+, [0-9]+/) {
      split(substr($0, 13, RLENGTH - 12), b, ", ")
      for (fd in open) if (fd + 0 >= b[1] + 0 && fd + 0 <= b[2] + 0) delete open[fd]
    }
    END { n = 0; for (fd in open) n++; print n }
  ' "$1"
}

@test "closes the descriptor of every client that leaves [1 pt]" {
  hint "When a connection ends, however it ends (EOF, an error, a line too long, too much output), close its descriptor and free its buffers, and remove it from your poll set." \
    09-many-clients#slow-and-vanished-clients a-debugging#reading-strace-output
  needs server
  start_chat_server 30 "$T/chat.sock" "${STRACE[@]}" "$T/server.trace" || return 1
  join w || return 1
  local i
  for i in $(seq 1 5); do
    join "c$i" || return 1
    sees_count w ' joined' "$i" || return 1
    say "c$i" 'bye\n'
    leave "c$i"
    sees_count w ' left' "$i" || return 1
  done
  stop_server TERM "$SERVER" 10 || true
  local open
  open=$(unclosed_clients "$T/server.trace")
  # Client 1 is still connected when the server stops: closing it at exit
  # is the cleanup check's business.
  if ((open > 1)); then
    fail_check "$((open - 1)) of the 5 clients that left had their descriptors never closed" \
      "close(fd) for every client that leaves"
  fi
}

# --- the command line and the end ------------------------------------------------

@test "rejects bad arguments with exit status 2 [1 pt]" {
  hint "A PORT is decimal digits from 1 to 65535; a PATH (it contains a /) must be shorter than 108 bytes (sun_path with its NUL); and there is exactly one argument. Anything else: a usage line on stderr and exit status 2." \
    04-addresses#path-length 05-lifecycle#errors-and-exit-statuses
  needs server
  local too_long fits
  too_long=$(long_path 108)
  fits=$(long_path 107)
  usage_errors "chat-server" "chat-server 0" "chat-server 65536" "chat-server 99999999999999999999" \
    "chat-server $too_long" "chat-server $fits extra" || return 1
  start_chat_server 20 "$fits" || { evidence seen "(a 107-byte PATH fits and must work)"; return 1; }
}

@test "exits 0 on SIGINT and on SIGTERM [2 pts]" { check_signal_exit; }

@test "cleans up on exit: socket file removed, descriptors closed [2 pts]" { check_cleanup; }

@test "no memory errors or leaks under valgrind [2 pts]" { check_valgrind; }
