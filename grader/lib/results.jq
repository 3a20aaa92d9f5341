# Turn bats' extended output stream into the results document.
# Inputs: $stream (bats --formatter cat --timing output), $checks (the TSV
# grader/grade writes: lab, number, name, points, in run order), $not_run
# (why a check that never reported did not run), $time (seconds), $sandbox
# (how student code was contained).
# Output: the Gradescope results.json schema; each test also carries
# "ran" and "lab" for grader/grade's own use (stripped by lib/gradescope.jq).

def check_list:
  $checks | split("\n") | map(select(length > 0) | split("\t")
    | { lab: .[0], number: .[1], bats_name: .[2], points: (.[3] | tonumber) });

# bats' own location lines help nobody who did not write the check.
def for_students:
  map(select(test("^\\s*\\(?(from function|in test file|in file) ") | not)
      | select(test("\\.bash: line [0-9]+: +[0-9]+ [A-Z][a-z]+( \\(core dumped\\))? +") | not)
      | select(test("^\\s+`.*' failed( with status [0-9]+)?$") | not));

def reports:
  reduce ($stream | split("\n"))[] as $line ({ current: null, by_number: {} };
    if ($line | test("^begin [0-9]+ ")) then
      ($line | capture("^begin (?<n>[0-9]+) ")) as $m
      | .current = $m.n
      | .by_number[$m.n] = { passed: null, lines: [] }
    elif ($line | test("^(not )?ok [0-9]+ ")) then
      ($line | capture("^(?<failed>not )?ok (?<n>[0-9]+) ")) as $m
      | .current = $m.n
      | .by_number[$m.n].passed = ($m.failed == null)
      | .by_number[$m.n].lines |= (. // [])
      | if ($line | test("# timeout after [0-9]+s$")) then
          .by_number[$m.n].lines += ["reason: the check ran out of time (\($line | capture("# timeout after (?<s>[0-9]+)s$").s) s)"]
        else . end
    elif .current != null and ($line | test("^#( |$)")) then
      .by_number[.current].lines += [$line | sub("^# ?"; "")]
    else
      .current = null
    end)
  | .by_number;

check_list as $list
| reports as $reports
| [ range(0; $list | length) as $i
    | $list[$i] as $c
    | ($reports[($i + 1) | tostring]) as $r
    | {
        name: ($c.bats_name | sub(" \\[[0-9]+ pts?\\]$"; "")),
        number: $c.number,
        score: (if $r.passed then $c.points else 0 end),
        max_score: $c.points,
        status: (if $r.passed then "passed" else "failed" end),
        output: (if $r.passed == null then $not_run
                 else ($r.lines | for_students | join("\n")) end),
        tags: [$c.lab],
        visibility: "visible",
        lab: $c.lab,
        ran: ($r.passed != null)
      } ]
| . as $tests
| {
    score: (map(.score) | add // 0),
    max_score: (map(.max_score) | add // 0),
    execution_time: $time,
    output: ([ $tests | group_by(.lab)[]
               | "\(.[0].lab): \(map(.score) | add)/\(map(.max_score) | add) points" ]
             + [ $sandbox ] | join("\n")),
    tests: $tests
  }
