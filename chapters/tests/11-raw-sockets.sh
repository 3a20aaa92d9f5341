# Example test for chapter 11: checksum, rtt-stats (no privileges), then
# ping-once, raw-peek and packet-peek in a network namespace of the test's
# own, made through a user namespace (or as root), so that neither
# ping_group_range nor CAP_NET_RAW of the machine matters.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out=$(run 5 "$BIN/checksum")
echo "$out"
expect "the RFC 1071 example" grep -qx 'RFC 1071 example: checksum 220d' <<<"$out"
expect "the echo request's checksum" grep -qx 'with checksum: 08 00 06 fa 12 34 00 01 70 69 6e 67' <<<"$out"
expect "verified" grep -qx 'verified: yes' <<<"$out"
expect "a flipped bit caught" grep -qx 'one bit flipped: no' <<<"$out"

out=$(printf '10\n20\n30\n40\n' | run 5 "$BIN/rtt-stats")
echo "$out"
expect "iputils' statistics" grep -qx 'rtt min/avg/max/mdev = 10.000/25.000/40.000/11.180 ms' <<<"$out"

# in_netns SCRIPT: run SCRIPT (sh) in a fresh network namespace with lo up.
in_netns() {
  if [[ $(id -u) == 0 ]]; then
    run 20 unshare --net sh -c "ip link set lo up && $1"
  else
    run 20 unshare --user --map-root-user --net sh -c "ip link set lo up && $1"
  fi
}
if ! in_netns true 2>/dev/null; then
  echo "skipped: this machine makes no network namespaces (unshare --net), so the socket listings are only compiled"
  exit 0
fi

out=$(in_netns "sysctl -qw net.ipv4.ping_group_range='1 0'; '$BIN/ping-once' 127.0.0.1" 2>&1 || true)
echo "$out"
expect "ping socket refused outside the group range" grep -qx 'ping-once: socket: Permission denied' <<<"$out"
out=$(in_netns "sysctl -qw net.ipv4.ping_group_range='0 0' && '$BIN/ping-once' 127.0.0.1 && '$BIN/ping-once' ::1")
echo "$out"
expect "an IPv4 echo reply" grep -qE '^16 bytes: type 0 code 0 id [0-9]+ seq 1 ttl 64 payload "hello"$' <<<"$out"
expect "an ICMPv6 echo reply" grep -qE '^16 bytes: type 129 code 0 id [0-9]+ seq 1 ttl 64 payload "hello"$' <<<"$out"

out=$(in_netns "'$BIN/raw-peek'")
echo "$out"
expect "the raw socket reads its own request" grep -qx 'IPv4 ihl 20 total 32 ttl 64 proto 1 127.0.0.1 -> 127.0.0.1 | ICMP type 8 id 48879 seq 1' <<<"$out"
expect "and the reply" grep -qx 'IPv4 ihl 20 total 32 ttl 64 proto 1 127.0.0.1 -> 127.0.0.1 | ICMP type 0 id 48879 seq 1' <<<"$out"

out=$(in_netns "'$BIN/packet-peek'")
echo "$out"
expect "the UDP datagram, leaving and arriving" grep -qx 'in  47 bytes, ethertype 0x0800, IPv4 UDP' <<<"$out"
expect "the port-unreachable error" grep -qx 'in  75 bytes, ethertype 0x0800, IPv4 ICMP type 3 code 3' <<<"$out"
