#!/usr/bin/env bats
# Lab 07 mini-dockerd: the checks, in the order a student meets them.
# programs: mini-dockerd
# Each check's points are in brackets at the end of its name: the only place
# they are written.
#
# The clients are real ones where they exist: curl --unix-socket, the Docker
# CLI (docker.io) and the Docker SDK for Python (python3-docker). Split,
# pipelined, oversize and garbage requests come from the grader's own HTTP
# peer, grader/peer/http-peer.py, which also reads answers byte-exactly
# (Content-Length framing, HEAD answers without a body, who closed).
#
# Checks that are not about Content-Length read an answer up to the close of
# the connection (the requests say "Connection: close"), so that a wrong
# Content-Length costs only its own check.

load test_helper

SERVER_PROGRAM=mini-dockerd

# --- helpers for this lab ---------------------------------------------------

# The Debian python3 has python3-docker; a python3 earlier in PATH may not.
PYTHON=python3
[[ -x /usr/bin/python3 ]] && PYTHON=/usr/bin/python3
# The HTTP peer needs only the standard library: -S skips the site module
# (and its search of dist-packages), a third of python's start-up here.
HTTP_PEER=("$PYTHON" -S "$GRADER_PEERS/http-peer.py")

# jq functions over one report of the HTTP peer (jq takes about 40 ms to
# start: a check asks it everything at once, not a question per answer).
PEER_JQ='
# The answers the peer read, one string each: STATUS and body.
def answers: .responses[] | "\(.status) \(.body | .[0:120])";
def statuses: [.responses[].status | tostring] | join(" ");
def summary: "\(.responses | length) answer(s): \([.responses[] | "\(.status) \(.body | .[0:60] | @json)"] | join(", "))"
  + (if .problem then "; \(.problem)" else "" end)
  + (if .trailing != "" then "; then \(.trailing | .[0:80] | @json)" else "" end)
  + (if .closed then "; then the server closed" elif .reset then "; then the connection was reset" else "" end);
# A check filter over a report: its output, or a complaint if it fails.
def judged(f): try f catch "a report the grader could not read: \(.)";
'

# The two containers the contract pins, with the fields it names.
PINNED='[
 {"Id":"4b5e57f6eb2f42b9039b3d1e13929295f231749c510cbe341cd68036d9af97e2","Names":["/web"],
  "Image":"nginx:1.25","Command":"/docker-entrypoint.sh nginx -g '"'daemon off;'"'","Created":1700000000,
  "Ports":[{"PrivatePort":80,"Type":"tcp"}],"State":"running","Status":"Up 2 hours"},
 {"Id":"7bdc25d1694ef984782a16f6f1710c1c6bc83ba7a131b515baf532bea021d011","Names":["/db"],
  "Image":"postgres:16","Command":"docker-entrypoint.sh postgres","Created":1699990000,
  "Ports":[{"PrivatePort":5432,"Type":"tcp"}],"State":"running","Status":"Up 3 hours"}]'

# start_server LIMIT [WRAPPER...]: the student's server on $T/d.sock under
# the optional WRAPPER words, waited for until it listens. Sets SERVER,
# SOCK, SERVER_ENDPOINT and SERVER_FILE (test_helper's standard checks).
start_server() {
  local limit=$1
  shift
  SOCK=$T/d.sock
  SERVER_ENDPOINT=$SOCK
  SERVER_FILE=$SOCK
  start_unix_server "$limit" "$SOCK" "$@"
}

# exercise_server: ordinary and odd traffic (for the signal, cleanup and
# valgrind checks), and a client left connected, idle, when the signal comes.
exercise_server() {
  curl_unix exercise -o /dev/null -o /dev/null -o /dev/null \
    http://localhost/_ping http://localhost/version http://localhost/v1.41/containers/json
  # Error answers are read up to the close, whatever their Content-Length.
  { http_request GET /containers/json; http_request HEAD /version; http_request GET /_ping "Connection: close"; } >"$T/ex1.req"
  printf 'GET /_ping HTTP/1.1\r\nX: %s\r\n\r\n' "$(head -c 20000 /dev/zero | tr '\0' a)" >"$T/ex2.req"
  printf 'GET /_ping HTTP/1.0\r\n\r\n' >"$T/ex3.req"
  # Malformed (a 400), but without the NUL byte that "survives binary
  # garbage" is about: a bug there must not cost these checks too.
  printf '\1\2\377 GET\r\n\r\n' >"$T/ex4.req"
  { http_request GET /_ping; http_request DELETE /version; http_request GET /nope; printf 'GET /x HTTP/1.1\r\nHost x\r\n\r\n'; } >"$T/ex5.req"
  run_program 40 exercise "${HTTP_PEER[@]}" "$SOCK" "$T"/ex{1,2,3,4,5}.req --wait 10
  # A client left connected and idle when the signal comes: connected once
  # curl (queued after it) has its answer.
  : >"$T/idle.req"
  rm -f "$T/idle.ready"
  spawn 60 idle "${HTTP_PEER[@]}" "$SOCK" "$T/idle.req" --pause-after 0 60 --ready "$T/idle.ready" --keep-open --wait 1
  local tries=1000
  while [[ ! -e $T/idle.ready ]] && ((tries-- > 0)); do sleep 0.01; done
  curl_unix exercise http://localhost/_ping
}

# http_request METHOD TARGET [HEADER...]: one HTTP/1.1 request with a Host
# header, CRLF line ends, on stdout.
http_request() {
  local method=$1 target=$2 header
  shift 2
  printf '%s %s HTTP/1.1\r\nHost: localhost\r\n' "$method" "$target"
  for header in "$@"; do printf '%s\r\n' "$header"; done
  printf '\r\n'
}

# peer LIMIT NAME REQUEST_FILE [OPTION...]: run the HTTP peer against $SOCK;
# its JSON report is in $T/NAME.out. Fails if the peer itself failed (e.g.
# the connection was refused).
peer() {
  local limit=$1 name=$2 request=$3
  shift 3
  run_program "$limit" "$name" "${HTTP_PEER[@]}" "$SOCK" "$request" "$@"
  # The peer prints its report as it exits, so exit status 0 means a whole one.
  if [[ $STATUS != 0 || ! -s $T/$name.out ]]; then
    peer_failed "$name" "$limit" "a server that accepts the connection and answers"
    return 1
  fi
}

# peer_each LIMIT NAME REQUEST... [-- OPTION...]: each REQUEST (printf-escaped
# text) on a connection of its own, one after the other, by one run of the
# peer with the OPTIONs; the report of the I-th (from 0) is in $T/NAME-I.out.
peer_each() {
  local limit=$1 name=$2 i=0 files=() reports=()
  shift 2
  while (($#)) && [[ $1 != -- ]]; do
    printf "$1" >"$T/$name-$i.req"
    files+=("$T/$name-$i.req")
    i=$((i + 1))
    shift
  done
  (($#)) && shift
  run_program "$limit" "$name" "${HTTP_PEER[@]}" "$SOCK" "${files[@]}" "$@"
  # One report per connection, one line each.
  [[ $STATUS == 0 ]] && mapfile -t reports <"$T/$name.out"
  if ((${#reports[@]} != ${#files[@]})); then
    peer_failed "$name" "$limit" "a server that accepts every connection and answers"
    return 1
  fi
  for i in "${!reports[@]}"; do printf '%s\n' "${reports[$i]}" >"$T/$name-$i.out"; done
}

# peer_failed NAME LIMIT EXPECTED: the evidence of a peer that could not
# finish its exchange.
peer_failed() {
  evidence "client error" "$(tail -n 2 "$T/$1.err" | paste -sd ' ')"
  fail_check "the client could not talk to the server ($(describe_status "$STATUS" "$2"))$(server_state)" "$3"
}

# peer_jq NAME FILTER [JQ-OPTION...]: FILTER (with PEER_JQ's functions) over
# the peer's report $T/NAME.out, raw output. A filter that fails prints a
# complaint, never nothing: checks take no output for "nothing wrong".
peer_jq() {
  jq -r "${@:3}" "$PEER_JQ judged($2)" "$T/$1.out" ||
    echo "a report the grader could not read"
}

# peer_summary NAME: what the peer saw, for a failure's evidence.
peer_summary() {
  peer_jq "$1" summary
}

# first_bad NAME COUNT FILTER [JQ-OPTION...]: FILTER over the reports
# $T/NAME-0.out ... $T/NAME-(COUNT-1).out in that order, by one jq; FILTER
# (which sees the report's index as $i) yields a complaint or nothing.
# Prints "I COMPLAINT" for the first report with one, nothing if none has;
# a filter that fails is a complaint (as in peer_jq).
first_bad() {
  local name=$1 count=$2 filter=$3 i files=()
  for ((i = 0; i < count; i++)); do files+=("$T/$name-$i.out"); done
  # Not first(...): jq 1.6's try inside first() catches first's own break.
  jq -r -s "${@:4}" "$PEER_JQ"' . as $reports | [range($reports | length) as $i
    | ($reports[$i] | judged('"$filter"')) as $bad
    | "\($i) \($bad)"] | .[0] // empty' "${files[@]}" ||
    echo "0 the reports the grader could not read"
}

# curl_unix NAME ARGS...: curl over $SOCK, output in $T/NAME.out; STATUS.
curl_unix() {
  local name=$1
  shift
  run_program 20 "$name" curl -sS --max-time 15 --unix-socket "$SOCK" "$@"
}

# server_state: "; the server had stopped (...)" when it is no longer running.
server_state() {
  if [[ -n ${SERVER:-} ]] && ! kill -0 "$SERVER" 2>/dev/null; then
    finish "$SERVER"
    printf '; the server had stopped (%s)' "$(describe_status "$STATUS")"
  fi
}

# still_serving WHAT: the server is running and answers GET /_ping on a new
# connection (read up to the close, so Content-Length does not matter).
still_serving() {
  # The status line is enough: curl prints it even if the body's length is
  # off (Connection: close ends the answer at the close).
  run_program 20 again curl -s -o /dev/null -w '%{http_code}' --max-time 15 -H 'Connection: close' \
    --unix-socket "$SOCK" http://localhost/_ping
  [[ $(cat "$T/again.out") == 200 ]] && return 0
  show_file "server stderr" "$T/server.err"
  fail_check "after $1: no answer to GET /_ping$(server_state)" "the server still serving other clients"
}

# docker_cli NAME ARGS...: the Docker CLI against $SOCK, with a configuration
# of its own (it never reads a real ~/.docker) and no daemon anywhere.
docker_cli() {
  local name=$1
  shift
  mkdir -p "$T/home/.docker"
  run_program 30 "$name" env -u DOCKER_HOST -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH \
    -u DOCKER_API_VERSION HOME="$T/home" DOCKER_CONFIG="$T/home/.docker" docker -H "unix://$SOCK" "$@"
}

needs_tool() {
  command -v "$1" >/dev/null && return 0
  fail_check "$1 is not installed here (Debian package: $2)" "the grader's tools installed (make deps)"
}

# --- compiling --------------------------------------------------------------

@test "compiles without errors [1 pt]" { check_compiles; }

@test "compiles without warnings [1 pt]" { check_no_warnings; }

# --- the three endpoints, with curl ------------------------------------------

@test "answers GET /_ping with OK [2 pts]" {
  hint "Read the request up to the empty line (CRLF CRLF), take the method and the path from the request line, and answer 'HTTP/1.1 200 OK' with headers, an empty line and the body OK." \
    10-http-over-unix#an-http11-message 10-http-over-unix#the-docker-engine-api
  needs server
  start_server 60
  curl_unix ping -i http://localhost/_ping
  if [[ $STATUS != 0 ]] || ! head -n 1 "$T/ping.out" | grep -q '^HTTP/1\.[01] 200'; then
    show_file "curl said" "$T/ping.err"
    show_file "answer" "$T/ping.out"
    fail_check "curl: $(describe_status "$STATUS")$(server_state)" "HTTP/1.1 200 OK, body OK"
    return 1
  fi
  local body
  body=$(sed '1,/^\r\{0,1\}$/d' "$T/ping.out")
  [[ $body == OK ]] || fail_check "body $(printf '%q' "$body")" "the body OK (2 bytes)"
}

@test "every /_ping answer carries an Api-Version header [1 pt]" {
  hint "Clients learn which API version to speak from the Api-Version header of /_ping (GET and HEAD, with or without a version prefix): add e.g. 'Api-Version: 1.43' to those answers." \
    10-http-over-unix#api-versions
  needs server
  start_server 60
  local args
  for args in "http://localhost/_ping" "-I http://localhost/_ping" "http://localhost/v1.41/_ping"; do
    # shellcheck disable=SC2086
    curl_unix ping -i $args
    if [[ $STATUS != 0 ]] || ! grep -qiE '^Api-Version: *[0-9]+\.[0-9]+' "$T/ping.out"; then
      show_file "answer" "$T/ping.out"
      fail_check "no Api-Version: N.NN header in the answer to curl $args$(server_state)" "Api-Version: N.NN"
      return 1
    fi
  done
}

@test "answers GET /version with the engine's JSON [2 pts]" {
  hint "Answer a JSON object (Content-Type: application/json) with at least the strings Version, ApiVersion, MinAPIVersion, Os and Arch; leave out Components, or give its Engine entry a Details object." \
    10-http-over-unix#the-docker-engine-api
  needs server
  start_server 60
  curl_unix version -f http://localhost/version
  if [[ $STATUS != 0 ]]; then
    show_file "curl said" "$T/version.err"
    fail_check "curl: $(describe_status "$STATUS")$(server_state)" "200 and a JSON object"
    return 1
  fi
  if ! jq -e 'type == "object" and ([.Version, .ApiVersion, .MinAPIVersion, .Os, .Arch] | all(type == "string" and length > 0))
      and ((.Components // []) | all(.Name != "Engine" or (.Details | type == "object")))' "$T/version.out" >/dev/null 2>&1; then
    show_file "body" "$T/version.out"
    fail_check "a body without one of the fields (or not JSON)" \
      'JSON with the strings Version, ApiVersion, MinAPIVersion, Os, Arch'
  fi
}

@test "answers GET /containers/json with the two containers [2 pts]" {
  hint "Answer the JSON array of the two containers the lab gives, in that order, whatever the query string (?all=1&limit=5 is ignored: cut the target at '?')." \
    10-http-over-unix#the-docker-engine-api
  needs server
  start_server 60
  local url
  for url in "http://localhost/containers/json" "http://localhost/containers/json?all=1&limit=5&size=0"; do
    curl_unix list -f "$url"
    if [[ $STATUS != 0 ]]; then
      show_file "curl said" "$T/list.err"
      fail_check "curl $url: $(describe_status "$STATUS")$(server_state)" "200 and a JSON array"
      return 1
    fi
    if ! jq -e --argjson want "$PINNED" \
        '[.[] | {Id, Names, Image, Command, Created, Ports, State, Status}] == $want' "$T/list.out" >/dev/null 2>&1; then
      show_file "body" "$T/list.out"
      fail_check "another array for $url" "the two pinned containers (web, then db) with the fields the lab gives"
      return 1
    fi
  done
}

@test "accepts a /vN.NN version prefix [2 pts]" {
  hint "Clients put the API version in front of the path (/v1.41/version): if the path starts with /v, digits, a dot, digits and a slash, drop that prefix before looking the path up. Any version is accepted." \
    10-http-over-unix#api-versions
  needs server
  start_server 60
  local paths=(/v1.41/_ping /v1.24/version "/v1.43/containers/json?all=1" /v9.99/_ping /v1.4/version) urls=() outs=() i
  for i in "${!paths[@]}"; do urls+=("http://localhost${paths[$i]}"); outs+=(-o /dev/null); done
  curl_unix prefixed -w '%{http_code}\n' "${outs[@]}" "${urls[@]}"
  mapfile -t codes <"$T/prefixed.out"
  for i in "${!paths[@]}"; do
    if [[ ${codes[$i]:-000} != 200 ]]; then
      show_file "curl said" "$T/prefixed.err"
      fail_check "GET ${paths[$i]}: ${codes[$i]:-no answer}$(server_state)" "200, as without the prefix"
      return 1
    fi
  done
}

# --- the message itself --------------------------------------------------------

@test "Content-Length is always the body's length [2 pts]" {
  hint "Content-Length counts the bytes of the body you send, no more (no terminating NUL, no headers) and no less, on every answer: 200s and errors alike. Compute it from the body you are about to send (strlen of the JSON you built)." \
    10-http-over-unix#content-length-and-head
  needs server
  start_server 60
  local requests=("GET /_ping" "GET /version" "GET /containers/json" "GET /v1.41/containers/json?all=1"
    "GET /nope" "GET /v1.41/images/json" "DELETE /version" "POST /containers/json") texts=() i bad
  for i in "${!requests[@]}"; do
    texts+=("${requests[$i]} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
  done
  texts+=("GET /containers/json HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
  # Each request alone on a connection, the last file three on one (sent in
  # lock-step, as clients do).
  peer_each 40 cl "${texts[@]}" -- --lockstep --retry || return 1
  # Read up to the close: the body is everything after the head. A
  # Content-Length larger than the body: the peer waits for the rest, and
  # says so in its problem.
  bad=$(first_bad cl "${#requests[@]}" '.responses[0] as $r | if $r == null then "no answer"
      elif ($r.headers["content-length"] // "") == "" then "no Content-Length header"
      elif ($r.headers["content-length"] | tonumber? // -1) != ($r.body | length) or .trailing != ""
        then "Content-Length: \($r.headers["content-length"]) but the body had \($r.body | length + (.trailing | length))+ bytes"
      elif (.problem // "") != "" or (.responses | length) != 1 then summary
      else empty end')
  if [[ -n $bad ]]; then
    fail_check "${requests[${bad%% *}]}: ${bad#* }" "Content-Length equal to the number of body bytes"
    return 1
  fi
  # Keep-alive answers back to back must be framed exactly.
  bad=$(peer_jq "cl-${#requests[@]}" 'if statuses == "200 404 200" and .trailing == "" then empty else summary end')
  [[ -z $bad ]] || fail_check "$bad" "three answers on one connection, each exactly as long as its Content-Length"
}

@test "answers HEAD with the headers and no body [2 pts]" {
  hint "HEAD is GET without the body: send the same status and headers (Content-Length may stay the GET length), but not one byte of body — the client will not read it, and it would be taken for the start of the next answer." \
    10-http-over-unix#content-length-and-head
  needs server
  start_server 60
  local paths=(/_ping /version /containers/json) texts=() i bad
  for i in "${!paths[@]}"; do
    texts+=("HEAD ${paths[$i]} HTTP/1.1\r\nHost: x\r\n\r\nGET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
  done
  peer_each 40 head "${texts[@]}" -- --heads 0 --lockstep --retry || return 1
  bad=$(first_bad head "${#paths[@]}" 'if ([answers] | join("|")) != "200 |200 OK" then "answers \(summary)"
      elif (.responses[0].headers["content-length"] // "x") | test("^[0-9]+$") | not then "length"
      else empty end')
  i=${bad%% *} bad=${bad#* }
  case $bad in
    answers\ *)
      fail_check "HEAD ${paths[$i]} then GET /_ping on one connection: ${bad#answers }" "200 with no body, then 200 OK"
      return 1 ;;
    length)
      fail_check "HEAD ${paths[$i]}: no Content-Length header" "Content-Length: 0 or the GET answer's length"
      return 1 ;;
    ?*) # the grader could not read the report
      fail_check "HEAD ${paths[$i]}: $bad" "200 with no body, then 200 OK"
      return 1 ;;
  esac
  curl_unix headcurl -fI http://localhost/version
  [[ $STATUS == 0 ]] || fail_check "curl -I: $(cat "$T/headcurl.err")" "curl -I succeeds"
}

@test "answers 404 with a JSON message for an unknown path [2 pts]" {
  hint "An unknown path gets 404 Not Found with a JSON body like {\"message\":\"page not found\"} (Content-Type: application/json): Docker clients print that message." \
    10-http-over-unix#status-codes-and-errors
  needs server
  start_server 60
  local paths=(/nope /containers /containers/json/x /v1.41/images/json /_pingpong) texts=() i bad
  for i in "${!paths[@]}"; do texts+=("GET ${paths[$i]} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); done
  peer_each 40 nf "${texts[@]}" || return 1
  # fromjson? yields nothing for a body that is not JSON: [...] makes that null.
  bad=$(first_bad nf "${#paths[@]}" 'if .responses[0].status == 404
      and ([(.responses[0].body + .trailing) | fromjson? | .message][0] | type == "string") then empty else summary end')
  [[ -z $bad ]] || fail_check "GET ${paths[${bad%% *}]}: ${bad#* }" '404 and a body like {"message":"page not found"}'
}

@test "answers 405 for a wrong method on a known path [1 pt]" {
  hint "A path you serve with GET, asked for with another method (DELETE, PUT, POST), is answered 405 Method Not Allowed, not 404 and not 200." \
    10-http-over-unix#status-codes-and-errors
  needs server
  start_server 60
  local requests=("DELETE /version" "PUT /_ping" "POST /containers/json" "PATCH /v1.41/version") texts=() i bad
  for i in "${!requests[@]}"; do texts+=("${requests[$i]} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); done
  peer_each 40 na "${texts[@]}" || return 1
  bad=$(first_bad na "${#requests[@]}" 'if .responses[0].status == 405 then empty else summary end')
  [[ -z $bad ]] || fail_check "${requests[${bad%% *}]}: ${bad#* }" "405 Method Not Allowed"
}

@test "answers 400 to a malformed request, and keeps serving [2 pts]" {
  hint "A request line must be METHOD SP TARGET SP HTTP/1.x and each header NAME: VALUE; anything else gets 400 Bad Request and the connection is closed (you cannot know where the next request starts). Never crash, never answer 200." \
    10-http-over-unix#status-codes-and-errors 10-http-over-unix#an-http11-message
  needs server
  start_server 60
  local seen bad=(
    'GARBAGE\r\n\r\n'
    'GET /_ping\r\nHost: x\r\n\r\n'
    'GET /_ping HTTP/1.1\r\nHost x\r\n\r\n'
    'GET /_ping HTTP/1.1 extra\r\nHost: x\r\n\r\n'
    'GET /_ping HTTX/1.1\r\nHost: x\r\n\r\n'
    '/_ping GET HTTP/1.1\r\nHost: x\r\n\r\n'
    '\r\n\r\n'
  )
  peer_each 40 bad "${bad[@]}" || return 1
  # Empty lines before a request line may be skipped (RFC 9112, section
  # 2.2): for the last request, only empty lines, closing at the client's
  # EOF with no answer is right too.
  seen=$(first_bad bad "${#bad[@]}" 'if .responses[0].status == 400 then empty
      elif $i == $blank and (.responses | length) == 0 and (.closed or .reset) then empty
      else summary end' --argjson blank $((${#bad[@]} - 1)))
  if [[ -n $seen ]]; then
    fail_check "$(printf '%q' "$(printf "${bad[${seen%% *}]}")"): ${seen#* }" "400 Bad Request"
    return 1
  fi
  still_serving "malformed requests"
}

@test "survives binary garbage [2 pts]" {
  hint "Bytes from the network are untrusted: NUL bytes, bytes above 127, lines without CRLF. The head is not a C string until you made it one: check for NUL bytes and for a missing CRLF before using strstr/strchr on it, and close only that connection." \
    10-http-over-unix#parsing-a-request-that-arrives-in-pieces 10-http-over-unix#status-codes-and-errors
  needs server
  start_server 60
  # Four kinds of garbage, each on a connection of its own: every byte value
  # (NUL first), NULs inside a header, bytes above 127 and lone CRs and LFs,
  # and a flood of empty lines.
  printf '%b\r\n\r\n' "$(printf '\\x%02x' $(seq 0 255))" >"$T/garbage-0.req"
  printf 'GET / HTTP/1.1\r\nHost: x\r\n\0\0\0: \377\r\n\r\n' >"$T/garbage-1.req"
  printf '\377\376 \200\201 HTTP/1.1\n\r\r\n\n\r\n\r\nGET\r\n\r\n' >"$T/garbage-2.req"
  printf '%.0s\r\n' $(seq 3000) >"$T/garbage-3.req"
  run_program 40 garbage "${HTTP_PEER[@]}" "$SOCK" "$T"/garbage-{0,1,2,3}.req --wait 5
  if ! kill -0 "$SERVER" 2>/dev/null; then
    show_file "server stderr" "$T/server.err"
    fail_check "the server stopped after binary garbage$(server_state)" "the server still running"
    return 1
  fi
  still_serving "binary garbage"
}

# waits about 0.5 s: one byte per send, with pauses
@test "reads a request that arrives one byte at a time [3 pts]" {
  hint "A request may arrive in any number of pieces, even one byte per recv: append what you read to the connection's buffer and answer only once the buffer holds the whole head (up to CRLF CRLF); keep the rest for later." \
    10-http-over-unix#parsing-a-request-that-arrives-in-pieces 09-many-clients#per-client-buffers
  needs server
  start_server 60
  { http_request GET /_ping; http_request GET /v1.41/version "Connection: close"; } >"$T/split.req"
  # Each request is sent whole only after the answer to the one before it.
  peer 30 split "$T/split.req" --split 0.004 --lockstep --retry || return 1
  if [[ $(peer_jq split statuses) != "200 200" ]]; then
    fail_check "$(peer_summary split)" "two requests sent one byte per send, both answered 200"
  fi
}

@test "answers pipelined requests in order [3 pts]" {
  hint "One recv may hold several requests (a client may send them all before reading): after answering one, look for another whole request in what is left of the buffer before reading again, and answer them in order." \
    10-http-over-unix#parsing-a-request-that-arrives-in-pieces 10-http-over-unix#keep-alive-and-connection-close
  needs server
  start_server 60
  {
    http_request GET /_ping
    http_request GET /version
    http_request GET /containers/json
    http_request GET /v1.41/version
    http_request GET /_ping "Connection: close"
  } >"$T/pipe.req"
  # --retry: a server may end a connection after an answer that says
  # "Connection: close" (that is the keep-alive check's business); the rest
  # is then sent again on a new connection, as clients do.
  peer 20 pipe "$T/pipe.req" --retry || return 1
  local got
  # The second answer is /version's: JSON with an ApiVersion.
  got=$(peer_jq pipe 'if statuses == "200 200 200 200 200" and ([.responses[1].body | fromjson? | .ApiVersion?][0] != null)
    then empty else summary end')
  if [[ -n $got ]]; then
    fail_check "five requests in one send: $got" "five answers 200 in order: /_ping, /version, /containers/json, /version, /_ping"
    return 1
  fi
  # Many more answers than fit in a socket buffer: 100 requests (5 KiB)
  # written at once.
  for _ in $(seq 99); do http_request GET /containers/json; done >"$T/pipe.req"
  http_request GET /_ping "Connection: close" >>"$T/pipe.req"
  peer 30 pipe "$T/pipe.req" --retry --wait 20 || return 1
  got=$(peer_jq pipe '[.responses[] | select(.status == 200)] | length')
  if [[ $got != 100 ]]; then
    fail_check "100 requests in one send: $got answers 200$(server_state)" "100 answers, in order"
  fi
}

@test "accepts a 6 KiB header, refuses a 1 MiB one, without crashing [2 pts]" {
  hint "Never let a client decide how much memory you use, and never copy more than a buffer holds: keep the request head in a fixed buffer (e.g. 8 KiB) and copy it only into buffers at least as large; when the buffer is full and still has no CRLF CRLF, answer 431 (or 400) and close that connection." \
    10-http-over-unix#parsing-a-request-that-arrives-in-pieces 10-http-over-unix#status-codes-and-errors
  needs server
  start_server 60
  local big what status
  printf 'GET /_ping HTTP/1.1\r\nHost: x\r\nX-Long: %s\r\nConnection: close\r\n\r\n' "$(head -c 6000 /dev/zero | tr '\0' a)" >"$T/long.req"
  peer 30 long "$T/long.req" || return 1
  if [[ $(peer_jq long '.responses[0].status') != 200 ]]; then
    show_file "server stderr" "$T/server.err"
    fail_check "GET /_ping with a 6000-byte header: $(peer_summary long)$(server_state)" "200 (a head of 6 KiB is within bounds)"
    return 1
  fi
  big=$(head -c 1048576 /dev/zero | tr '\0' a)
  for what in header line; do
    if [[ $what == header ]]; then
      printf 'GET /_ping HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n' "$big" >"$T/big.req"
    else
      printf 'GET /_ping?%s HTTP/1.1\r\nHost: x\r\n\r\n' "$big" >"$T/big.req"
    fi
    peer 30 big "$T/big.req" --wait 10 || return 1
    status=$(peer_jq big '.responses[0].status // 0')
    # Not a number: what the grader could not read, said as the verdict.
    if [[ ! $status =~ ^[0-9]+$ ]] || ((status >= 200 && status < 300)); then
      fail_check "a request with a 1 MiB $what was answered $status" \
        "431 (or 400) and the connection closed, or the connection closed"
      return 1
    fi
    if ! kill -0 "$SERVER" 2>/dev/null; then
      show_file "server stderr" "$T/server.err"
      fail_check "after a request with a 1 MiB $what$(server_state)" "the server still running"
      return 1
    fi
  done
  still_serving "1 MiB headers"
}

# --- connections ------------------------------------------------------------------

# waits about 1 s: the grader keeps a connection open for 1 s to see that the server does too
@test "keeps the connection open between requests (keep-alive) [2 pts]" {
  hint "HTTP/1.1 connections stay open after an answer unless the client said Connection: close: after answering, go back to reading the same connection; close it only at the client's EOF." \
    10-http-over-unix#keep-alive-and-connection-close
  needs server
  start_server 60
  curl_unix keep -o /dev/null -o /dev/null -o /dev/null -w '%{http_code} %{num_connects}\n' \
    http://localhost/_ping http://localhost/version http://localhost/_ping
  if [[ $STATUS != 0 ]] || [[ $(paste -sd ' ' "$T/keep.out") != "200 1 200 0 200 0" ]]; then
    show_file "curl said" "$T/keep.err"
    fail_check "curl, three requests: status and new connections per request: $(paste -sd ' ' "$T/keep.out")$(server_state)" \
      "200 1 200 0 200 0 (one connection reused)"
    return 1
  fi
  http_request GET /_ping >"$T/keep.req"
  peer 20 keep "$T/keep.req" --keep-open --expect 1 --linger 1 || return 1
  if [[ $(peer_jq keep '.closed or .reset') != false ]]; then
    fail_check "the server closed the connection after one answer ($(peer_summary keep))" "the connection left open"
  fi
}

@test "honours Connection: close [2 pts]" {
  hint "A request with 'Connection: close' is the last on its connection: send its answer (with Connection: close too), then close the socket — the client is waiting for that close." \
    10-http-over-unix#keep-alive-and-connection-close
  needs server
  start_server 60
  { http_request GET /_ping; http_request GET /version "Connection: close"; } >"$T/close.req"
  peer 20 close "$T/close.req" --lockstep --retry --keep-open --expect 2 --linger 5 || return 1
  if [[ $(peer_jq close 'statuses + ", closed: \(.closed)"') != "200 200, closed: true" ]]; then
    fail_check "$(peer_summary close), and it stayed open 5 s" "two answers, then the server closes the connection"
  fi
}

@test "speaks HTTP/1.0 [2 pts]" {
  hint "An HTTP/1.0 request (no Host needed) gets an answer too, and its connection closes after the answer unless it asked for Connection: keep-alive." \
    10-http-over-unix#keep-alive-and-connection-close 10-http-over-unix#an-http11-message
  needs server
  start_server 60
  printf 'GET /_ping HTTP/1.0\r\n\r\n' >"$T/old.req"
  peer 20 old "$T/old.req" --keep-open --expect 1 --linger 5 || return 1
  if [[ $(peer_jq old '([answers] | join("\n")) + ", closed: \(.closed)"') != "200 OK, closed: true" ]]; then
    fail_check "GET /_ping HTTP/1.0: $(peer_summary old)" "200 OK, then the connection closed"
    return 1
  fi
  curl_unix old10 -f --http1.0 http://localhost/version
  [[ $STATUS == 0 ]] || fail_check "curl --http1.0: $(cat "$T/old10.err")" "curl --http1.0 succeeds"
}

@test "serves several connections at once [3 pts]" {
  hint "The Docker CLI may open two connections; others may sit idle or send half a request. Never block on one client: watch every socket with poll (or epoll) and read only from those that are ready." \
    09-many-clients#the-event-loop-with-poll 10-http-over-unix#clients-curl-nc-and-docker
  needs server
  start_server 60
  local i
  # Three clients send part of a request and then nothing more.
  http_request GET /_ping >"$T/hold.req"
  for i in 1 2 3; do
    spawn 60 "hold$i" "${HTTP_PEER[@]}" "$SOCK" "$T/hold.req" --pause-after $((i * 5)) 60 --ready "$T/hold$i.ready" --wait 1
  done
  for i in 1 2 3; do
    local tries=1500
    while [[ ! -e $T/hold$i.ready ]] && ((tries-- > 0)); do sleep 0.01; done
  done
  curl_unix meanwhile -f http://localhost/_ping http://localhost/containers/json
  if [[ $STATUS != 0 ]]; then
    fail_check "curl, while 3 other clients had sent part of a request: $(describe_status "$STATUS") $(head -c 200 "$T/meanwhile.err")$(server_state)" \
      "answered at once"
  fi
}

# waits about 0.3 s: a pause for the server to meet the vanished client
@test "a vanished client never kills the server [2 pts]" {
  hint "Writing to a client that has gone raises SIGPIPE, which kills the process: ignore SIGPIPE (or send with MSG_NOSIGNAL) and treat EPIPE or ECONNRESET as the end of that connection only." \
    05-lifecycle#vanished-peers-and-sigpipe 09-many-clients#slow-and-vanished-clients
  needs server
  start_server 60
  # The client sends and leaves while the server is stopped, so the server
  # reads the requests and then writes its answers to nobody.
  for _ in $(seq 50); do http_request GET /containers/json; done >"$T/gone.req"
  signal_program STOP "$SERVER" || true
  run_program 20 gone "${HTTP_PEER[@]}" "$SOCK" "$T/gone.req" --no-read
  signal_program CONT "$SERVER" || true
  sleep 0.3
  still_serving "a client that left without reading its answers"
}

# --- the socket file ---------------------------------------------------------------

@test "socket file has mode 0660 whatever the umask [2 pts]" {
  hint "bind creates the socket file with 0777 & ~umask; the file's mode is who may connect, so set it: chmod(path, 0660) right after bind (fchmod on the socket does not change the file on Linux), or set the umask around bind." \
    10-http-over-unix#the-socket-file-is-the-access-control
  needs server
  local mask mode
  SOCK=$T/d.sock
  for mask in 077 000; do
    spawn 60 server bash -c 'umask "$1" && exec "$2" "$3"' umask "$mask" "$(student mini-dockerd)" "$SOCK"
    SERVER=$SPAWNED
    wait_unix_listening "$SERVER" "$SOCK" || return 1
    mode=$(stat -c %a "$SOCK")
    if [[ $mode != 660 ]]; then
      fail_check "mode $mode under umask $mask" "mode 660 (srw-rw----)"
      return 1
    fi
    stop_server TERM "$SERVER" || true
    rm -f "$SOCK"
  done
}

@test "replaces a stale socket file, never another file [1 pt]" {
  hint "A socket file left by a killed server makes bind fail with EADDRINUSE: if PATH exists and lstat says it is a socket, unlink it first. Anything else at PATH is not yours: exit 1 with a message, and leave it alone." \
    10-http-over-unix#the-socket-file-is-the-access-control 04-addresses#stale-socket-files
  needs server
  SOCK=$T/d.sock
  "$PYTHON" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$SOCK"
  chmod 666 "$SOCK"
  start_server 60 || { evidence seen "(a stale socket file was at the path)"; return 1; }
  stop_server TERM "$SERVER" || true
  rm -f "$SOCK"
  printf 'precious\n' >"$T/file"
  chmod 666 "$T/file"
  run_program 10 notsock "$(student mini-dockerd)" "$T/file"
  if [[ $STATUS != 1 ]] || [[ $(cat "$T/file" 2>/dev/null) != precious ]]; then
    fail_check "started on a regular file: $(describe_status "$STATUS"), the file $([[ -e $T/file ]] && echo kept || echo removed)" \
      "exit status 1, the regular file left alone"
  fi
}

# --- real clients ---------------------------------------------------------------------

@test "works with the Docker CLI: docker version [3 pts]" {
  hint "The CLI first asks HEAD /_ping (GET only if HEAD fails) for Api-Version, then GET /vN.NN/version on a kept-alive connection: all of the above must hold. Run it yourself: docker -H unix://PATH version." \
    10-http-over-unix#clients-curl-nc-and-docker 10-http-over-unix#api-versions
  needs server
  needs_tool docker docker.io || return 1
  start_server 60
  docker_cli dversion version
  if [[ $STATUS != 0 ]] || ! grep -q '^Server' "$T/dversion.out"; then
    show_file "docker said" "$T/dversion.err"
    show_file "docker printed" "$T/dversion.out"
    fail_check "docker version: $(describe_status "$STATUS" 30)$(server_state)" "exit status 0 and a Server: section"
    return 1
  fi
  docker_cli dversion version --format '{{.Server.APIVersion}} {{.Server.Os}}/{{.Server.Arch}}'
  curl_unix version -f http://localhost/version
  local want
  want=$(jq -r '"\(.ApiVersion) \(.Os)/\(.Arch)"' "$T/version.out" 2>/dev/null)
  if [[ $STATUS != 0 ]] || [[ $(cat "$T/dversion.out") != "$want" ]]; then
    fail_check "docker version --format: $(head -c 200 "$T/dversion.out")" "$want (from /version)"
  fi
}

@test "works with the Docker CLI: docker ps lists the two containers [3 pts]" {
  hint "docker ps asks GET /vN.NN/containers/json?... and prints the array: the query string must be ignored and each container needs the fields the lab gives." \
    10-http-over-unix#clients-curl-nc-and-docker 10-http-over-unix#the-docker-engine-api
  needs server
  needs_tool docker docker.io || return 1
  start_server 60
  docker_cli dps ps --no-trunc --format '{{.ID}}|{{.Image}}|{{.Command}}|{{.Names}}|{{.Status}}|{{.Ports}}'
  local want
  want="4b5e57f6eb2f42b9039b3d1e13929295f231749c510cbe341cd68036d9af97e2|nginx:1.25|\"/docker-entrypoint.sh nginx -g 'daemon off;'\"|web|Up 2 hours|80/tcp
7bdc25d1694ef984782a16f6f1710c1c6bc83ba7a131b515baf532bea021d011|postgres:16|\"docker-entrypoint.sh postgres\"|db|Up 3 hours|5432/tcp"
  if [[ $STATUS != 0 ]] || [[ $(cat "$T/dps.out") != "$want" ]]; then
    show_file "docker said" "$T/dps.err"
    show_file "docker printed" "$T/dps.out"
    fail_check "docker ps: $(describe_status "$STATUS" 30)$(server_state)" "the two containers, web then db"
  fi
}

@test "works with the Docker SDK for Python [2 pts]" {
  hint "The SDK (python3-docker) negotiates the version with GET /version, then asks /vN.NN/containers/json on a kept-alive connection (requests, urllib3): everything must be framed by an exact Content-Length." \
    10-http-over-unix#clients-curl-nc-and-docker 10-http-over-unix#keep-alive-and-connection-close
  needs server
  start_server 60
  # Exit status 3: no SDK here (asked by the same python, not one more).
  cat >"$T/sdk.py" <<'EOF'
import sys
try:
    import docker
except ImportError:
    sys.exit(3)
api = docker.APIClient(base_url="unix://" + sys.argv[1], version="auto", timeout=15)
assert api.ping() is True, "ping"
print(api.version()["ApiVersion"])
for c in api.containers(all=True):
    print(c["Id"][:12], c["Names"][0], c["Image"], c["State"])
EOF
  run_program 40 sdk "$PYTHON" "$T/sdk.py" "$SOCK"
  if [[ $STATUS == 3 ]]; then
    fail_check "the Docker SDK for Python is not installed here (Debian package: python3-docker)" "the grader's tools installed"
    return 1
  fi
  local want
  want=$(printf '%s\n' "4b5e57f6eb2f /web nginx:1.25 running" "7bdc25d1694e /db postgres:16 running")
  if [[ $STATUS != 0 ]] || [[ $(tail -n +2 "$T/sdk.out") != "$want" ]]; then
    evidence "python said" "$(tail -n 3 "$T/sdk.err" | paste -sd ' ' | cut -c1-400)"
    fail_check "$(describe_status "$STATUS" 40): $(paste -sd ' ' "$T/sdk.out")$(server_state)" \
      "ping True, the ApiVersion, then web and db"
  fi
}

# --- the command line and the end ------------------------------------------------

@test "rejects bad arguments with exit status 2 [1 pt]" {
  hint "Exactly one argument, a PATH shorter than 108 bytes (sun_path with its NUL); anything else: a usage line on stderr and exit status 2." \
    04-addresses#path-length 05-lifecycle#errors-and-exit-statuses
  needs server
  local too_long fits
  too_long=$(long_path 108)
  fits=$(long_path 107)
  usage_errors "mini-dockerd" "mini-dockerd $too_long" "mini-dockerd $fits extra" || return 1
  SOCK=$fits
  start_unix_server 60 "$fits" || { evidence seen "(a 107-byte PATH fits and must work)"; return 1; }
}

@test "exits 0 on SIGINT and on SIGTERM [2 pts]" { check_signal_exit; }

@test "cleans up on exit: socket file removed, descriptors closed [2 pts]" { check_cleanup; }

@test "no memory errors or leaks under valgrind [2 pts]" { check_valgrind; }
