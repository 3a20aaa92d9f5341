#!/usr/bin/env bats
# Lab 05 fdpass: the checks, in the order a student meets them.
# programs: fd-server fd-client
# Each check's points are in brackets at the end of its name: the only place
# they are written.
#
# The server is tested with the grader's own client, grader/peer/fd-peer.c,
# which checks the status byte, the SCM_RIGHTS descriptor (one, read-only)
# and the file's contents through it.
#
# What holds where. The student's server and client run as the same uid
# (GRADER_DROP_UID when the grader is root), so file permissions cannot keep
# the client from the file. Instead the client runs with DIR hidden under an
# empty tmpfs, in a user and mount namespace of its own (HIDE_DIR below):
# it cannot open the file by name, and only the passed descriptor reaches it.
# Where the kernel allows no user namespace, that check reads the client's
# system calls instead (no open/openat of the name) and says so in a note.
# SO_PEERCRED reports a pid as seen from the server's PID namespace (0 for a
# process outside it), so the credentials check runs its peer inside the
# server's PID namespace (nsenter, as root) and compares what the peer is
# there with what the server logged.

load test_helper

SERVER_PROGRAM=fd-server
CLIENT_PROGRAM=fd-client

# The wrapper that hides a directory ($1 after it) from the command after it.
HIDE_DIR=(unshare --user --map-root-user --mount bash -c
  'mount -t tmpfs -o size=4k,mode=0555 none "$0" && exec setpriv --inh-caps=-all --bounding-set=-all -- "$@"')

# --- helpers for this lab ---------------------------------------------------

# make_files: DIR ($T/files) with a text file, 1 MiB of binary, an empty
# file and a subdirectory; and $T/secret, outside DIR.
make_files() {
  mkdir -p "$T/files/sub"
  printf 'hello through a passed descriptor\n' >"$T/files/a.txt"
  head -c 1048576 /dev/urandom >"$T/files/bin"
  : >"$T/files/empty"
  printf 'inside sub\n' >"$T/files/sub/b"
  printf 'outside DIR: never hand this out\n' >"$T/secret"
  chmod 0644 "$T/files/a.txt" "$T/files/bin" "$T/files/empty" "$T/files/sub/b" "$T/secret"
}

# start_fd_server LIMIT [WRAPPER...]: the student's server on $T/fd.sock
# serving $T/files. Sets SERVER.
start_fd_server() {
  local limit=$1
  shift
  make_files
  spawn "$limit" server "$@" "$(student fd-server)" "$T/fd.sock" "$T/files"
  SERVER=$SPAWNED
  wait_unix_listening "$SERVER" "$T/fd.sock"
}

# fd_peer LIMIT NAME ARGS...: run the grader's client; its verdict in
# $T/NAME.out, STATUS 0 when the server did as expected.
fd_peer() {
  local limit=$1 name=$2
  shift 2
  run_program "$limit" "$name" "$GRADER_TOOLS/fd-peer" "$@"
  [[ $STATUS == 0 ]]
}

# peer_failed NAME EXPECTED: fail with what the peer saw.
peer_failed() {
  local state=''
  if ! kill -0 "$SERVER" 2>/dev/null; then
    finish "$SERVER"
    state="; the server had stopped ($(describe_status "$STATUS"))"
  fi
  show_file "server stderr" "$T/server.err"
  fail_check "$(head -c 300 "$T/$1.out")$state" "$2"
}

# can_hide_dir: the sandbox lets the hiding wrapper run here.
can_hide_dir() {
  run_program 5 hideprobe "$GRADER_LAUNCH" -s "${HIDE_DIR[@]}" "$T/files" test ! -e "$T/files/a.txt"
  [[ $STATUS == 0 ]]
}

# server_pid: the student's server process (not the sandbox's init).
server_pid() {
  program_pids "$SERVER" | head -n 1
}

# consecutive_numbers FILE A B C: some line of FILE holds the numbers A, B
# and C one after the other (any words around them).
consecutive_numbers() {
  awk -v a="$2" -v b="$3" -v c="$4" '
    { n = 0; line = $0
      while (match(line, /[0-9]+/)) { num[++n] = substr(line, RSTART, RLENGTH) + 0; line = substr(line, RSTART + RLENGTH) }
      for (i = 1; i + 2 <= n; i++) if (num[i] == a && num[i + 1] == b && num[i + 2] == c) found = 1 }
    END { exit !found }' "$1"
}

# open_fds PID: how many descriptors the process has open.
open_fds() {
  ls "/proc/$1/fd" 2>/dev/null | wc -l
}

# Hooks for the standard checks (test_helper.bash, "Standard checks").
start_server() {
  SERVER_ENDPOINT=$T/fd.sock
  SERVER_FILE=$SERVER_ENDPOINT
  start_fd_server "$@"
}
exercise_server() {
  fd_peer 10 peer get "$T/fd.sock" a.txt "$T/files/a.txt"
}
valgrind_clients() {
  run_program 30 client "${VALGRIND[@]}" --log-file="$T/client-fd-client.valgrind" "$(student fd-client)" "$T/fd.sock" bin
  run_program 30 client2 "${VALGRIND[@]}" --log-file="$T/client-fd-client-refused.valgrind" \
    "$(student fd-client)" "$T/fd.sock" missing.txt
}
memory_traffic() {
  fd_peer 20 peer refuse "$T/fd.sock" "" ../secret missing.txt
}
# The descriptors a request passes are "closes its copy of every passed
# descriptor"'s to judge, not the clean-up check's.
CLEANUP_WITHOUT_TRAFFIC=1

# --- compiling --------------------------------------------------------------

@test "compiles without errors [1 pt]" { check_compiles; }

@test "compiles without warnings [1 pt]" { check_no_warnings; }

# --- passing descriptors -----------------------------------------------------

@test "passes a read-only descriptor for the requested file [3 pts]" {
  hint "Open DIR/NAME with O_RDONLY and reply with one byte of value 0 (not the character '0') and one control message: cmsg_level SOL_SOCKET, cmsg_type SCM_RIGHTS, CMSG_LEN(sizeof(int)), the descriptor in CMSG_DATA. Answer every request on the connection until EOF." \
    08-unix-superpowers#passing-descriptors
  needs server
  start_fd_server 60
  fd_peer 15 peer get "$T/fd.sock" a.txt "$T/files/a.txt" bin "$T/files/bin" empty "$T/files/empty" ||
    { peer_failed peer "status byte 0 and one read-only descriptor per request, reading as the file"; return 1; }
  fd_peer 10 peer get "$T/fd.sock" a.txt "$T/files/a.txt" ||
    { peer_failed peer "a second connection served the same way"; return 1; }
}

@test "client prints the file through the passed descriptor [3 pts]" {
  hint "The client sends NAME, receives the descriptor with recvmsg (room for CMSG_SPACE(sizeof(int)) of control data), reads the file through it and writes everything to stdout. It must never open the file by name: here it cannot even see DIR." \
    08-unix-superpowers#passing-descriptors 05-lifecycle#short-reads-and-short-writes
  needs server client
  start_fd_server 60
  local wrapper name
  if can_hide_dir; then
    wrapper=("${HIDE_DIR[@]}" "$T/files")
  else
    note "DIR could not be hidden from the client here (no user namespaces): judged by its system calls instead"
    wrapper=("${STRACE[@]}" "$T/client.trace")
  fi
  for name in bin a.txt empty; do
    run_program 10 client "${wrapper[@]}" "$(student fd-client)" "$T/fd.sock" "$name"
    if [[ $STATUS != 0 ]]; then
      show_file "client stderr" "$T/client.err"
      fail_check "fd-client PATH $name: $(describe_status "$STATUS" 10)" \
        "exit status 0 and the file's contents on stdout, read through the passed descriptor"
      return 1
    fi
    same_bytes "$T/files/$name" "$T/client.out" "the client's output for $name" || return 1
    if [[ -e $T/client.trace ]] && grep -Eq "open(at|at2)?\\(.*\"([^\"]*/)?$name\"" "$T/client.trace"; then
      fail_check "the client opened $name by name: $(grep -E "open(at|at2)?\\(.*\"([^\"]*/)?$name\"" "$T/client.trace" | head -n 1)" \
        "no open of the file by the client: only the passed descriptor"
      return 1
    fi
  done
}

@test "uses SOCK_SEQPACKET and SCM_RIGHTS [1 pt]" {
  hint "Both programs use socket(AF_UNIX, SOCK_SEQPACKET, 0); the server's sendmsg carries SCM_RIGHTS, and the client's recvmsg receives it." \
    08-unix-superpowers#passing-descriptors a-debugging#reading-strace-output
  needs server client
  start_fd_server 60 "${STRACE[@]}" "$T/server.trace"
  run_program 10 client "${STRACE[@]}" "$T/client.trace" "$(student fd-client)" "$T/fd.sock" a.txt
  local side
  for side in server client; do
    if ! strace_has "$T/$side.trace" 'socket\(AF_(UNIX|LOCAL), SOCK_SEQPACKET[|A-Z_]*, 0\) += [0-9]+'; then
      fail_check "no AF_UNIX SOCK_SEQPACKET socket in the $side's system calls" "socket(AF_UNIX, SOCK_SEQPACKET, 0)"
      return 1
    fi
  done
  if ! strace_has "$T/server.trace" 'sendmsg\(.*SCM_RIGHTS'; then
    fail_check "no sendmsg with SCM_RIGHTS in the server's system calls" "sendmsg(..., {... cmsg_type=SCM_RIGHTS ...})"
  elif ! strace_has "$T/client.trace" 'recvmsg.*SCM_RIGHTS'; then
    fail_check "no recvmsg that received SCM_RIGHTS in the client's system calls" "recvmsg(..., {... cmsg_type=SCM_RIGHTS ...})"
  fi
}

@test "logs the client's pid, uid and gid [2 pts]" {
  hint "Ask the kernel who is at the other end: getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) gives a struct ucred (pid, uid, gid). Log them in that order, as decimal numbers, once per request. getpid()/getuid() are the server's own, not the client's." \
    08-unix-superpowers#peer-credentials
  needs server
  start_fd_server 60
  local pid prefix=() who identities=(as-is)
  pid=$(server_pid)
  case ${GRADER_PIDNS:-none} in
    root) prefix=(nsenter --target "$pid" --pid --)
      [[ -n ${GRADER_DROP_UID:-} ]] && identities+=(dropped) ;;
    userns) prefix=(nsenter --target "$pid" --user --pid --preserve-credentials --) ;;
  esac
  for who in "${identities[@]}"; do
    local as=()
    [[ $who == dropped ]] && as=(setpriv --reuid="$GRADER_DROP_UID" --regid="$GRADER_DROP_UID" --clear-groups)
    run_program 10 creds "${prefix[@]}" "${as[@]}" "$GRADER_TOOLS/fd-peer" creds "$T/fd.sock" a.txt
    local p u g
    read -r p u g <"$T/creds.out" || true
    if [[ -z $g ]]; then
      fail_check "the grader's client could not run ($(head -c 200 "$T/creds.err"))" "a request from the grader's client"
      return 1
    fi
    if ! consecutive_numbers "$T/server.err" "$p" "$u" "$g"; then
      show_file "server stderr" "$T/server.err"
      fail_check "no line on stderr with $p $u $g" \
        "a line per request with the client's pid ($p, as your server's PID namespace sees it), uid ($u) and gid ($g), in that order"
      return 1
    fi
  done
}

@test "refuses names with /, . or .., empty and over-long names [2 pts]" {
  hint "A name from a client is untrusted: with '/' (sub/b, ../secret) or equal to '.' or '..' or empty, it could reach outside DIR or DIR itself. Refuse it (status byte 1 and a reason) before opening anything, and keep serving. A message longer than your buffer must not overflow it: give recvmsg the buffer's real size, and refuse a message that came back with MSG_TRUNC." \
    08-unix-superpowers#passing-descriptors 07-framing#sock_seqpacket-the-kernel-frames-for-you 05-lifecycle#errors-and-exit-statuses
  needs server
  start_fd_server 60
  fd_peer 10 peer refuse "$T/fd.sock" "" sub/b ../secret . .. '\0' ||
    { peer_failed peer "status 1, a reason, and no descriptor for sub/b, ../secret, ., .. and an empty name"; return 1; }
  fd_peer 10 peer many "$T/fd.sock" a.txt 1 ||
    { peer_failed peer "the server still serving good names after refusing bad ones"; return 1; }
  fd_peer 10 peer long "$T/fd.sock" 100000 ||
    { peer_failed peer "status 1, a reason, and no descriptor for a name of 100000 bytes"; return 1; }
  fd_peer 10 peer many "$T/fd.sock" a.txt 1 ||
    { peer_failed peer "the server still serving good names after a name of 100000 bytes"; return 1; }
  # An overflow of a stack buffer may show only when the damaged frame is
  # left, at exit: a crash then is this check's (a mere failure to exit on
  # SIGTERM is the signal check's).
  stop_observed TERM "$SERVER" 5 "$T/fd.sock" || return 0
  case $(describe_status "$STATUS") in
    crashed* | aborted* | *SIGBUS* | *SIGILL*)
      show_file "server stderr" "$T/server.err"
      fail_check "after a name of 100000 bytes, the server $(describe_status "$STATUS") when it exited" \
        "no damage from a long message: a buffer at least as large as the length given to recvmsg" ;;
  esac
}

@test "reports a missing file with status 1 and its error [2 pts]" {
  hint "When open fails, reply with a byte of value 1 followed by the error text (strerror(errno)), with no descriptor; the client prints that text on stderr and exits 1." \
    05-lifecycle#errors-and-exit-statuses
  needs server client
  start_fd_server 60
  fd_peer 10 peer refuse "$T/fd.sock" "No such file or directory" missing.txt ||
    { peer_failed peer "status 1 and \"No such file or directory\" for a file that does not exist"; return 1; }
  run_program 10 client "$(student fd-client)" "$T/fd.sock" missing.txt
  if [[ $STATUS != 1 ]] || ! grep -q 'No such file or directory' "$T/client.err"; then
    show_file "client stderr" "$T/client.err"
    fail_check "fd-client PATH missing.txt: $(describe_status "$STATUS" 10)" \
      "exit status 1 and the server's error (No such file or directory) on stderr"
  fi
}

@test "closes its copy of every passed descriptor [2 pts]" {
  hint "After sendmsg, the client holds its own descriptor for the file: close the server's copy, or every request leaves one more file open until the server hits its limit." \
    08-unix-superpowers#passing-descriptors a-debugging#valgrind-and-descriptor-leaks
  needs server
  start_fd_server 60
  local pid before after tries=100
  pid=$(server_pid)
  before=$(open_fds "$pid")
  fd_peer 20 peer many "$T/fd.sock" a.txt 100 ||
    { peer_failed peer "100 requests answered with a descriptor each"; return 1; }
  while ((tries-- > 0)); do
    after=$(open_fds "$pid")
    ((after <= before)) && return 0
    sleep 0.02
  done
  fail_check "the server had $before descriptors open before 100 requests, $after after" \
    "as many descriptors open after the requests as before"
}

@test "survives a client that leaves before its answer [2 pts]" {
  hint "A client may close before its answer is sent: sendmsg then fails with EPIPE. That ends this connection only: close it and go on serving, never exit. (On a stream socket the same write would also raise SIGPIPE: ignore it or send with MSG_NOSIGNAL.)" \
    05-lifecycle#vanished-peers-and-sigpipe
  needs server
  start_fd_server 60
  # The server is stopped while the client sends its request and closes, so
  # that it answers a socket nobody reads any more.
  signal_program STOP "$SERVER" || true
  fd_peer 10 gone leave "$T/fd.sock" a.txt || true
  signal_program CONT "$SERVER" || true
  fd_peer 10 peer many "$T/fd.sock" a.txt 1 ||
    { peer_failed peer "the next client served after one that left before its answer"; return 1; }
}

@test "client closes the descriptor it received [1 pt]" {
  hint "The descriptor that arrived in SCM_RIGHTS is the client's own: close it when the file has been copied, as every descriptor a program opens." \
    08-unix-superpowers#passing-descriptors a-debugging#valgrind-and-descriptor-leaks
  needs server client
  start_fd_server 60
  local open
  run_program 30 client "${VALGRIND[@]}" --log-file="$T/client.valgrind" "$(student fd-client)" "$T/fd.sock" a.txt
  if [[ $STATUS != 0 ]]; then
    show_file "client stderr" "$T/client.err"
    not_judged "the client did not copy a file under valgrind ($(describe_status "$STATUS" 30)); see \"client prints the file through the passed descriptor\""
  fi
  if ! open=$(valgrind_open_fds "$T/client.valgrind"); then
    fail_check "descriptors still open when the client exited (valgrind --track-fds=yes): $(echo "$open" | paste -sd ';')" \
      "only stdin, stdout and stderr open at exit"
  fi
}

# --- the command line and the end ------------------------------------------------

@test "leaves a regular file or a symbolic link at PATH untouched [1 pt]" {
  hint "Only a socket may be removed: lstat PATH first (stat follows a symbolic link to whatever it names), and if it exists and is not a socket (S_ISSOCK), print a message and exit 1 without touching it." \
    04-addresses#stale-socket-files 05-lifecycle#errors-and-exit-statuses
  needs server
  make_files
  refuses_non_socket_path "$(student fd-server)" PATH "$T/files" || return 1
  # A refusal only counts from a server that does start where it may.
  start_fd_server 60 || { evidence seen "(the server must still start on a free PATH)"; return 1; }
  fd_peer 15 peer many "$T/fd.sock" a.txt 1 ||
    { peer_failed peer "the server serving on a free PATH"; return 1; }
}

@test "rejects bad arguments with exit status 2 [1 pt]" {
  hint "fd-server takes PATH and DIR, fd-client PATH and NAME; a PATH must be shorter than 108 bytes (sun_path with its NUL). Anything else: a usage line on stderr and exit status 2." \
    04-addresses#path-length 05-lifecycle#errors-and-exit-statuses
  needs server client
  local too_long
  too_long=$(long_path 108)
  mkdir -p "$T/files"
  usage_errors "fd-server" "fd-server $T/fd.sock" "fd-server $too_long $T/files" \
    "fd-client" "fd-client $T/fd.sock" "fd-client $too_long a.txt"
}

@test "client reports a missing server [1 pt]" {
  hint "When connect fails (ENOENT: no such file; ECONNREFUSED: nobody listens), print a message naming the call and the cause and exit 1." \
    05-lifecycle#errors-and-exit-statuses
  needs client
  run_program 5 client "$(student fd-client)" "$T/missing.sock" a.txt
  if [[ $STATUS != 1 ]] || ! grep -q 'No such file or directory' "$T/client.err"; then
    show_file "client stderr" "$T/client.err"
    fail_check "$(describe_status "$STATUS" 5)" "exit status 1 and a message with the cause: No such file or directory"
  fi
}

@test "exits 0 on SIGINT and on SIGTERM [2 pts]" { check_signal_exit; }

@test "cleans up on exit: socket file removed, descriptors closed [2 pts]" { check_cleanup; }

@test "no memory errors or leaks under valgrind [2 pts]" { check_valgrind; }
