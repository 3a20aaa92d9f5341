#!/usr/bin/env bats
# Lab 02 tcp-echo: the checks, in the order a student meets them.
# programs: tcp-echo-server tcp-echo-client
# Each check's points are in brackets at the end of its name: the only place
# they are written. Every port is picked free at run time (free_port).

load test_helper

SERVER_PROGRAM=tcp-echo-server
CLIENT_PROGRAM=tcp-echo-client

# --- helpers for this lab ---------------------------------------------------

# socat_echo HOST PORT [LIMIT]: a line sent by socat over TCP comes back.
socat_echo() {
  printf 'hello from socat\n' >"$T/socat.in"
  run_program "${3:-5}" socat socat -t "${3:-5}" - "TCP:$1:$2"
  [[ $STATUS == 0 ]] && cmp -s "$T/socat.in" "$T/socat.out"
}

# socat_server LISTEN_ADDRESS PORT: socat as an echo server (PIPE), e.g.
# socat_server TCP4-LISTEN:P,bind=127.0.0.1. Sets OTHER.
socat_server() {
  spawn 20 other socat "$1,reuseaddr,fork" PIPE
  OTHER=$SPAWNED
  wait_tcp_listening "$OTHER" "$2"
}

# gai_order ORDER: true if the grader's getaddrinfo shim works here: with
# it, dual.grader.test resolves to the addresses of ORDER, in that order.
gai_order() {
  [[ $(GRADER_GAI_ORDER=$1 LD_PRELOAD=$GRADER_TOOLS/gai-order.so timeout 5 getent ahosts dual.grader.test 2>/dev/null |
    awk '$2 == "STREAM" { print $1 }' | paste -sd ' ') == "$1" ]]
}

# Hooks for the standard checks (test_helper.bash, "Standard checks").
start_server() {
  local limit=$1
  shift
  SERVER_ENDPOINT=$(free_port)
  SERVER_FILE=
  start_tcp_server "$limit" "$SERVER_ENDPOINT" "$@"
}
exercise_server() {
  socat_echo 127.0.0.1 "$SERVER_ENDPOINT"
}
valgrind_clients() {
  head -c 75000 /dev/urandom | base64 >"$T/client.in"
  run_program 30 client "${VALGRIND[@]}" --log-file="$T/client-tcp-echo-client.valgrind" \
    "$(student tcp-echo-client)" localhost "$SERVER_ENDPOINT"
}
ACCEPTED_FDS_CHECK="closes each client's descriptor"

# --- compiling --------------------------------------------------------------

@test "compiles without errors [1 pt]" { check_compiles; }

@test "compiles without warnings [1 pt]" { check_no_warnings; }

# --- echoing ------------------------------------------------------------------

@test "echoes a line over IPv4 (127.0.0.1) [2 pts]" {
  hint "The server: socket, setsockopt, bind to PORT on every address, listen, accept, echo until EOF. The client: getaddrinfo(HOST, PORT), socket and connect, send stdin, print the echo. Remember htons on the port." \
    05-lifecycle#server-lifecycle 04-addresses#internet-addresses-and-byte-order
  needs server client
  local port
  port=$(free_port)
  start_tcp_server 60 "$port"
  printf 'hello, TCP\n' >"$T/text"
  client_echoes 10 "$T/text" 127.0.0.1 "$port"
}

@test "server answers over IPv6 (::1) too [2 pts]" {
  hint "Without BIND_ADDR the server must be reachable over IPv4 and IPv6: one AF_INET6 socket bound to :: with IPV6_V6ONLY set to 0, or two sockets (AF_INET on 0.0.0.0, AF_INET6 on :: with IPV6_V6ONLY 1)." \
    04-addresses#dual-stack-and-ipv6_v6only
  needs server
  local port
  port=$(free_port)
  start_tcp_server 60 "$port"
  if ! socat_echo '[::1]' "$port"; then
    show_file "socat stderr" "$T/socat.err"
    fail_check "socat to [::1]:$port: exit status $STATUS, no echo" "the line echoed over IPv6 as well"
  fi
}

@test "echoes binary data with NUL bytes [1 pt]" {
  hint "Data is bytes, not a C string: use the count that recv/read returned, never strlen, printf(\"%s\"), fputs or fgets on it." \
    05-lifecycle#bytes-not-strings
  needs server client
  local port
  port=$(free_port)
  start_tcp_server 60 "$port"
  { printf 'NUL\0in the middle\0\n'; head -c 65536 /dev/urandom; } >"$T/binary"
  client_echoes 10 "$T/binary" 127.0.0.1 "$port"
}

@test "echoes 16 MiB byte for byte [2 pts]" {
  hint "A client that sends all of its input before reading the echo deadlocks once both kernel buffers are full: send a chunk and read the echo as you go (lock-step or poll), then shutdown(SHUT_WR) and read to EOF." \
    05-lifecycle#avoiding-deadlock-on-large-inputs 05-lifecycle#short-reads-and-short-writes
  needs server client
  local port
  port=$(free_port)
  start_tcp_server 60 "$port"
  head -c 12582912 /dev/urandom | base64 -w 100 >"$T/big" # 16 MiB of text
  client_echoes 20 "$T/big" 127.0.0.1 "$port"
}

@test "client finishes 16 MiB against a server that echoes in small pieces [2 pts]" {
  hint "A client that sends a chunk and then waits for all of it meets Nagle's algorithm on the server's side and delayed ACKs on its own: every chunk costs about 40 ms. Read the echo while you send (poll, or a reader thread), or at the very least send big chunks; TCP_NODELAY on your socket cannot switch off the server's Nagle." \
    05-lifecycle#nagle-and-delayed-acks 05-lifecycle#avoiding-deadlock-on-large-inputs
  needs client
  local port
  port=$(free_port)
  spawn 40 other "$GRADER_TOOLS/net-peer" piece-echo 127.0.0.1 "$port" 1000
  OTHER=$SPAWNED
  wait_tcp_listening "$OTHER" "$port"
  printf 'a first line\n' >"$T/text"
  client_echoes 10 "$T/text" 127.0.0.1 "$port" || return 1
  head -c 12582912 /dev/urandom | base64 -w 100 >"$T/big"
  client_echoes 20 "$T/big" 127.0.0.1 "$port" && return 0
  # Slow here, or unable to move 16 MiB at all? The second is another check's.
  local port2
  port2=$(free_port)
  spawn 40 plain "$GRADER_TOOLS/net-peer" piece-echo 127.0.0.1 "$port2" 65536
  wait_tcp_listening "$SPAWNED" "$port2" || return 1
  cp "$T/big" "$T/client2.in"
  run_program 20 client2 "$(student tcp-echo-client)" 127.0.0.1 "$port2"
  if [[ $STATUS != 0 ]] || ! cmp -s "$T/big" "$T/client2.out"; then
    not_judged "the client does not finish 16 MiB even against a plain echo server (see \"echoes 16 MiB byte for byte\")"
  fi
  evidence note "the same client finished 16 MiB against an echo server that answers in whole 64 KiB pieces"
  return 1
}

@test "echoes everything to a slow reader [2 pts]" {
  hint "When the client reads slowly, the server's send buffer fills: a blocking send then waits, but a non-blocking one returns EAGAIN or sends only part. Keep every unsent byte and send it when poll says POLLOUT; never drop it." \
    05-lifecycle#short-reads-and-short-writes 09-many-clients#non-blocking-sockets-and-eagain
  needs server
  local port
  port=$(free_port)
  start_tcp_server 60 "$port" || return 1
  # A small receive buffer keeps TCP's window small, so that even over
  # loopback the server's sends meet a full buffer many times.
  run_program 40 peer "$GRADER_TOOLS/stream-peer" slow-reader "127.0.0.1:$port" 16777216 4096
  if [[ $STATUS != 0 ]]; then
    show_file "server stderr" "$T/server.err"
    fail_check "$(head -c 300 "$T/peer.out") ($(describe_status "$STATUS" 40))" \
      "all 16 MiB echoed, in order, to a client that reads slowly through a small receive buffer"
  fi
}

@test "serves several clients one after another [1 pt]" {
  hint "After a client's EOF, close that connection and go back to accept: the server's main loop runs until a signal, not until the first client leaves." \
    05-lifecycle#server-lifecycle
  needs server
  local port n
  port=$(free_port)
  start_tcp_server 60 "$port"
  for n in 1 2 3; do
    if ! socat_echo 127.0.0.1 "$port"; then
      kill -0 "$SERVER" 2>/dev/null || evidence note "the server had exited"
      fail_check "client $n of 3 was not served" "three clients served one after another"
      return 1
    fi
  done
}

# --- addresses ------------------------------------------------------------------

@test "client tries every address getaddrinfo gives [2 pts]" {
  hint "localhost may be ::1 and 127.0.0.1, and a server may listen on only one of them: call getaddrinfo with AF_UNSPEC and try socket+connect on each result in order until one connects (close the socket of each failed try)." \
    04-addresses#getaddrinfo-and-getnameinfo 04-addresses#dual-stack-and-ipv6_v6only
  needs client
  local port server_addr listen
  # An IPv6 server given as a numeric address.
  port=$(free_port)
  socat_server "TCP6-LISTEN:$port,bind=[::1]" "$port" || return 1
  printf 'to ::1\n' >"$T/text"
  client_echoes 10 "$T/text" ::1 "$port" || return 1
  # A name with both addresses, in either order, and a server on only the
  # second one (the grader's getaddrinfo shim makes the name).
  local order
  for order in "::1 127.0.0.1" "127.0.0.1 ::1"; do
    gai_order "$order" ||
      not_judged "the grader's getaddrinfo shim (LD_PRELOAD) does not work here, so no name with two addresses in a known order could be made"
    server_addr=${order#* }
    port=$(free_port)
    case $server_addr in
      127.0.0.1) listen="TCP4-LISTEN:$port,bind=127.0.0.1" ;;
      ::1) listen="TCP6-LISTEN:$port,bind=[::1]" ;;
    esac
    kill -KILL -- "-$OTHER" 2>/dev/null || true
    socat_server "$listen" "$port" || return 1
    printf 'to a name that is %s, served on %s only\n' "$order" "$server_addr" >"$T/text"
    if ! GRADER_GAI_ORDER=$order LD_PRELOAD=$GRADER_TOOLS/gai-order.so \
      client_echoes 10 "$T/text" dual.grader.test "$port"; then
      evidence note "the host name resolved to: $order (in that order); the server listened on $server_addr only"
      return 1
    fi
  done
}

@test "listens only on BIND_ADDR when given [2 pts]" {
  hint "With a second argument, getaddrinfo(BIND_ADDR, PORT) with AI_PASSIVE, and bind the first result only: no wildcard address, no second socket." \
    04-addresses#getaddrinfo-and-getnameinfo 05-lifecycle#server-lifecycle
  needs server
  local bind other port
  for bind in 127.0.0.1 ::1; do
    port=$(free_port)
    start_tcp_server 60 "$port" -- "$bind" || return 1
    case $bind in 127.0.0.1) other='[::1]' ;; ::1) other=127.0.0.1 ;; esac
    if ! socat_echo "$([[ $bind == ::1 ]] && echo '[::1]' || echo "$bind")" "$port"; then
      fail_check "tcp-echo-server $port $bind: no echo over $bind" "an echo over $bind"
      return 1
    fi
    if socat_echo "$other" "$port"; then
      fail_check "tcp-echo-server $port $bind also answered over $other" "only $bind answers"
      return 1
    fi
    stop_server TERM "$SERVER" || true
  done
}

@test "restarts at once after serving clients (SO_REUSEADDR) [2 pts]" {
  hint "A server stopped while clients are connected leaves its connections in TIME_WAIT, and bind then fails with EADDRINUSE for a minute: set SO_REUSEADDR on the listening socket before bind." \
    05-lifecycle#time_wait-and-so_reuseaddr
  needs server
  local port
  port=$(free_port)
  start_tcp_server 60 "$port" "${STRACE[@]}" "$T/server.trace" || return 1
  # A client that stays connected, so that the server closes first.
  spawn 20 holder "$GRADER_TOOLS/net-peer" hold 127.0.0.1 "$port"
  local holder=$SPAWNED tries=2000
  while ((tries-- > 0)) && ! grep -q '^echoed$' "$T/holder.out" && kill -0 "$holder" 2>/dev/null; do sleep 0.01; done
  if ! grep -q '^echoed$' "$T/holder.out"; then
    not_judged "the server did not echo a line to a client that stays connected (see \"echoes a line over IPv4\")"
  fi
  stop_server TERM "$SERVER" || true
  exited_within "$holder" 5 || true
  spawn 10 server "$(student tcp-echo-server)" "$port"
  SERVER=$SPAWNED
  if ! wait_tcp_listening "$SERVER" "$port" 30; then
    if strace_has "$T/server.trace" 'setsockopt\([0-9]+, SOL_SOCKET, SO_REUSEADDR, \[1\]'; then
      evidence note "the first server did set SO_REUSEADDR"
    else
      evidence note "the first server never called setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, [1], ...) (strace)"
    fi
    return 1
  fi
}

@test "reports a port already in use [1 pt]" {
  hint "When bind fails (EADDRINUSE: another server has the port), print a message naming the call and the cause (perror or strerror) and exit 1; do not carry on, and do not use SO_REUSEPORT." \
    05-lifecycle#errors-and-exit-statuses
  needs server
  local port
  port=$(free_port)
  socat_server "TCP6-LISTEN:$port,ipv6only=0" "$port" || return 1
  run_program 5 server "$(student tcp-echo-server)" "$port"
  if [[ $STATUS != 1 ]] || ! grep -q 'Address already in use' "$T/server.err"; then
    show_file "server stderr" "$T/server.err"
    fail_check "with port $port taken by another program: $(describe_status "$STATUS" 5)" \
      "exit status 1 and a message with the cause: Address already in use"
  fi
}

@test "rejects bad ports (0, 70000, abc) [1 pt]" {
  hint "A port is 1 to 65535 in decimal digits: check the text yourself (strtol with an end pointer and a range check, not atoi), and exit 2 with a usage line if it is anything else." \
    04-addresses#ports-and-ephemeral-ports 05-lifecycle#errors-and-exit-statuses
  needs server client
  usage_errors "tcp-echo-server 0" "tcp-echo-server 70000" "tcp-echo-server abc" \
    "tcp-echo-client 127.0.0.1 0" "tcp-echo-client 127.0.0.1 70000" "tcp-echo-client 127.0.0.1 abc"
}

@test "logs accepted ADDR PORT with the client's real address [2 pts]" {
  hint "Give accept a struct sockaddr_storage and its length, and turn it into text with getnameinfo(NI_NUMERICHOST | NI_NUMERICSERV): the port comes back in host order, the address as the client really is (::ffff:127.0.0.1 for IPv4 on a dual-stack socket)." \
    04-addresses#getaddrinfo-and-getnameinfo 04-addresses#dual-stack-and-ipv6_v6only
  needs server
  local port host client_addr client_port pattern tries
  for host in 127.0.0.1 ::1; do
    port=$(free_port)
    start_tcp_server 60 "$port" || return 1
    run_program 5 peer "$GRADER_TOOLS/net-peer" hello "$host" "$port"
    if [[ $host == ::1 && $STATUS != 0 ]]; then
      note "IPv6 not judged: the server does not echo over ::1 (see \"server answers over IPv6 (::1) too\")"
      return 0
    fi
    read -r client_addr client_port <"$T/peer.out"
    case $host in
      127.0.0.1) pattern="accepted (::ffff:)?127\\.0\\.0\\.1 $client_port([^0-9]|\$)" ;;
      ::1) pattern="accepted ::1 $client_port([^0-9]|\$)" ;;
    esac
    tries=200
    until grep -Eq -- "$pattern" "$T/server.err" || ((tries-- == 0)); do sleep 0.01; done
    if ((tries < 0)); then
      show_file "server stderr" "$T/server.err"
      fail_check "no line 'accepted $client_addr $client_port' on the server's stderr" \
        "a line with 'accepted $client_addr $client_port' for the client that connected from $client_addr port $client_port"
      return 1
    fi
  done
}

# --- robustness -------------------------------------------------------------------

@test "survives clients that vanish mid-echo [2 pts]" {
  hint "Writing to a client that has gone raises SIGPIPE, which kills a process by default: ignore SIGPIPE or send with MSG_NOSIGNAL, and treat EPIPE or ECONNRESET as the end of that client only." \
    05-lifecycle#vanished-peers-and-sigpipe
  needs server
  local port n
  port=$(free_port)
  start_tcp_server 60 "$port"
  socat_echo 127.0.0.1 "$port" || fail_check "the server does not echo a line" "a working echo server"
  if ! socat_echo 127.0.0.1 "$port"; then
    not_judged "the server does not serve a second client (see \"serves several clients one after another\")"
  fi
  # A client that connects, sends and closes while the server is busy (here:
  # stopped): its data and its FIN wait in the server's queue, the first echo
  # meets a closed socket (RST), and the next send raises SIGPIPE. 100000
  # bytes: more than one read's worth, less than the kernel queues on
  # loopback. Then a client that closes in the middle of its echo.
  for n in 1 2; do
    signal_program STOP "$SERVER" || true
    run_program 5 gone "$GRADER_TOOLS/stream-peer" send-close "127.0.0.1:$port" 100000
    signal_program CONT "$SERVER" || true
    run_program 5 vanisher "$GRADER_TOOLS/stream-peer" vanish "127.0.0.1:$port" 4194304
  done
  # Generous: the server may still be finishing with the last of them.
  socat_echo 127.0.0.1 "$port" 15 && return 0
  if exited_within "$SERVER" 1; then
    finish "$SERVER"
    show_file "server stderr" "$T/server.err"
    fail_check "the server stopped: $(describe_status "$STATUS")" "the server still serving the next client"
  else
    fail_check "the server no longer answers clients" "the server still serving the next client"
  fi
}

# --- real peers ---------------------------------------------------------------------

@test "serves nc and socat as clients [1 pt]" {
  hint "Any TCP client must work, not only yours: echo exactly what arrives, and close the connection after the client's EOF." \
    05-lifecycle#end-of-file-and-shutdown
  needs server
  local port
  port=$(free_port)
  start_tcp_server 60 "$port"
  printf 'hello from nc\n' >"$T/nc.in"
  run_program 5 nc nc -N 127.0.0.1 "$port"
  if [[ $STATUS != 0 ]] || ! cmp -s "$T/nc.in" "$T/nc.out"; then
    show_file "nc stdout" "$T/nc.out"
    fail_check "nc exited with status $STATUS" "nc -N 127.0.0.1 PORT gets its line back and exits 0"
    return 1
  fi
  port=$(free_port) # a server of its own: serving several clients is another check's
  start_tcp_server 60 "$port" || return 1
  if ! socat_echo 127.0.0.1 "$port"; then
    show_file "socat stderr" "$T/socat.err"
    fail_check "socat exited with status $STATUS" "socat - TCP:127.0.0.1:PORT gets its line back and exits 0"
  fi
}

@test "client works with socat as the server [1 pt]" {
  hint "Your client must only assume what the contract says: connect, send, read the echo, shutdown(SHUT_WR), read until EOF, exit 0." \
    05-lifecycle#client-lifecycle 05-lifecycle#end-of-file-and-shutdown
  needs client
  local port
  port=$(free_port)
  socat_server "TCP4-LISTEN:$port,bind=127.0.0.1" "$port" || return 1
  seq 1 2000 >"$T/lines"
  client_echoes 10 "$T/lines" 127.0.0.1 "$port"
}

@test "client reports an unknown host and a refused connection [1 pt]" {
  hint "getaddrinfo returns an error code, not errno: print it with gai_strerror and exit 1. When no address connects (ECONNREFUSED), print a message naming the call and the cause and exit 1." \
    04-addresses#getaddrinfo-and-getnameinfo 05-lifecycle#errors-and-exit-statuses
  needs client
  local port
  port=$(free_port)
  printf 'anyone there?\n' >"$T/client.in"
  run_program 10 client "$(student tcp-echo-client)" no-such-host.invalid "$port"
  if [[ $STATUS != 1 || ! -s "$T/client.err" ]]; then
    show_file "client stderr" "$T/client.err"
    fail_check "for the host no-such-host.invalid: $(describe_status "$STATUS" 10)$([[ -s "$T/client.err" ]] || printf ', nothing on stderr')" \
      "exit status 1 and a message on stderr"
    return 1
  fi
  run_program 10 client "$(student tcp-echo-client)" 127.0.0.1 "$port"
  if [[ $STATUS != 1 ]] || ! grep -q 'Connection refused' "$T/client.err"; then
    show_file "client stderr" "$T/client.err"
    fail_check "for a port nobody listens on: $(describe_status "$STATUS" 10)" \
      "exit status 1 and a message on stderr with the cause: Connection refused"
  fi
}

# --- system calls (strace) ------------------------------------------------------

@test "sets IPV6_V6ONLY explicitly on a dual-stack socket [1 pt]" {
  hint "Whether an AF_INET6 socket on :: also takes IPv4 depends on /proc/sys/net/ipv6/bindv6only unless you say so: setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &(int){0}, sizeof(int)) before bind (or use two sockets)." \
    04-addresses#dual-stack-and-ipv6_v6only a-debugging#reading-strace-output
  needs server
  local port families
  port=$(free_port)
  start_tcp_server 60 "$port" "${STRACE[@]}" "$T/server.trace" || return 1
  stop_server TERM "$SERVER" || true
  families=$(grep -Eo 'socket\(AF_INET6?, SOCK_STREAM' "$T/server.trace" | sed 's/socket(//; s/, SOCK_STREAM//' | sort -u | paste -sd ' ')
  case " $families " in
    *" AF_INET "*)
      note "the server made sockets of families: $families (two sockets: nothing to set for IPv4)" ;;
    *" AF_INET6 "*)
      strace_has "$T/server.trace" 'setsockopt\([0-9]+, SOL_IPV6, IPV6_V6ONLY, \[0\]' ||
        fail_check "one AF_INET6 socket, but no setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, [0], ...) before bind" \
          "IPV6_V6ONLY set to 0 explicitly on the dual-stack socket" ;;
    *) not_judged "the server made no internet stream socket" ;;
  esac
}

@test "closes each client's descriptor [1 pt]" {
  hint "Every descriptor accept returns must be closed when that client is done (shutdown is not close): otherwise each client leaks one descriptor until the server runs out." \
    05-lifecycle#closing-every-descriptor a-debugging#reading-strace-output
  needs server
  local port n leaks
  port=$(free_port)
  start_tcp_server 60 "$port" "${STRACE[@]}" "$T/server.trace" || return 1
  for n in 1 2 3; do socat_echo 127.0.0.1 "$port" || true; done
  stop_server TERM "$SERVER" || true
  leaks=$(accepted_not_closed "$T/server.trace")
  [[ -z "$leaks" ]] || fail_check "$leaks" "close(fd) for every fd that accept returned, before the next accept"
}

# --- shutting down ---------------------------------------------------------------

@test "exits 0 on SIGINT and on SIGTERM [2 pts]" { check_signal_exit; }

@test "closes every descriptor at exit [1 pt]" { check_cleanup; }

@test "no memory errors or leaks under valgrind [2 pts]" { check_valgrind; }
