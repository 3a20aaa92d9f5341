# The results document as Gradescope reads it: drop grader/grade's own fields.
# A check not judged keeps status "failed" (Gradescope knows only passed and
# failed) and says so at the start of its output.
del(.tests[].ran, .tests[].lab, .tests[].judged, .unknown)
