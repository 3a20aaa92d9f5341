#!/usr/bin/env bats
# The grader image: its entrypoint, its user, its packages, the CI output
# (JUnit, points), and the Gradescope autograder run inside it. Needs the
# image, so `make docker-test` runs these after building it (with
# WORKBOOK_DOCKER_TEST=1); in a plain `bats tests/` they skip, except the
# last ones, which read the devcontainer and workflow files only.

load test_helper

setup_file() {
  [[ ${WORKBOOK_DOCKER_TEST:-} == 1 ]] || return 0
  export IMAGE=${WORKBOOK_IMAGE:-localhost/socket-workbook-grader:latest}
  export PODMAN_TIMEOUT=600
  # The first lab, and the folder of lab folders the image grades here.
  export LAB
  LAB=$(basename "$(ls "$ROOT"/grader/checks/[0-9][0-9]-*.bats | head -n 1)" .bats)
  # The first lab's skeleton graded on the host: the reference for the
  # image's runs (one lab keeps them short; docker-test compares all labs).
  "$GRADE" --submission "$ROOT/labs" --format json --jobs 16 "$LAB" >"$BATS_FILE_TMPDIR/skeleton.json" || true
  "$GRADE" --submission "$ROOT/labs" --format human --jobs 16 "$LAB" >"$BATS_FILE_TMPDIR/skeleton.human" || true
}

needs_image() {
  [[ ${WORKBOOK_DOCKER_TEST:-} == 1 ]] || skip "needs the image: run by make docker-test"
}

# in_image [podman run options...] -- [arguments...]: run the image once,
# without network, removed afterwards.
in_image() {
  local options=()
  while (($#)) && [[ $1 != -- ]]; do options+=("$1"); shift; done
  shift
  "$ROOT/docker/podman" run --rm --network none --name "wbtest-$$-$BATS_TEST_NUMBER" "${options[@]}" "$IMAGE" "$@"
}

# A container that outlived its time limit is removed.
teardown() {
  [[ ${WORKBOOK_DOCKER_TEST:-} == 1 ]] || return 0
  PODMAN_TIMEOUT=60 "$ROOT/docker/podman" rm -f --ignore "wbtest-$$-$BATS_TEST_NUMBER" >/dev/null 2>&1 || true
}

# readable DIR: let the image's unprivileged user read DIR (bats' temporary
# folders are private to root).
readable() {
  chmod -R a+rX "$1"
}

# valid_results FILE: the Gradescope results.json schema.
valid_results() {
  jq -e '
    (.score | type == "number") and (.max_score | type == "number") and (.max_score > 0) and
    (.execution_time | type == "number") and (.output | type == "string") and
    (.tests | length > 0) and
    all(.tests[];
      (.name | type == "string") and (.number | type == "string") and
      (.score | type == "number") and (.max_score | type == "number") and (.score <= .max_score) and
      (.status == "passed" or .status == "failed") and (.output | type == "string") and
      (.visibility | IN("visible", "hidden", "after_due_date", "after_published"))) and
    (.score == ([.tests[].score] | add))' "$1"
}

@test "with labs mounted at /submission it prints the human report, even without a terminal" {
  needs_image
  local sub=$BATS_TEST_TMPDIR/sub
  cp -r "$ROOT/labs" "$sub" && readable "$sub"
  run in_image -v "$sub:/submission:ro" -- "$LAB"
  assert_failure 1
  assert_output --partial "score: $(jq .score "$BATS_FILE_TMPDIR/skeleton.json")/$(jq .max_score "$BATS_FILE_TMPDIR/skeleton.json")"
  assert_output --partial "FAIL "
  assert_output --partial "hint: "
  # The chapters are in the image: section titles as on the host.
  assert_output --partial "$(grep -m 1 ' read: ' "$BATS_FILE_TMPDIR/skeleton.human")"
}

@test "flags after the image name go to grader/grade" {
  needs_image
  local sub=$BATS_TEST_TMPDIR/sub
  cp -r "$ROOT/labs" "$sub" && readable "$sub"
  in_image -v "$sub:/submission:ro" -- "${LAB%%-*}" --format json >"$BATS_TEST_TMPDIR/out.json" || true
  run jq -r '[.tests[].tags[0]] | unique | join(" ")' "$BATS_TEST_TMPDIR/out.json"
  assert_output "$LAB"
  run jq -c '[.tests[] | [.number, .status]]' "$BATS_TEST_TMPDIR/out.json"
  assert_output "$(jq -c --arg lab "$LAB" '[.tests[] | select(.tags[0] == $lab) | [.number, .status]]' "$BATS_FILE_TMPDIR/skeleton.json")"
  run in_image -v "$sub:/submission:ro" -- --format nonsense
  assert_failure 2
  assert_output --partial "unknown format"
}

@test "without a submission it says how to mount one" {
  needs_image
  run in_image --
  assert_failure 2
  assert_output --partial '-v "$PWD/labs:/submission:ro"'
}

@test "student code runs as an unprivileged uid of its own" {
  needs_image
  local sub=$BATS_TEST_TMPDIR/sub
  cp -r "$ROOT/labs" "$sub" && readable "$sub"
  run in_image -v "$sub:/submission:ro" -- --format json "$LAB"
  assert_failure 1
  run jq -r .output <<<"$output"
  assert_output --regexp 'Student code ran as uid [1-9][0-9]* \(unprivileged, of this run only\)'
}

@test "a grading in the image builds none of the grader's own programs: the image has them" {
  needs_image
  local sub=$BATS_TEST_TMPDIR/sub
  cp -r "$ROOT/labs" "$sub" && readable "$sub"
  # Each peer and the launcher in the cache, and the same files after a grading.
  run in_image -v "$sub:/submission:ro" --entrypoint bash -- -c \
    'ls "$GRADER_CACHE/peers"; /opt/workbook/docker/entrypoint --format json '"$LAB"' >/dev/null 2>&1; ls "$GRADER_CACHE/peers"'
  assert_equal "${#lines[@]}" $((2 * ($(ls "$ROOT"/grader/peer/*.c | wc -l) + 1)))
  assert_equal "$(printf '%s\n' "${lines[@]}" | sort | uniq -c | awk '$1 != 2' | wc -l)" 0
}

@test "the image has every package in grader/packages.txt" {
  needs_image
  local packages
  packages=$(sed -e 's/#.*//' "$ROOT/grader/packages.txt" | xargs)
  run in_image --entrypoint bash -- -c "dpkg-query -W -f='\${Status}\n' $packages 2>&1 | grep -vc '^install ok installed$'"
  assert_output 0
}

@test "the student's code cannot reach the network" {
  needs_image
  run in_image --entrypoint bash -- -c 'ip -o link show | grep -vc "lo:"'
  assert_output 0
}

@test "ci-grade writes results.json, JUnit XML that parses and a summary, and prints the points" {
  needs_image
  local sub=$BATS_TEST_TMPDIR/sub out=$BATS_TEST_TMPDIR/out
  cp -r "$ROOT/labs" "$sub" && readable "$sub"
  mkdir -p "$out" && chmod 777 "$out"
  run in_image -v "$sub:/submission:ro" -v "$out:/out" --entrypoint /opt/workbook/docker/ci-grade -- /out "$LAB"
  assert_failure 1
  local score max
  score=$(jq .score "$BATS_FILE_TMPDIR/skeleton.json") max=$(jq .max_score "$BATS_FILE_TMPDIR/skeleton.json")
  assert_output --partial "::notice title=Autograding complete::Points $score/$max"
  assert_output --partial "::notice title=Autograding report::{\"totalPoints\":$score,\"maxPoints\":$max}"
  assert_output --partial "score: $score/$max"
  run valid_results "$out/results.json"
  assert_success
  run xmllint --noout "$out/junit.xml"
  assert_success
  run xmllint --xpath 'count(//testcase)' "$out/junit.xml"
  assert_output "$(jq '.tests | length' "$out/results.json")"
  run xmllint --xpath 'count(//testcase/failure)' "$out/junit.xml"
  assert_output "$(jq '[.tests[] | select(.status == "failed")] | length' "$out/results.json")"
  run xmllint --xpath 'count(//testsuite)' "$out/junit.xml"
  assert_output "$(jq '[.tests[].tags[0]] | unique | length' "$out/results.json")"
  run head -n 1 "$out/summary.md"
  assert_output "## Grader: $score/$max points"
}

@test "grade-all runs inside the image too" {
  needs_image
  local class=$BATS_TEST_TMPDIR/class out=$BATS_TEST_TMPDIR/grades
  mkdir -p "$class" "$out" && chmod 777 "$out"
  cp -r "$ROOT/labs" "$class/alice" && mkdir "$class/bob"
  readable "$class"
  run in_image -v "$class:/submissions:ro" -v "$out:/grades" --entrypoint /opt/workbook/grader/grade-all -- \
    /submissions --output /grades "$LAB"
  assert_success
  run cat "$out/grades.csv"
  assert_line --index 1 "\"alice\",$(jq -r '[.tests | group_by(.tags[0])[] | map(.score) | add] | join(",")' "$BATS_FILE_TMPDIR/skeleton.json"),$(jq .score "$BATS_FILE_TMPDIR/skeleton.json")"
  assert_line --index 2 --regexp '^"bob",(0,)+0$'
}

# gradescope ZIP SUBMISSION [VISIBILITY_LINE]: what Gradescope does: unpack
# the zip in /autograder/source, run setup.sh and then run_autograder as root
# with the submission in /autograder/submission. Leaves results.json in
# $BATS_TEST_TMPDIR/results/.
gradescope() {
  local zip=$1 sub=$2 source=$BATS_TEST_TMPDIR/source
  rm -rf "$source" "$BATS_TEST_TMPDIR/results"
  mkdir -p "$source" "$BATS_TEST_TMPDIR/results"
  (cd "$source" && unzip -q "$zip")
  [[ -z ${3:-} ]] || echo "$3" >>"$source/visibility.conf"
  readable "$sub"
  in_image --user root -v "$source:/autograder/source:ro" -v "$sub:/autograder/submission:ro" \
    -v "$BATS_TEST_TMPDIR/results:/autograder/results" --entrypoint bash -- -c \
    'bash /autograder/source/setup.sh >/dev/null && cp /autograder/source/run_autograder /autograder/ && /autograder/run_autograder'
}

@test "make gradescope builds autograder.zip with setup.sh and run_autograder at its root" {
  needs_image
  run make -s -C "$ROOT" gradescope
  assert_success
  run unzip -Z1 "$ROOT/build/gradescope/autograder.zip"
  assert_line setup.sh
  assert_line run_autograder
  assert_line visibility.conf
  assert_line grader/grade
  assert_line grader/packages.txt
  refute_line --partial solutions/
}

@test "Gradescope: run_autograder in the image grades a folder of lab folders and writes a valid results.json" {
  needs_image
  local zip=$BATS_TEST_TMPDIR/autograder.zip sub=$BATS_TEST_TMPDIR/submission
  # A zip for two labs keeps it short (docker-test compares every lab): lab
  # 01, and lab 08, whose namespace checks a default container cannot judge.
  "$ROOT/docker/gradescope/make-zip" "$zip" "$LAB" 08 >/dev/null
  mkdir -p "$sub"
  cp -r "$ROOT/solutions/$LAB" "$ROOT/solutions/08-ping" "$sub/"
  run gradescope "$zip" "$sub"
  assert_success
  run valid_results "$BATS_TEST_TMPDIR/results/results.json"
  assert_success
  # Every check passes, except those the container cannot observe: they say
  # "not judged" and award nothing.
  run jq -e --arg lab "$LAB" '
    ([.tests[].tags[0]] | unique == [$lab, "08-ping"]) and
    ([.tests[] | select(.status == "passed")] | length > 0) and
    all(.tests[]; .status == "passed" or
      ((.output | startswith("not judged")) and .score == 0 and .tags[0] == "08-ping")) and
    all(.tests[]; .visibility == "visible") and .stdout_visibility == "hidden"' \
    "$BATS_TEST_TMPDIR/results/results.json"
  assert_success
}

@test "Gradescope: a one-lab zip takes the lab's loose .c files, and hides what visibility.conf hides" {
  needs_image
  local zip=$BATS_TEST_TMPDIR/autograder.zip sub=$BATS_TEST_TMPDIR/submission
  "$ROOT/docker/gradescope/make-zip" "$zip" "${LAB%%-*}" >/dev/null
  mkdir -p "$sub" && cp "$ROOT/labs/$LAB/"*.c "$sub/"
  run gradescope "$zip" "$sub" "${LAB%%-*}.1 after_due_date"
  assert_success
  local results=$BATS_TEST_TMPDIR/results/results.json
  run valid_results "$results"
  assert_success
  # The same checks and points as the skeleton graded on the host.
  assert_equal "$(jq -c '[.tests[] | [.number, .status, .score]]' "$results")" \
    "$(jq -c --arg lab "$LAB" '[.tests[] | select(.tags[0] == $lab) | [.number, .status, .score]]' "$BATS_FILE_TMPDIR/skeleton.json")"
  run jq -r --arg n "${LAB%%-*}.1" '.tests[] | select(.number == $n) | .visibility' "$results"
  assert_output after_due_date
  run jq -r --arg n "${LAB%%-*}.1" '[.tests[] | select(.number != $n) | .visibility] | unique | join(" ")' "$results"
  assert_output visible
  run jq -r .output "$results"
  refute_output --partial points
}

@test "Gradescope: a submission with nothing gradable still gets a valid results.json scoring 0" {
  needs_image
  local zip=$BATS_TEST_TMPDIR/autograder.zip sub=$BATS_TEST_TMPDIR/submission
  "$ROOT/docker/gradescope/make-zip" "$zip" "${LAB%%-*}" >/dev/null
  mkdir -p "$sub" && echo "my homework" >"$sub/notes.txt"
  run gradescope "$zip" "$sub"
  assert_success
  run valid_results "$BATS_TEST_TMPDIR/results/results.json"
  assert_success
  run jq .score "$BATS_TEST_TMPDIR/results/results.json"
  assert_output 0
}

@test "the devcontainer builds the Dockerfile's dev stage from the repository root" {
  run jq -r '.build | "\(.dockerfile) \(.context) \(.target)"' "$ROOT/.devcontainer/devcontainer.json"
  assert_output "../docker/Dockerfile .. dev"
  run grep -E '^FROM .* AS dev$' "$ROOT/docker/Dockerfile"
  assert_success
}

@test "the Classroom workflow is valid YAML that Classroom reads points from" {
  command -v python3 >/dev/null && python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed"
  local file=$ROOT/docker/classroom/.github/workflows/grade.yml
  run python3 -c '
import sys, yaml
w = yaml.safe_load(open(sys.argv[1]))
assert w["name"] == "Autograding Tests", w["name"]
assert list(w["jobs"]) == ["run-autograding-tests"], list(w["jobs"])
steps = w["jobs"]["run-autograding-tests"]["steps"]
run = " ".join(s.get("run", "") for s in steps)
assert "--network none" in run and "ci-grade" in run and "labs:/submission:ro" in run
assert any("junit" in str(s.get("with", {})) for s in steps)
print("ok")' "$file"
  assert_output ok
  run python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1])); print("ok")' "$ROOT/docker/classroom/publish-image.yml"
  assert_output ok
}
