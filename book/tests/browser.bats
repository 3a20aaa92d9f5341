#!/usr/bin/env bats
# The built HTML in a real browser: links, anchors, images, console errors.
load helpers

@test "headless Chromium finds no broken link, anchor or image and no console message" {
  run book/scripts/browser-check "$BOOK_OUT" build/book-test/05-lifecycle-phone.png 05-lifecycle.html
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"BOOKCHECK-DONE"*"failures=0"* ]]
  [ -s build/book-test/05-lifecycle-phone.png ]
}

@test "the browser check fails on a broken anchor (checked on a copy)" {
  tmp=$(mktemp -d /tmp/bookcopy.XXXXXX)
  cp -r "$BOOK_OUT"/. "$tmp"/
  sed -i 's|href="05-lifecycle.html#server-lifecycle"|href="05-lifecycle.html#no-such-section"|' "$tmp"/*.html
  sed -i 's|src="diagrams/buffers.svg"|src="diagrams/no-such.svg"|' "$tmp"/01-what-is-a-socket.html
  run book/scripts/browser-check "$tmp" "$tmp/shot.png" 01-what-is-a-socket.html
  rm -rf "$tmp"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"no element with id 'no-such-section'"* ]]
  [[ "$output" == *"image diagrams/no-such.svg is missing"* ]]
}
