# Example test for chapter 8: pass-fd, peercred, abstract.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out=$(run 10 "$BIN/pass-fd")
echo "$out"
expect "the parent sent a descriptor" grep -qE '^parent: sending descriptor [0-9]+$' <<<"$out"
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
