# Example test for chapter 8: pass-fd, peercred, abstract, passcred.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out=$(run 10 "$BIN/pass-fd")
echo "$out"
expect "the parent sent a descriptor" grep -qE "^parent: sending descriptor [0-9]+ \(1 copy\)$" <<<"$out"
expect "the child read the file through its own descriptor" \
  grep -qE '^child: got descriptor [0-9]+, the file says: hello from the parent.s open file$' <<<"$out"

out=$(run 10 "$BIN/peercred")
echo "$out"
parent_pid=$(sed -n 's/^parent (pid \([0-9]*\)) .*/\1/p' <<<"$out")
expect "the parent sees a peer" grep -qE "^parent \(pid $parent_pid\) sees peer pid $parent_pid uid $(id -u) gid $(id -g)$" <<<"$out"
expect "the child sees the socketpair's creator" grep -qE "^child \(pid [0-9]+\) sees peer pid $parent_pid uid $(id -u) gid $(id -g)$" <<<"$out"

out=$(run 5 "$BIN/abstract")
echo "$out"
expect "bound and connected" grep -qE '^bound and connected to @socket-workbook-[0-9]+$' <<<"$out"
expect "listed with @" grep -qE '^/proc/net/unix lists @socket-workbook-[0-9]+: yes$' <<<"$out"
expect "no file" grep -qE '^a file named socket-workbook-[0-9]+ exists: no$' <<<"$out"

set +e; out=$(run 10 "$BIN/pass-fd" 2); rc=$?; set -e
echo "$out"
expect "pass-fd 2 exits 1" test "$rc" -eq 1
expect "two descriptors in CMSG_SPACE(sizeof(int)) are rejected and none leaks" \
  grep -qE '^child: rejected the message, ([0-9]+) descriptor\(s\) open before, \1 after$' <<<"$out"
set +e; out=$(run 10 "$BIN/pass-fd" 3); rc=$?; set -e
echo "$out"
expect "pass-fd 3 exits 1" test "$rc" -eq 1
expect "three (MSG_CTRUNC) are rejected and none leaks" \
  grep -qE '^child: rejected the message, ([0-9]+) descriptor\(s\) open before, \1 after$' <<<"$out"

out=$(run 10 "$BIN/passcred")
echo "$out"
pid=$(sed -n 's/^message "late": pid \([0-9]*\) .*/\1/p' <<<"$out")
expect "unbound before connect" grep -qx 'client socket with SO_PASSCRED, before connect: unnamed' <<<"$out"
expect "SO_PASSCRED autobinds an abstract name at connect" grep -qE '^client socket after connect: @[0-9a-f]{5}$' <<<"$out"
expect "the client's SO_PEERCRED names the listener" \
  grep -qx "SO_PEERCRED on the client: pid $pid (the listener, not the child that accepted)" <<<"$out"
expect "a message queued before SO_PASSCRED carries pid 0" grep -qx 'message "early": pid 0 uid 65534 gid 65534' <<<"$out"
expect "a later one carries the sender" grep -qx "message \"late\": pid $pid uid $(id -u) gid $(id -g)" <<<"$out"
