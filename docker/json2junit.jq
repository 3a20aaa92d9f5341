# The results document (Gradescope schema, as grader/grade --format json
# writes it) as JUnit XML that CI systems render: one <testsuite> per lab
# (the check's tag), one <testcase> per check, its hint and evidence in
# <failure>. Made from the JSON rather than by bats' report formatter, which
# writes an empty file inside containers on bats 1.8.2.
def xml: tostring | gsub("[\u0000-\u0008\u000b\u000c\u000e-\u001f]"; "") | @html;
def attr($name; $value): " \($name)=\"\($value | xml)\"";
def failures: map(select(.status != "passed")) | length;

.tests as $tests
| ($tests | group_by(.tags[0])) as $suites
| "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
  "<testsuites\(attr("name"; "grader"))\(attr("tests"; $tests | length))\(attr("failures"; $tests | failures))\(attr("time"; .execution_time // 0))>",
  ( $suites[]
    | "  <testsuite\(attr("name"; .[0].tags[0]))\(attr("tests"; length))\(attr("failures"; failures))\(attr("errors"; 0))\(attr("skipped"; 0))>",
      ( .[]
        | "    <testcase\(attr("classname"; .tags[0]))\(attr("name"; "\(.number) \(.name) [\(.score)/\(.max_score) pts]"))>",
          ( select(.status != "passed")
            | "      <failure\(attr("message"; (.output | split("\n") | map(select(length > 0)) | first) // "failed"))\(attr("type"; "check"))>\(.output | xml)</failure>" ),
          "    </testcase>" ),
      "  </testsuite>" ),
  "</testsuites>"
