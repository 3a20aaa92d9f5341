#!/usr/bin/env bats
# The section anchors that grader hints point at exist in the built HTML, and
# in the Markdown under the same GitHub identifiers (no {#id} attributes).
load helpers

@test "every anchor the grader links to is in the built HTML" {
  missing=0
  while read -r file id; do
    [[ -z "$file" || "$file" == \#* ]] && continue
    if ! grep -q "id=\"$id\"" "$BOOK_OUT/$file.html"; then
      echo "missing: $BOOK_OUT/$file.html#$id"; missing=1
    fi
  done < book/tests/required-anchors.txt
  [ "$missing" -eq 0 ]
}

@test "chapters use no explicit {#id} heading attributes" {
  run grep -nE '^#+ .*\{#' chapters/*.md
  [ "$status" -eq 1 ]
}

@test "every chapter has exercises, a check-yourself section and a diagram" {
  bad=0
  for md in $(chapters); do
    grep -q '^## Exercises' "$md" || { echo "$md: no Exercises"; bad=1; }
    grep -q '^## Check yourself' "$md" || { echo "$md: no Check yourself"; bad=1; }
    case "$md" in chapters/a-*) continue ;; esac
    grep -q '](diagrams/.*\.svg)' "$md" || { echo "$md: no diagram"; bad=1; }
  done
  [ "$bad" -eq 0 ]
}

@test "the paired chapters point to lab 01" {
  for md in chapters/02-domains.md chapters/03-types.md chapters/05-lifecycle.md; do
    sed -n '/^## Check yourself/,$p' "$md" | grep -q 'labs/01-uds-echo/README.md' || { echo "$md"; false; }
  done
}
