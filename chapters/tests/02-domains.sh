# Example test for chapter 2: rendezvous, domain-tour.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out=$(run 5 "$BIN/rendezvous" "$T/rv.sock")
echo "$out"
expect "the socket file is a socket of 0 bytes" grep -qx "$T/rv.sock: a socket, 0 bytes" <<<"$out"
expect "the data arrived after unlink" grep -q '^after unlink, the server read 46 bytes: these bytes' <<<"$out"
expect "the file is gone" test ! -e "$T/rv.sock"

set +e; run 5 "$BIN/rendezvous" "$T/$(printf 'x%.0s' {1..120})" 2>err; rc=$?; set -e
expect "a path too long is a usage error (exit 2)" test "$rc" -eq 2
expect "and says so" grep -q 'path too long' err

out=$(run 5 "$BIN/domain-tour")
echo "$out"
expect "AF_UNIX stream works" grep -qE '^AF_UNIX  SOCK_STREAM 0 +ok$' <<<"$out"
expect "TCP with UDP protocol is refused" grep -qE 'IPPROTO_UDP +error: Protocol not supported$' <<<"$out"
expect "netlink works" grep -qE '^AF_NETLINK SOCK_RAW NETLINK_ROUTE +ok$' <<<"$out"

# The ICMP datagram socket (ping's): allowed exactly when one of our groups is
# in net.ipv4.ping_group_range (icmp(7)), root included.
read -r lo hi < /proc/sys/net/ipv4/ping_group_range
allowed=no
for g in $(id -G); do
  if (( g >= lo && g <= hi )); then allowed=yes; fi
done
if [[ $allowed == yes ]]; then
  expect "ICMP datagram socket allowed by ping_group_range" grep -qE '^AF_INET  SOCK_DGRAM  IPPROTO_ICMP +ok$' <<<"$out"
else
  expect "ICMP datagram socket refused outside ping_group_range" \
    grep -qE '^AF_INET  SOCK_DGRAM  IPPROTO_ICMP +error: Permission denied$' <<<"$out"
fi
