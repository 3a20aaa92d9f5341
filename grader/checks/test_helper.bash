# Shared by every grader/checks/NN-*.bats file: a sandbox per check, student
# processes under time limits in process groups of their own, readiness
# waits, and the strace and valgrind readers.
#
# grader/grade sets GRADER_WORK (its work area), GRADER_TOOLS (the
# grader's own peers, compiled) and GRADER_PEERS (grader/peer, for the peers
# that are scripts); each lab has in GRADER_WORK bin/ (the compiled
# programs), logs/ (compiler output) and tmp/ (short, so that socket paths
# fit in sun_path). bats runs the group's own copy of the check file
# (grader/grade, group_file), not the one in grader/checks.

bats_require_minimum_version 1.5.0

# Starting a process is the largest cost of a check (a fork and an exec cost
# about 5 ms of CPU on a small VM, and a lab's checks start about a thousand
# of them): polling loops and helpers use bash's loadable builtins (Debian
# package bash-builtins, the same commands without a process) when they are
# installed, and the commands themselves otherwise: only the speed differs.
for builtin in sleep basename dirname mkdir rm seq; do
  [[ -r /usr/lib/bash/$builtin ]] && enable -f "/usr/lib/bash/$builtin" "$builtin" 2>/dev/null
done
unset builtin

LAB=${BATS_TEST_FILENAME##*/}
LAB=${LAB%.bats}
# The lab's programs, from its check file's '# programs:' line.
PROGRAMS=()
while IFS= read -r line; do
  [[ $line =~ ^#\ programs:\ *(.*)$ ]] && read -ra PROGRAMS <<<"${BASH_REMATCH[1]}" && break
done <"$BATS_TEST_FILENAME"
unset line
GRADER_BIN=$GRADER_WORK/$LAB/bin
GRADER_LOGS=$GRADER_WORK/$LAB/logs
GRADER_TMP=$GRADER_WORK/$LAB/tmp

# --- What a student sees when a check fails ---------------------------------

# hint TEXT SECTION...: the likely bug, and where the book explains it.
# A SECTION is CHAPTER#ANCHOR, e.g. 05-lifecycle#short-reads-and-short-writes.
hint() {
  CHECK_HINT=$1
  shift
  CHECK_READ=("$@")
}

# evidence LABEL TEXT: a line of what was expected or seen.
evidence() {
  printf '%s: %s\n' "$1" "$2"
}

# note TEXT: a remark shown even when the check passes (bats' fd 3 goes
# straight into the results stream).
note() {
  printf '# note: %s\n' "$*" >&3
}

# not_judged REASON: end the check without a verdict, because what it looks
# at could not be observed here (no namespace, no ptrace) or depends on
# another check's property that failed. It scores no points and is reported
# as "not judged: REASON": say why, and what would make it judgeable.
not_judged() {
  skip "not judged: $*"
}

# fail_check SEEN [EXPECTED]: end the check with what was seen.
fail_check() {
  [[ -n "${2:-}" ]] && evidence expected "$2"
  evidence seen "$1"
  return 1
}

# show_file LABEL FILE: the first lines of a student's output, made printable.
show_file() {
  [[ -s "$2" ]] || return 0
  printf '%s:\n' "$1"
  head -c 2000 "$2" | head -n 12 | LC_ALL=C tr -c '\n[:print:]' '?' | sed 's/^/    /'
}

# --- Compiling (done by grader/grade; these read its logs) -------------------

# needs_sources_compiled PROGRAM...: each PROGRAM.c compiled without errors.
needs_sources_compiled() {
  local program result
  for program in "$@"; do
    result=
    [[ -r $GRADER_LOGS/$program.result ]] && result=$(<"$GRADER_LOGS/$program.result")
    case $result in
      ok) ;;
      missing)
        fail_check "$program.c is missing from the submission" "$program.c in the lab folder"
        return 1 ;;
      timeout)
        fail_check "compiling $program.c did not finish within the compiler's time limit" "a program that compiles"
        return 1 ;;
      refused)
        fail_check "$(<"$GRADER_LOGS/$program.log")" "$program.c, a regular file, in the lab folder"
        return 1 ;;
      *)
        show_file "compiler output for $program.c" "$GRADER_LOGS/$program.log"
        fail_check "$program.c did not compile" "a program that compiles"
        return 1 ;;
    esac
  done
}

# no_compiler_warnings PROGRAM...: the compiler printed nothing for any.
no_compiler_warnings() {
  local program
  for program in "$@"; do
    if grep -q 'warning:' "$GRADER_LOGS/$program.log" 2>/dev/null; then
      grep 'warning:' "$GRADER_LOGS/$program.log" | head -n 5 | sed 's/^/    /'
      fail_check "$(grep -c 'warning:' "$GRADER_LOGS/$program.log") warning(s) in $program.c" "no warnings"
      return 1
    fi
  done
}

# needs server|client...: the programs this check runs were built; if not,
# the check fails at once and says why.
needs() {
  local role program
  for role in "$@"; do
    case $role in
      server) program=$SERVER_PROGRAM ;;
      client) program=$CLIENT_PROGRAM ;;
      *) program=$role ;;
    esac
    if [[ ! -x "$GRADER_BIN/$program" ]]; then
      evidence reason "not run: $program.c did not compile (see the first check)"
      return 1
    fi
  done
}

# --- Sandbox and process control ---------------------------------------------

setup() {
  # bats runs a DEBUG trap before every command of a test (to name the line
  # that failed): about 40 times the cost of the command itself for the
  # helpers' polling and /proc-reading loops. A check says what failed in
  # its own evidence, and those location lines never reach a student
  # (lib/results.jq drops them), so the trap goes.
  trap - DEBUG
  # A command failing where no check expects it ends the check (errexit)
  # with no verdict: check_stopped remembers where, and the failure says so.
  # bats' own ERR handler still runs after it.
  CHECK_STOPPED=
  trap 'check_stopped "$?" "$BASH_COMMAND" "${FUNCNAME[0]:-}" "${BASH_SOURCE[0]##*/}" "$LINENO"; bats_error_trap' ERR
  CHECK_HINT=''
  CHECK_READ=()
  GROUPS_STARTED=()
  CLAIMS_HELD=()
  declare -gA PROGRAM_OF=()
  # One directory per check, named by its group and its number there
  # (grader/grade deals a lab's checks to groups that run at once): a
  # grading's work area is its own, and student code cannot write in
  # GRADER_TMP.
  T=$GRADER_TMP/c.${GRADER_GROUP:-0}.$BATS_TEST_NUMBER
  mkdir "$T" || return 1
  # The student's code may write here and nowhere else (lib/launch.c); the
  # grader's own sockets and files here are open to it (umask 000).
  [[ -n ${GRADER_DROP_UID:-} ]] && chown "$GRADER_DROP_UID:$GRADER_DROP_UID" "$T"
  umask 000
  cd "$T" || return 1
}

# check_stopped STATUS COMMAND FUNCTION FILE LINE: the ERR trap's note of
# the first command that failed inside a helper (the check's own function
# failing is its verdict). Shown only when the check said nothing it saw.
check_stopped() {
  local file=$4
  [[ $file == bats.*.src ]] && file=${BATS_TEST_FILENAME##*/} # bats' copy of a check file
  [[ $3 != "$BATS_TEST_NAME" && -z $CHECK_STOPPED ]] &&
    CHECK_STOPPED="$file line $5, in $3: \`$2' returned $1"
  return "$1"
}

teardown() {
  local pgid again=
  if [[ -z "${BATS_TEST_COMPLETED:-}" ]]; then
    # Said before the processes go, so that a check cut short by the
    # grader itself is told from one that failed. A check the grader
    # stopped before its verdict judged nothing: it runs once more (bats
    # runs it again when BATS_TEST_RETRIES allows, from setup on, in a
    # fresh directory), with a note that says so and where it stopped.
    if [[ -n $CHECK_STOPPED ]] && ! grep -q '^seen: ' "$BATS_OUT" 2>/dev/null; then
      # Not while the grading itself is being stopped (grader/grade, cleanup).
      if ((${BATS_TEST_TRY_NUMBER:-1} == 1)) && [[ -z ${BATS_INTERRUPTED:-} && ! -e $GRADER_WORK/stopping ]]; then
        again=1
        note "the grader stopped this check before its verdict and ran it again (its error, not yours: $CHECK_STOPPED)"
      else
        evidence "grader error" "the check stopped before its verdict: $CHECK_STOPPED"
      fi
    fi
    [[ -n ${BATS_INTERRUPTED:-} ]] && evidence "grader error" "the check was interrupted (SIGINT)"
  fi
  for pgid in "${GROUPS_STARTED[@]}"; do
    kill -KILL -- "-$pgid" 2>/dev/null || true
    wait "$pgid" 2>/dev/null || true # reaped here, bash prints no "Killed"
  done
  if [[ -z "${BATS_TEST_COMPLETED:-}" && -z $again ]]; then
    [[ -n "$CHECK_HINT" ]] && evidence hint "$CHECK_HINT"
    local section
    for section in "${CHECK_READ[@]}"; do evidence read "$section"; done
  fi
  release_unfinished_claims
  cd / && rm -rf "$T"
  [[ -z $again ]] || BATS_TEST_RETRIES=1
}

# spawn LIMIT NAME [WRAPPER...] PROGRAM ARGS...: start a process with
# lib/launch.c: in a new session (so a process group of its own) under a
# time limit (LIMIT seconds times GRADER_TIME_SCALE, default 1: the one knob
# for a machine much slower than a busy 2-core runner; SIGTERM at the limit,
# SIGKILL 1 s later), stdout and stderr to $T/NAME.out and $T/NAME.err,
# stdin from $T/NAME.in if it exists. A command that runs a student's
# program (directly or under strace or valgrind) runs in the sandbox
# (launch -s). Sets SPAWNED to the group id. Never inherits bats' fd 3.
spawn() {
  local limit=$(($1 * ${GRADER_TIME_SCALE:-1})) name=$2
  shift 2
  local input=/dev/null arg sandbox=()
  [[ -e "$T/$name.in" ]] && input="$T/$name.in"
  SPAWNED_PROGRAM=
  for arg in "$@"; do
    [[ $arg == "$GRADER_BIN"/* ]] && sandbox=(-s) && SPAWNED_PROGRAM=${arg##*/}
  done
  "$GRADER_LAUNCH" -t "$limit" "${sandbox[@]}" -- "$@" <"$input" >"$T/$name.out" 2>"$T/$name.err" 3>&- &
  SPAWNED=$!
  PROGRAM_OF[$SPAWNED]=$SPAWNED_PROGRAM
  GROUPS_STARTED+=("$SPAWNED")
}

# describe_status STATUS [LIMIT]: an exit status in words a student reads.
describe_status() {
  local status=$1 limit=${2:-}
  case $status in
    124) printf 'timed out after %s s' "${limit:-its time limit}" ;;
    137) printf 'killed (SIGKILL)%s' "${limit:+, still running after $limit s}" ;;
    still-running) printf 'still running' ;;
    *)
      if [[ $status =~ ^[0-9]+$ ]] && ((status > 128 && status < 160)); then
        local name
        name=SIG$(kill -l $((status - 128)) 2>/dev/null)
        case $name in
          SIGXFSZ) printf 'killed by SIGXFSZ: it wrote more than %s MiB to a file or to its output' "${GRADER_MAX_FILE_MIB:-64}" ;;
          SIGXCPU) printf 'killed by SIGXCPU: it used more than %s s of CPU time' "${GRADER_MAX_CPU_SECONDS:-60}" ;;
          SIGSEGV) printf 'crashed with SIGSEGV (an invalid memory access)' ;;
          SIGABRT) printf 'aborted (SIGABRT)' ;;
          SIGPIPE) printf 'killed by SIGPIPE (it wrote to a socket whose reader had gone)' ;;
          *) printf 'killed by %s' "$name" ;;
        esac
      else
        printf 'exit status %s' "$status"
      fi
      ;;
  esac
}

# finish PGID [SECONDS]: wait for the group's leader; sets STATUS (124 on the
# time limit) and kills whatever the program left behind in its group.
finish() {
  local pgid=$1
  STATUS=0
  wait "$pgid" 2>/dev/null || STATUS=$?
  kill -KILL -- "-$pgid" 2>/dev/null || true
}

# exited_within PGID SECONDS: true once the group's leader has exited
# (within SECONDS of wall-clock time, however busy the machine). A leader
# that has exited but is not reaped yet (a zombie: bash reaps its children
# when SIGCHLD reaches it) counts as exited: a verdict must not depend on
# when the grader's shell gets round to it.
exited_within() {
  local pgid=$1 deadline stat
  deadline=$((${EPOCHREALTIME/[.,]/} + $2 * 1000000))
  while kill -0 "$pgid" 2>/dev/null; do
    # /proc/PID/stat: "PID (COMMAND) STATE ...", COMMAND may hold spaces.
    read -r stat 2>/dev/null <"/proc/$pgid/stat" && stat=${stat##*) } && [[ ${stat%% *} == Z ]] && return 0
    ((${EPOCHREALTIME/[.,]/} < deadline)) || return 1
    sleep 0.02
  done
  return 0
}

# run_program LIMIT NAME PROGRAM ARGS...: run to completion; sets STATUS and
# returns 0 whatever happened: a check tests $STATUS.
run_program() {
  spawn "$@"
  finish "$SPAWNED"
}

# student PROGRAM: the path of the student's compiled program.
student() {
  printf '%s/%s' "$GRADER_BIN" "$1"
}

# program_pids PGID: the student programs running in that group (themselves,
# or under valgrind), not the wrappers around them. Matched by command name:
# /proc/PID/exe of another uid is unreadable without CAP_SYS_PTRACE, which a
# container's root lacks.
program_pids() {
  local pid comm program names=()
  for program in "$GRADER_BIN"/*; do
    program=${program##*/}
    names+=("${program:0:15}") # the kernel keeps 15 bytes of a command name
  done
  for pid in $(group_pids "$1"); do
    read -r comm 2>/dev/null <"/proc/$pid/comm" || continue
    case $comm in
      memcheck-*) echo "$pid" ;;
      *) for program in "${names[@]}"; do [[ $comm == "$program" ]] && echo "$pid"; done ;;
    esac
  done
  return 0
}

# group_pids PGID: the processes of a group the grader started (spawn), as
# pgrep -g lists them. In a PID namespace of its own (lib/launch.c) every
# process of the group descends from its leader: any orphan is adopted by
# the namespace's init, the leader's child. Walking down from the leader
# (/proc/PID/task/TID/children) then reads a few files where pgrep reads
# every process on the machine (10 ms of CPU a call with 80 processes on
# it, twice that during a grading; about a hundred calls a course). Without
# a namespace an orphan leaves the tree, so pgrep it is.
group_pids() {
  local leader=$1 pid task kids queue stat
  if [[ ${GRADER_PIDNS:-none} == none || ! -e /proc/$leader/task/$leader/children ]]; then
    pgrep -g "$leader"
    return 0
  fi
  queue=("$leader")
  while ((${#queue[@]})); do
    pid=${queue[0]}
    queue=("${queue[@]:1}")
    for task in /proc/"$pid"/task/*/children; do
      kids=() # the file ends without a newline: read returns 1 after it
      read -r -a kids 2>/dev/null <"$task" || true
      queue+=("${kids[@]}")
    done
    # /proc/PID/stat: "PID (COMMAND) STATE PPID PGRP ...": the group, as
    # pgrep -g compares it (a process may have made a group of its own).
    read -r stat 2>/dev/null <"/proc/$pid/stat" || continue
    read -r -a stat <<<"${stat##*) }"
    [[ ${stat[2]} == "$leader" ]] && echo "$pid"
  done
  return 0
}

# signal_program SIGNAL PGID: send SIGNAL once to the student's program.
# Returns 1 when the group has none (it ended, or its leader is still
# starting it: looked for again for up to a second).
signal_program() {
  local pids tries=20
  while pids=$(program_pids "$2") && [[ -z $pids ]]; do
    ((tries-- > 0)) && kill -0 "$2" 2>/dev/null || return 1
    sleep 0.05
  done
  # shellcheck disable=SC2086
  kill "-$1" $pids 2>/dev/null
}

# signal_state SIGNAL PGID: what the kernel says of SIGNAL in each of the
# group's programs that is still running, one line each: where it sleeps, and
# whether the signal is caught, ignored, blocked or still pending. Read
# before the program is killed, for the evidence of a program that did not
# exit.
signal_state() {
  local bit pid key value state wchan disposition
  bit=$((1 << ($(kill -l "$1") - 1)))
  for pid in $(program_pids "$2"); do
    local -A mask=()
    state='' wchan=''
    while read -r key value; do
      case $key in
        State:) state=$value ;;
        SigPnd: | ShdPnd: | SigBlk: | SigIgn: | SigCgt:) mask[${key%:}]=$((16#$value & bit)) ;;
      esac
    done 2>/dev/null <"/proc/$pid/status" || continue
    read -r wchan 2>/dev/null <"/proc/$pid/wchan" && [[ $wchan == 0 ]] && wchan=
    if ((${mask[SigCgt]:-0})); then disposition="a handler catches SIG$1"
    elif ((${mask[SigIgn]:-0})); then disposition="SIG$1 is ignored (SIG_IGN)"
    else disposition="SIG$1 has its default action"; fi
    ((${mask[SigBlk]:-0})) && disposition+=", blocked (sigprocmask)"
    ((${mask[SigPnd]:-0} || ${mask[ShdPnd]:-0})) && disposition+=", and one is still pending"
    printf '%s: state %s%s; %s\n' "$(<"/proc/$pid/comm")" "$state" \
      "${wchan:+, in the kernel at $wchan}" "$disposition"
  done 2>/dev/null
}

# stop_server SIGNAL PGID [SECONDS]: send SIGNAL once and give the program
# 3 s, as the contract says (more under valgrind, whose leak check takes time).
# Sets STATUS and SIGNAL_SENT (empty when the grader found no program in the
# group to send it to); returns 1 if it is still running, with SIGNAL_STATE
# saying what the kernel said of the signal in it.
stop_server() {
  SIGNAL_SENT=1 SIGNAL_STATE=
  signal_program "$1" "$2" || SIGNAL_SENT=
  if exited_within "$2" "${3:-3}"; then
    finish "$2"
    return 0
  fi
  SIGNAL_STATE=$(signal_state "$1" "$2")
  # No program left in the group: it did exit, and the launcher around it
  # (lib/launch.c, the grader's own) has not ended yet on a loaded machine.
  # Its exit status is on its way: wait for it rather than call the
  # program still running.
  if [[ -z $SIGNAL_STATE && -z $(program_pids "$2") ]] && exited_within "$2" 5; then
    finish "$2"
    return 0
  fi
  kill_still_running "$2"
}

# kill_still_running PGID: end a program that did not exit when asked;
# STATUS=still-running, returns 1.
kill_still_running() {
  kill -KILL -- "-$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  STATUS=still-running
  return 1
}

# nudge ENDPOINT: one short client for a server at ENDPOINT (a socket path,
# or a port on 127.0.0.1: TCP and UDP), whatever its socket type. It wakes a
# server that is blocked in accept or recv although a signal has arrived.
# Each attempt may fail (the server may have exited meanwhile, which is what
# the caller waits for): under errexit, a failing last attempt would end the
# check with no verdict, so each is allowed to.
nudge() {
  local endpoint=$1
  if [[ $endpoint == */* ]]; then
    timeout -k 1 2 socat -u OPEN:/dev/null "UNIX-CONNECT:$endpoint" 2>/dev/null ||
      timeout -k 1 2 socat -u OPEN:/dev/null "UNIX-CONNECT:$endpoint,type=5" 2>/dev/null ||
      { printf 'x' | timeout -k 1 2 socat -u - "UNIX-SENDTO:$endpoint" 2>/dev/null; } || true
  else
    timeout -k 1 2 socat -u OPEN:/dev/null "TCP:127.0.0.1:$endpoint" 2>/dev/null || true
    { printf 'x' | timeout -k 1 2 socat -u - "UDP:127.0.0.1:$endpoint" 2>/dev/null; } || true
  fi
}

# stop_observed SIGNAL PGID SECONDS [ENDPOINT]: stop a server in order to
# look at what it does on the way out (its socket file, valgrind's report),
# not to judge its signal handling, which "exits 0 on SIGINT and on SIGTERM"
# does. A server still running after SECONDS gets one client at ENDPOINT:
# a handler installed with signal() (glibc sets SA_RESTART) only sets a flag
# while accept restarts, and that client makes the loop look at the flag.
# Sets STATUS (and NUDGED=1 if the client was needed); returns 1 when the
# server is still running after that, so that its exit cannot be observed.
stop_observed() {
  local signal=$1 pgid=$2 seconds=$3 endpoint=${4:-}
  NUDGED=
  signal_program "$signal" "$pgid" || true
  if ! exited_within "$pgid" "$seconds" && [[ -n $endpoint ]]; then
    NUDGED=1
    nudge "$endpoint"
  fi
  if exited_within "$pgid" "$seconds"; then
    finish "$pgid"
    # Ended by its time limit (timeout's 124, or its SIGKILL): its own exit
    # was not seen.
    [[ $STATUS == 124 || $STATUS == 137 ]] && STATUS=still-running && return 1
    return 0
  fi
  kill_still_running "$pgid"
}

# not_judged_after_no_exit PROGRAM: the reason a check about a server's exit
# gives when the server never exited.
not_judged_after_no_exit() {
  not_judged "${1:-the server} did not exit after SIGTERM, even when a client connected afterwards, so what it does at exit could not be observed (see \"exits 0 on SIGINT and on SIGTERM\")"
}

# --- Readiness -------------------------------------------------------------

# unix_listening PATH: a socket bound to PATH is in the listening state.
unix_listening() {
  unix_socket_in_state "$1" 00010000 ''
}

# unix_socket_in_state PATH FLAGS TYPE: /proc/net/unix has a socket bound to
# PATH with these flags (00010000: listening) or this type (0002: datagram);
# an empty one matches any. Read by bash itself, as readiness is polled.
unix_socket_in_state() {
  local num refs proto flags type state inode path
  while read -r num refs proto flags type state inode path; do
    [[ $path == "$1" && ( -z $2 || $flags == "$2" ) && ( -z $3 || $type == "$3" ) ]] && return 0
  done </proc/net/unix
  return 1
}

# inet_socket_on PORT STATE FILE...: a socket in /proc/net/tcp-like FILEs has
# local port PORT and, unless STATE is empty, state STATE (0A: listening).
inet_socket_on() {
  local port=$1 state=$2 hex file slot local remote st
  shift 2
  printf -v hex '%04X' "$port"
  for file in "$@"; do
    [[ -r $file ]] || continue
    while read -r slot local remote st _; do
      [[ ${local##*:} == "$hex" && ( -z $state || $st == "$state" ) ]] && return 0
    done <"$file"
  done
  return 1
}

# never_ready_marker PGID PROBE: the file that says this program never got
# ready in this way (PROBE: unix_listening, tcp_listening, udp_bound...). Per
# program and per kind of endpoint: a server that never listens on TCP (a
# port without htons) may listen on a Unix path at once, and a slow start
# under valgrind must get the full wait there.
never_ready_marker() {
  printf '%s/%s/never-ready.%s.%s' "$GRADER_WORK" "$LAB" "${PROGRAM_OF[$1]:-unknown}" "$2"
}

# poll_pause: the pause between two looks at a server that is not ready
# yet: 10 ms for the first 0.2 s (most servers are ready within a few ms,
# and each start in a check waited a whole 50 ms), then 50 ms (a server under
# valgrind takes about a second). Counts in the caller's local POLLS.
poll_pause() {
  if ((POLLS++ < 20)); then sleep 0.01; else sleep 0.05; fi
}

# wait_ready PGID STATE SECONDS PROBE...: wait until PROBE succeeds (the
# server is in STATE: "listening on PATH", "bound to HOST:PORT"). Fails with
# evidence if the server stops first or is too slow.
wait_ready() {
  local pgid=$1 state=$2 seconds=$3
  shift 3
  # Once this program has run for the whole wait without ever getting ready
  # this way (a hang, not a slow start), later checks wait 2 s only: a
  # program that hangs costs one long wait, not one per check.
  local never_ready
  never_ready=$(never_ready_marker "$pgid" "$1")
  [[ -e $never_ready ]] && seconds=2
  local deadline=$((SECONDS + seconds)) POLLS=0
  while ((SECONDS < deadline)); do
    "$@" && return 0
    if ! kill -0 "$pgid" 2>/dev/null; then
      finish "$pgid"
      [[ $STATUS == 124 || $STATUS == 137 ]] && : >"$never_ready"
      show_file "server stderr" "$T/server.err"
      fail_check "the server stopped ($(describe_status "$STATUS")) before it was $state" \
        "the server $state"
      return 1
    fi
    poll_pause
  done
  : >"$never_ready"
  fail_check "the server was not $state after $seconds s" "the server $state"
}

# wait_unix_listening PGID PATH [SECONDS]: wait (default 30 s) until the
# server listens on PATH.
wait_unix_listening() {
  wait_ready "$1" "listening on $2" "${3:-30}" unix_listening "$2"
}

# start_unix_server LIMIT PATH [WRAPPER...]: start the student's server on PATH
# (optionally under a wrapper such as valgrind) and wait until it listens.
# Sets SERVER.
start_unix_server() {
  local limit=$1 path=$2
  shift 2
  spawn "$limit" server "$@" "$(student "$SERVER_PROGRAM")" "$path"
  SERVER=$SPAWNED
  wait_unix_listening "$SERVER" "$path"
}

# free_port: a TCP and UDP port nobody on this machine uses right now, picked
# at random so that gradings running side by side do not collide.
free_port() {
  local port try
  local -A in_use=()
  local _netid _state _recvq _sendq local_address
  while read -r _netid _state _recvq _sendq local_address _; do
    in_use[${local_address##*:}]=1
  done < <(ss -Htuan 2>/dev/null)
  # Each group of checks (grader/grade) picks from its own share of the
  # range: groups that run at once never pick the same port.
  local groups=${GRADER_GROUPS:-1} width
  width=$((40000 / groups))
  for ((try = 0; try < 100; try++)); do
    port=$((20000 + ${GRADER_GROUP:-0} * width + RANDOM % width))
    [[ -z ${in_use[$port]:-} ]] && { echo "$port"; return 0; }
  done
  return 1
}

# tcp_listening PORT: some socket listens on TCP PORT (IPv4 or IPv6).
tcp_listening() {
  inet_socket_on "$1" 0A /proc/net/tcp /proc/net/tcp6
}

# wait_tcp_listening PGID PORT [SECONDS]: as wait_unix_listening, for TCP.
wait_tcp_listening() {
  wait_ready "$1" "listening on TCP port $2" "${3:-30}" tcp_listening "$2"
}

# long_path LENGTH: a path of exactly LENGTH bytes inside the sandbox.
long_path() {
  local prefix="$T/" fill
  fill=$(printf '%*s' $(($1 - ${#prefix})) '' | tr ' ' 'p')
  printf '%s%s' "$prefix" "$fill"
}

# refuses_non_socket_path SERVER ARGS...: the server, started with a
# regular file at PATH and then with a symbolic link to a socket at PATH
# (the argument written PATH in ARGS), leaves each as it was and exits 1 with
# a message. lstat, not stat: a link is not a socket even when it names one.
refuses_non_socket_path() {
  local server=$1 what path arg args
  shift
  printf 'an important file, not a socket\n' >"$T/data.txt"
  cp "$T/data.txt" "$T/data.orig"
  "$GRADER_TOOLS/stream-peer" stale "$T/other.sock"
  ln -s "$T/other.sock" "$T/link.sock"
  for what in file link; do
    path=$T/data.txt
    [[ $what == link ]] && path=$T/link.sock
    args=()
    for arg in "$@"; do [[ $arg == PATH ]] && args+=("$path") || args+=("$arg"); done
    run_program 5 refused "$server" "${args[@]}"
    if [[ $what == file ]] && { [[ ! -f $path ]] || ! cmp -s "$T/data.orig" "$path"; }; then
      fail_check "the regular file at PATH was removed or changed" "the file left as it was"
      return 1
    elif [[ $what == link && ( ! -L $path || $(readlink "$path") != "$T/other.sock" ) ]]; then
      fail_check "the symbolic link at PATH (to a socket file) was removed or replaced" \
        "a symbolic link left as it is: lstat says it is not a socket, even though it names one"
      return 1
    elif [[ $STATUS != 1 ]]; then
      show_file "stderr" "$T/refused.err"
      fail_check "with a $([[ $what == file ]] && printf 'regular file' || printf 'symbolic link') at PATH: $(describe_status "$STATUS" 5)" \
        "exit status 1 with a message on stderr"
      return 1
    elif [[ ! -s "$T/refused.err" ]]; then
      fail_check "exit status 1 but nothing on stderr" "a message saying why the server cannot start"
      return 1
    fi
  done
}

# usage_errors "PROGRAM ARG..."...: run each command line (the student's
# PROGRAM, arguments split on blanks), all at once; each must exit 2 within
# 5 s. Fails with the first that does not.
usage_errors() {
  local line words groups=() i failed=0
  for line in "$@"; do
    read -ra words <<<"$line"
    spawn 5 "usage-${#groups[@]}" "$(student "${words[0]}")" "${words[@]:1}"
    groups+=("$SPAWNED")
  done
  for i in "${!groups[@]}"; do
    finish "${groups[$i]}"
    if [[ $STATUS != 2 ]] && ((!failed)); then
      show_file "stderr" "$T/usage-$i.err"
      fail_check "$(printf '%s' "${@:i+1:1}"): $(describe_status "$STATUS" 5)" "exit status 2 and a usage line on stderr"
      failed=1
    fi
  done
  return "$failed"
}

# --- Comparing output ---------------------------------------------------------

# same_bytes EXPECTED ACTUAL WHAT: byte-exact comparison with a readable report.
same_bytes() {
  local expected=$1 actual=$2 what=$3 diff
  cmp -s "$expected" "$actual" && return 0
  diff=$(cmp "$expected" "$actual" 2>&1 | head -n 1)
  evidence expected "$what: $(stat -c %s "$expected") bytes, identical to what was sent"
  evidence seen "$(stat -c %s "$actual") bytes; ${diff:-they differ}"
  return 1
}

# client_echoes LIMIT INPUT ARGS...: the student's client ($CLIENT_PROGRAM),
# run with ARGS and INPUT on stdin, printed exactly INPUT and exited 0
# (labs 01 and 02: echo clients).
client_echoes() {
  local limit=$1 input=$2
  shift 2
  cp "$input" "$T/client.in"
  run_program "$limit" client "$(student "$CLIENT_PROGRAM")" "$@"
  if [[ $STATUS != 0 ]]; then
    show_file "client stderr" "$T/client.err"
    show_file "server stderr" "$T/server.err"
    fail_check "the client ($CLIENT_PROGRAM $*) $(describe_status "$STATUS" "$limit") ($(stat -c %s "$T/client.out") of $(stat -c %s "$input") bytes echoed)" \
      "the client exits 0 after printing the echo"
    return 1
  fi
  same_bytes "$input" "$T/client.out" "the client's output"
}

# --- strace -------------------------------------------------------------------

STRACE=(strace -f -qq -s 128 -o)

# strace_has FILE ERE: some traced call matches the extended regex.
strace_has() {
  grep -Eq -- "$2" "$1"
}

# accepted_not_closed TRACE: print the descriptors that accept/accept4
# returned and that were not closed (close, or close_range over them) before
# the next accept returned or the trace ended. Calls split by strace -f into
# "<unfinished ...>" and "<... resumed>" lines are joined by name.
accepted_not_closed() {
  awk '
    { sub(/^[0-9]+ +/, "") }
    /^<\.\.\. [a-z0-9_]+ resumed>/ { call = $2 }
    /^[a-z0-9_]+\(/ { call = substr($0, 1, index($0, "(") - 1) }
    / <unfinished \.\.\.>$/ { if (call == "close") pending_close = $0; next }
    {
      result = $0
      if (!sub(/.*\) += /, "", result)) next
      split(result, r, " ")
      if ((call == "accept" || call == "accept4") && r[1] ~ /^[0-9]+$/) {
        for (fd in open) { leaked[fd] = 1; delete open[fd] }
        open[r[1]] = 1
        accepted++
      } else if (call == "close" && r[1] == "0") {
        line = ($0 ~ /^<\.\.\./) ? pending_close : $0
        if (match(line, /close\([0-9]+/)) delete open[substr(line, RSTART + 6, RLENGTH - 6)]
      } else if (call == "close_range" && r[1] == "0" && match($0, /close_range\([0-9]+, [0-9]+/)) {
        split(substr($0, RSTART + 12, RLENGTH - 12), b, ", ")
        for (fd in open) if (fd + 0 >= b[1] + 0 && fd + 0 <= b[2] + 0) delete open[fd]
      }
    }
    END {
      for (fd in open) leaked[fd] = 1
      n = 0
      for (fd in leaked) n++
      if (n) printf "%d of %d accepted descriptors were never closed\n", n, accepted
    }
  ' "$1"
}

# --- valgrind -------------------------------------------------------------------

# MEMCHECK: how every check runs valgrind. --read-inline-info=no: a start
# costs 0.58 CPU-s instead of 0.72 (most of it reading libc's debugging
# information); a stack then names the function a call was inlined into,
# with the inlined code's own file and line.
MEMCHECK=(valgrind --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite
  --track-fds=yes --error-exitcode=99 --read-inline-info=no)
# VALGRIND: for a program that runs no child of its own worth judging.
VALGRIND=("${MEMCHECK[@]}" --child-silent-after-fork=yes)

# valgrind_memory_problems LOG: print the invalid accesses and definitely-lost
# blocks valgrind found; true if there were none.
valgrind_memory_problems() {
  local log=$1
  local errors
  errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -n 1)
  if [[ -z "$errors" ]]; then
    echo "valgrind produced no summary (did the program crash or hang?)"
    return 1
  fi
  ((errors == 0)) && return 0
  # Each kind of error valgrind counts, by its first line; another kind is
  # still named by its count.
  grep -E '(Invalid (read|write|free)|uninitialised|definitely lost in|Mismatched|overlap|Syscall param|unaddressable)' "$log" |
    sed 's/^==[0-9]*== *//' | sort | uniq -c | head -n 8 | grep . ||
    echo "$errors errors in valgrind's report"
  return 1
}

# valgrind_open_fds LOG: print the descriptors left open at exit (not the three
# standard ones, not those inherited from the grader); true if none.
valgrind_open_fds() {
  awk '
    { sub(/^==[0-9]+== ?/, "") }
    /^Open (file|AF_|socket|descriptor|pipe)/ { entry = $0; next }
    entry != "" && /<inherited from parent>/ { entry = ""; next }
    entry != "" && /^ *(at|by) / { print entry; entry = ""; found = 1; next }
    entry != "" { entry = "" }
    END { exit found }
  ' "$1"
}

# open_fds_not_accepted LOG: the descriptors valgrind found open at exit,
# other than inherited ones and those that accept or accept4 created.
open_fds_not_accepted() {
  awk '
    { sub(/^==[0-9]+== ?/, "") }
    /^Open (file|AF_|socket|descriptor|pipe)/ { entry = $0; next }
    entry != "" && /<inherited from parent>/ { entry = ""; next }
    entry != "" && /^ *at / { if ($0 !~ / accept4? \(/) print entry; entry = ""; next }
    entry != "" { entry = "" }
  ' "$1"
}

# --- TCP and UDP (labs 02, 03) ---

# start_tcp_server LIMIT PORT [WRAPPER...] [-- ARGS...]: start the student's
# server with PORT (and ARGS after it, e.g. a BIND_ADDR), optionally under a
# wrapper such as strace or valgrind, and wait until something listens on
# TCP PORT. Sets SERVER.
start_tcp_server() {
  local limit=$1 port=$2 wrapper=() args=()
  shift 2
  while (($#)) && [[ $1 != -- ]]; do wrapper+=("$1"); shift; done
  (($#)) && shift && args=("$@")
  spawn "$limit" server "${wrapper[@]}" "$(student "$SERVER_PROGRAM")" "$port" "${args[@]}"
  SERVER=$SPAWNED
  wait_tcp_listening "$SERVER" "$port"
}

# udp_bound PORT: some UDP socket (IPv4 or IPv6) is bound to PORT.
udp_bound() {
  inet_socket_on "$1" '' /proc/net/udp /proc/net/udp6
}

# unix_dgram_bound PATH: an AF_UNIX SOCK_DGRAM socket is bound to PATH.
unix_dgram_bound() {
  unix_socket_in_state "$1" '' 0002
}

# wait_dgram_bound PGID ENDPOINT [SECONDS]: wait until the server's datagram
# socket is bound to ENDPOINT (a path, or HOST:PORT for UDP). Fails with
# evidence if it exits or is too slow (default 30 s).
wait_dgram_bound() {
  local endpoint=$2 probe
  if [[ $endpoint == */* ]]; then probe=(unix_dgram_bound "$endpoint"); else probe=(udp_bound "${endpoint##*:}"); fi
  wait_ready "$1" "bound to $endpoint" "${3:-30}" "${probe[@]}"
}

# --- Standard checks -------------------------------------------------------
# Every lab with a server has the same five checks; its check file calls
# these (one line each) and defines the hooks they use:
#
#   start_server LIMIT [WRAPPER...]   start the student's $SERVER_PROGRAM at a
#       fresh address in $T, under the WRAPPER words if any (strace,
#       valgrind), and wait until it is ready; set SERVER (its group),
#       SERVER_ENDPOINT (a socket path, or a port on 127.0.0.1) and
#       SERVER_FILE (the socket file it must remove at exit, or empty)
#   exercise_server          optional: ordinary traffic, clients come and go
#   valgrind_clients         optional: run the lab's client programs under
#       "${VALGRIND[@]}" --log-file="$T/client-NAME.valgrind"
#   memory_traffic           optional: more requests, for the memory verdict
#       (error paths: a frame cut short, a refused name, every size)
#
# ACCEPTED_FDS_CHECK names the lab's own check of the descriptors accept
# returns, if it has one: check_cleanup then leaves those to it.
#
# CLEANUP_WITHOUT_TRAFFIC=1: the clean-up verdicts (check_cleanup,
# check_descriptors_closed) read a run of their own with no traffic at all,
# for a lab whose traffic would leave a wrong server holding what another
# check judges (lab 04's cut frames, lab 05's passed descriptors): one bug,
# one check.
#
# SERVERS lists the lab's server programs (default: SERVER_PROGRAM); the
# hooks read SERVER_PROGRAM to know which one to start.

SIGNAL_HINT="Handle SIGINT and SIGTERM without a race between checking a flag and blocking (self-pipe, signalfd, or ppoll/pselect with the signals blocked), then clean up and return 0. A handler installed with signal() does not interrupt accept or recv at all: glibc's signal() sets SA_RESTART, so the call restarts; use sigaction without SA_RESTART, or better one of the race-free ways."

# servers: the lab's server programs.
servers() {
  if [[ -n ${SERVERS+x} ]]; then printf '%s\n' "${SERVERS[@]}"; else printf '%s\n' "$SERVER_PROGRAM"; fi
}

# hook NAME: run the lab's optional hook NAME if it defines one.
hook() {
  if declare -F "$1" >/dev/null; then "$1" || true; fi
}

check_compiles() {
  hint "Read the first error the compiler printed and fix that one first; the grader compiles with its own command (cc -std=c17 -D_GNU_SOURCE -Wall -Wextra -g -O1 ... -lm), not your Makefile." \
    a-debugging#how-the-grader-compiles
  needs_sources_compiled "${PROGRAMS[@]}"
}

check_no_warnings() {
  hint "Each warning points at a real risk (an unused result, a signed/unsigned mix, a missing prototype): fix the code, do not silence the warning." \
    a-debugging#how-the-grader-compiles
  needs "${PROGRAMS[@]}"
  no_compiler_warnings "${PROGRAMS[@]}"
}

check_signal_exit() {
  hint "$SIGNAL_HINT" 05-lifecycle#clean-shutdown-on-signals 05-lifecycle#signal-restarts-the-call
  local sig
  # shellcheck disable=SC2207
  local list=($(servers))
  needs "${list[@]}"
  for SERVER_PROGRAM in "${list[@]}"; do
    for sig in INT TERM; do
      start_server 60 || return 1
      hook exercise_server
      stop_server "$sig" "$SERVER" || true
      [[ $STATUS == 0 ]] && continue
      # A group whose program the grader could not find saw no signal.
      [[ -z $SIGNAL_SENT && $STATUS == still-running ]] &&
        not_judged "the grader found no running $SERVER_PROGRAM to send SIG$sig to (a program must keep its name)"
      show_file "$SERVER_PROGRAM stderr" "$T/server.err"
      if [[ $STATUS == still-running ]]; then
        [[ -n $SIGNAL_STATE ]] && evidence "3 s after SIG$sig" "$SIGNAL_STATE"
        start_server 60 || return 1
        signal_program "$sig" "$SERVER" || true
        sleep 0.5
        nudge "$SERVER_ENDPOINT"
        exited_within "$SERVER" 3 &&
          evidence seen "it did exit once a client connected after the signal: the signal did not interrupt the blocking call (signal() sets SA_RESTART)"
        fail_check "$SERVER_PROGRAM still running 3 s after SIG$sig" "exit status 0 within 3 s of SIG$sig"
      else
        fail_check "$SERVER_PROGRAM after SIG$sig: $(describe_status "$STATUS")" "exit status 0 within 3 s of SIG$sig"
      fi
      return 1
    done
  done
}

# exit_run [plain]: the run check_cleanup and check_valgrind both read, made
# by the first of them (once per grading: a valgrind start costs about a
# second; the other waits for it if it runs at once, in another group): each
# of the lab's servers under valgrind, ordinary traffic, the lab's clients
# under valgrind and the memory traffic (the hooks exercise_server,
# valgrind_clients and memory_traffic), then SIGTERM (stop_observed).
# "plain": a run with no traffic, the clean-up verdicts' in a lab that sets
# CLEANUP_WITHOUT_TRAFFIC. The run's files are in EXIT_DIR (the student's code writes
# there, as in a check's own directory); how each server ended is in
# EXIT_DIR.PROGRAM, which it cannot write: "exited [FILE LEFT BEHIND]",
# "still-running", or "not-started" with what start_server said in
# EXIT_DIR.PROGRAM.evidence.
exit_run() {
  EXIT_DIR=$GRADER_TMP/exit${1:+-$1}
  if ! mkdir "$EXIT_DIR" 2>/dev/null; then
    wait_made "$EXIT_DIR.done" "the run that checks the exit (made by another check)" "$EXIT_DIR"
    return
  fi
  held_claim "$EXIT_DIR" "$EXIT_DIR.done"
  local check_dir=$T record left
  [[ -n ${GRADER_DROP_UID:-} ]] && chown "$GRADER_DROP_UID:$GRADER_DROP_UID" "$EXIT_DIR"
  T=$EXIT_DIR
  cd "$T" || return 1
  for SERVER_PROGRAM in $(servers); do
    record=$EXIT_DIR.$SERVER_PROGRAM
    if ! start_server 100 "${VALGRIND[@]}" --log-file="$T/server-$SERVER_PROGRAM.valgrind" >"$record.evidence"; then
      echo not-started >"$record"
      continue
    fi
    if [[ -z ${1:-} ]]; then
      hook exercise_server
      hook valgrind_clients
      hook memory_traffic
    fi
    if stop_observed TERM "$SERVER" 20 "$SERVER_ENDPOINT"; then
      left=
      [[ -n $SERVER_FILE && -e $SERVER_FILE ]] && left=$SERVER_FILE
      echo "exited $left" >"$record"
    else
      echo still-running >"$record"
    fi
  done
  T=$check_dir
  cd "$T" && echo over >"$EXIT_DIR.done"
}

# --- Runs shared by checks ----------------------------------------------------
# A costly run several checks read is made by the first check that claims it
# (atomically: mkdir, ln) and finished by writing its DONE file; the others
# wait for that file. A claimer that stops first releases its claim in
# teardown, and a waiter that sees the claim go stops as the grader's error:
# both run again (see teardown) and the run is made afresh.

# held_claim CLAIM DONE: this check claimed CLAIM (a directory or a link)
# and will write DONE when the run is over.
held_claim() {
  CLAIMS_HELD+=("$1"$'\t'"$2")
}

# release_unfinished_claims: remove the claims this check made but never
# finished, with the files made under their name.
release_unfinished_claims() {
  local entry claim done_file
  for entry in "${CLAIMS_HELD[@]}"; do
    claim=${entry%%$'\t'*} done_file=${entry#*$'\t'}
    [[ -e $done_file ]] || rm -rf -- "$claim"
  done
}

# grader_stopped REASON: end the check without a verdict, as the grader's
# error (teardown runs it again once).
grader_stopped() {
  CHECK_STOPPED=$1
  return 1
}

# wait_made FILE WHAT [CLAIM]: wait until another check (in another group)
# has written FILE, the sign that WHAT, which it claimed as CLAIM, is over.
# Fails after 140 s (a check's own limit is 150 s), and at once, as the
# grader's error, if CLAIM is released unfinished.
wait_made() {
  local deadline=$((SECONDS + 140))
  until [[ -s $1 ]]; do
    ((SECONDS < deadline)) || { fail_check "$2 did not finish within 140 s"; return 1; }
    if [[ -n ${3:-} && ! -e $3 && ! -L $3 && ! -s $1 ]]; then
      grader_stopped "$2 was given up by the check that claimed it"
      return 1
    fi
    sleep 0.05
  done
}

# exit_of PROGRAM: how PROGRAM ended in the run in EXIT_DIR (see exit_run);
# sets EXIT_LEFT to the socket file it left. Fails with start_server's
# evidence if it never started, and ends the check unjudged if it never
# exited.
exit_of() {
  local how
  read -r how EXIT_LEFT <"$EXIT_DIR.$1" || return 1
  case $how in
    not-started) cat "$EXIT_DIR.$1.evidence"; return 1 ;;
    still-running) not_judged_after_no_exit "$1" ;;
  esac
}

# cleanup_run: the exit run the clean-up verdicts read (see exit_run).
cleanup_run() {
  if [[ -n ${CLEANUP_WITHOUT_TRAFFIC:-} ]]; then exit_run plain; else exit_run; fi
}

# descriptors_closed PROGRAM: nothing but 0, 1 and 2 was open when PROGRAM
# exited in EXIT_DIR's run (valgrind --track-fds=yes).
descriptors_closed() {
  local program=$1 open
  open=$(valgrind_open_fds "$EXIT_DIR/server-$program.valgrind") && return 0
  # A descriptor that accept returned is a client's: in a lab with a check
  # of its own for those (ACCEPTED_FDS_CHECK), only the others count here.
  if [[ -n ${ACCEPTED_FDS_CHECK:-} ]]; then
    open=$(open_fds_not_accepted "$EXIT_DIR/server-$program.valgrind")
    if [[ -z $open ]]; then
      note "only client connections were left open: \"$ACCEPTED_FDS_CHECK\" judges those"
      return 0
    fi
  fi
  fail_check "$program: descriptors still open at exit (valgrind --track-fds=yes): $(echo "$open" | paste -sd ';')" \
    "only stdin, stdout and stderr open at exit"
}

# exit_cleanup [files]: each server's descriptors closed at exit in the
# clean-up run, and with "files" its socket file removed.
exit_cleanup() {
  local program
  # shellcheck disable=SC2207
  local list=($(servers))
  needs "${list[@]}"
  cleanup_run || return 1
  for program in "${list[@]}"; do
    exit_of "$program" || return 1
    if [[ -n ${1:-} && -n $EXIT_LEFT ]]; then
      fail_check "$EXIT_LEFT still exists after $program exited" "the socket file removed"
      return 1
    fi
    descriptors_closed "$program" || return 1
  done
}

check_cleanup() {
  hint "Before exiting on a signal, close the listening socket and everything else you opened (client sockets, a signalfd, a self-pipe, an epoll descriptor), and unlink any socket file you created." \
    05-lifecycle#clean-shutdown-on-signals a-debugging#valgrind-and-descriptor-leaks
  exit_cleanup files
}

# check_descriptors_closed: check_cleanup's descriptors only, for a lab that
# judges its socket file in a check of its own (lab 03's servers may have
# none: UDP).
check_descriptors_closed() {
  hint "Before exiting on a signal, close every socket and everything else you opened (a signalfd, a self-pipe, an epoll descriptor)." \
    05-lifecycle#closing-every-descriptor a-debugging#valgrind-and-descriptor-leaks
  exit_cleanup
}

check_valgrind() {
  hint "valgrind found invalid memory accesses or memory that was never freed (on an error path too: freeaddrinfo after getaddrinfo, free after getline, a buffer on a cut or refused request): read its report (line numbers included) and fix the first problem first." \
    a-debugging#valgrind-and-descriptor-leaks
  local log problems program
  needs "${PROGRAMS[@]}"
  exit_run || return 1
  for program in $(servers); do
    exit_of "$program" || return 1
  done
  for log in "$EXIT_DIR"/server-*.valgrind "$EXIT_DIR"/client-*.valgrind; do
    [[ -e $log ]] || continue
    if ! problems=$(valgrind_memory_problems "$log"); then
      log=${log##*/}
      log=${log%.valgrind}
      fail_check "in ${log#*-}: $(echo "$problems" | paste -sd ';' | tr -s ' ')" \
        "no invalid reads or writes, no definitely-lost memory"
      return 1
    fi
  done
}
