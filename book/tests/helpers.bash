# Shared by the book's bats tests. Run from the repository root (make test-book).
BOOK_OUT=${BOOK_OUT:-build/book}
REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
cd "$REPO"
chapters() { ls chapters/[0-9][0-9]-*.md chapters/[a-z]-*.md; }
title_of() { sed -n 's/^# //p' "$1" | head -1; }
