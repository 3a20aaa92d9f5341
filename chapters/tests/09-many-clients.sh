# Example test for chapter 9: line-split; fork-echo; thread-echo; stall-echo stalls every client
# behind one that does not read; poll-echo and epoll-echo serve two clients
# at once, drop a client that does not read, and exit 0 on signals;
# poll-echo refuses clients cleanly when it runs out of descriptors.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# wait_for SECONDS FILE REGEX: wait_line with a longer limit (an 8 MiB flood on a busy machine)
wait_for() {
  local i
  for ((i = 0; i < $1 * 10; i++)); do
    grep -qE "$3" "$2" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "no line matching '$3' in $2:" >&2; cat "$2" >&2 || true; return 1
}

# start_server PROG SOCKET LOG: sets $server
start_server() {
  bg 90 "$BIN/$1" "$2" 2>"$3"
  server=$!
  wait_unix_listen "$2"
}

# stop_server SIGNAL SOCKET: the server exits 0 and removes its socket file
stop_server() {
  local rc
  kill -"$1" "$server"
  set +e; wait "$server"; rc=$?; set -e
  expect "the server exits 0 on SIG$1" test "$rc" -eq 0
  expect "and removes its socket file" test ! -e "$2"
}

# echo_once SOCKET TEXT: one client sends TEXT, half-closes, prints the answer
echo_once() { echo "$2" | run 15 socat -t 10 - "UNIX-CONNECT:$1"; }

# two_clients SOCKET LOG: client A stays connected (its input is the fifo
# a.in, held open on fd 5) while client B comes, is answered and goes.
two_clients() {
  rm -f a.in a.out && mkfifo a.in
  exec 5<>a.in
  # (not through bg: an asynchronous command's own redirection keeps its stdin)
  timeout -k 2 30 socat -t 10 STDIO "UNIX-CONNECT:$1" <a.in >a.out 5>&- &
  BG_PIDS+=("$!")
  echo first-a >&5
  wait_for 15 a.out '^first-a$'
  expect "a second client is answered while the first stays connected" \
    test "$(echo_once "$1" hello-b)" = hello-b
  echo again-a >&5
  wait_for 15 a.out '^again-a$'
  exec 5>&-
  wait_for 15 "$2" 'client 1 left'
}

# flood SOCKET: a client that sends 8 MiB and never reads
flood() { bg 60 socat -u FILE:big "UNIX-CONNECT:$1" 2>/dev/null; }

head -c 8M /dev/zero >big

# line-split
out=$(printf 'one\ntwo\nsplit over reads\n\ntail' | run 5 "$BIN/line-split")
echo "$out"
expect "two lines from one read" grep -qx 'line of 3 bytes: two' <<<"$out"
expect "a line cut across reads" grep -qx 'line of 16 bytes: split over reads' <<<"$out"
expect "the empty line" grep -qx 'line of 0 bytes: ' <<<"$out"
expect "the unterminated tail dropped" grep -qx 'end of stream: 4 bytes without a newline dropped' <<<"$out"
set +e; out=$(printf 'a line of more than twenty bytes\n' | run 5 "$BIN/line-split"); rc=$?; set -e
echo "$out"
expect "an over-long line refused" test "$out" = 'line too long (over 20 bytes): a server drops this client'
expect "with status 1" test "$rc" -eq 1

# fork-echo: a process per client; a client that does not read stalls only its own
sock="$T/fork.sock"
start_server fork-echo "$sock" fork.log
two_clients "$sock" fork.log
flood "$sock"
flooder=$!
wait_for 15 fork.log 'client 3 joined'
expect "fork-echo answers while a client floods it" test "$(echo_once "$sock" during-flood)" = during-flood
kill -TERM "$flooder"
stop_server TERM "$sock"
cat fork.log

# thread-echo: a thread per client
sock="$T/thread.sock"
start_server thread-echo "$sock" thread.log
rm -f a.in a.out && mkfifo a.in
exec 5<>a.in
timeout -k 2 30 socat -t 10 STDIO "UNIX-CONNECT:$sock" <a.in >a.out 5>&- &
BG_PIDS+=("$!")
echo first-a >&5
wait_for 15 a.out '^first-a$'
flood "$sock"
flooder=$!
expect "thread-echo answers a client while another stays connected and one floods it" \
  test "$(echo_once "$sock" hello-b)" = hello-b
echo again-a >&5
wait_for 15 a.out '^again-a$'
exec 5>&-
kill -TERM "$flooder"
wait_for 15 thread.log 'left'
stop_server TERM "$sock"
cat thread.log

# stall-echo: one client that does not read stops the others
sock="$T/stall.sock"
start_server stall-echo "$sock" stall.log
flood "$sock"
flooder=$!
wait_for 30 stall.log 'blocking in send, every client waits'
rm -f b.in && mkfifo b.in && exec 6<>b.in
timeout -k 2 30 socat -t 10 STDIO "UNIX-CONNECT:$sock" <b.in >b.out 6>&- &
BG_PIDS+=("$!")
echo hello >&6
sleep 2
expect "while the server is stuck, the second client gets nothing" test ! -s b.out
kill -TERM "$flooder"
wait_for 15 b.out '^hello$'
echo "ok: when the non-reader is gone, the second client is answered"
exec 6>&-
stop_server TERM "$sock"
cat stall.log

# poll-echo and epoll-echo: two clients at once, a non-reader dropped
for prog in poll-echo epoll-echo; do
  sock="$T/$prog.sock"
  start_server "$prog" "$sock" "$prog.log"
  two_clients "$sock" "$prog.log"
  flood "$sock"
  expect "$prog answers while a client floods it" test "$(echo_once "$sock" during-flood)" = during-flood
  wait_for 30 "$prog.log" 'dropped: it does not read'
  expect "$prog answers after dropping the non-reader" test "$(echo_once "$sock" after)" = after
  stop_server INT "$sock"
  cat "$prog.log"
done

# poll-echo out of descriptors: refuses with the spare descriptor, serves on
sock="$T/few.sock"
bg 60 bash -c 'ulimit -n 12 && exec "$0" "$1"' "$BIN/poll-echo" "$sock" 2>few.log
server=$!
wait_unix_listen "$sock"
holders=()
for i in 1 2 3 4 5 6 7 8 9 10; do
  bg 30 socat -u "UNIX-CONNECT:$sock" CREATE:/dev/null
  holders+=("$!")
done
wait_for 15 few.log 'out of descriptors, refused a client'
expect "the server is still listening" wait_unix_listen "$sock"
for pid in "${holders[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
wait_for 15 few.log 'client [0-9]+ left'
expect "and serves new clients when some have left" test "$(echo_once "$sock" again)" = again
stop_server TERM "$sock"
cat few.log

set +e; run 5 "$BIN/poll-echo" "$T/$(printf 'x%.0s' {1..110})" 2>/dev/null; rc=$?; set -e
expect "a path too long is a usage error" test "$rc" -eq 2
