#!/usr/bin/env bats
# grader/lib/launch.c, the launcher every process of a check starts through:
# its time limit and exit statuses, and what its sandbox takes away. Built
# once per run of this file; a few seconds in all (the time limits tested
# are 1 s).

load test_helper

setup_file() {
  export LAUNCH=$BATS_FILE_TMPDIR/launch
  cc -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -o "$LAUNCH" "$ROOT/grader/lib/launch.c"
}

setup() {
  # A directory the dropped uid may write in, as a check's own is.
  cd "$BATS_TEST_TMPDIR" && chmod 777 .
  unset GRADER_DROP_UID GRADER_PIDNS
}

# as_root_sandbox: the settings grader/grade exports when run as root.
as_root_sandbox() {
  [[ $(id -u) == 0 ]] || skip "needs root (a dropped uid and a PID namespace)"
  export GRADER_DROP_UID=$((300000 + $$ % 100000)) GRADER_PIDNS=root
}

@test "launch passes on the command's exit status, and 128+N for signal N" {
  run "$LAUNCH" -t 5 -- sh -c 'exit 3'
  assert_equal "$status" 3
  run "$LAUNCH" -t 5 -- sh -c 'kill -SEGV $$'
  assert_equal "$status" 139
}

@test "launch stops a command at its time limit with 124, and with SIGKILL (137) one that ignores SIGTERM" {
  run "$LAUNCH" -t 1 -- sleep 30
  assert_equal "$status" 124
  run "$LAUNCH" -t 1 -- sh -c 'trap "" TERM; sleep 30'
  assert_equal "$status" 137
}

@test "launch starts the command in a session of its own, led by launch" {
  run "$LAUNCH" -t 5 -- sh -c 'ps -o pgid= -o sid= -p $PPID -p $$'
  assert_success
  local launch_pid
  launch_pid=$(awk 'NR == 1 { print $1 }' <<<"$output")
  assert_equal "$(awk '{ print $1 == $2 }' <<<"$output" | sort -u)" 1
  [[ $launch_pid != "$(ps -o pgid= -p $$ | tr -d ' ')" ]]
}

@test "the command starts with default signal actions and nothing blocked, even from a background job" {
  ( trap '' INT QUIT; "$LAUNCH" -t 5 -- grep -E '^Sig(Ign|Blk)' /proc/self/status >"$BATS_TEST_TMPDIR/out" ) &
  wait $!
  run cat "$BATS_TEST_TMPDIR/out"
  assert_line 'SigIgn:	0000000000000000'
  assert_line 'SigBlk:	0000000000000000'
}

@test "the command starts with default actions even for the signals glibc keeps for itself" {
  # A parent that ignored signals 32 and 33 (glibc's sigaction refuses them;
  # the system call does not): seen under CI.
  cat >"$BATS_TEST_TMPDIR/ignore.c" <<'C'
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv) {
  unsigned long action[4] = {1}; /* SIG_IGN */
  (void)argc;
  if (syscall(SYS_rt_sigaction, 32, action, NULL, 8) != 0 || syscall(SYS_rt_sigaction, 33, action, NULL, 8) != 0)
    return 125;
  execvp(argv[1], argv + 1);
  return 127;
}
C
  cc -o "$BATS_TEST_TMPDIR/ignore" "$BATS_TEST_TMPDIR/ignore.c"
  # Signals 32 and 33 ignored (whatever else the runner ignores: bats --jobs
  # without --no-parallelize-across-files ignores SIGALRM).
  run "$BATS_TEST_TMPDIR/ignore" grep SigIgn /proc/self/status
  assert_output --regexp $'^SigIgn:\t0*[1-9a-f]*18[0-9a-f]{7}$'
  run "$BATS_TEST_TMPDIR/ignore" "$LAUNCH" -t 5 -- grep SigIgn /proc/self/status
  assert_output 'SigIgn:	0000000000000000'
}

@test "a command that cannot be found exits 127 with a message" {
  run -127 "$LAUNCH" -t 5 -- /nonexistent/program
  assert_output --partial 'launch: cannot run /nonexistent/program'
}

@test "launch refuses a time limit that is not a positive number of seconds" {
  run "$LAUNCH" -t soon -- true
  assert_equal "$status" 125
  assert_output --partial 'not a time limit'
}

@test "the sandbox runs the command as the dropped uid, without groups, capabilities or new privileges" {
  as_root_sandbox
  run "$LAUNCH" -t 5 -s -- sh -c 'id -u; id -G; grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):" /proc/self/status'
  assert_success
  assert_line --index 0 "$GRADER_DROP_UID"
  assert_line --index 1 "$GRADER_DROP_UID"
  assert_line 'CapBnd:	0000000000000000'
  assert_line 'CapInh:	0000000000000000'
  assert_line 'CapAmb:	0000000000000000'
  assert_line 'NoNewPrivs:	1'
}

@test "the sandbox sets the limits, the umask and TMPDIR" {
  as_root_sandbox
  GRADER_MAX_FILE_MIB=2 run "$LAUNCH" -t 5 -s -- bash -c 'ulimit -c; ulimit -f; ulimit -t; ulimit -u; umask; echo "$TMPDIR"'
  assert_success
  assert_equal "$output" "$(printf '0\n2048\n60\n512\n0022\n%s' "$PWD")"
}

@test "in the sandbox's PID namespace the command has launch's PID and sees only its own processes" {
  as_root_sandbox
  "$LAUNCH" -t 5 -s -- bash -c 'echo $$; pids=(/proc/[0-9]*); echo "${pids[*]}"' >"$BATS_TEST_TMPDIR/out" &
  local launch_pid=$!
  wait "$launch_pid"
  run cat "$BATS_TEST_TMPDIR/out"
  # Not 2 in every sandbox: two runs at once must not share a PID (abstract
  # socket names made from getpid()).
  assert_line --index 0 "$launch_pid"
  # PID 1 (launch's child) and the shell: /proc is the namespace's own.
  assert_line --index 1 "/proc/1 /proc/$launch_pid"
}

@test "what the command leaves running dies with it, even after setsid" {
  as_root_sandbox
  run "$LAUNCH" -t 5 -s -- sh -c 'setsid sleep 60 </dev/null >/dev/null 2>&1 & exit 0'
  assert_success
  sleep 0.2
  run pgrep -U "$GRADER_DROP_UID"
  assert_failure
}

@test "the check helper's group_pids lists a sandboxed group as pgrep -g does, orphans included" {
  as_root_sandbox
  source <(sed -n '/^group_pids() {/,/^}/p' "$ROOT/grader/checks/test_helper.bash")
  # launch, the namespace's init, the command (sleep 33), its child sleep 30
  # and sleep 31, an orphan adopted by init; the setsid sleep has left the
  # group.
  "$LAUNCH" -t 20 -s -- sh -c 'sleep 30 & (sleep 31 &); (setsid sleep 32 &); exec sleep 33' &
  local leader=$! tries=100 want got
  until (($(pgrep -g "$leader" | wc -l) == 5)) || ((--tries == 0)); do sleep 0.05; done
  want=$(pgrep -g "$leader" | sort -n)
  got=$(group_pids "$leader" | sort -n)
  kill -KILL -- "-$leader"
  wait "$leader" 2>/dev/null || true
  assert_equal "$(wc -l <<<"$want")" 5
  assert_equal "$got" "$want"
}

@test "kill(-1) in the sandbox reaches nothing outside it" {
  as_root_sandbox
  sleep 30 &
  local outside=$!
  run "$LAUNCH" -t 5 -s -- sh -c 'kill -KILL -1; echo alive'
  kill -0 "$outside"
  kill "$outside"
  assert_output --partial alive
}

@test "without a PID namespace the sandbox still drops the uid" {
  as_root_sandbox
  GRADER_PIDNS=none run "$LAUNCH" -t 5 -s -- id -u
  assert_success
  assert_output "$GRADER_DROP_UID"
  GRADER_PIDNS=none run "$LAUNCH" -s -- id -u
  assert_output "$GRADER_DROP_UID"
}

@test "through a user namespace (not root) the command still gets a PID namespace of its own" {
  unset GRADER_DROP_UID
  GRADER_PIDNS=userns "$LAUNCH" -t 5 -s -- bash -c 'pids=(/proc/[0-9]*); echo "${pids[*]}"' >"$BATS_TEST_TMPDIR/out" 2>&1 &
  local launch_pid=$! launch_status=0
  wait "$launch_pid" || launch_status=$?
  run cat "$BATS_TEST_TMPDIR/out"
  [[ $launch_status == 125 ]] && skip "user namespaces are not allowed here: $output"
  assert_equal "$launch_status" 0
  assert_output "/proc/1 /proc/$launch_pid"
}

@test "launch -n runs the command in a network namespace of its own with loopback up" {
  [[ $(id -u) == 0 ]] || skip "needs root (a network namespace)"
  # A listener outside that the command must not see.
  socat TCP-LISTEN:0,bind=127.0.0.1 PIPE &
  local outside=$! tries=100
  until grep -q ' 0A ' /proc/net/tcp || ((--tries == 0)); do sleep 0.05; done
  grep -q ' 0A ' /proc/net/tcp
  run "$LAUNCH" -n -- bash -c '
    readlink /proc/self/ns/net
    awk -F: "NR > 2 { print \$1 }" /proc/net/dev | tr -d " "
    tail -n +2 /proc/net/tcp | wc -l
    socat -T 5 TCP-LISTEN:5555,bind=127.0.0.1 PIPE &
    echo hello | socat -T 5 - TCP:127.0.0.1:5555,retry=50,interval=0.05'
  kill "$outside"
  assert_success
  refute_line --index 0 "$(readlink /proc/self/ns/net)"
  assert_line --index 1 lo
  assert_line --index 2 0
  assert_line --index 3 hello
}
