#!/usr/bin/env bats
# Lab 09 sockbench: the checks, in the order a student meets them.
# programs: sockbench
# Each check's points are in brackets at the end of its name: the only place
# they are written.
#
# Never an absolute speed: a benchmark's figures depend on the machine and on
# what else runs there. The checks look at what can be known for sure: the
# pinned output, figures that agree with each other and with the run's own
# wall time (as measured from outside, an upper bound), the system calls
# (strace -f -yy: which sockets carried the traffic, how much, from which
# processes), and what the program does when the grader's LD_PRELOAD shim
# (grader/peer/tamper.so.c) corrupts a byte, shortens a datagram, splits
# reads, drops a datagram, holds a message back until a signal comes, or
# hands it a CLOCK_MONOTONIC whose trip times are known in advance. Counts
# are small: the lab grades in well under a minute.

load test_helper
# traced_runs links one check's runs into another's directory (ln -s; the
# loadable builtin when there is one, as in test_helper).
[[ -r /usr/lib/bash/ln ]] && enable -f /usr/lib/bash/ln ln 2>/dev/null

RUN_ENV=()
RUN_WRAP=()

CLIENT_PROGRAM=sockbench
TRANSPORTS=(uds-stream uds-seqpacket uds-dgram tcp udp socketpair pipe)
STREAMS=(uds-stream tcp socketpair pipe)
MESSAGE_TRANSPORTS=(uds-seqpacket uds-dgram udp)
NUMBER='[0-9]+(\.[0-9]+)?'
# A run takes well under a second on an idle machine; its limit is for a
# busy one (and for strace and valgrind, which slow it down).
RUN_LIMIT=30
# strace for the checks that read system calls: -yy names what each
# descriptor is (UNIX-STREAM:[inode], TCP:[a:p->b:q], pipe:[...]), -s 8
# keeps the trace small.
TRACE_CALLS=%network,%process,read,write,readv,writev,pipe,pipe2,close,dup,dup2,dup3

# --- running the program ------------------------------------------------------

# start_runs LIMIT LINE...: start the student's sockbench once per LINE (its
# arguments, split on blanks), all at once, each in a directory of its own
# ($T/run-I: its working directory and TMPDIR), with the variables in RUN_ENV
# (NAME=VALUE words) and under the wrapper words in RUN_WRAP (strace,
# valgrind; the text RUN_I in either becomes the run's number). Output in
# $T/run-I.out and $T/run-I.err. An empty LINE is skipped (no run I).
start_runs() {
  local limit=$1 i=0 line words command
  shift
  RUN_LINES=("$@")
  RUN_GROUPS=()
  RUN_STARTED=()
  for line in "$@"; do
    [[ -z $line ]] && { i=$((i + 1)); continue; }
    read -ra words <<<"$line"
    mkdir -p "$T/run-$i"
    command=()
    ((${#RUN_ENV[@]})) && command+=(env "${RUN_ENV[@]//RUN_I/$i}")
    ((${#RUN_WRAP[@]})) && command+=("${RUN_WRAP[@]//RUN_I/$i}")
    # -P: the real directory (a traced run's is linked), which the sandbox makes TMPDIR
    cd -P "$T/run-$i" || return 1
    spawn "$limit" "run-$i" "${command[@]}" "$(student sockbench)" "${words[@]}"
    cd "$T" || return 1
    RUN_GROUPS[i]=$SPAWNED
    RUN_STARTED[i]=$EPOCHREALTIME
    i=$((i + 1))
  done
}

# finish_runs: wait for every run; RUN_STATUS[I] is its exit status and
# RUN_WALL[I] the seconds from its start to the moment the grader saw it
# end (more than the program's own lifetime, never less).
finish_runs() {
  local i
  RUN_STATUS=()
  RUN_WALL=()
  for i in "${!RUN_GROUPS[@]}"; do
    finish "${RUN_GROUPS[$i]}"
    RUN_STATUS[i]=$STATUS
    # EPOCHREALTIME has six decimals: microseconds without the point.
    local wall=$((10#${EPOCHREALTIME//[!0-9]/} - 10#${RUN_STARTED[$i]//[!0-9]/}))
    printf -v 'RUN_WALL[i]' '%d.%06d' $((wall / 1000000)) $((wall % 1000000))
  done
}

# run_all LIMIT LINE...: start_runs, then finish_runs.
run_all() {
  start_runs "$@"
  finish_runs
}

# run_evidence I EXPECTED [SEEN]: fail with what run I printed and how it
# ended.
run_evidence() {
  local i=$1
  show_file "sockbench ${RUN_LINES[$i]}: stdout" "$T/run-$i.out"
  show_file "stderr" "$T/run-$i.err"
  fail_check "sockbench ${RUN_LINES[$i]}: ${3:-$(describe_status "${RUN_STATUS[$i]}" "$RUN_LIMIT")}" "$2"
}

# run_words I: sets W_JSON, W_TRANSPORT, W_MODE, W_SIZE, W_COUNT from run
# I's arguments (SIZE and COUNT empty when not given).
run_words() {
  local words
  read -ra words <<<"${RUN_LINES[$1]}"
  W_JSON=
  [[ ${words[0]} == --json ]] && W_JSON=1 && words=("${words[@]:1}")
  W_TRANSPORT=${words[0]} W_MODE=${words[1]} W_SIZE=${words[2]:-} W_COUNT=${words[3]:-}
}

# pinned_line TRANSPORT MODE: what the line looks like, for evidence.
pinned_line() {
  if [[ $2 == latency ]]; then
    printf '%s latency size=S count=C median_us=M p99_us=P' "$1"
  else
    printf '%s throughput size=S count=C bytes=B seconds=T bytes_per_s=R%s' "$1" "$([[ $1 == udp ]] && printf ' lost=L')"
  fi
}

# parse_result I: run I printed exactly one line, the pinned one for its
# TRANSPORT and MODE (text, or with --json one JSON object with exactly the
# pinned keys). Sets R_SIZE, R_COUNT, R_MEDIAN, R_P99, R_BYTES, R_SECONDS,
# R_RATE, R_LOST; otherwise sets PARSE_PROBLEM to what is wrong and returns 1.
parse_result() {
  local i=$1 out=$T/run-$1.out line
  run_words "$i"
  R_SIZE= R_COUNT= R_MEDIAN= R_P99= R_BYTES= R_SECONDS= R_RATE= R_LOST= PARSE_PROBLEM=
  local lines=()
  [[ -r $out ]] && mapfile lines <"$out" # each line with its newline
  if [[ ${#lines[@]} != 1 || ${lines[0]} != *$'\n' ]]; then
    PARSE_PROBLEM="not exactly one line on stdout"
    return 1
  fi
  line=${lines[0]%$'\n'}
  if [[ -n $W_JSON ]]; then
    parse_json "$line"
    return
  fi
  if [[ $W_MODE == latency ]]; then
    [[ $line =~ ^$W_TRANSPORT\ latency\ size=([0-9]+)\ count=([0-9]+)\ median_us=($NUMBER)\ p99_us=($NUMBER)$ ]] || {
      PARSE_PROBLEM="not the pinned line \"$(pinned_line "$W_TRANSPORT" latency)\" (M and P plain decimals)"
      return 1
    }
    R_SIZE=${BASH_REMATCH[1]} R_COUNT=${BASH_REMATCH[2]} R_MEDIAN=${BASH_REMATCH[3]} R_P99=${BASH_REMATCH[5]}
    return 0
  fi
  [[ $line =~ ^$W_TRANSPORT\ throughput\ size=([0-9]+)\ count=([0-9]+)\ bytes=([0-9]+)\ seconds=([0-9]+\.[0-9]{6,})\ bytes_per_s=($NUMBER)(\ lost=([0-9]+))?$ ]] &&
    [[ (-n ${BASH_REMATCH[7]} && $W_TRANSPORT == udp) || (-z ${BASH_REMATCH[7]} && $W_TRANSPORT != udp) ]] || {
    PARSE_PROBLEM="not the pinned line \"$(pinned_line "$W_TRANSPORT" throughput)\" (T with at least 6 decimals, R a plain decimal$([[ $W_TRANSPORT == udp ]] && printf ', then lost=L' || printf ', no lost= (udp only)'))"
    return 1
  }
  R_SIZE=${BASH_REMATCH[1]} R_COUNT=${BASH_REMATCH[2]} R_BYTES=${BASH_REMATCH[3]} R_SECONDS=${BASH_REMATCH[4]}
  R_RATE=${BASH_REMATCH[5]} R_LOST=${BASH_REMATCH[8]}
}

# json_fields LINE...: read each LINE as JSON, all with one jq (it takes
# about 40 ms to start, and the --json check reads 14 lines), into
# JSON_FIELDS[LINE]: tab-separated, the sorted keys, then transport, mode,
# size, count, median_us, p99_us, bytes, bytes_per_s and lost; or "!" when
# LINE is not exactly one JSON object (nothing before or after it).
# (-g: bats reads this file inside a function.)
declare -gA JSON_FIELDS=()
json_fields() {
  local i results=()
  mapfile -t results < <(printf '%s\n' "$@" | jq -R -r '
    (try (fromjson | [.]) catch null) as $value
    | if $value == null or ($value[0] | type) != "object" then "!"
      else $value[0] | [(keys | join(" ")), .transport, .mode, .size, .count, .median_us, .p99_us, .bytes, .bytes_per_s, .lost]
        | map(tostring | gsub("[\t\n\r]"; " ")) | join("\t")
      end' 2>/dev/null)
  for ((i = 1; i <= $#; i++)); do JSON_FIELDS[${!i}]=${results[i - 1]:-!}; done
}

# json_fields_of_runs: json_fields for the one-line stdout of every run so
# far, so that parse_result finds them read.
json_fields_of_runs() {
  local i lines=() out
  for i in "${!RUN_LINES[@]}"; do
    out=()
    [[ -r $T/run-$i.out ]] && mapfile -t out <"$T/run-$i.out"
    ((${#out[@]} == 1)) && [[ -n ${out[0]} ]] && lines+=("${out[0]}")
  done
  ((${#lines[@]} == 0)) || json_fields "${lines[@]}"
}

# parse_json LINE: the --json form of parse_result.
parse_json() {
  local line=$1 keys key value
  # In jq's order (keys sorts them).
  if [[ $W_MODE == latency ]]; then
    keys="count median_us mode p99_us size transport"
  elif [[ $W_TRANSPORT == udp ]]; then
    keys="bytes bytes_per_s count lost mode seconds size transport"
  else
    keys="bytes bytes_per_s count mode seconds size transport"
  fi
  local fields seen transport mode
  # (${...+x}, not [[ -v ]]: the line, the student's, is expanded once.)
  fields='!'
  if [[ -n $line ]]; then
    [[ -n ${JSON_FIELDS[$line]+x} ]] || json_fields "$line"
    fields=${JSON_FIELDS[$line]}
  fi
  if [[ $fields == '!' ]]; then
    PARSE_PROBLEM="not one JSON object: $line"
    return 1
  fi
  IFS=$'\t' read -r seen transport mode R_SIZE R_COUNT R_MEDIAN R_P99 R_BYTES R_RATE R_LOST <<<"$fields"
  [[ $seen == "$keys" ]] || { PARSE_PROBLEM="keys: $seen (expected exactly: $keys)"; return 1; }
  [[ "$transport $mode" == "$W_TRANSPORT $W_MODE" ]] ||
    { PARSE_PROBLEM="\"transport\" and \"mode\" are not \"$W_TRANSPORT\" and \"$W_MODE\""; return 1; }
  # The numbers as written, not as jq reads them: integers, plain decimals
  # without exponent, seconds with at least 6 decimals.
  for key in $keys; do
    case $key in
      transport | mode) continue ;;
      size | count | bytes | lost) value='[0-9]+' ;;
      seconds) value='[0-9]+\.[0-9]{6,}' ;;
      *) value=$NUMBER ;;
    esac
    [[ $line =~ \"$key\"\ *:\ *($value)\ *[,}] ]] ||
      { PARSE_PROBLEM="\"$key\" is not written as $([[ $value == '[0-9]+' ]] && printf 'an integer' || printf 'a plain decimal') ($([[ $key == seconds ]] && printf 'at least 6 decimals, ')no exponent): $line"; return 1; }
    [[ $key == seconds ]] && R_SECONDS=${BASH_REMATCH[1]}
  done
  [[ $R_LOST == null ]] && R_LOST=
  return 0
}

# pinned_runs LINE...: run each; every one must exit 0 and print its pinned
# line, with size= and count= as asked.
pinned_runs() {
  local i problem
  run_all "$RUN_LIMIT" "$@"
  for i in "${!RUN_LINES[@]}"; do
    run_words "$i"
    if [[ ${RUN_STATUS[$i]} != 0 ]]; then
      run_evidence "$i" "exit status 0 and the line \"$(pinned_line "$W_TRANSPORT" "$W_MODE")\""
      return 1
    fi
    if ! parse_result "$i"; then
      run_evidence "$i" "one line: \"$(pinned_line "$W_TRANSPORT" "$W_MODE")\"$([[ -n $W_JSON ]] && printf ' as one JSON object')" "$PARSE_PROBLEM"
      return 1
    fi
    if [[ -n $W_SIZE && ($R_SIZE != "$W_SIZE" || $R_COUNT != "$W_COUNT") ]]; then
      run_evidence "$i" "size=$W_SIZE count=$W_COUNT, as asked" "size=$R_SIZE count=$R_COUNT"
      return 1
    fi
  done
}

# --- the grader's shim ------------------------------------------------------------

# with_tamper ACTION VAR=VALUE...: the next runs load tamper.so (see
# grader/peer/tamper.so.c), which logs what it did to $T/run-RUN_I.tamper.
with_tamper() {
  local action=$1
  shift
  RUN_ENV=(LD_PRELOAD="$GRADER_TOOLS/tamper.so" GRADER_TAMPER="$action" GRADER_TAMPER_LOG="$T/run-RUN_I.tamper" "$@")
  RUN_WRAP=()
}

# tampered I WORD: the shim logged WORD (corrupted, shortened, dropped,
# clock) in run I.
tampered() {
  grep -q "^$2 " "$T/run-$1.tamper" 2>/dev/null
}

# --- reading traces ---------------------------------------------------------------

# with_strace [WHAT]: the next runs go under strace -f -yy, their traces in
# $T/run-I.trace (WHAT: the calls to trace; default TRACE_CALLS).
with_strace() {
  RUN_ENV=()
  RUN_WRAP=(strace -f -q -yy -s 8 -e "trace=${1:-$TRACE_CALLS}" -o "$T/run-RUN_I.trace")
}

# trace_table FILE: one line per system call, tab-separated: pid, call,
# descriptor (the first argument, if a number), what strace -yy says it is
# (e.g. TCP:[127.0.0.1:5->127.0.0.1:6]; quoted strings dropped), result,
# what the result descriptor is, bytes asked for (write, send, sendto: the
# third argument; writev, sendmsg: the sum of iov_len), the arguments.
# A call that strace split (<unfinished ...> and <... resumed>) is joined.
trace_table() {
  awk '
    function label_at(s,    m) {   # s starts with "<": the label, with its <>
      if (match(s, /^<[A-Za-z0-9-]+:\[[^]]*\]>/)) return substr(s, 1, RLENGTH)
      if (match(s, /^<[^>]*>/)) return substr(s, 1, RLENGTH)
      return ""
    }
    function third(args,    depth, n, k, c, start) {   # the third top-level argument
      depth = 0; n = 1; start = 1
      for (k = 1; k <= length(args); k++) {
        c = substr(args, k, 1)
        if (c ~ /[[({]/) depth++
        else if (c ~ /[])}]/) depth--
        else if (c == "," && depth == 0) {
          if (n == 3) return substr(args, start, k - start)
          n++; start = k + 1
        }
      }
      return n == 3 ? substr(args, start) : ""
    }
    {
      if (!match($0, /^[0-9]+ +/)) next
      pid = $1; line = substr($0, RLENGTH + 1)
      if (line ~ / <unfinished \.\.\.>$/) { sub(/ <unfinished \.\.\.>$/, "", line); pending[pid] = line; next }
      if (match(line, /^<\.\.\. [a-z0-9_]+ resumed>/)) { line = pending[pid] substr(line, RLENGTH + 1); delete pending[pid] }
      if (!match(line, /^[a-z0-9_]+\(/)) next
      call = substr(line, 1, RLENGTH - 1); rest = substr(line, RLENGTH + 1)
      gsub(/"([^"\\]|\\.)*"(\.\.\.)?/, "S", rest)
      result = ""; rlabel = ""
      if (match(rest, /\) += -?[0-9?]+.*$/)) {
        tail = substr(rest, RSTART); rest = substr(rest, 1, RSTART - 1)
        sub(/^\) += /, "", tail)
        match(tail, /^-?[0-9?]+/); result = substr(tail, 1, RLENGTH)
        if (substr(tail, RLENGTH + 1, 1) == "<") rlabel = label_at(substr(tail, RLENGTH + 1))
      }
      fd = ""; label = ""
      if (match(rest, /^[0-9]+/)) { fd = substr(rest, 1, RLENGTH); if (substr(rest, RLENGTH + 1, 1) == "<") label = label_at(substr(rest, RLENGTH + 1)) }
      asked = ""
      if (call ~ /^(write|send|sendto)$/) { asked = third(rest); gsub(/[^0-9]/, "", asked) }
      else if (call ~ /^(writev|sendmsg)$/) {
        asked = 0; s = rest
        while (match(s, /iov_len=[0-9]+/)) { asked += substr(s, RSTART + 8, RLENGTH - 8); s = substr(s, RSTART + RLENGTH) }
      }
      gsub(/\t/, " ", rest)
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", pid, call, fd, label, result, rlabel, asked, rest
    }' "$1"
}

# traffic_kinds MIN: reading a trace_table on stdin, for each call that wrote at least MIN bytes on a
# socket or a pipe, what carried it: pipe, tcp, tcp6, udp, udp6,
# unix-stream, unix-stream-socketpair, unix-seqpacket, unix-dgram (the type
# of a Unix socket from the socket, socketpair or accept call that made it).
traffic_kinds() {
  awk -F'\t' -v min="$1" '
    function inode(l,    s) { if (!match(l, /UNIX(-STREAM)?:\[[0-9]+/)) return ""; s = substr(l, RSTART, RLENGTH); sub(/.*\[/, "", s); return s }
    function type_of(args) { return match(args, /SOCK_(STREAM|DGRAM|SEQPACKET)/) ? tolower(substr(args, RSTART + 5, RLENGTH - 5)) : "?" }
    $2 == "socket" && $6 ~ /UNIX/ { type[inode($6)] = type_of($8) }
    $2 == "socketpair" && $5 == "0" {
      t = type_of($8); s = $8
      while (match(s, /UNIX(-STREAM)?:\[[0-9]+/)) { i = inode(substr(s, RSTART, RLENGTH)); type[i] = t; pair[i] = 1; s = substr(s, RSTART + RLENGTH) }
    }
    $2 ~ /^accept4?$/ && $6 ~ /UNIX/ { type[inode($6)] = type[inode($4)] }
    $2 ~ /^(write|writev|send|sendto|sendmsg)$/ && $5 + 0 >= min {
      l = $4
      if (l ~ /^<pipe:/) k = "pipe"
      else if (l ~ /^<TCP:/) k = "tcp"
      else if (l ~ /^<TCPv6:/) k = "tcp6"
      else if (l ~ /^<UDP:/) k = "udp"
      else if (l ~ /^<UDPv6:/) k = "udp6"
      else if (l ~ /^<UNIX/) { i = inode(l); k = "unix-" (l ~ /^<UNIX-STREAM/ ? "stream" : (i in type ? type[i] : "?")); if (i in pair) k = k "-socketpair" }
      else next
      print k
    }'
}

# transport_bytes SIZE: reading a trace_table on stdin, the bytes written on sockets and pipes (not stdout,
# stderr or files), and the number of write calls that asked for exactly
# SIZE bytes and did not fail: "BYTES CALLS".
transport_bytes() {
  awk -F'\t' -v size="$1" '
    $2 ~ /^(write|writev|send|sendto|sendmsg)$/ && $4 ~ /^<(UNIX|TCP|UDP|pipe)/ {
      if ($5 + 0 > 0) bytes += $5
      if ($7 == size && $5 ~ /^[0-9]+$/) calls++
    }
    END { printf "%d %d\n", bytes, calls }'
}

# trace_ok I: run I left a trace that strace could write (ptrace allowed).
trace_ok() {
  [[ -s $T/run-$1.trace ]] && grep -q 'execve(' "$T/run-$1.trace"
}

# ptrace_refused I: if strace could not trace run I (no ptrace here), the
# check is not judged.
ptrace_refused() {
  if grep -qiE 'ptrace|Operation not permitted' "$T/run-$1.err" 2>/dev/null; then
    not_judged "strace could not trace the program here ($(grep -iE -m1 'ptrace|Operation not permitted' "$T/run-$1.err")): in Docker, add --cap-add SYS_PTRACE"
  fi
}

# needs_traces: every run left a trace, or strace was refused and the check
# is not judged.
needs_traces() {
  local i
  for i in "${!RUN_LINES[@]}"; do
    trace_ok "$i" || ptrace_refused "$i"
  done
}

# --- compiling ----------------------------------------------------------------

@test "compiles without errors [1 pt]" { check_compiles; }

@test "compiles without warnings [1 pt]" { check_no_warnings; }

# --- arguments and output -------------------------------------------------------

@test "rejects bad arguments with exit status 2 [2 pts]" {
  hint "Check every argument before doing anything: TRANSPORT one of the seven names, MODE latency or throughput, SIZE and COUNT decimal digits within the limits of the mode and the transport (latency: SIZE 1-65507; throughput: SIZE 1-67108864 on streams, 1-65536 on uds-dgram and uds-seqpacket, 8-65507 on udp; COUNT 1-10000000). Anything else: a usage line on stderr and exit status 2. The limits themselves are accepted." \
    05-lifecycle#errors-and-exit-statuses
  needs client
  usage_errors "sockbench" "sockbench tcp" "sockbench --json" "sockbench tcp latency 64 100 extra" \
    "sockbench bogus latency" "sockbench tcp bogus" "sockbench tcp latency 0" "sockbench tcp latency 65508" \
    "sockbench uds-stream latency 1x" "sockbench pipe latency 64 0" "sockbench socketpair throughput 65536 10000001" \
    "sockbench udp throughput 7" "sockbench udp throughput 65508" "sockbench uds-dgram throughput 65537" \
    "sockbench uds-seqpacket throughput 65537" "sockbench pipe throughput 67108865" "sockbench tcp throughput -1" || return 1
  local i
  run_all "$RUN_LIMIT" "udp throughput 8 3" "uds-dgram throughput 65536 3" "uds-seqpacket throughput 65536 3" \
    "tcp latency 65507 3" "pipe latency 1 3" "socketpair throughput 67108864 1" "udp latency 1 3"
  for i in "${!RUN_LINES[@]}"; do
    if [[ ${RUN_STATUS[$i]} == 2 ]]; then
      run_evidence "$i" "accepted: these arguments are within the limits" "refused with exit status 2"
      return 1
    fi
  done
}

@test "uses the default SIZE and COUNT of each mode [1 pt]" {
  hint "Without SIZE and COUNT, latency makes 10000 round trips of 64 bytes, and throughput 4096 writes of 65536 bytes (65507 on udp: the largest UDP payload over IPv4)." \
    12-measuring#latency-median-and-p99 12-measuring#throughput 06-datagrams#message-size-and-truncation
  needs client
  pinned_runs "socketpair latency" "pipe throughput" "udp throughput" || return 1
  local i expected=("64 10000" "65536 4096" "65507 4096")
  for i in 0 1 2; do
    parse_result "$i"
    if [[ "$R_SIZE $R_COUNT" != "${expected[$i]}" ]]; then
      run_evidence "$i" "size=${expected[$i]% *} count=${expected[$i]#* }" "size=$R_SIZE count=$R_COUNT"
      return 1
    fi
  done
}

@test "measures latency over every transport and prints the pinned line [3 pts]" {
  hint "Exit status 0 and one line on stdout: TRANSPORT latency size=S count=C median_us=M p99_us=P (M and P plain decimals, in microseconds), over every transport: Unix stream, seqpacket and datagram sockets, TCP and UDP on 127.0.0.1, a socketpair, pipes." \
    12-measuring#latency-median-and-p99 03-types#which-domain-offers-which-type
  needs client
  local lines=() transport
  for transport in "${TRANSPORTS[@]}"; do lines+=("$transport latency 100 200"); done
  pinned_runs "${lines[@]}"
}

@test "measures throughput over every transport and prints the pinned line [3 pts]" {
  hint "Exit status 0 and one line on stdout: TRANSPORT throughput size=S count=C bytes=B seconds=T bytes_per_s=R, and on udp then lost=L (T with at least 6 decimals; T and R plain decimals), over every transport." \
    12-measuring#throughput 03-types#which-domain-offers-which-type
  needs client
  local lines=() transport
  for transport in "${TRANSPORTS[@]}"; do lines+=("$transport throughput 4096 200"); done
  pinned_runs "${lines[@]}"
}

@test "--json prints one JSON object with exactly the pinned keys [2 pts]" {
  hint "With --json: one JSON object on one line with the keys of the text line plus \"transport\" and \"mode\", and no others (\"lost\" on udp throughput only); size, count, bytes and lost integers, the others plain decimals without exponent (printf %.3f, not %g), seconds with at least 6 decimals." \
    12-measuring#throughput 12-measuring#latency-median-and-p99
  needs client
  local lines=() transport mode i failed=() judged=0
  for transport in "${TRANSPORTS[@]}"; do
    for mode in latency throughput; do lines+=("--json $transport $mode 100 50"); done
  done
  run_all "$RUN_LIMIT" "${lines[@]}"
  json_fields_of_runs
  for i in "${!RUN_LINES[@]}"; do
    if [[ ${RUN_STATUS[$i]} != 0 ]]; then
      failed+=("$i")
    elif ! parse_result "$i"; then
      run_evidence "$i" "one line holding one JSON object with exactly the keys of \"$(pinned_line "$W_TRANSPORT" "$W_MODE")\", transport and mode" "$PARSE_PROBLEM"
      return 1
    else
      judged=$((judged + 1))
    fi
  done
  ((${#failed[@]} == 0)) && return 0
  # A run that failed: because of --json, or does it fail without it too
  # (then the pinned-line checks judge it)?
  local plain=() json_lines=("${RUN_LINES[@]}") json_status=("${RUN_STATUS[@]}")
  for i in "${failed[@]}"; do plain+=("${json_lines[$i]#--json }"); done
  for i in "${failed[@]}"; do mv "$T/run-$i.out" "$T/json-$i.out"; mv "$T/run-$i.err" "$T/json-$i.err"; done
  run_all "$RUN_LIMIT" "${plain[@]}"
  local k=0
  for i in "${failed[@]}"; do
    if [[ ${RUN_STATUS[$k]} == 0 ]]; then
      show_file "sockbench ${json_lines[$i]}: stdout" "$T/json-$i.out"
      show_file "stderr" "$T/json-$i.err"
      fail_check "sockbench ${json_lines[$i]}: $(describe_status "${json_status[$i]}" "$RUN_LIMIT") (without --json it works)" "exit status 0 and one JSON object"
      return 1
    fi
    note "sockbench ${plain[$k]} does not run even without --json (see the pinned-line checks): its --json form was not judged"
    k=$((k + 1))
  done
  ((judged > 0)) || not_judged "no run worked even without --json (see the pinned-line checks)"
}

@test "the figures agree with the bytes moved and with the run's wall time [2 pts]" {
  hint "bytes is what arrived: SIZE x COUNT on the reliable transports, (COUNT - lost) x SIZE on udp; bytes_per_s is bytes / seconds; seconds are seconds and trip times microseconds (of CLOCK_MONOTONIC, in ns: divide by 1e9 and 1e3), so that seconds, p99 and median x COUNT/2 all fit in the time the run took." \
    12-measuring#throughput 12-measuring#latency-median-and-p99
  needs client
  local lines=() transport i verdict judged=0
  for transport in "${TRANSPORTS[@]}"; do lines+=("$transport latency 64 200"); done
  for transport in "${TRANSPORTS[@]}"; do
    # 20 datagrams of 1 KiB fit in a UDP receive buffer: none is lost here.
    [[ $transport == udp ]] && lines+=("udp throughput 1024 20") || lines+=("$transport throughput 65536 100")
  done
  run_all "$RUN_LIMIT" "${lines[@]}"
  for i in "${!RUN_LINES[@]}"; do
    if [[ ${RUN_STATUS[$i]} != 0 ]] || ! parse_result "$i"; then
      note "sockbench ${RUN_LINES[$i]} did not print its pinned line (see the pinned-line checks): its figures were not judged"
      continue
    fi
    judged=$((judged + 1))
    verdict=$(awk -v mode="$W_MODE" -v udp="$([[ $W_TRANSPORT == udp ]] && echo 1)" -v wall="${RUN_WALL[$i]}" \
      -v size="$R_SIZE" -v count="$R_COUNT" -v median="$R_MEDIAN" -v p99="$R_P99" -v bytes="$R_BYTES" \
      -v seconds="$R_SECONDS" -v rate="$R_RATE" -v lost="$R_LOST" '
      BEGIN {
        # The run lasted at most wall seconds (the grader saw it start and
        # end); a little more for the clocks (REALTIME here, MONOTONIC there).
        most = wall * 1.01 + 0.005
        if (mode == "latency") {
          half = int(count / 2)
          if (median * half > most * 1e6)
            printf "median_us=%s: half of the %d trips took at least that long, %.6f s in all, but the whole run took %.3f s", median, count, median * half / 1e6, wall
          else if (p99 > most * 1e6)
            printf "p99_us=%s: one trip longer than the whole run (%.3f s)", p99, wall
          exit
        }
        want = udp ? (count - lost) * size : count * size
        if (udp && lost > count) { printf "lost=%d of %d datagrams", lost, count; exit }
        if (bytes != want) {
          printf "bytes=%s, but %s", bytes, udp ? sprintf("%d datagrams of %d bytes arrived (count - lost)", count - lost, size) : sprintf("%d x %d bytes were sent", count, size)
          exit
        }
        if (seconds > most) { printf "seconds=%s, but the whole run took %.3f s", seconds, wall; exit }
        if (bytes == 0) { if (rate != 0) printf "bytes_per_s=%s with no bytes", rate; exit }
        decimals = length(seconds) - index(seconds, ".")
        e = 0.5 * 10 ^ -decimals
        low = bytes / (seconds + e) * 0.99 - 1
        high = seconds - e > 0 ? bytes / (seconds - e) * 1.01 + 1 : -1
        if (rate < low || (high >= 0 && rate > high))
          printf "bytes_per_s=%s, but bytes / seconds = %s / %s = %.1f", rate, bytes, seconds, bytes / seconds
      }')
    if [[ -n $verdict ]]; then
      run_evidence "$i" "figures that fit the bytes moved and the run's wall time" "$verdict"
      return 1
    fi
  done
  ((judged > 0)) || not_judged "no run printed its pinned line (see the pinned-line checks)"
}

# stats_delays: the trip times the grader's clock makes, in microseconds: 20
# warm-up trips of 5 us, then 200 trips: 190 from 10 to 1900 us, and 10 of
# 0.5 to 0.95 s, the slow ones (also) at the middle of the run and the fast
# ones at its 99th percentile, so that neither the mean, nor the slowest,
# nor a value read from the unsorted times passes.
stats_delays() {
  awk 'BEGIN {
    for (i = 0; i < 20; i++) d[n++] = 5
    split("5 40 99 100 120 150 160 170 180 199", slow, " ")
    for (k = 1; k <= 10; k++) at[slow[k]] = 500000 + 50000 * (k - 1)
    # The fast ones in a fixed shuffled order: 10 us times (37 j mod 191).
    j = 0
    for (i = 0; i < 200; i++) {
      if (i in at) { d[n++] = at[i]; continue }
      do { j++; v = (37 * j) % 191 } while (v == 0)
      d[n++] = 10 * v
    }
    for (i = 0; i < n; i++) printf "%s%d", i ? "," : "", d[i]
  }'
}

@test "the median and the 99th percentile are those of the sorted trip times [3 pts]" {
  hint "Time each round trip after the warm-up with clock_gettime(CLOCK_MONOTONIC) (before the write, after the whole echo is in), keep all COUNT times, sort them; the median is the middle one (the mean of the two middle ones for an even COUNT), p99 the one at rank ceil(0.99 x COUNT) (or interpolated there). Not the mean, not the slowest, not a value read before sorting." \
    12-measuring#latency-median-and-p99
  needs client
  local delays count=200 i calls messages verdict
  delays=$(stats_delays)
  with_tamper clock GRADER_TAMPER_SIZE=64 GRADER_TAMPER_DELAYS="$delays"
  run_all "$RUN_LIMIT" "uds-stream latency 64 $count"
  if [[ ${RUN_STATUS[0]} != 0 ]] || ! parse_result 0; then
    # Is it the grader's clock, or does this run fail anyway?
    local status=${RUN_STATUS[0]}
    mv "$T/run-0.out" "$T/clock.out" && mv "$T/run-0.err" "$T/clock.err"
    RUN_ENV=()
    run_all "$RUN_LIMIT" "uds-stream latency 64 $count"
    [[ ${RUN_STATUS[0]} == 0 ]] && parse_result 0 ||
      not_judged "sockbench uds-stream latency 64 $count does not print its pinned line (see the pinned-line checks)"
    show_file "with the grader's CLOCK_MONOTONIC: stdout" "$T/clock.out"
    show_file "stderr" "$T/clock.err"
    fail_check "sockbench uds-stream latency 64 $count: $(describe_status "$status" "$RUN_LIMIT") with the grader's clock (it works with the real one)" \
      "exit status 0 and the pinned line whatever the trips cost (the grader's clock makes some last 0.5 to 0.95 s)"
    return 1
  fi
  # The process that asked for the time most often is the one that timed;
  # of the messages it read, the last COUNT were the timed trips.
  read -r calls messages < <(awk '$1 == "clock" && $3 > best { best = $3; m = $4 } END { print best + 0, m + 0 }' "$T/run-0.tamper" 2>/dev/null)
  if ((calls == 0)); then
    fail_check "sockbench never called clock_gettime(CLOCK_MONOTONIC)" "each trip timed with clock_gettime(CLOCK_MONOTONIC)"
    return 1
  fi
  # The grader's clock moves only when the timing process reads a whole
  # message through read, recv, recvfrom or recvmsg (readv or stdio go
  # past the shim): with fewer than COUNT such reads, the trip times are not
  # the ones it chose, and nothing can be concluded from them.
  if ((messages < count)); then
    not_judged "the grader's clock moves with each echo read through read, recv, recvfrom or recvmsg, and it saw $messages of the $count timed ones (readv or stdio go past it): the times it chose could not be compared with median_us and p99_us"
  fi
  verdict=$(tr ',' '\n' <<<"$delays" | awk -v from="$((messages - count))" -v count="$count" -v median="$R_MEDIAN" -v p99="$R_P99" '
    NR > from && NR <= from + count { t[++n] = $1 }
    END {
      # sort (insertion sort: 200 values)
      for (i = 2; i <= n; i++) { v = t[i]; for (j = i - 1; j >= 1 && t[j] > v; j--) t[j + 1] = t[j]; t[j + 1] = v }
      mlo = t[int((n + 1) / 2)]; mhi = t[int(n / 2) + 1]
      r = 0.99 * n; plo = t[r == int(r) ? r : int(r) + 1]; phi = t[int(r) + 1 <= n ? int(r) + 1 : n]
      if (median < mlo - 0.5 || median > mhi + 0.5)
        printf "median_us=%s; the middle of the sorted trip times is %s%s us; ", median, mlo, mhi != mlo ? " to " mhi : ""
      if (p99 < plo - 0.5 || p99 > phi + 0.5)
        printf "p99_us=%s; the 99th percentile of the sorted trip times is %s%s us; ", p99, plo, phi != plo ? " to " phi : ""
    }')
  if [[ -n $verdict ]]; then
    evidence "the grader's clock" "each round trip took exactly the time the grader chose (190 trips of 10 to 1900 us, 10 of 0.5 to 0.95 s)"
    fail_check "${verdict%; }" "median_us and p99_us of the $count timed trips"
  fi
}

# --- system calls (strace) -------------------------------------------------------

# traced_runs LINE...: run each under strace (with_strace); the check is not
# judged if strace cannot trace here. Sets TRACED to the runs whose main
# process exited 0 (the others are noted: the pinned-line checks judge
# them), RUN_STATUS[I] to the main process's exit status and RUN_LEFT[I] to
# "left" if a process of run I was still running 5 s after the main one
# (it is then killed: that is "leaves no socket file and no process
# behind"'s finding), "still-running" if the main one did not end in time.
#
# The checks that read system calls ask for the same runs (fork, transport,
# TCP_NODELAY, warm-up, write sizes, clean-up), and a run under strace costs
# far more than reading its trace again: a LINE traced once in this grading
# is not run again. Its files live in $GRADER_TMP/r (which student code
# cannot write), as N.out, N.err and N, the run's directory (the only place
# there open to it; its trace is N/.trace), linked into each check's
# directory under that check's run number. The check that runs a LINE first
# claims it with a link named after the LINE, made atomically, to N (checks
# in other groups run at once: see grader/grade); the file named after the
# LINE says "N MAIN-STATUS LEFT" once the run is over, and a check that found
# the LINE claimed waits for it. (N short: the directory is TMPDIR, and a
# socket path must fit in sun_path's 108 bytes.)
traced_runs() {
  local line i key record=$GRADER_TMP/r fresh=() dirs=() n=0 main left
  mkdir -m 755 "$record" 2>/dev/null || [[ -d $record ]] || return 1
  for ((i = 0; i < $#; i++)); do
    line=${*:i+1:1}
    key=$record/${line// /_}
    until mkdir "$record/$n" 2>/dev/null; do n=$((n + 1)); done
    if ln -s "$n" "$key.run" 2>/dev/null; then
      held_claim "$key.run" "$key"
      fresh+=("$line")
      dirs[i]=$n
    else
      rmdir "$record/$n"
      fresh+=("")
      dirs[i]=$(readlink "$key.run")
    fi
    ln -s "$record/${dirs[i]}" "$T/run-$i" && ln -s "$record/${dirs[i]}.out" "$T/run-$i.out" &&
      ln -s "$record/${dirs[i]}.err" "$T/run-$i.err" && ln -s "$record/${dirs[i]}/.trace" "$T/run-$i.trace" || return 1
  done
  with_strace
  start_runs "$RUN_LIMIT" "${fresh[@]}"
  RUN_LINES=("$@")
  RUN_STATUS=()
  RUN_LEFT=()
  # This check's own runs first: another check may be waiting for one of
  # them while this one waits for one of its.
  for i in "${!RUN_LINES[@]}"; do
    [[ -n ${fresh[$i]} ]] || continue
    left=-
    wait_main_then_rest "$i" 5 || left=$STATUS
    printf '%s %s %s\n' "${dirs[i]}" "${MAIN_STATUS:-$STATUS}" "$left" >"$record/${RUN_LINES[$i]// /_}"
  done
  for i in "${!RUN_LINES[@]}"; do
    key=$record/${RUN_LINES[$i]// /_}
    wait_made "$key" "sockbench ${RUN_LINES[$i]} under strace (run by another check)" "$key.run" || return 1
    read -r _ main left <"$key"
    RUN_STATUS[i]=$main
    [[ $left == - ]] && RUN_LEFT[i]= || RUN_LEFT[i]=$left
  done
  needs_traces
  TRACED=()
  for i in "${!RUN_LINES[@]}"; do
    if [[ ${RUN_STATUS[$i]} == 0 ]] && trace_ok "$i"; then
      TRACED+=("$i")
    else
      note "sockbench ${RUN_LINES[$i]} under strace: $(describe_status "${RUN_STATUS[$i]}" "$RUN_LIMIT"); not judged here"
    fi
  done
  ((${#TRACED[@]} > 0)) || not_judged "no run exited 0 under strace (see the pinned-line checks)"
}

# expected_kind TRANSPORT: what traffic_kinds must say for it (an ERE).
expected_kind() {
  case $1 in
    uds-stream) echo '^unix-stream(-socketpair)?$' ;;
    uds-seqpacket) echo '^unix-seqpacket(-socketpair)?$' ;;
    uds-dgram) echo '^unix-dgram(-socketpair)?$' ;;
    tcp) echo '^tcp$' ;;
    udp) echo '^udp$' ;;
    socketpair) echo '^unix-stream-socketpair$' ;;
    pipe) echo '^pipe$' ;;
  esac
}

# kind_words KIND: a kind from traffic_kinds as a student reads it.
kind_words() {
  case $1 in
    unix-stream) echo 'an AF_UNIX SOCK_STREAM socket' ;;
    unix-stream-socketpair) echo 'a socketpair(AF_UNIX, SOCK_STREAM)' ;;
    unix-seqpacket*) echo 'an AF_UNIX SOCK_SEQPACKET socket' ;;
    unix-dgram*) echo 'an AF_UNIX SOCK_DGRAM socket' ;;
    unix-*) echo 'an AF_UNIX socket of unknown type' ;;
    tcp) echo 'a TCP socket (IPv4)' ;;
    tcp6) echo 'a TCP socket over IPv6' ;;
    udp) echo 'a UDP socket (IPv4)' ;;
    udp6) echo 'a UDP socket over IPv6' ;;
    pipe) echo 'a pipe' ;;
  esac
}

@test "one parent and one child from fork share the work (strace) [2 pts]" {
  hint "fork once, after making both ends of the transport (or before, and connect in the child): the parent keeps one end and the child the other, so that the bytes really cross from one process to another; no threads, and not one process talking to itself." \
    09-many-clients#one-process-per-client a-debugging#reading-strace-output
  needs client
  local i verdict
  traced_runs "uds-dgram latency 1000 50" "pipe throughput 3000 40"
  for i in "${TRACED[@]}"; do
    verdict=$(trace_table "$T/run-$i.trace" | awk -F'\t' '
      $2 ~ /^v?fork$/ && $5 + 0 > 0 { processes++ }
      $2 ~ /^clone3?$/ { if ($8 ~ /CLONE_THREAD/) threads++; else if ($5 + 0 > 0) processes++ }
      $2 ~ /^(read|readv|recv|recvfrom|recvmsg|write|writev|send|sendto|sendmsg)$/ && $5 + 0 > 0 && $4 ~ /^<(UNIX|TCP|UDP|pipe)/ { movers[$1] = 1 }
      END {
        for (p in movers) n++
        if (threads) printf "%d thread(s) made (clone with CLONE_THREAD)", threads
        else if (processes != 1) printf "%d child processes made (fork, or clone without CLONE_THREAD)", processes
        else if (n < 2) printf "the data moved in %d process(es) only", n
      }')
    if [[ -n $verdict ]]; then
      fail_check "sockbench ${RUN_LINES[$i]}: $verdict" "one child process from fork, the data moving between it and the parent"
      return 1
    fi
  done
}

@test "the traffic goes over the transport named (strace) [2 pts]" {
  hint "uds-stream: socket(AF_UNIX, SOCK_STREAM); uds-seqpacket: SOCK_SEQPACKET; uds-dgram: SOCK_DGRAM (a private path, an abstract or an unnamed address); tcp and udp: AF_INET sockets on 127.0.0.1; socketpair: socketpair(AF_UNIX, SOCK_STREAM); pipe: pipe(). The messages cross through that and nothing else." \
    03-types#which-domain-offers-which-type 03-types#sequenced-packet-sockets 08-unix-superpowers#socketpair a-debugging#reading-strace-output
  needs client
  local lines=() transport i kinds wrong
  for transport in "${TRANSPORTS[@]}"; do lines+=("$transport latency 1000 50"); done
  traced_runs "${lines[@]}"
  for i in "${TRACED[@]}"; do
    run_words "$i"
    kinds=$(trace_table "$T/run-$i.trace" | traffic_kinds 100 | sort -u)
    wrong=$(grep -Ev "$(expected_kind "$W_TRANSPORT")" <<<"$kinds" | head -n 1)
    if [[ -z $kinds ]]; then
      fail_check "sockbench ${RUN_LINES[$i]}: no write of 100 bytes or more on a socket or a pipe" "the 1000-byte messages written on $W_TRANSPORT"
      return 1
    elif [[ -n $wrong ]]; then
      fail_check "sockbench ${RUN_LINES[$i]}: messages written on $(kind_words "$wrong")" "every message on $W_TRANSPORT"
      return 1
    fi
  done
}

@test "tcp latency: TCP_NODELAY on both connected sockets (strace) [2 pts]" {
  hint "In latency mode set TCP_NODELAY on both connected sockets (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one)): on the one that connected and on the one accept returned (or on the listening socket before accept: Linux passes it on). Else Nagle's algorithm may hold back a small write until an ACK comes." \
    12-measuring#nagle-and-tcp_nodelay 05-lifecycle#nagle-and-delayed-acks
  needs client
  local verdict
  traced_runs "tcp latency 1000 50"
  verdict=$(trace_table "$T/run-0.trace" | awk -F'\t' '
    function inode(l) { return match(l, /^<TCP:\[[0-9]+\]>$/) ? substr(l, 7, length(l) - 8) : "" }
    # an end of a connection, "LOCALPORT->REMOTEPORT", from a connected label
    function end_of(l,    a) { if (!match(l, /^<TCP:\[[0-9.]+:[0-9]+->[0-9.]+:[0-9]+\]>$/)) return ""; gsub(/^<TCP:\[|\]>$/, "", l); split(l, a, /->/); sub(/.*:/, "", a[1]); sub(/.*:/, "", a[2]); return a[1] "->" a[2] }
    function local_of(l) { if (!match(l, /^<TCP:\[[0-9.]+:[0-9]+\]>$/)) return ""; sub(/\]>$/, "", l); sub(/.*:/, "", l); return l }
    {
      key = $1 SUBSEP $3
      if ($4 ~ /^<TCP:/) {
        if (inode($4) != "") last[key] = inode($4)
        else if (key in last) { alias[last[key]] = $4; delete last[key] }
      }
      if ($2 == "close") delete last[key]
      if ($2 == "connect" && inode($4) != "" && match($8, /htons\([0-9]+\)/)) remote[inode($4)] = substr($8, RSTART + 6, RLENGTH - 7)
      if ($2 == "setsockopt" && $5 == "0" && $8 ~ /TCP_NODELAY, \[[1-9]/) marks[++n] = $4
      if ($2 ~ /^(write|writev|send|sendto|sendmsg)$/ && $5 + 0 >= 100 && end_of($4) != "") ends[end_of($4)] = 1
    }
    END {
      for (k = 1; k <= n; k++) {
        l = marks[k]; i = inode(l)
        if (i != "" && (i in alias)) l = alias[i]
        if (end_of(l) != "") on_end[end_of(l)] = 1
        else if (local_of(l) != "") on_local[local_of(l)] = 1
        else if (i != "" && (i in remote)) on_remote[remote[i]] = 1
      }
      for (e in ends) {
        seen++
        split(e, p, /->/)
        if (!(e in on_end) && !(p[1] in on_local) && !(p[2] in on_remote)) { missing++; which = e }
      }
      if (seen < 2) printf "the messages went over %d TCP socket(s), not the two ends of one connection", seen
      else if (missing) printf "%d of the %d connected sockets sent with Nagle on (no TCP_NODELAY), e.g. the one from port %s", missing, seen, which
    }')
  [[ -z $verdict ]] || fail_check "sockbench tcp latency 1000 50: $verdict" "TCP_NODELAY on both connected sockets"
}

@test "latency: an untimed warm-up of COUNT/10 round trips, then COUNT (strace) [2 pts]" {
  hint "Before timing anything make COUNT/10 round trips (integer division) that are not timed, then COUNT timed ones: with COUNT 50 and SIZE 1000 that is 55 messages of 1000 bytes each way, 110000 bytes written in all." \
    12-measuring#latency-median-and-p99 a-debugging#reading-strace-output
  needs client
  local lines=() transport i bytes calls want=$((2 * 55 * 1000))
  for transport in "${TRANSPORTS[@]}"; do lines+=("$transport latency 1000 50"); done
  traced_runs "${lines[@]}"
  for i in "${TRACED[@]}"; do
    read -r bytes calls < <(trace_table "$T/run-$i.trace" | transport_bytes 1000)
    # A set-up handshake may add a few bytes, never a message.
    if ((bytes < want || bytes >= want + 1000)); then
      fail_check "sockbench ${RUN_LINES[$i]}: $bytes bytes written on sockets and pipes ($((bytes / 2000)) round trips of 1000 bytes)" \
        "$want bytes: 5 warm-up and 50 timed round trips, 1000 bytes each way"
      return 1
    fi
  done
}

@test "throughput: COUNT writes of SIZE bytes (strace) [1 pt]" {
  hint "The writer makes COUNT writes of SIZE bytes each (write, send, sendto or sendmsg), one message each: not the whole run in one write, not in pieces of another size." \
    12-measuring#throughput a-debugging#reading-strace-output
  needs client
  local lines=() transport i bytes calls
  for transport in "${TRANSPORTS[@]}"; do lines+=("$transport throughput 3000 40"); done
  traced_runs "${lines[@]}"
  for i in "${TRACED[@]}"; do
    read -r bytes calls < <(trace_table "$T/run-$i.trace" | transport_bytes 3000)
    if ((calls != 40)); then
      fail_check "sockbench ${RUN_LINES[$i]}: $calls writes of 3000 bytes ($bytes bytes written on sockets and pipes in all)" "40 writes of 3000 bytes"
      return 1
    fi
  done
}

# --- every byte checked ------------------------------------------------------------

# mismatch_runs WHAT LINE...: run each with the shim set by with_tamper;
# every run in which the shim did WHAT (the log says so) must exit 1 with
# "data mismatch" on stderr. Runs where it did nothing are noted.
mismatch_runs() {
  local what=$1 i judged=0
  shift
  run_all "$RUN_LIMIT" "$@"
  for i in "${!RUN_LINES[@]}"; do
    if ! tampered "$i" "$what"; then
      note "sockbench ${RUN_LINES[$i]}: the grader's shim found nothing to change (no read of that message through read, recv, recvfrom or recvmsg), so this run was not judged"
      continue
    fi
    judged=$((judged + 1))
    if [[ ${RUN_STATUS[$i]} != 1 ]] || ! grep -q 'data mismatch' "$T/run-$i.err"; then
      run_evidence "$i" "\"sockbench: data mismatch ...\" on stderr and exit status 1"
      return 1
    fi
  done
  ((judged > 0)) || not_judged "the grader's shim (LD_PRELOAD) changed nothing in any run: does the program read through read, recv, recvfrom or recvmsg?"
}

@test "a byte corrupted in transit: data mismatch and exit status 1 [3 pts]" {
  hint "Check every byte that arrives, in both processes, against what must have been sent (a pattern computed from the byte's offset in the run, or from a sequence number): the grader's shim changed one byte. Then print \"sockbench: data mismatch ...\" and exit 1; the parent exits 1 also when the child noticed (its exit status says so), without dying of SIGPIPE or hanging on the way." \
    12-measuring#checking-every-byte 05-lifecycle#vanished-peers-and-sigpipe
  needs client
  local lines=() transport mode
  for transport in "${TRANSPORTS[@]}"; do
    for mode in latency throughput; do lines+=("$transport $mode 1000 50"); done
  done
  # Byte 500 of the 31st message each process reads.
  with_tamper corrupt GRADER_TAMPER_AT=30500
  mismatch_runs corrupted "${lines[@]}"
}

@test "a datagram one byte short: data mismatch and exit status 1 [2 pts]" {
  hint "A datagram or a SOCK_SEQPACKET message arrives whole, in one read: ask for SIZE + 1 bytes and check that exactly SIZE came; anything else is \"sockbench: data mismatch ...\", exit 1 (checking the bytes that did come is not enough)." \
    12-measuring#checking-every-byte 06-datagrams#message-size-and-truncation
  needs client
  local lines=() transport mode
  for transport in "${MESSAGE_TRANSPORTS[@]}"; do
    for mode in latency throughput; do lines+=("$transport $mode 1000 50"); done
  done
  with_tamper short-dgram GRADER_TAMPER_AT=30 GRADER_TAMPER_SIZE=1000
  mismatch_runs shortened "${lines[@]}"
}

@test "short reads on stream transports are no mismatch (1 MiB messages) [2 pts]" {
  hint "On a stream (uds-stream, tcp, socketpair, pipe) a read returns whatever has arrived, often less than a message: a 1 MiB message never fits in a socket buffer at once. Read again until the message is whole (or check each piece at its offset); only wrong bytes are a mismatch." \
    05-lifecycle#short-reads-and-short-writes 12-measuring#checking-every-byte
  needs client
  local lines=() transport i round problem
  for transport in "${STREAMS[@]}"; do lines+=("$transport throughput 1048576 8" "$transport latency 65507 20"); done
  # As they come, and then split into pieces by the grader's shim.
  for round in natural split; do
    RUN_ENV=()
    [[ $round == split ]] && with_tamper short-reads
    run_all "$RUN_LIMIT" "${lines[@]}"
    for i in "${!RUN_LINES[@]}"; do
      run_words "$i"
      if [[ ${RUN_STATUS[$i]} != 0 ]]; then
        run_evidence "$i" "exit status 0 and the pinned line$([[ $round == split ]] && printf ', with reads of a few KiB each (the grader'\''s shim)')"
        return 1
      fi
      if ! parse_result "$i"; then
        run_evidence "$i" "one line: \"$(pinned_line "$W_TRANSPORT" "$W_MODE")\"" "$PARSE_PROBLEM"
        return 1
      fi
      if [[ $W_MODE == throughput && $R_BYTES != $((1048576 * 8)) ]]; then
        run_evidence "$i" "bytes=$((1048576 * 8))" "bytes=$R_BYTES"
        return 1
      fi
    done
  done
}

# --- UDP -------------------------------------------------------------------------------

@test "udp throughput reports lost datagrams instead of failing [2 pts]" {
  hint "UDP may drop datagrams (on loopback when the receiver's buffer is full): number them, count the gaps as lost, end on a marker or after a second of silence, and report bytes=(COUNT - lost) x SIZE and lost=L with exit status 0. Loss is a result, not an error." \
    12-measuring#udp-loss-on-loopback 06-datagrams#loss-timeouts-and-retries
  needs client
  local problem dropped
  with_tamper drop GRADER_TAMPER_EVERY=10 GRADER_TAMPER_SIZE=1200
  run_all "$RUN_LIMIT" "udp throughput 1200 200"
  tampered 0 dropped ||
    not_judged "the grader's shim dropped nothing: no 1200-byte datagram went through write, send, sendto or sendmsg"
  dropped=$(grep -c '^dropped ' "$T/run-0.tamper")
  if [[ ${RUN_STATUS[0]} != 0 ]]; then
    run_evidence 0 "exit status 0 and lost=L: the grader's shim dropped $dropped of the 1200-byte datagrams"
    return 1
  fi
  if ! parse_result 0; then
    run_evidence 0 "one line: \"$(pinned_line udp throughput)\"" "$PARSE_PROBLEM"
    return 1
  fi
  if ((R_LOST < 1 || R_LOST > 200 || R_BYTES != (200 - R_LOST) * 1200)); then
    run_evidence 0 "lost=L (the grader's shim dropped $dropped datagrams) and bytes=(200 - L) x 1200" "lost=$R_LOST bytes=$R_BYTES"
    return 1
  fi
}

# waits about 1 s: sockbench's 1 s wait for the lost answer
@test "udp latency: a round trip without an answer ends with a message and exit status 1 [2 pts]" {
  hint "A lost UDP datagram is never answered: wait at most 1 s for each answer (poll with a timeout, or SO_RCVTIMEO), then say so on stderr, end the child and exit 1, instead of waiting forever." \
    06-datagrams#loss-timeouts-and-retries 12-measuring#udp-loss-on-loopback
  needs client
  with_tamper drop GRADER_TAMPER_AT=30 GRADER_TAMPER_SIZE=1200
  run_all "$RUN_LIMIT" "udp latency 1200 50"
  tampered 0 dropped ||
    not_judged "the grader's shim dropped nothing: no 1200-byte datagram went through write, send, sendto or sendmsg"
  if [[ ${RUN_STATUS[0]} != 1 || ! -s $T/run-0.err ]]; then
    run_evidence 0 "a message on stderr and exit status 1 (the grader's shim dropped the 30th datagram)"
    return 1
  fi
}

# --- the end of a run ---------------------------------------------------------------

# main_pid I: the first process of run I's trace (the program itself).
main_pid() {
  local pid
  [[ -r $T/run-$1.trace ]] && read -r pid _ <"$T/run-$1.trace" && printf '%s\n' "$pid"
  return 0
}

# main_ended I: run I's main process has exited (or was killed).
main_ended() {
  local pid first rest
  [[ -r $T/run-$1.trace ]] && read -r pid _ <"$T/run-$1.trace" && [[ -n $pid ]] || return 1
  while read -r first rest; do
    [[ $first == "$pid" && ( $rest == '+++ exited'* || $rest == '+++ killed'* ) ]] && return 0
  done <"$T/run-$1.trace"
  return 1
}

# wait_main_then_rest I SECONDS: wait for run I's main process to end (at
# most its time limit), then at most SECONDS for every other one (strace
# waits for them all). Sets STATUS (the main process's exit status, or
# still-running). Returns 1 if something was still running.
wait_main_then_rest() {
  local i=$1 group=${RUN_GROUPS[$1]} tries=$((RUN_LIMIT * 20))
  until main_ended "$i" || ! kill -0 "$group" 2>/dev/null || ((--tries == 0)); do sleep 0.05; done
  MAIN_STATUS=
  if ! main_ended "$i"; then
    local running=
    kill -0 "$group" 2>/dev/null && running=1
    finish "$group"
    [[ -n $running ]] && STATUS=still-running
    return 1
  fi
  if exited_within "$group" "$2"; then
    finish "$group"
  else
    kill -KILL -- "-$group" 2>/dev/null || true
    wait "$group" 2>/dev/null || true
    STATUS=left
  fi
  local pid
  pid=$(main_pid "$i")
  MAIN_STATUS=$(sed -n "s/^$pid[[:space:]]*+++ exited with \([0-9]*\) +++$/\1/p" "$T/run-$i.trace")
  [[ $STATUS != left ]]
}

# files_left I: the socket files run I bound (AF_UNIX paths, relative to its
# directory) that still exist.
files_left() {
  local path
  sed -n 's/.*bind([0-9]*\(<[^>]*>\)\{0,1\}, {sa_family=AF_UNIX, sun_path="\([^"@][^"]*\)"}.* = 0$/\2/p' "$T/run-$1.trace" | sort -u |
    while IFS= read -r path; do
      [[ $path == /* ]] || path=$T/run-$1/$path
      if [[ -S $path ]]; then printf '%s\n' "$path"; fi
    done
}

@test "leaves no socket file and no process behind [2 pts]" {
  hint "Remove each socket file you bound (as soon as both ends are connected, or before exit), and have the child end before the parent exits (waitpid): on a datagram socket the child sees no end of file, so it must know how many messages to answer, or be ended by the parent." \
    04-addresses#stale-socket-files 09-many-clients#one-process-per-client 05-lifecycle#closing-every-descriptor
  needs client
  local lines=() transport i left judged=0
  # The runs the other strace checks made (traced_runs runs each once).
  for transport in "${TRANSPORTS[@]}"; do lines+=("$transport latency 1000 50" "$transport throughput 3000 40"); done
  traced_runs "${lines[@]}"
  for i in "${!RUN_LINES[@]}"; do
    if [[ ${RUN_LEFT[$i]} == left ]]; then
      fail_check "sockbench ${RUN_LINES[$i]}: a process of it was still running 5 s after the main one exited" \
        "every process ended by the time the program exits"
      return 1
    fi
  done
  for i in "${TRACED[@]}"; do
    left=$(files_left "$i")
    if [[ -n $left ]]; then
      fail_check "sockbench ${RUN_LINES[$i]} left the socket file(s) $(paste -sd' ' <<<"$left")" "no socket file left"
      return 1
    fi
  done
}

# parent_pid PGID: the sockbench process of the group whose parent is not a
# sockbench process.
parent_pid() {
  local pids pid ppid
  pids=$(program_pids "$1")
  for pid in $pids; do
    ppid=$(awk '{ print $4 }' "/proc/$pid/stat" 2>/dev/null) || continue
    grep -qx "$ppid" <<<"$pids" || { echo "$pid"; return 0; }
  done
  return 1
}

@test "SIGINT and SIGTERM mid-run end the child and remove the socket files [2 pts]" {
  hint "Catch SIGINT and SIGTERM in the parent (sigaction without SA_RESTART, so that a blocked read returns EINTR), then end the child (kill it with SIGTERM, waitpid), remove any socket file still there, and exit. A child blocked reading a datagram socket never learns by itself that the parent has gone: prctl(PR_SET_PDEATHSIG, SIGTERM) in the child covers a parent that was killed outright." \
    05-lifecycle#clean-shutdown-on-signals 05-lifecycle#signal-restarts-the-call
  needs client
  local i sig tries left signals=(INT TERM INT) parents=()
  # Mid-run, at a known point: the grader's shim holds the 100th message
  # back (its write waits for a signal), so the other process is left
  # waiting for it, as it is most of the time in a run.
  with_tamper stall GRADER_TAMPER_AT=100 GRADER_TAMPER_SIZE=1000
  RUN_WRAP=(strace -f -q -s 200 -e trace=bind,%process -o "$T/run-RUN_I.trace")
  start_runs "$RUN_LIMIT" "uds-dgram latency 1000 10000000" "uds-stream throughput 1000 10000000" "udp latency 1000 10000000"
  for i in "${!RUN_LINES[@]}"; do
    tries=$((RUN_LIMIT * 20))
    until tampered "$i" stalled || ! kill -0 "${RUN_GROUPS[$i]}" 2>/dev/null || ((--tries == 0)); do sleep 0.05; done
  done
  for i in "${!RUN_LINES[@]}"; do
    if ! tampered "$i" stalled || ! parents[i]=$(parent_pid "${RUN_GROUPS[$i]}") ||
      (($(program_pids "${RUN_GROUPS[$i]}" | wc -l) < 2)); then
      local running=$(program_pids "${RUN_GROUPS[$i]}" | wc -l)
      kill -KILL -- "-${RUN_GROUPS[$i]}" 2>/dev/null || true
      finish "${RUN_GROUPS[$i]}"
      trace_ok "$i" || ptrace_refused "$i"
      show_file "sockbench ${RUN_LINES[$i]}: stderr" "$T/run-$i.err"
      not_judged "sockbench ${RUN_LINES[$i]} did not run as two processes up to its 100th message ($running process(es) then), so there was no child to end (see the pinned-line checks and \"one parent and one child from fork\")"
    fi
  done
  for i in "${!RUN_LINES[@]}"; do kill "-${signals[$i]}" "${parents[$i]}"; done
  for i in "${!RUN_LINES[@]}"; do
    sig=${signals[$i]}
    if ! exited_within "${parents[$i]}" 10; then
      fail_check "sockbench ${RUN_LINES[$i]}: the parent still running 10 s after SIG$sig" "the parent ends the child and exits"
      return 1
    fi
    if ! exited_within "${RUN_GROUPS[$i]}" 5; then
      fail_check "sockbench ${RUN_LINES[$i]}: the child still running 5 s after the parent exited on SIG$sig" "the child ended too"
      return 1
    fi
    finish "${RUN_GROUPS[$i]}"
    left=$(files_left "$i")
    if [[ -n $left ]]; then
      # Does it leave them without a signal too? Then that is the other
      # check's finding, not this one's.
      RUN_ENV=()
      start_runs "$RUN_LIMIT" "${RUN_LINES[$i]/10000000/100}"
      wait_main_then_rest 0 5 || true
      [[ -n $(files_left 0) ]] &&
        not_judged "sockbench leaves its socket files behind even without a signal (see \"leaves no socket file and no process behind\")"
      fail_check "after SIG$sig: the socket file(s) $(paste -sd' ' <<<"$left") left" "no socket file left"
      return 1
    fi
  done
}

# --- memory -------------------------------------------------------------------------

@test "no memory errors or descriptor leaks under valgrind [2 pts]" {
  hint "Free what you allocate and close every descriptor before exit, in both processes: the child closes the parent's end at once and its own at the end, the parent closes the child's end after fork. Read only the bytes a read returned." \
    a-debugging#valgrind-and-descriptor-leaks 05-lifecycle#closing-every-descriptor
  needs client
  local i log problems fds judged=0
  RUN_ENV=()
  # The child sockbench forks is judged too: MEMCHECK, not VALGRIND.
  RUN_WRAP=("${MEMCHECK[@]}" --log-file="$T/run-RUN_I.vg.%p")
  run_all 90 "uds-dgram latency 64 100" "tcp throughput 65536 50" "udp throughput 1200 100" "pipe latency 64 50"
  for i in "${!RUN_LINES[@]}"; do
    if [[ ${RUN_STATUS[$i]} != 0 && ${RUN_STATUS[$i]} != 99 ]]; then
      note "sockbench ${RUN_LINES[$i]} under valgrind: $(describe_status "${RUN_STATUS[$i]}" 90); its memory was not judged"
      continue
    fi
    judged=$((judged + 1))
    for log in "$T"/run-"$i".vg.*; do
      [[ -e $log ]] || continue
      # A process killed on purpose (the parent ends the child) writes no summary.
      grep -q 'ERROR SUMMARY' "$log" || continue
      if ! problems=$(valgrind_memory_problems "$log"); then
        fail_check "sockbench ${RUN_LINES[$i]}: $(echo "$problems" | paste -sd ';' | tr -s ' ')" "no invalid reads or writes, no definitely-lost memory"
        return 1
      fi
      if ! fds=$(valgrind_open_fds "$log"); then
        fail_check "sockbench ${RUN_LINES[$i]}: descriptors still open at exit: $(echo "$fds" | paste -sd ';')" "only stdin, stdout and stderr open at exit, in both processes"
        return 1
      fi
    done
  done
  ((judged > 0)) || not_judged "no run finished under valgrind (see the pinned-line checks)"
}
