#!/usr/bin/env bats
# Lab 08 ping: the checks, in the order a student meets them.
# programs: icmp-ping
# Each check's points are in brackets at the end of its name: the only place
# they are written.
#
# Every check that pings runs the program in a network namespace of its own
# (loopback only), made by the grader as root, where the check sets
# net.ipv4.ping_group_range (per namespace) and, for the checks that need
# silence or the grader's own replies, net.ipv4.icmp_echo_ignore_all and
# net.ipv6.icmp.echo_ignore_all. The program runs as the grader's dropped
# uid through lib/netns: with no capability at all ("user"), or with
# CAP_NET_RAW only ("raw"). Where namespaces cannot be made (a grader that is
# not root; a container without CAP_SYS_ADMIN, whose /proc/sys is read-only)
# those checks are not judged: `docker run --privileged` (or at least
# --cap-add=SYS_ADMIN --cap-add=NET_ADMIN --security-opt seccomp=unconfined
# --security-opt apparmor=unconfined) makes every check judgeable.
#
# The grader's echo responder is grader/peer/icmp-peer.c; the other pinger
# is iputils ping.

load test_helper

CLIENT_PROGRAM=icmp-ping

# --- helpers for this lab ---------------------------------------------------

# needs_netns: the grader can make network namespaces, or the check is not
# judged.
needs_netns() {
  if [[ -z ${GRADER_DROP_UID:-} ]]; then
    not_judged "pinging is judged only in a network namespace of the grader's own, and this grader does not run as root (run it as root, or in the Docker image with --privileged)"
  elif ! unshare --net true 2>/dev/null; then
    not_judged "this machine refuses network namespaces (unshare --net): in Docker, run the grader with --privileged (or --cap-add=SYS_ADMIN --cap-add=NET_ADMIN --security-opt seccomp=unconfined --security-opt apparmor=unconfined)"
  fi
}

# make_netns PING_GROUPS [silent]: a new network namespace with loopback up,
# held by a sleeping process; NETNS is its /proc/PID/ns/net. PING_GROUPS
# "open" lets every gid have a ping socket, "closed" none. "silent": the
# kernel answers no echo request (the grader's peer may).
make_netns() {
  local groups='1 0' holder tries=500
  [[ $1 == open ]] && groups='0 2147483647'
  spawn 120 netns unshare --net sleep 120
  until holder=$(pgrep -g "$SPAWNED" -x sleep) || ((--tries == 0)); do sleep 0.01; done
  [[ -n $holder ]] || { fail_check "the grader could not make a network namespace"; return 1; }
  NETNS=/proc/$holder/ns/net
  local settings=(net.ipv4.ping_group_range="$groups")
  [[ ${2:-} == silent ]] && settings+=(net.ipv4.icmp_echo_ignore_all=1 net.ipv6.icmp.echo_ignore_all=1)
  nsenter --net="$NETNS" sh -c 'ip link set lo up && sysctl -qw "$@"' sh "${settings[@]}" ||
    { fail_check "the grader could not set up its network namespace"; return 1; }
}

# spawn_ping LIMIT NAME user|raw [WRAPPER...] -- ARGS...: start the student's
# program in $NETNS (see lib/netns), output in $T/NAME.out and .err.
spawn_ping() {
  local limit=$1 name=$2 mode=$3 wrapper=()
  shift 3
  while (($#)) && [[ $1 != -- ]]; do wrapper+=("$1"); shift; done
  shift
  "$GRADER_LAUNCH" -t "$limit" -- "$GRADER_LIB/netns" "$NETNS" "$mode" "${wrapper[@]}" \
    "$(student icmp-ping)" "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err" 3>&- &
  SPAWNED=$!
  GROUPS_STARTED+=("$SPAWNED")
}

# run_ping LIMIT user|raw ARGS...: run to completion as "ping"; sets STATUS.
run_ping() {
  local limit=$1 mode=$2
  shift 2
  spawn_ping "$limit" ping "$mode" -- "$@"
  finish "$SPAWNED"
}

# start_peer 4|6 ARGS...: the grader's echo responder in $NETNS (as root);
# waits until its socket is open. Its log is $T/peer.out.
start_peer() {
  local tries=500
  spawn 60 peer nsenter --net="$NETNS" "$GRADER_TOOLS/icmp-peer" "$@"
  until grep -q '^ready' "$T/peer.out" || ((--tries == 0)); do sleep 0.01; done
  grep -q '^ready' "$T/peer.out" || { fail_check "the grader's echo responder did not start: $(head -c 300 "$T/peer.err")"; return 1; }
}

# parse_ping FILE: read the program's output into REPLIES (non-duplicate
# reply lines, "SEQ TTL TIME ADDR" each), DUP_LINES, TRANSMITTED, RECEIVED,
# DUPLICATES, LOSS, RTT ("min avg max mdev", empty if none) and FIRST_LINE.
parse_ping() {
  local parsed
  parsed=$(awk '
    NR == 1 { printf "first\t%s\n", $0 }
    /^[0-9]+ bytes from .*: icmp_seq=[0-9]+ ttl=[0-9-]+ time=[0-9.]+ ms/ {
      addr = $0; sub(/^[0-9]+ bytes from /, "", addr); sub(/: icmp_seq=.*/, "", addr)
      match($0, /icmp_seq=[0-9]+/); seq = substr($0, RSTART + 9, RLENGTH - 9)
      match($0, /ttl=[0-9-]+/); ttl = substr($0, RSTART + 4, RLENGTH - 4)
      match($0, /time=[0-9.]+/); t = substr($0, RSTART + 5, RLENGTH - 5)
      if ($0 ~ /\(DUP!\)/) { dups++ } else printf "reply\t%s %s %s %s\n", seq, ttl, t, addr
    }
    /^[0-9]+ packets transmitted, [0-9]+ received/ {
      printf "tx\t%s\nrx\t%s\n", $1, $4
      if (match($0, /\+[0-9]+ duplicates/)) printf "dup\t%s\n", substr($0, RSTART + 1, RLENGTH - 12)
      if (match($0, /[0-9.]+% packet loss/)) printf "loss\t%s\n", substr($0, RSTART, RLENGTH - 13)
    }
    /^rtt min\/avg\/max\/mdev = [0-9.]+\/[0-9.]+\/[0-9.]+\/[0-9.]+ ms/ {
      split($4, r, "/"); printf "rtt\t%s %s %s %s\n", r[1], r[2], r[3], r[4]
    }
    END { printf "duplines\t%d\n", dups }
  ' "$1")
  REPLIES=$(sed -n 's/^reply\t//p' <<<"$parsed")
  FIRST_LINE=$(sed -n 's/^first\t//p' <<<"$parsed")
  TRANSMITTED=$(sed -n 's/^tx\t//p' <<<"$parsed" | tail -n 1)
  RECEIVED=$(sed -n 's/^rx\t//p' <<<"$parsed" | tail -n 1)
  DUPLICATES=$(sed -n 's/^dup\t//p' <<<"$parsed" | tail -n 1)
  LOSS=$(sed -n 's/^loss\t//p' <<<"$parsed" | tail -n 1)
  RTT=$(sed -n 's/^rtt\t//p' <<<"$parsed" | tail -n 1)
  DUP_LINES=$(sed -n 's/^duplines\t//p' <<<"$parsed")
}

# reply_count: the number of non-duplicate reply lines parsed.
reply_count() {
  [[ -n $REPLIES ]] && wc -l <<<"$REPLIES" || echo 0
}

# ping_failed WHAT: the evidence of a run that did not do WHAT.
ping_failed() {
  show_file "output" "$T/ping.out"
  show_file "stderr" "$T/ping.err"
  fail_check "$(describe_status "$STATUS" "${2:-its time limit}")${3:+; $3}" "$1"
}

# answered ADDR COUNT: the run exited 0 having printed COUNT replies from
# ADDR (no duplicates) and "COUNT packets transmitted, COUNT received".
answered() {
  local addr=$1 count=$2
  parse_ping "$T/ping.out"
  local expected="exit status 0, $count reply lines \"64 bytes from $addr: ...\" and \"$count packets transmitted, $count received\""
  if [[ $STATUS != 0 ]]; then
    ping_failed "$expected"
    return 1
  fi
  if [[ $(reply_count) != "$count" || -n $(awk -v a="$addr" '$4 != a' <<<"$REPLIES") ]]; then
    ping_failed "$expected" "" "$(reply_count) reply lines$([[ -n $REPLIES ]] && printf ' from %s' "$(awk '{ print $4 }' <<<"$REPLIES" | sort -u | paste -sd,)")"
    return 1
  fi
  if [[ $TRANSMITTED != "$count" || $RECEIVED != "$count" ]]; then
    ping_failed "$expected" "" "summary: ${TRANSMITTED:-?} transmitted, ${RECEIVED:-?} received"
    return 1
  fi
}

# raw_ipv6_or_not_judged: after a raw ping over ::1 that counted no reply at
# all, ping ::1 again through a raw socket, in a namespace with nothing
# added (no other pinger, no responder of the grader's). If that counts no
# reply either, the check's property rests on "falls back to a raw ICMPv6
# socket over ::1", which judges it: not judged. Otherwise the check judges
# its own run (STATUS is its again).
raw_ipv6_or_not_judged() {
  parse_ping "$T/ping.out"
  [[ $(reply_count) == 0 ]] || return 0
  local status=$STATUS
  make_netns closed || return 1
  spawn_ping 15 plain raw -- -c 3 -i 0.2 ::1
  finish "$SPAWNED"
  parse_ping "$T/plain.out"
  if [[ $STATUS != 0 || $(reply_count) != 3 ]]; then
    not_judged "no reply was counted, and a raw ping over ::1 with nothing else going on counted $(reply_count) of 3 ($(describe_status "$STATUS" 15)): see \"falls back to a raw ICMPv6 socket over ::1\""
  fi
  STATUS=$status
}

# requests_seen: the sequence numbers of the requests the peer saw, in order.
requests_seen() {
  sed -n 's/^request id=[0-9]* seq=\([0-9]*\) .*/\1/p' "$T/peer.out" | paste -sd' '
}

# wait_replies N SECONDS: until the program has printed N reply lines.
wait_replies() {
  local tries=$(($2 * 100))
  while ((tries-- > 0)); do
    (($(grep -c ' bytes from ' "$T/ping.out") >= $1)) && return 0
    kill -0 "$SPAWNED" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}

# --- compiling --------------------------------------------------------------

@test "compiles without errors [1 pt]" { check_compiles; }

@test "compiles without warnings [1 pt]" { check_no_warnings; }

# --- arguments --------------------------------------------------------------

@test "rejects bad arguments with exit status 2 [2 pts]" {
  hint "Check the arguments before anything else: -c COUNT is digits only, 1 to 100000; -i SECONDS is digits with an optional decimal part, at least 0.01; exactly one HOST after the options. Print a usage line on stderr and exit 2." \
    05-lifecycle#errors-and-exit-statuses
  needs client
  needs_netns
  make_netns open
  local lines=("" "-c" "-c 0 127.0.0.1" "-c 100001 127.0.0.1" "-c 1x 127.0.0.1" "-c -1 127.0.0.1"
    "-i 0.001 127.0.0.1" "-i 0.009 127.0.0.1" "-i 1. 127.0.0.1" "-i .5 127.0.0.1" "-i -1 127.0.0.1"
    "-i abc 127.0.0.1" "-x 127.0.0.1" "127.0.0.1 ::1") groups=() i
  for i in "${!lines[@]}"; do
    # shellcheck disable=SC2086
    spawn_ping 5 "usage-$i" user -- ${lines[$i]}
    groups+=("$SPAWNED")
  done
  for i in "${!groups[@]}"; do
    finish "${groups[$i]}"
    if [[ $STATUS != 2 ]]; then
      show_file "stderr" "$T/usage-$i.err"
      fail_check "icmp-ping ${lines[$i]}: $(describe_status "$STATUS" 5)" "exit status 2 and a usage line on stderr"
      return 1
    fi
  done
}

@test "an unknown host: a message and exit status 2 [1 pt]" {
  hint "When getaddrinfo fails, print the host and gai_strerror's words on stderr and exit 2, as iputils ping does." \
    04-addresses#getaddrinfo-and-getnameinfo
  needs client
  needs_netns
  make_netns open
  run_ping 10 user -c 1 no-such-host.invalid
  if [[ $STATUS != 2 || ! -s $T/ping.err ]]; then
    ping_failed "a message on stderr and exit status 2" 10
    return 1
  fi
}

# --- the ping socket --------------------------------------------------------

# waits about 0.5 s: 3 requests 0.2 s apart
@test "pings 127.0.0.1 through a ping socket, unprivileged [3 pts]" {
  hint "Open socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): an unprivileged user may, when its group is in net.ipv4.ping_group_range. Send an ICMP echo request (type 8) with 56 bytes of payload with sendto, read replies with recvmsg, print one line per reply and the summary." \
    11-raw-sockets#icmp-echo 11-raw-sockets#ping-sockets
  needs client
  needs_netns
  make_netns open
  run_ping 15 user -c 3 -i 0.2 127.0.0.1
  answered 127.0.0.1 3 || return 1
  [[ $FIRST_LINE == PING\ * ]] || fail_check "first line: $FIRST_LINE" "a first line starting \"PING \""
}

# waits about 0.5 s: 3 requests 0.2 s apart
@test "pings ::1 through an ICMPv6 ping socket [2 pts]" {
  hint "Use the family getaddrinfo gives: for AF_INET6, socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6) and an ICMPv6 echo request (type 128); a reply is type 129. The kernel computes the ICMPv6 checksum." \
    11-raw-sockets#icmpv6
  needs client
  needs_netns
  make_netns open
  run_ping 15 user -c 3 -i 0.2 ::1
  answered ::1 3
}

# waits about 0.4 s: 4 requests 0.1 s apart
@test "icmp_seq counts 1, 2, 3... in the requests and in the output [1 pt]" {
  hint "The first request carries icmp_seq 1 (in network byte order, htons), the next 2, and so on; each reply line prints the sequence number of the reply." \
    11-raw-sockets#icmp-echo
  needs client
  needs_netns
  make_netns open silent
  start_peer 4
  run_ping 15 user -c 4 -i 0.1 127.0.0.1
  local seen printed
  seen=$(requests_seen)
  parse_ping "$T/ping.out"
  printed=$(awk '{ print $1 }' <<<"$REPLIES" | paste -sd' ')
  [[ $seen == "1 2 3 4" ]] || { show_file output "$T/ping.out"; fail_check "requests with icmp_seq $seen" "requests with icmp_seq 1 2 3 4"; return 1; }
  [[ $printed == "1 2 3 4" ]] || { show_file output "$T/ping.out"; fail_check "reply lines with icmp_seq ${printed:-(none)}" "reply lines with icmp_seq 1 2 3 4"; return 1; }
}

# waits about 0.5 s: 2 requests 0.2 s apart, over each family
@test "prints the TTL and the hop limit of each reply (64 on loopback) [1 pt]" {
  hint "Ask for the TTL with setsockopt IP_RECVTTL (IPv6: IPV6_RECVHOPLIMIT), read the reply with recvmsg and find the IP_TTL (IPV6_HOPLIMIT) control message, an int." \
    11-raw-sockets#ttl-and-hop-limit
  needs client
  needs_netns
  make_netns open
  local family
  for family in 127.0.0.1 ::1; do
    run_ping 15 user -c 2 -i 0.2 "$family"
    parse_ping "$T/ping.out"
    if [[ $STATUS != 0 || $(awk '{ print $2 }' <<<"$REPLIES" | paste -sd' ') != "64 64" ]]; then
      ping_failed "two replies from $family, each with ttl=64" 15
      return 1
    fi
  done
}

# --- the raw socket ---------------------------------------------------------

# waits about 0.5 s: 3 requests 0.2 s apart
@test "falls back to a raw socket over 127.0.0.1 when ping sockets are refused [3 pts]" {
  hint "When socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) fails with EACCES or EPERM, open SOCK_RAW instead. Then you compute the ICMP checksum yourself, and what you read starts with the IP header: skip IHL * 4 bytes." \
    11-raw-sockets#raw-sockets-and-cap_net_raw 11-raw-sockets#the-internet-checksum 11-raw-sockets#what-a-raw-socket-receives
  needs client
  needs_netns
  make_netns closed
  run_ping 15 raw -c 3 -i 0.2 127.0.0.1
  answered 127.0.0.1 3
}

# waits about 0.5 s: 3 requests 0.2 s apart
@test "falls back to a raw ICMPv6 socket over ::1 [2 pts]" {
  hint "socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6): the kernel computes the ICMPv6 checksum and hands you the ICMPv6 message without the IPv6 header." \
    11-raw-sockets#icmpv6 11-raw-sockets#raw-sockets-and-cap_net_raw
  needs client
  needs_netns
  make_netns closed
  run_ping 15 raw -c 3 -i 0.2 ::1
  answered ::1 3
}

@test "neither socket allowed: a message and exit status 2 [2 pts]" {
  hint "When the raw socket is refused too (EPERM: no CAP_NET_RAW), say so on stderr, naming the call and strerror(errno), and exit 2 as iputils ping does." \
    11-raw-sockets#raw-sockets-and-cap_net_raw
  needs client
  needs_netns
  make_netns closed
  run_ping 10 user -c 1 127.0.0.1
  if [[ $STATUS != 2 || ! -s $T/ping.err ]]; then
    ping_failed "a message on stderr and exit status 2" 10
    return 1
  fi
}

# --- no replies, and replies that are not ours ------------------------------

# waits about 1.5 s: 3 unanswered requests, then the wait for late replies
@test "no replies: 100% packet loss and exit status 1, within its time bound [2 pts]" {
  hint "After the last request, wait for missing replies at most max(1 s, 2 x the largest RTT), then print \"3 packets transmitted, 0 received, 100% packet loss\" and exit 1." \
    11-raw-sockets#round-trip-statistics
  needs client
  needs_netns
  make_netns open silent
  local started=${EPOCHREALTIME/./} ms bound=$((6000 * ${GRADER_TIME_SCALE:-1}))
  run_ping 12 user -c 3 -i 0.2 127.0.0.1
  ms=$(((${EPOCHREALTIME/./} - started) / 1000))
  parse_ping "$T/ping.out"
  if [[ $STATUS != 1 || $TRANSMITTED != 3 || $RECEIVED != 0 || $(reply_count) != 0 ]] ||
    ! awk -v l="$LOSS" 'BEGIN { exit !(l != "" && l >= 99 && l <= 101) }'; then
    ping_failed "\"3 packets transmitted, 0 received, 100% packet loss\" and exit status 1" 12
    return 1
  fi
  # The last request goes at 0.4 s and the bound is 1 s after it; the rest
  # of the margin is for a loaded machine (an iputils-style 10 s wait is
  # what this catches).
  if ((ms > bound)); then
    fail_check "the summary and the exit came $((ms / 1000)).$((ms % 1000 / 100)) s after the start" \
      "the end 1 s after the last request, sent at 0.4 s (max(1 s, 2 x the largest RTT), and no RTT here; up to $((bound / 1000)) s allowed)"
  fi
}

# waits about 1.5 s: 3 requests 0.2 s apart that get no reply, then the wait for late replies
@test "a raw socket does not take its own requests for replies [2 pts]" {
  hint "On loopback a raw socket also reads the echo requests it sent (type 8). Accept only ICMP type 0, echo reply, with your identifier and a sequence number you sent." \
    11-raw-sockets#what-a-raw-socket-receives
  needs client
  needs_netns
  make_netns closed silent
  run_ping 12 raw -c 3 -i 0.2 127.0.0.1
  parse_ping "$T/ping.out"
  if [[ $RECEIVED != 0 || $(reply_count) != 0 || $DUP_LINES != 0 ]]; then
    ping_failed "no reply lines and \"0 received\": nobody answered" 12 "$RECEIVED received"
    return 1
  fi
}

# waits about 1.9 s: 10 requests 0.2 s apart
@test "a raw socket ignores another pinger's replies (iputils ping beside it) [2 pts]" {
  hint "Every raw ICMP socket on the host reads every echo reply. Put an identifier of your own in each request and drop the replies that carry another." \
    11-raw-sockets#what-a-raw-socket-receives
  needs client
  needs_netns
  command -v ping >/dev/null || not_judged "iputils ping is not installed here (grader/packages.txt lists iputils-ping)"
  make_netns closed
  spawn 30 other nsenter --net="$NETNS" ping -n -6 -i 0.5 -c 30 ::1
  local tries=500
  until grep -q ' bytes from ' "$T/other.out" || ((--tries == 0)); do sleep 0.01; done
  run_ping 15 raw -c 10 -i 0.2 ::1
  raw_ipv6_or_not_judged || return 1
  answered ::1 10 || return 1
  if [[ $DUP_LINES != 0 || -n $DUPLICATES ]]; then
    ping_failed "10 replies and no duplicates: only iputils ping's replies were doubled" "" "$DUP_LINES (DUP!) lines"
    return 1
  fi
}

# waits about 0.7 s: 4 requests 0.2 s apart
@test "a duplicated reply is not counted twice [2 pts]" {
  hint "Remember which sequence numbers were answered; a second reply to one is a duplicate: print it with (DUP!) if you like, but count it neither in \"received\" nor in the rtt figures." \
    11-raw-sockets#what-a-raw-socket-receives 11-raw-sockets#round-trip-statistics
  needs client
  needs_netns
  make_netns closed silent
  start_peer 6 -2
  run_ping 15 raw -c 4 -i 0.2 ::1
  raw_ipv6_or_not_judged || return 1
  answered ::1 4
}

# --- timing -------------------------------------------------------------------

# waits about 0.6 s: 6 requests 0.1 s apart, with delays
@test "the summary's min/avg/max/mdev agree with the reply times [3 pts]" {
  hint "Keep the count, sum and sum of squares of the RTTs (in ms, as doubles): avg = sum/n, mdev = sqrt(sumsq/n - avg*avg), the standard deviation as iputils prints it; min and max start from the first reply." \
    11-raw-sockets#round-trip-statistics
  needs client
  needs_netns
  make_netns open silent
  start_peer 4 -d 5,60,20,90,35,10
  run_ping 15 user -c 6 -i 0.1 127.0.0.1
  answered 127.0.0.1 6 || return 1
  [[ -n $RTT ]] || { ping_failed "an \"rtt min/avg/max/mdev = a/b/c/d ms\" line"; return 1; }
  # Recompute from the printed times; each printed time is off by up to half
  # its last digit, and so may be each figure computed from them.
  local verdict
  verdict=$(awk -v rtt="$RTT" '
    {
      t[NR] = $3 + 0; n = NR
      d = index($3, ".") ? length($3) - index($3, ".") : 0
      u = 0.5 * 10 ^ -d; if (u > umax) umax = u
    }
    END {
      split(rtt, r, " ")
      min = max = t[1]
      for (i = 1; i <= n; i++) { s += t[i]; if (t[i] < min) min = t[i]; if (t[i] > max) max = t[i] }
      avg = s / n
      for (i = 1; i <= n; i++) v += (t[i] - avg) ^ 2
      mdev = sqrt(v / n)
      tol = umax + 0.002
      split("min avg max mdev", name, " ")
      want[1] = min; want[2] = avg; want[3] = max; want[4] = mdev
      for (i = 1; i <= 4; i++) {
        diff = r[i] - want[i]; if (diff < 0) diff = -diff
        if (diff > tol) printf "%s is %s, the reply times give %.3f; ", name[i], r[i], want[i]
      }
    }' <<<"$REPLIES")
  if [[ -n $verdict ]]; then
    show_file output "$T/ping.out"
    fail_check "$verdict" "min/avg/max/mdev computed from the RTTs printed (mdev: the standard deviation, dividing by n)"
  fi
}

# waits about 2.5 s: 10 requests 0.1 s apart, whose replies come late
@test "sends every SECONDS without waiting for replies, then waits for late ones [2 pts]" {
  hint "Send on a schedule of your own (the next send time, or a timerfd) and read replies as they come, with ppoll's timeout reaching the next send; after the last request keep reading until all are answered or max(1 s, 2 x the largest RTT) has passed." \
    11-raw-sockets#round-trip-statistics
  needs client
  needs_netns
  make_netns open silent
  start_peer 4 -d 1500
  run_ping 8 user -c 10 -i 0.1 127.0.0.1
  answered 127.0.0.1 10 || { evidence "every reply" "comes 1.5 s after its request"; return 1; }
  local span
  span=$(sed -n 's/^request .* ms=//p' "$T/peer.out" | awk 'NR == 1 { f = $1 } { l = $1 } END { print l - f }')
  ((span >= 450)) || fail_check "the 10 requests went out within $span ms" "10 requests, 0.1 s apart (0.9 s from the first to the last; at least 0.45 s is accepted)"
}

# waits about 0.5 s: requests 0.2 s apart until SIGINT
@test "SIGINT prints the summary and exits 0 [2 pts]" {
  hint "Catch SIGINT: block it, and unblock it only inside ppoll (or use signalfd, or a self-pipe), then leave the loop, print the statistics and exit 0 as there were replies." \
    11-raw-sockets#round-trip-statistics 05-lifecycle#clean-shutdown-on-signals
  needs client
  needs_netns
  make_netns open
  spawn_ping 30 ping user -- -i 0.2 127.0.0.1
  local group=$SPAWNED
  wait_replies 3 15 || { finish "$group"; ping_failed "three replies within 15 s" 30; return 1; }
  if ! stop_server INT "$group"; then
    ping_failed "the program exits within 3 s of SIGINT" 30 "still running 3 s after SIGINT"
    return 1
  fi
  parse_ping "$T/ping.out"
  if [[ $STATUS != 0 || -z $TRANSMITTED || -z $RECEIVED ]] || ((RECEIVED < 3)) || [[ -z $RTT ]]; then
    ping_failed "after SIGINT: the summary (\"N packets transmitted, R received\" with R >= 3, and the rtt line), exit status 0"
    return 1
  fi
}

# --- memory -------------------------------------------------------------------

# waits about 0.4 s: 3 requests 0.2 s apart (under valgrind)
@test "no memory errors or leaks under valgrind [2 pts]" {
  hint "Free what getaddrinfo returned (freeaddrinfo), close the socket before exit, and read only the bytes recvmsg returned." \
    a-debugging#valgrind-and-descriptor-leaks
  needs client
  needs_netns
  make_netns open
  command -v valgrind >/dev/null || not_judged "valgrind is not installed here"
  spawn_ping 60 ping user "${VALGRIND[@]}" --log-file="$T/valgrind.log" -- -c 3 -i 0.2 127.0.0.1
  finish "$SPAWNED"
  local problems fds
  if ! problems=$(valgrind_memory_problems "$T/valgrind.log"); then
    show_file output "$T/ping.out"
    fail_check "$problems" "no invalid accesses and no definitely lost blocks"
    return 1
  fi
  if ! fds=$(valgrind_open_fds "$T/valgrind.log"); then
    fail_check "$fds" "no descriptor open at exit"
    return 1
  fi
  # Clean, but only worth points if it did its work under valgrind.
  parse_ping "$T/ping.out"
  if [[ $STATUS != 0 || $RECEIVED != 3 ]]; then
    not_judged "the program did not ping 127.0.0.1 three times under valgrind ($(describe_status "$STATUS" 60), ${RECEIVED:-no} replies counted), so its memory was not seen at work (see \"pings 127.0.0.1 through a ping socket, unprivileged\")"
  fi
}
