# Book references as students read them, for lib/human and for the TAP and
# JUnit reports: 'read: 05-lifecycle#short-reads-and-short-writes' becomes
# 'Chapter 5, "Short reads and short writes": chapters/05-lifecycle.md#...'.
# Sourced; the caller sets root (the repository, whose chapters/ is read).

# section_title CHAPTER ANCHOR: the heading text whose GitHub-style anchor is
# ANCHOR, or the anchor made readable when the chapter is not there.
section_title() {
  local file="$root/chapters/$1.md" title=''
  if [[ -f $file ]]; then
    title=$(awk -v want="$2" '
      /^```/ { fence = !fence }
      !fence && /^#+ / {
        text = $0; sub(/^#+ +/, "", text)
        id = tolower(text); gsub(/[^a-z0-9 _-]/, "", id); gsub(/ /, "-", id)
        if (id == want) { print text; exit }
      }' "$file")
  fi
  [[ -n $title ]] || title=$(tr '-' ' ' <<<"$2")
  printf '%s' "$title"
}

# reference CHAPTER#ANCHOR: e.g. 'Chapter 5, "Short reads and short writes"'.
reference() {
  local chapter=${1%%#*} anchor=${1#*#} label
  case $chapter in
    [0-9][0-9]-*) label="Chapter $((10#${chapter%%-*}))" ;;
    [a-z]-*) label="Appendix ${chapter%%-*}"; label=${label^^}; label="Appendix ${label#APPENDIX }" ;;
    *) label=$chapter ;;
  esac
  printf '%s, "%s": chapters/%s.md#%s' "$label" "$(section_title "$chapter" "$anchor")" "$chapter" "$anchor"
}


# for_students: filter bats' stream (stdin) for a report a student reads:
# drop bats' own location lines and spell out the book references.
for_students() {
  local line
  while IFS= read -r line; do
    case $line in
      '# (from function '* | '#  from function '* | '# (in test file '* | '#  in test file '*) continue ;;
      '#   `'*"' failed"*) continue ;;
      '# read: '*) printf '# read: %s\n' "$(reference "${line#\# read: }")" ;;
      *) printf '%s\n' "$line" ;;
    esac
  done
}
