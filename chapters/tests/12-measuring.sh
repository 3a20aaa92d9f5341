# Example test for chapter 12: percentiles, pingpong, blast, nagle, udp-loss.
# Speeds are never judged (they depend on the machine and its load); what is
# judged is what must hold anywhere: the output's form, median <= p99 <= max,
# at least one stop per round trip when both processes share a CPU, every
# byte checked (a corrupting shim must be caught), the kernel's doubling of
# SO_SNDBUF, Nagle's floor of one delayed ACK (a lower bound only), UDP's
# silent loss and the Unix datagram socket's refusal.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out=$(awk 'BEGIN { for (i = 0; i < 985; i++) print 10 + i % 3; for (i = 0; i < 15; i++) print 2000 }' \
      | run 5 "$BIN/percentiles")
echo "$out"
expect "the chapter's example" test "$out" = 'n=1000 mean=40.8 median=11 p99=2000 max=2000'
out=$(printf '4\n1\n3\n2\n' | run 5 "$BIN/percentiles")
expect "nearest rank: the lower median of four, p99 is the maximum" \
  test "$out" = 'n=4 mean=2.5 median=2 p99=4 max=4'
expect "not a number: an error" bash -c "! echo x | '$BIN/percentiles'"

# check_pingpong LINE TRANSPORT PLACEMENT: the form, and median <= p99 <= max
check_pingpong() {
  local re="^$2 $3 size=([0-9]+) count=([0-9]+) median_us=([0-9.]+) p99_us=([0-9.]+) mean_us=([0-9.]+) max_us=([0-9.]+) stops_per_trip=([0-9.]+)$"
  [[ $1 =~ $re ]] || { echo "unexpected line: $1" >&2; return 1; }
  awk -v m="${BASH_REMATCH[3]}" -v p="${BASH_REMATCH[4]}" -v x="${BASH_REMATCH[6]}" \
    'BEGIN { exit !(m > 0 && m <= p && p <= x) }'
}
cpus=$(nproc)
placements=(any same)
(( cpus >= 2 )) && placements+=(split)
for t in unix unix2 tcp; do
  for p in "${placements[@]}"; do
    out=$(run 60 "$BIN/pingpong" -p "$p" "$t" 100 2000)
    echo "$out"
    expect "pingpong $t -p $p" check_pingpong "$out" "$t" "$p"
    if [[ $p == same ]]; then
      stops=$(sed 's/.*stops_per_trip=//' <<<"$out")
      expect "one CPU: the parent stops at least once per trip" \
        awk -v s="$stops" 'BEGIN { exit !(s >= 1) }'
    fi
  done
done
out=$(run 30 "$BIN/pingpong" tcp 65536 200)
expect "64 KiB messages arrive in pieces and are put together" check_pingpong "$out" tcp any
for bad in "" "udp" "unix 0" "unix 64 0" "unix 64 10 extra" "-p both unix" "unix 2000000"; do
  set +e; run 5 "$BIN/pingpong" $bad 2>/dev/null; status=$?; set -e
  expect "pingpong $bad: usage, status 2" test "$status" -eq 2
done

check_blast() {
  [[ $1 =~ ^$2\ $3\ size=$4\ MiB=$5\ sndbuf=([0-9]+)\ seconds=[0-9.]+\ MB/s=[0-9]+$ ]] \
    || { echo "unexpected line: $1" >&2; return 1; }
}
for t in unix tcp; do
  for p in "${placements[@]}"; do
    out=$(run 60 "$BIN/blast" -p "$p" "$t" 65536 32)
    echo "$out"
    expect "blast $t -p $p" check_blast "$out" "$t" "$p" 65536 32
  done
  # sizes that do not divide the total, equal the pattern's period, exceed it
  for size in 1000 65521 100000; do
    out=$(run 60 "$BIN/blast" "$t" "$size" 8)
    expect "blast $t with $size-byte writes" check_blast "$out" "$t" any "$size" 8
  done
  out=$(run 60 "$BIN/blast" -b 65536 "$t" 4096 4)
  echo "$out"
  expect "blast -b 65536 $t: the kernel doubles SO_SNDBUF" grep -q ' sndbuf=131072 ' <<<"$out"
done
set +e; run 5 "$BIN/blast" -b 0 unix 2>/dev/null; status=$?; set -e
expect "blast -b 0: usage, status 2" test "$status" -eq 2

# Every byte checked: a shim that flips one byte of the child's 50th read
# (the forked child: its pid differs from the one the shim was loaded in).
cat > corrupt.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <unistd.h>
static pid_t loaded_in;
static int reads;
__attribute__((constructor)) static void loaded(void) { loaded_in = getpid(); }
ssize_t read(int fd, void *buf, size_t len)
{
    static ssize_t (*real)(int, void *, size_t);
    if (!real)
        real = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
    ssize_t n = real(fd, buf, len);
    if (n > 1 && getpid() != loaded_in && ++reads == 50)
        ((unsigned char *)buf)[n / 2] ^= 0x20;
    return n;
}
C
cc -shared -fPIC -o corrupt.so corrupt.c -ldl
for t in unix tcp; do
  set +e; out=$(LD_PRELOAD=$PWD/corrupt.so run 60 "$BIN/blast" "$t" 4096 16 2>&1); status=$?; set -e
  echo "$out"
  expect "blast $t: a corrupted byte is caught" test "$status" -eq 1
  expect "blast $t: and reported" grep -q 'wrong byte' <<<"$out"
  set +e; out=$(LD_PRELOAD=$PWD/corrupt.so run 60 "$BIN/pingpong" "$t" 64 200 2>&1); status=$?; set -e
  expect "pingpong $t: a corrupted reply is caught" test "$status" -eq 1
done

# Nagle: with it on, a request in two writes waits for a delayed ACK (at least
# 40 ms on Linux); only this lower bound is judged, never a speed.
out=$(run 60 "$BIN/nagle" on 10)
echo "$out"
ms=$(sed -n 's/^Nagle on: 10 round trips, min [0-9.]* ms, median \([0-9.]*\) ms, max [0-9.]* ms$/\1/p' <<<"$out")
expect "Nagle on: the median waits for a delayed ACK" awk -v m="${ms:-0}" 'BEGIN { exit !(m >= 20) }'
out=$(run 60 "$BIN/nagle" off 10)
echo "$out"
expect "Nagle off: the same line" grep -qE '^Nagle off: 10 round trips, min [0-9.]+ ms, median [0-9.]+ ms, max [0-9.]+ ms$' <<<"$out"

out=$(run 10 "$BIN/udp-loss")
echo "$out"
re='^udp:  sent 1000, refused 0, received ([0-9]+), lost ([0-9]+); RcvbufErrors \+([0-9]+)$'
udp=$(grep '^udp:' <<<"$out")
[[ $udp =~ $re ]]
expect "udp: every datagram received or lost" test $(( BASH_REMATCH[1] + BASH_REMATCH[2] )) -eq 1000
expect "udp: some lost to a full buffer" test "${BASH_REMATCH[2]}" -gt 0
expect "udp: the kernel counted drops" test "${BASH_REMATCH[3]}" -ge 1
re='^unix: sent 1000, refused ([0-9]+), received ([0-9]+), lost 0; in order$'
unix=$(grep '^unix:' <<<"$out")
[[ $unix =~ $re ]]
expect "unix: refused or received, none lost" test $(( BASH_REMATCH[1] + BASH_REMATCH[2] )) -eq 1000
expect "unix: the sender was told (EAGAIN)" test "${BASH_REMATCH[1]}" -gt 0
