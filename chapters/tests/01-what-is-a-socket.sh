# Example test for chapter 1: fd-peek, buffer-fill, peek.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out=$(run 5 "$BIN/fd-peek")
echo "$out"
expect "fd-peek shows /dev/null as fd 3" grep -qx 'fd 3: not a socket   -> /dev/null' <<<"$out"
expect "fd-peek shows a socket inode as fd 4" grep -qE '^fd 4: a socket +-> socket:\[[0-9]+\]$' <<<"$out"

out=$(run 10 "$BIN/buffer-fill")
echo "$out"
queued=$(sed -n 's/^queued \([0-9]*\) bytes.*/\1/p' <<<"$out")
expect "buffer-fill queued some bytes" test "${queued:-0}" -gt 1000
expect "buffer-fill read back what it queued" grep -qx "read back $queued bytes" <<<"$out"

out=$(run 5 "$BIN/peek")
echo "$out"
expect "peek shows the bytes twice" test "$out" = $'peeked 5 bytes: hello\nread   5 bytes: hello'
