# Example test for chapter 10: http-uds-server answering curl and raw requests
# sent with printf | nc -U (whole, in pieces, pipelined, malformed).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sock="$T/d.sock"
bg 60 "$BIN/http-uds-server" "$sock" 2>server.log
server=$!
wait_unix_listen "$sock"

# raw BYTES: send them with nc, shutting down our side at the end; print the answer
raw() { printf "$1" | run 15 nc -N -U "$sock"; }
# count REGEX: how many lines of the server's log match
count() { grep -cE "$1" server.log || true; }

expect "the socket file is mode 0660" test "$(stat -c %a "$sock")" = 660
expect "and holds no data: a socket of size 0" test "$(stat -c '%F %s' "$sock")" = "socket 0"

out=$(run 10 curl -sS -i --unix-socket "$sock" http://localhost/_ping)
echo "$out"
expect "curl gets 200" grep -q $'^HTTP/1.1 200 OK\r$' <<<"$out"
expect "with an Api-Version field" grep -q $'^Api-Version: 1.43\r$' <<<"$out"
expect "and the body OK" test "$(run 10 curl -sS --unix-socket "$sock" http://localhost/_ping)" = OK

out=$(run 10 curl -sS --fail --unix-socket "$sock" http://localhost/v1.43/version)
echo "$out"
expect "a version prefix is accepted" grep -q '"ApiVersion":"1.43"' <<<"$out"
out=$(run 10 curl -sS --unix-socket "$sock" 'http://localhost/version?x=1')
expect "a query string is ignored" grep -q '"MinAPIVersion":"1.24"' <<<"$out"

raw 'HEAD /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >head.out
cat head.out
expect "HEAD gets the GET's Content-Length" grep -q $'^Content-Length: 2\r$' head.out
expect "and no body: the answer ends with the empty line" test "$(tail -c 4 head.out | od -An -c | tr -d ' ')" = '\r\n\r\n'

out=$( { printf 'GET /_p'; sleep 0.5; printf 'ing HTTP/1.1\r\nHo'; sleep 0.5; printf 'st: x\r\n\r\n'; } |
       run 15 nc -N -U "$sock")
echo "$out"
expect "a request in three pieces is answered once" test "$(grep -c '^HTTP/1.1 200 OK' <<<"$out")" = 1
expect "with its body" test "${out: -2}" = OK

before=$(count 'GET /_ping -> 200')
out=$(run 15 curl -sS -v --unix-socket "$sock" http://localhost/_ping http://localhost/_ping 2>&1)
echo "$out"
expect "keep-alive: curl's second request reuses the connection" grep -qi 're-using existing connection' <<<"$out"
expect "and both were served" test "$(count 'GET /_ping -> 200')" = $((before + 2))

out=$(raw 'GET /_ping HTTP/1.1\r\nHost: x\r\n\r\nGET /version HTTP/1.1\r\nHost: x\r\n\r\nHEAD /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
echo "$out"
# "OK" has no newline: the next status line follows it on the same text line
expect "three pipelined requests get three answers" test "$(grep -o 'HTTP/1.1 200 OK' <<<"$out" | wc -l)" = 3
expect "only the last one says Connection: close" test "$(grep -c '^Connection: close' <<<"$out")" = 1

out=$(run 10 curl -sS -i --unix-socket "$sock" http://localhost/v1.43/containers/nope)
echo "$out"
expect "an unknown path is 404" grep -q $'^HTTP/1.1 404 Not Found\r$' <<<"$out"
expect "with a JSON message" grep -q '^{"message":"page not found"}$' <<<"$out"

out=$(run 10 curl -sS -i -X POST --unix-socket "$sock" http://localhost/_ping)
echo "$out"
expect "POST on /_ping is 405" grep -q $'^HTTP/1.1 405 Method Not Allowed\r$' <<<"$out"
expect "with an Allow field" grep -q $'^Allow: GET, HEAD\r$' <<<"$out"

out=$(raw 'GET /_ping HTTP/1.1\r\n\r\nGET /_ping HTTP/1.1\r\nHost: x\r\n\r\n')
echo "$out"
expect "HTTP/1.1 without Host is 400" grep -q $'^HTTP/1.1 400 Bad Request\r$' <<<"$out"
expect "and the connection ends there" test "$(grep -c '^HTTP/1.1' <<<"$out")" = 1

out=$(raw 'GET /_ping HTTP/1.1\r\nHost : x\r\n\r\n')
expect "a space before the colon is 400" grep -q '^HTTP/1.1 400' <<<"$out"
out=$(raw 'GET /_ping HTTP/1.1\nHost: x\n\n\r\n\r\n')
expect "bare LFs are 400" grep -q '^HTTP/1.1 400' <<<"$out"

out=$(raw 'GET /_ping HTTP/1.0\r\n\r\n')
echo "$out"
expect "HTTP/1.0 without Host is fine" grep -q $'^HTTP/1.1 200 OK\r$' <<<"$out"
expect "and is answered with Connection: close" grep -q $'^Connection: close\r$' <<<"$out"

out=$(raw 'POST /_ping HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello')
expect "a request with a body is answered, then the connection closed" \
  grep -q $'^Connection: close\r$' <<<"$out"

out=$( { printf 'GET /_ping HTTP/1.1\r\nHost: x\r\n'; head -c 9000 /dev/zero | tr '\0' 'a'; } |
       run 15 nc -N -U "$sock")
echo "$out"
expect "a head over 8 KiB is 431" grep -q $'^HTTP/1.1 431 Request Header Fields Too Large\r$' <<<"$out"

cat server.log
expect "the server survived all of it" run 10 curl -sS --fail --unix-socket "$sock" http://localhost/_ping -o /dev/null
kill -TERM "$server"
set +e; wait "$server"; rc=$?; set -e
expect "the server exits 0 on SIGTERM" test "$rc" -eq 0
expect "and removes its socket file" test ! -e "$sock"

set +e; run 5 "$BIN/http-uds-server" "$T/$(printf 'x%.0s' {1..110})" 2>/dev/null; rc=$?; set -e
expect "a path too long is a usage error" test "$rc" -eq 2
