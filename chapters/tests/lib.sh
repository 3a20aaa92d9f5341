# Helpers for the chapters' example tests (sourced; run by book/scripts/check-examples
# with BIN set to the folder of the compiled listings).
# Every process runs under `timeout -k`, in a temporary directory, and whatever
# was started in the background is killed on exit.
set -euo pipefail
: "${BIN:?BIN must name the folder of compiled listings}"
BIN=$(cd "$BIN" && pwd)
T=$(mktemp -d /tmp/sw.XXXXXX)
BG_PIDS=()
cleanup() {
  local pid
  for pid in "${BG_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT
cd "$T"

# run SECONDS CMD...: a foreground command with a hard time limit
run() { local s=$1; shift; timeout -k 2 "$s" "$@"; }

# bg SECONDS CMD...: start a background command with a time limit; its pid is in $! and BG_PIDS
bg() { local s=$1; shift; timeout -k 2 "$s" "$@" & BG_PIDS+=("$!"); }

# wait_unix_listen PATH: until a socket bound to PATH is listening (/proc/net/unix flag 00010000)
wait_unix_listen() {
  local i
  for ((i = 0; i < 200; i++)); do
    awk -v p="$1" '$NF == p && $4 == "00010000" { found = 1 } END { exit !found }' /proc/net/unix && return 0
    sleep 0.02
  done
  echo "nobody listens on $1" >&2; return 1
}

# wait_line FILE REGEX: until a line matching REGEX appears in FILE (a server's log)
wait_line() {
  local i
  for ((i = 0; i < 200; i++)); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.02
  done
  echo "no line matching '$2' in $1:" >&2; cat "$1" >&2 || true; return 1
}

# expect DESCRIPTION COMMAND...: run a check and say which one failed
expect() { local what=$1; shift; if "$@"; then echo "ok: $what"; else echo "FAILED: $what" >&2; return 1; fi; }
