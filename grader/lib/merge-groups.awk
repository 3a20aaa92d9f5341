# merge-groups.awk ORDER STREAM...: the streams of one lab's groups of checks
# (bats --formatter cat, each over a --filter'ed part of the check file) as
# the one stream a single bats run over the whole file would have written:
# one plan, one suite line, each check's lines (from its 'begin' line up to
# the next check's) in the order the names in ORDER give, numbered from 1.
# Lines before a group's first check other than its plan and suite line
# (bats' own complaints) are kept, before the checks. -v file=PATH: the
# suite line names PATH (each group ran its own copy of the check file).

FNR == NR { order[++count] = $0; next }

FNR == 1 { current = "" }

/^1\.\.[0-9]+$/ && current == "" { next }

/^suite / { suite = $0; current = ""; next }

/^begin [0-9]+ / {
  current = $0
  sub(/^begin [0-9]+ /, "", current)
  # bats ran this check again (test_helper's teardown asked it to): one
  # begin line, and the first run's note kept.
  if (current in lines) next
  lines[current] = ""
}

current != "" { lines[current] = lines[current] $0 "\n"; next }

{ before = before $0 "\n" }

END {
  ran = 0
  for (i = 1; i <= count; i++) if (order[i] in lines) ran++
  print "1.." ran
  if (suite != "") print (file != "" ? "suite " file : suite)
  printf "%s", before
  number = 0
  for (i = 1; i <= count; i++) {
    if (!(order[i] in lines)) continue
    number++
    n = split(lines[order[i]], part, "\n")
    for (j = 1; j < n; j++) {
      line = part[j]
      if (line ~ /^begin [0-9]+ / || line ~ /^ok [0-9]+ /) {
        sub(/ [0-9]+ /, " " number " ", line)
      } else if (line ~ /^not ok [0-9]+ /) {
        sub(/^not ok [0-9]+ /, "not ok " number " ", line)
      }
      print line
    }
  }
}
