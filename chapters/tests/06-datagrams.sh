# Example test for chapter 6: udp-boundaries, udp-connected, udp-size,
# retry-client, unix-dgram-reply.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out=$(run 5 "$BIN/udp-boundaries")
echo "$out"
port=$(sed -n 's/^client port after the first sendto: \([0-9]*\)$/\1/p' <<<"$out")
expect "no port before the first sendto" grep -qx 'client port before the first sendto: 0' <<<"$out"
expect "an ephemeral port after it" test "${port:-0}" -gt 0
expect "3 bytes from the client's port" grep -qx "server got 3 bytes \[one\] from 127.0.0.1 port $port" <<<"$out"
expect "an empty datagram is a datagram" grep -qx "server got 0 bytes \[\] from 127.0.0.1 port $port" <<<"$out"
expect "5 bytes" grep -qx "server got 5 bytes \[three\] from 127.0.0.1 port $port" <<<"$out"
expect "three replies, upper-cased, in order" \
  test "$(grep '^client got' <<<"$out" | tr '\n' '|')" = 'client got 3 bytes [ONE]|client got 0 bytes []|client got 5 bytes [THREE]|'

out=$(run 10 "$BIN/udp-connected")
echo "$out"
expect "send without an address" grep -qx "the server's reply: recv gives \[PONG\]" <<<"$out"
expect "the stranger is filtered" grep -qx 'stranger, then server: recv gives \[more\]' <<<"$out"
expect "nothing else queued" grep -qx 'and after that: nothing within 100 ms' <<<"$out"
expect "send to a closed port succeeds" grep -qx 'send to the closed port returns 4' <<<"$out"
expect "a later call says ECONNREFUSED" grep -qx 'the next call: recv fails: Connection refused' <<<"$out"
expect "an unconnected socket hears nothing" grep -qx 'unconnected socket: nothing within 200 ms' <<<"$out"

out=$(run 5 "$BIN/udp-size")
echo "$out"
expect "65507 bytes go" grep -qx 'send 65507 bytes: sent 65507, recv gets 65507' <<<"$out"
expect "65508 bytes are refused" grep -qx 'send 65508 bytes: Message too long' <<<"$out"
expect "a short buffer truncates" grep -qx 'recv, 16-byte buffer: 16 bytes \[0123456789012345\]' <<<"$out"
expect "recvmsg flags MSG_TRUNC" grep -qx 'recvmsg, 16-byte buffer: 16 bytes, MSG_TRUNC set' <<<"$out"
expect "peek gives the real size" grep -qx 'recv(MSG_PEEK | MSG_TRUNC), no buffer: the next one has 100 bytes' <<<"$out"
expect "MSG_TRUNC returns the real length" grep -qx 'recv(MSG_TRUNC), 16-byte buffer: returns 100, keeps 16' <<<"$out"
expect "the rest is gone" grep -qx 'anything left? no' <<<"$out"

start=$(date +%s%N)
out=$(run 10 "$BIN/retry-client")
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "$out"
echo "(took $ms ms)"
expect "the first try is lost" grep -qx 'server: loses \[hello\]' <<<"$out"
expect "the second try is answered" grep -qx 'server: answers \[hello\]' <<<"$out"
expect "the reply is printed" grep -qx 'reply: \[HELLO\]' <<<"$out"
expect "exactly two tries for the first request" test "$(grep -c '^try [0-9]: send \[hello\]$' <<<"$out")" -eq 2
expect "three tries for the unanswered one" test "$(grep -c '^try [0-9]: send \[anyone?\]$' <<<"$out")" -eq 3
expect "each one timed out" test "$(grep -c '^try [0-9]: no reply within 200 ms$' <<<"$out")" -eq 4
expect "then it gives up" grep -qx 'no reply after 3 tries: giving up' <<<"$out"
expect "4 timeouts of 200 ms take 0.8 s or a little more" test "$ms" -ge 790 -a "$ms" -lt 5000

out=$(run 5 "$BIN/unix-dgram-reply")
echo "$out"
dir=$(sed -n 's|^server: bound to \(/.*\)/server\.sock$|\1|p' <<<"$out")
expect "the server binds a path" test -n "$dir"
expect "the unbound client's datagram arrives without an address" \
  grep -qxE 'server: got \[hello\] from no address \(length (0|2)\)' <<<"$out"
expect "and cannot be answered" \
  grep -qxE 'server: cannot reply: (Transport endpoint is not connected|Invalid argument)' <<<"$out"
name=$(sed -n 's/^client 2 (autobound): my address is @\([0-9a-f]\{5\}\) (length 8)$/\1/p' <<<"$out")
expect "autobind gives @ and 5 hex digits" test -n "$name"
expect "the server sees that name" grep -qx "server: got \[hello\] from @$name (length 8)" <<<"$out"
expect "and its reply arrives" grep -qx 'client 2: got \[HELLO\]' <<<"$out"
expect "the socket file and directory are gone" test ! -e "$dir"
