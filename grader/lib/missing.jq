# Lines to append to bats' stream for the checks that never reported, so that
# bats' TAP and JUnit formatters list every check. Input: the results
# document; $checks as in results.jq; $checks_dir the folder of check files.
($checks | split("\n") | map(select(length > 0) | split("\t"))) as $list
| [ range(0; $list | length) as $i
    | select(.tests[$i].ran | not)
    | { i: $i, lab: $list[$i][0], name: $list[$i][2], why: .tests[$i].output } ]
| group_by(.lab)[]
| "suite \($checks_dir)/\(.[0].lab).bats",
  (.[] | "begin \(.i + 1) \(.name)", "not ok \(.i + 1) \(.name) in 0ms", "# \(.why)")
