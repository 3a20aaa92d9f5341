#!/usr/bin/env bats
# The PDF and the EPUB have what a reader expects.
load helpers

PDF="$BOOK_OUT/socket-workbook.pdf"

@test "the PDF is A4, has a title page, a contents page and 30 to 200 pages" {
  run pdfinfo "$PDF"
  echo "$output"
  [ "$status" -eq 0 ]
  pages=$(awk '/^Pages:/ {print $2}' <<<"$output")
  [ "$pages" -ge 30 ] && [ "$pages" -le 200 ]
  [[ "$output" == *"595.276 x 841.89 pts (A4)"* ]]
  pdftotext -f 1 -l 1 "$PDF" - | grep -q 'The Socket Workbook'
  pdftotext -f 2 -l 2 "$PDF" - | grep -q 'Contents'
}

@test "every chapter starts on a page of its own, and the contents list it" {
  pdftotext -layout "$PDF" "$BATS_TEST_TMPDIR/book.txt"
  toc=$(pdftotext -f 2 -l 8 "$PDF" -)   # the contents grow past two pages with the book
  for md in $(chapters); do
    title=$(title_of "$md")
    # pdftotext separates pages with form feeds: the title must open a page
    # (after the running header, which repeats the title itself)
    awk -v t="$title" 'BEGIN { RS = "\f" } { n = split($0, l, "\n"); k = 0
         for (i = 1; i <= n && k < 3; i++) if (l[i] ~ /[^ ]/) { k++; if (l[i] ~ "^ *" t " *$") f = 1 } }
         END { exit !f }' "$BATS_TEST_TMPDIR/book.txt" || { echo "no page starts with: $title"; false; }
    grep -qF "$title" <<<"$toc" || { echo "not in the contents: $title"; false; }
  done
}

@test "the PDF contains the diagrams and the listings" {
  text=$(pdftotext "$PDF" -)
  [[ "$text" == *"send buffer"* ]]          # the buffers diagram, as vector text
  [[ "$text" == *"fd-peek.c"* ]]            # a listing's label
  [[ "$text" == *"sockaddr_un"* ]]
}

@test "the EPUB reads back with every chapter" {
  text=$(pandoc -f epub -t plain "$BOOK_OUT/socket-workbook.epub")
  for md in $(chapters); do
    title=$(title_of "$md")
    grep -qF "$title" <<<"$text" || { echo "EPUB lacks: $title"; false; }
  done
}
