# The results document as Gradescope reads it: drop grader/grade's own fields.
del(.tests[].ran, .tests[].lab)
