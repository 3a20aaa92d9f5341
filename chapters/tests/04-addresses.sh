# Example test for chapter 4: sizes, unix-addr, resolve, ephemeral.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out=$(run 5 "$BIN/sizes")
echo "$out"
expect "sockaddr_un is 110 bytes with a 108-byte path" grep -qx 'sockaddr_un      110 bytes: sun_path at 2, 108 bytes long' <<<"$out"
expect "sockaddr_in6 is 28 bytes" grep -q '^sockaddr_in6      28 bytes' <<<"$out"

out=$(run 5 "$BIN/unix-addr" "$T/ua.sock")
echo "$out"
expect "pathname address and length" grep -qx "pathname  length $((2 + ${#T} + 9)), path $T/ua.sock" <<<"$out"
expect "abstract address" grep -qE '^abstract  length [0-9]+, abstract @socket-workbook-[0-9]+$' <<<"$out"
expect "unnamed address has length 2" grep -qx 'unnamed   length  2, unnamed' <<<"$out"
expect "the socket file stays behind" test -S "$T/ua.sock"
out=$(run 5 "$BIN/unix-addr" "$T/ua.sock")
expect "a stale socket file is replaced" grep -qx "removing stale socket file $T/ua.sock" <<<"$out"

echo precious > "$T/file"
set +e; run 5 "$BIN/unix-addr" "$T/file" 2>err; rc=$?; set -e
expect "a regular file is refused with exit 1" test "$rc" -eq 1
expect "with a message" grep -q 'exists and is not a socket' err
expect "and left untouched" test "$(cat "$T/file")" = precious

p107="$T/$(printf 'p%.0s' $(seq $((107 - ${#T} - 1))))"
p108="${p107}q"
expect "107 bytes is allowed" run 5 "$BIN/unix-addr" "$p107"
set +e; run 5 "$BIN/unix-addr" "$p108" 2>/dev/null; rc=$?; set -e
expect "108 bytes is a usage error" test "$rc" -eq 2

out=$(run 5 "$BIN/resolve" 127.0.0.1 8080)
echo "$out"
expect "resolve shows network byte order" grep -q '^AF_INET  127.0.0.1        port 8080 (stored as 0x901f, ntohs gives 8080), addrlen 16$' <<<"$out"
set +e; run 5 "$BIN/resolve" 127.0.0.1 no-such-service-name 2>err; rc=$?; set -e
expect "resolve reports a bad service with exit 1" test "$rc" -eq 1

if out=$(run 5 "$BIN/ephemeral" 2>&1); then
  echo "$out"
  expect "the server got an ephemeral port" grep -qE '^server  :: port [1-9][0-9]*$' <<<"$out"
  expect "the IPv4 client is IPv4-mapped" grep -qE '^client  ::ffff:127\.0\.0\.1 port [1-9][0-9]*$' <<<"$out"
  port=$(sed -n 's/^server  :: port //p' <<<"$out")
  expect "the accepted socket has the listener's port" grep -qx "accepted ::ffff:127.0.0.1 port $port" <<<"$out"
  expect "UDP has a port space of its own" grep -qx 'udp     bound to the same port number too' <<<"$out"

  # AI_PASSIVE with AF_UNSPEC: both wildcards; dual stack lets only one bind.
  out=$(run 5 "$BIN/passive" 0)
  echo "$out"
  expect "AI_PASSIVE gives 0.0.0.0" grep -qE '^AF_INET  0\.0\.0\.0 ' <<<"$out"
  expect "and ::" grep -qE '^AF_INET6 :: ' <<<"$out"
  expect "dual stack: the second wildcard is in use" test "$(grep -c 'Address already in use$' <<<"$out")" -eq 1
  out=$(run 5 "$BIN/passive" 0 v6only)
  echo "$out"
  expect "with IPV6_V6ONLY both bind" test "$(grep -c ' bound$' <<<"$out")" -eq 2
else
  echo "$out"
  expect "ephemeral fails only without IPv6" grep -q 'Address family not supported' <<<"$out"
fi
