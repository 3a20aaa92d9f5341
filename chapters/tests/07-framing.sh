# Example test for chapter 7: frame-bytes, frame-trickle, seqpacket-trunc.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out=$(run 5 "$BIN/frame-bytes")
echo "$out"
expect "the wire bytes" grep -qx 'on the wire: 00 00 00 05 68 65 6c 6c 6f 00 00 00 00' <<<"$out"
expect "ntohl gives 5" grep -qx 'first length with ntohl: 5' <<<"$out"
expect "without ntohl: 83886080 on little-endian" grep -qxE 'first length without: +(83886080|5)' <<<"$out"

out=$(run 10 "$BIN/frame-trickle")
echo "$out"
expect "first frame whole" grep -qx 'frame of 3 bytes: one' <<<"$out"
expect "second frame whole" grep -qx 'frame of 3 bytes: two' <<<"$out"
expect "the cut frame noticed" grep -qx 'connection cut inside a frame' <<<"$out"

out=$(run 5 "$BIN/seqpacket-trunc")
echo "$out"
expect "records kept" grep -qx 'record 2: 3 bytes' <<<"$out"
expect "truncation flagged" grep -qx 'record 3: 16 bytes (MSG_TRUNC: the rest was lost)' <<<"$out"
