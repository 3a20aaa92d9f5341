#!/usr/bin/env bats
# References between chapters resolve: links to chapter files, their anchors,
# and "chapter N" for chapters still being written (book/tests/check-chapter-links
# says the rules; book/tests/planned-chapters.txt lists those chapters).
load helpers

sources() { ls chapters/*.md labs/*/README.md README.md book/*.md; }

@test "every reference to a chapter resolves, or links a chapter still being written" {
  run book/tests/check-chapter-links --html "$BOOK_OUT" $(sources)
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "the chapter-link check fails on a missing chapter, a missing anchor and an unlinked planned chapter (on a copy)" {
  copy=$(mktemp -d /tmp/bookcopy.XXXXXX)
  cp -r chapters labs README.md "$copy"/
  mkdir -p "$copy/book/tests"
  printf '%s\n' 98-not-yet.md > "$copy/book/tests/planned-chapters.txt"
  cat >> "$copy/chapters/02-domains.md" <<'MD'

See [chapter 99](99-no-such-chapter.md), [Types](03-types.md#no-such-section),
chapter 98 and [chapter 98](98-not-yet.md#later).
MD
  printf '\nRead [the lifecycle](../../chapters/97-gone.md).\n' >> "$copy/labs/01-uds-echo/README.md"
  run bash -c "cd '$copy' && '$REPO/book/tests/check-chapter-links' --html '$REPO/$BOOK_OUT' chapters/02-domains.md labs/01-uds-echo/README.md"
  rm -rf "$copy"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"link to 99-no-such-chapter.md: no such chapter"* ]]
  [[ "$output" == *"link to 03-types.md#no-such-section: no such anchor"* ]]
  [[ "$output" == *"mentions chapter 98 (98-not-yet.md, not written yet) without linking it"* ]]
  [[ "$output" == *"mentions chapter 99, which neither exists nor is planned"* ]]
  [[ "$output" == *"labs/01-uds-echo/README.md:"*"link to 97-gone.md: no such chapter"* ]]
  [[ "$output" != *"98-not-yet.md#later"* ]]
}

@test "a chapter that has landed is no longer listed as planned (on a copy)" {
  copy=$(mktemp -d /tmp/bookcopy.XXXXXX)
  mkdir -p "$copy/chapters" "$copy/book/tests"
  printf '# Landed\n' > "$copy/chapters/09-landed.md"
  printf '09-landed.md\n' > "$copy/book/tests/planned-chapters.txt"
  run bash -c "cd '$copy' && '$REPO/book/tests/check-chapter-links' chapters/09-landed.md"
  rm -rf "$copy"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"09-landed.md exists now: remove its line"* ]]
}

@test "no chapter is still being written (planned-chapters.txt is empty)" {
  planned=$(sed 's/#.*//' book/tests/planned-chapters.txt | grep -v '^[[:space:]]*$' || true)
  if [[ -n "$planned" ]]; then
    skip "still planned, to be written: $(echo $planned)"
  fi
}
