#!/usr/bin/env bats
# The documents that describe the checks cannot drift from the check files
# (grader/checks/NN-*.bats): each lab README's table of checks, and
# Appendix A's "## Lab NN checks" list (same checks, same order, same names
# and points), as tools/check-tables --check says. Fast: no grading.

load test_helper

setup() {
  COPY=$BATS_TEST_TMPDIR/copy
}

# copy_repo: the files tools/check-tables reads, in $COPY.
copy_repo() {
  mkdir -p "$COPY/tools" "$COPY/grader/checks" "$COPY/chapters"
  cp "$ROOT/tools/check-tables" "$COPY/tools/"
  cp "$ROOT"/grader/checks/[0-9][0-9]-*.bats "$COPY/grader/checks/"
  cp "$ROOT/chapters/a-debugging.md" "$COPY/chapters/"
  local readme lab
  for readme in "$ROOT"/labs/*/README.md; do
    lab=$(basename "$(dirname "$readme")")
    mkdir -p "$COPY/labs/$lab"
    cp "$readme" "$COPY/labs/$lab/"
  done
}

# edit FILE PERL-EXPRESSION: change a file of the copy, and fail if the
# expression changed nothing (a test that edits nothing proves nothing).
edit() {
  local file=$COPY/$1
  cp "$file" "$file.before"
  perl -0pi -e "$2" "$file"
  ! cmp -s "$file" "$file.before"
}

check_copy() {
  run "$COPY/tools/check-tables" --check
}

@test "every README table and every Appendix A list match the check files" {
  run "$ROOT/tools/check-tables" --check
  assert_success
  assert_output ''
}

@test "every check file has its section in Appendix A, which ends with Exercises and Check yourself" {
  local checks n
  for checks in "$ROOT"/grader/checks/[0-9][0-9]-*.bats; do
    n=$(basename "$checks" | cut -c1-2)
    grep -qx "## Lab $n checks" "$ROOT/chapters/a-debugging.md" || fail "no section for lab $n"
  done
  # The appendix's Exercises and Check yourself stay at its end.
  run bash -c "grep '^## ' '$ROOT/chapters/a-debugging.md' | tail -n 2 | paste -sd '|'"
  assert_output '## Exercises|## Check yourself'
}

@test "an unchanged copy passes, and a first letter in upper or lower case is fine (on a copy)" {
  copy_repo
  check_copy
  assert_success
  edit chapters/a-debugging.md 's/^3\. \*\*Echoes a line over IPv4/3. **echoes a line over IPv4/m'
  check_copy
  assert_success
}

@test "every kind of drift is reported, each by its own line (on a copy)" {
  copy_repo
  # Check files that change: a check renamed (02.3), its points changed
  # (03.4), a check added (08.20), a lab added without a section (99).
  edit grader/checks/02-tcp-echo.bats 's/"echoes a line over IPv4 \(127\.0\.0\.1\) \[2 pts\]"/"echoes a line over IPv4 [2 pts]"/'
  edit grader/checks/03-dgram-upper.bats 's/"works over IPv6 \(\[::1\]\) \[2 pts\]"/"works over IPv6 ([::1]) [3 pts]"/'
  printf '\n@test "a check nobody described [1 pt]" { true; }\n' >>"$COPY/grader/checks/08-ping.bats"
  printf '@test "compiles without errors [1 pt]" { true; }\n' >"$COPY/grader/checks/99-next.bats"
  # An appendix that changes: two items swapped (05.3, 05.4), one misnumbered
  # (03.5), one extra (06.20), one without its bold name (07.7), a section
  # renamed (04), a section for no lab (42), an _ pandoc would not bold (07.4).
  edit chapters/a-debugging.md 's/^3\. \*\*Passes a read-only descriptor for the requested file\*\* \[3\]/3. **Client prints the file through the passed descriptor** [3]/m; s/^4\. \*\*Client prints the file through the passed descriptor\*\* \[3\]/4. **Passes a read-only descriptor for the requested file** [3]/m'
  edit chapters/a-debugging.md 's/^5\. \*\*Works over a Unix datagram socket\*\*/6. **Works over a Unix datagram socket**/m'
  # shellcheck disable=SC2016 # ${1} is perl's, not the shell's
  edit chapters/a-debugging.md 's/(\n## Lab 06 checks\n(?:.*\n)*?19\. [^\n]*\n(?:    [^\n]*\n)*)/${1}20. **A check that does not exist** [1]. Nothing.\n/'
  edit chapters/a-debugging.md 's/^7\. \*\*Accepts a \/vN\.NN version prefix\*\* \[2\]/7. Accepts a \/vN.NN version prefix [2]/m'
  edit chapters/a-debugging.md 's/^## Lab 04 checks$/## Lab 04 checks, roughly/m'
  edit chapters/a-debugging.md 's/^## Exercises$/## Lab 42 checks\n\n## Exercises/m'
  edit chapters/a-debugging.md 's/^4\. \*\*Every \/\\_ping answer/4. **Every \/_ping answer/m'
  # READMEs that change: a link gone (03), a table edited by hand (02).
  edit labs/03-dgram-upper/README.md 's/a-debugging\.md#lab-03-checks/a-debugging.md/'
  edit labs/02-tcp-echo/README.md 's/^\| 02\.3 \| echoes a line over IPv4 \(127\.0\.0\.1\) \| 2 \|$/| 02.3 | echoes a line over IPv4 (127.0.0.1) | 3 |/m'
  check_copy
  assert_failure
  assert_output --partial 'item 3 is "Echoes a line over IPv4 (127.0.0.1)", but check 02.3 is "echoes a line over IPv4"'
  assert_output --partial 'item 4 gives 2 point(s), but check 03.4 "works over IPv6 ([::1])" has 3'
  assert_output --partial 'no item 20 for check 08.20 "a check nobody described [1]"'
  assert_output --partial 'no section "## Lab 99 checks" (grader/checks/99-next.bats has 1 checks'
  assert_output --partial 'item 3 is "Client prints the file through the passed descriptor", but check 05.3 is "passes a read-only descriptor for the requested file"'
  assert_output --partial 'item 4 is "Passes a read-only descriptor for the requested file", but check 05.4 is "client prints the file through the passed descriptor"'
  assert_output --partial 'item 5 is numbered 6'
  assert_output --partial 'item 20 (**A check that does not exist** [1]. Nothing.) has no check in grader/checks/06-chat.bats'
  assert_output --partial 'item 7 does not start with **NAME** [POINTS] (check 07.7 is "accepts a /vN.NN version prefix [2]")'
  assert_output --partial 'no section "## Lab 04 checks" (grader/checks/04-frames.bats has 21 checks'
  assert_output --partial 'a section "## Lab 42 checks", but no grader/checks/42-*.bats'
  assert_output --partial 'labs/03-dgram-upper/README.md: no link to its checks in Appendix A'
  assert_output --partial 'item 4: write \_ for the _ in "Every /_ping answer carries an Api-Version header"'
  assert_output --partial 'labs/02-tcp-echo/README.md: the table of checks differs from grader/checks/02-tcp-echo.bats'
  # The changed check files make their README tables differ too.
  assert_output --partial 'labs/03-dgram-upper/README.md: the table of checks differs'
  assert_output --partial 'labs/08-ping/README.md: the table of checks differs'
  # One line per problem, and no other.
  [[ ${#lines[@]} -eq 16 ]] || fail "expected 16 problems, got ${#lines[@]}"
}
