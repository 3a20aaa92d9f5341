# Turn bats' extended output stream into the results document.
# Inputs: $stream (bats --formatter cat --timing output), $checks (the TSV
# grader/grade writes: lab, number, name, points, in file order), $not_run
# (per lab, why a check that never reported did not run), $time (seconds), $sandbox
# (how student code was contained).
# Output: the Gradescope results.json schema; each test also carries
# "ran" and "lab" for grader/grade's own use (stripped by lib/gradescope.jq).
# Results are matched to checks by lab and name, never by position: a
# reported check that is not in $checks is listed in .unknown, which
# grader/grade treats as its own error.

def check_list:
  $checks | split("\n") | map(select(length > 0) | split("\t")
    | { lab: .[0], number: .[1], bats_name: .[2], points: (.[3] | tonumber) });

# bats' own location lines help nobody who did not write the check.
def for_students:
  map(select(test("^\\s*\\(?(from function|in test file|in file) ") | not)
      | select(test("\\.bash: line [0-9]+: +[0-9]+ [A-Z][a-z]+( \\(core dumped\\))? +") | not)
      | select(test("^\\s+`.*' failed( with status [0-9]+)?$") | not));

# reports: { "LAB\tNAME": { passed, skipped, lines } } from the stream. The
# 'suite' line names the check file; 'begin N NAME' the check whose lines
# follow; '(not )ok N ...' its verdict, '# skip REASON' a check not judged.
def reports:
  reduce ($stream | split("\n"))[] as $line ({ lab: null, current: null, names: {}, by_key: {} };
    if ($line | test("^suite ")) then
      .lab = ($line | sub("^suite "; "") | sub("^.*/"; "") | sub("\\.bats$"; ""))
    elif ($line | test("^begin [0-9]+ ")) then
      ($line | capture("^begin (?<n>[0-9]+) (?<name>.*)$")) as $m
      | .current = "\(.lab)\t\($m.name)"
      | .names["\(.lab)\t\($m.n)"] = .current
      | .by_key[.current] = { passed: null, skipped: null, lines: [] }
    elif ($line | test("^(not )?ok [0-9]+ ")) then
      ($line | capture("^(?<failed>not )?ok (?<n>[0-9]+) ")) as $m
      | .current = (.names["\(.lab)\t\($m.n)"] // "\(.lab)\t?\($m.n)")
      | .by_key[.current].passed = ($m.failed == null)
      | .by_key[.current].lines |= (. // [])
      | if ($line | test(" # skip ")) then
          .by_key[.current].skipped = ($line | sub("^.* # skip "; ""))
        else . end
      | if ($line | test("# timeout after [0-9]+s$")) then
          .by_key[.current].lines += ["reason: the check ran out of time (\($line | capture("# timeout after (?<s>[0-9]+)s$").s) s)"]
        else . end
    elif .current != null and ($line | test("^#( |$)")) then
      .by_key[.current].lines += [$line | sub("^# ?"; "")]
    else
      .current = null
    end)
  | .by_key;

check_list as $list
| reports as $reports
| [ $list[]
    | . as $c
    | ($reports["\($c.lab)\t\($c.bats_name)"]) as $r
    | ($r.skipped != null) as $not_judged
    | {
        name: ($c.bats_name | sub(" \\[[0-9]+ pts?\\]$"; "")),
        number: $c.number,
        score: (if $r.passed and ($not_judged | not) then $c.points else 0 end),
        max_score: $c.points,
        status: (if $r.passed and ($not_judged | not) then "passed" else "failed" end),
        output: (if $r == null or $r.passed == null then ($not_run[$c.lab] // "not run")
                 elif $not_judged then $r.skipped
                 else ($r.lines | for_students | join("\n")) end),
        tags: [$c.lab],
        visibility: "visible",
        lab: $c.lab,
        ran: ($r != null and $r.passed != null),
        judged: ($not_judged | not)
      } ]
| . as $tests
| ($tests | map(select(.judged | not)) | length) as $unjudged
| {
    score: (map(.score) | add // 0),
    max_score: (map(.max_score) | add // 0),
    execution_time: $time,
    output: ([ $tests | group_by(.lab)[]
               | "\(.[0].lab): \(map(.score) | add)/\(map(.max_score) | add) points"
                 + (map(select(.judged | not)) | length
                    | if . > 0 then " (\(.) not judged: no points, see each check's reason)" else "" end) ]
             + (if $unjudged > 0 then [ "\($unjudged) check(s) not judged here: they score no points; their reasons say what would make them judgeable." ] else [] end)
             + [ $sandbox ] | join("\n")),
    tests: $tests,
    unknown: [ $reports | keys[] | select(. as $k | $list | map("\(.lab)\t\(.bats_name)") | index($k) | not) ]
  }
