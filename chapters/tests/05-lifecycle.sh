# Example test for chapter 5: clock-server and clock-client talking, errors,
# signals; deadlock-demo; sigpipe-demo; reuse-demo.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sock="$T/clock.sock"
bg 20 "$BIN/clock-server" "$sock" 2>server.log
server=$!
wait_unix_listen "$sock"
for i in 1 2 3; do
  out=$(run 5 "$BIN/clock-client" "$sock")
  expect "client $i got a time line" grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$' <<<"$out"
done
kill -TERM "$server"
set +e; wait "$server"; rc=$?; set -e
cat server.log
expect "the server exits 0 on SIGTERM" test "$rc" -eq 0
expect "and removes its socket file" test ! -e "$sock"

set +e; run 5 "$BIN/clock-client" "$sock" 2>err; rc=$?; set -e
expect "a missing server is exit 1" test "$rc" -eq 1
expect "with a message naming the call and the cause" grep -qx "clock-client: connect $sock: No such file or directory" err

bg 20 "$BIN/clock-server" "$sock" 2>server.log
server=$!
wait_unix_listen "$sock"
kill -INT "$server"
set +e; wait "$server"; rc=$?; set -e
expect "the server exits 0 on SIGINT" test "$rc" -eq 0

set +e; run 5 "$BIN/clock-server" "$T/$(printf 'x%.0s' {1..110})" 2>/dev/null; rc=$?; set -e
expect "a path too long is a usage error" test "$rc" -eq 2

set +e; out=$(run 10 "$BIN/deadlock-demo" naive 4194304); rc=$?; set -e
echo "$out"
expect "naive writing deadlocks on 4 MiB" grep -qE '^deadlock: stuck in write after [0-9]+ of 4194304 bytes$' <<<"$out"
expect "and says so with exit 1" test "$rc" -eq 1
out=$(run 20 "$BIN/deadlock-demo" lockstep 16777216)
echo "$out"
expect "lock-step passes 16 MiB" test "$out" = "lockstep: 16777216 bytes sent and received, all upper-cased"

out=$(run 5 "$BIN/sigpipe-demo")
echo "$out"
expect "a plain write dies of SIGPIPE" grep -qx 'plain write: killed by signal 13 (Broken pipe)' <<<"$out"
expect "MSG_NOSIGNAL gives EPIPE" grep -qx 'send with MSG_NOSIGNAL: EPIPE (Broken pipe)' <<<"$out"
expect "over TCP the first send after the peer's close succeeds" grep -qx "tcp: send 1 after the peer's close: ok" <<<"$out"
expect "and the second fails with EPIPE" grep -qx "tcp: send 2 after the peer's close: EPIPE" <<<"$out"

out=$(run 5 "$BIN/reuse-demo")
echo "$out"
expect "TIME_WAIT blocks bind without SO_REUSEADDR" grep -qE '^without SO_REUSEADDR: bind 127\.0\.0\.1:[0-9]+: Address already in use$' <<<"$out"
expect "SO_REUSEADDR allows it" grep -qE '^with    SO_REUSEADDR: bind 127\.0\.0\.1:[0-9]+: ok$' <<<"$out"
expect "SO_REUSEADDR does not share a port with a TCP listener" \
  grep -qx 'a listener holds the port: bind with SO_REUSEADDR: Address already in use' <<<"$out"
expect "two UDP sockets with SO_REUSEADDR share a port" \
  grep -qE '^udp: two sockets with SO_REUSEADDR on 127\.0\.0\.1:[0-9]+: both bound$' <<<"$out"

out=$(run 15 "$BIN/backlog-demo")
echo "$out"
expect "AF_UNIX queues backlog+1, then connect says EAGAIN" \
  grep -qx 'unix: connect 4: Resource temporarily unavailable' <<<"$out"
expect "AF_UNIX: 3 queued for listen(fd, 2)" grep -qx 'unix: listen(fd, 2) queued 3 connections' <<<"$out"
expect "TCP: 3 queued for listen(fd, 2), the rest dropped" \
  grep -qx 'tcp: listen(fd, 2) queued 3 connections of 5 attempted' <<<"$out"

# Out of descriptors: the server pauses accepting instead of spinning on the
# queued client (a spinning loop logs thousands of EMFILE lines a second).
bg 20 bash -c 'ulimit -n 5 && exec "$0" "$1"' "$BIN/clock-server" "$sock" 2>server.log
server=$!
wait_unix_listen "$sock"
set +e; run 2 "$BIN/clock-client" "$sock" >/dev/null 2>&1; set -e
kill -TERM "$server"
set +e; wait "$server"; rc=$?; set -e
emfile=$(grep -c 'accept .*Too many open files' server.log || true)
echo "EMFILE lines: $emfile"
expect "EMFILE is reported" test "$emfile" -ge 1
expect "but the server does not spin on it" test "$emfile" -le 100
expect "and still exits 0 on SIGTERM" test "$rc" -eq 0

out=$(run 15 "$BIN/restart-demo" signal)
echo "$out"
expect "glibc's signal() restarts accept after the handler" \
  test "$out" = "signal: accept returned a client (handler ran: yes)"
out=$(run 15 "$BIN/restart-demo" sigaction)
echo "$out"
expect "sigaction without SA_RESTART interrupts it" \
  test "$out" = "sigaction: accept failed: Interrupted system call (handler ran: yes)"
