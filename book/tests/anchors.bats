#!/usr/bin/env bats
# The section anchors that grader hints point at (read from the check files)
# and those listed in required-anchors.txt exist in the built HTML, and in
# the Markdown under the same GitHub identifiers (no {#id} attributes).
load helpers

# hint_anchors: "FILE ID" for every CHAPTER#ANCHOR a check's hint names
# (grader/checks/, read as they are: a new lab's hints need no list).
hint_anchors() {
  grep -rhoE "\b(0[1-9]|1[0-9]|[a-z])-[a-z-]+#[a-z0-9_-]+" grader/checks/ | sort -u | tr '#' ' '
}

@test "the grader's hints are read as sections (a check of hint_anchors itself)" {
  hint_anchors | grep -qx '05-lifecycle clean-shutdown-on-signals'
  hint_anchors | grep -qx 'a-debugging how-the-grader-compiles'
  [ "$(hint_anchors | wc -l)" -gt 50 ]
}

@test "every anchor the grader links to is in the built HTML" {
  missing=0
  while read -r file id; do
    [[ -z "$file" || "$file" == \#* ]] && continue
    if ! grep -q "id=\"$id\"" "$BOOK_OUT/$file.html"; then
      echo "missing: $BOOK_OUT/$file.html#$id"; missing=1
    fi
  done < <(hint_anchors; cat book/tests/required-anchors.txt)
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
