#!/usr/bin/env bats
# check-book fails when a listing is broken: proved on a copy of the sources.
load helpers

setup() {
  COPY=$(mktemp -d /tmp/bookcopy.XXXXXX)
  cp -r chapters book "$COPY"/
}
teardown() { rm -rf "$COPY"; }

@test "check-book fails when a listing does not compile" {
  # break the first line of code after the first listing's marker
  sed -i '0,/^\/\/ file: peek.c$/s//\/\/ file: peek.c\nthis is not C;/' "$COPY/chapters/01-what-is-a-socket.md"
  grep -q '^this is not C;' "$COPY/chapters/01-what-is-a-socket.md"
  run make -C "$COPY" -f book/book.mk check-book BOOK_OUT="$COPY/build" BOOK_ONLY=01-what-is-a-socket
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"listing peek.c does not compile"* ]]
}

@test "check-book fails when a listing compiles with a warning" {
  sed -i 's/^    int sv\[2\];$/    int sv[2], unused;/' "$COPY/chapters/01-what-is-a-socket.md"
  run make -C "$COPY" -f book/book.mk check-book BOOK_OUT="$COPY/build" BOOK_ONLY=01-what-is-a-socket
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"unused"* ]]
}

@test "check-book fails when a program no longer does what its test expects" {
  sed -i 's/"peeked %zd bytes/"looked at %zd bytes/' "$COPY/chapters/01-what-is-a-socket.md"
  run make -C "$COPY" -f book/book.mk check-book BOOK_OUT="$COPY/build" BOOK_ONLY=01-what-is-a-socket
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"example test chapters/tests/01-what-is-a-socket.sh failed"* ]]
}

@test "check-book fails on a C block that is not a listing" {
  printf '\n```c\nint x;\n```\n' >> "$COPY/chapters/01-what-is-a-socket.md"
  run make -C "$COPY" -f book/book.mk check-book BOOK_OUT="$COPY/build" BOOK_ONLY=01-what-is-a-socket
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"no '// file: NAME' first line"* ]]
}
