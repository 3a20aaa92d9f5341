# Example test for chapter 3: dgram-order, boundaries, type-matrix.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out=$(run 10 "$BIN/dgram-order")
echo "$out"
expect "the datagram queue filled up" grep -qE '^the queue took [1-9][0-9]* datagrams, then send said EAGAIN$' <<<"$out"
expect "every datagram came back in order" grep -qE '^received all [1-9][0-9]*, each whole and in order$' <<<"$out"

out=$(run 5 "$BIN/boundaries")
echo "$out"
expect "a stream merges the writes" grep -qx 'SOCK_STREAM     [[]onetwothree[]]' <<<"$out"
expect "datagrams keep boundaries" grep -qx 'SOCK_DGRAM      [[]one[]] [[]two[]] [[]three[]]' <<<"$out"
expect "records keep boundaries" grep -qx 'SOCK_SEQPACKET  [[]one[]] [[]two[]] [[]three[]]' <<<"$out"

out=$(run 5 "$BIN/type-matrix")
echo "$out"
expect "AF_UNIX row" grep -qE '^AF_UNIX +yes +yes +yes +yes +$' <<<"$out"
expect "AF_INET has stream and datagram" grep -qE '^AF_INET +yes +yes ' <<<"$out"
