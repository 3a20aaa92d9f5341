#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image
# (the zip is unpacked in /autograder/source). It installs the grader's
# Debian packages (grader/packages.txt; only those missing), puts the grader
# in /opt/workbook where an unprivileged user can read it, and creates that
# user, `student`, who runs the submission's code.
set -euo pipefail
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

missing=()
while read -r pkg _; do
  [[ -z $pkg || $pkg == \#* ]] && continue
  [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) == "install ok installed" ]] || missing+=("$pkg")
done <"$source_dir/grader/packages.txt"
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The checks need bats-core 1.5 or newer (Debian 12 has 1.8.2; on Gradescope
# pick an Ubuntu 24.04 or newer base image).
version=$(bats --version | awk '{ print $2 }')
if [[ $(printf '%s\n' 1.5.0 "$version" | sort -V | head -n 1) != 1.5.0 ]]; then
  echo "setup.sh: bats $version is too old (1.5 or newer needed): choose a newer base image" >&2
  exit 1
fi

rm -rf /opt/workbook
mkdir -p /opt/workbook
cp -r "$source_dir/grader" "$source_dir/chapters" /opt/workbook/
cp "$source_dir/labs.conf" "$source_dir/visibility.conf" /opt/workbook/
chmod -R a+rX /opt/workbook
# The grader's own programs, built once here rather than for every
# submission (run_autograder reads the same cache).
GRADER_CACHE=/var/cache/socket-workbook /opt/workbook/grader/grade --prepare
id student >/dev/null 2>&1 || useradd --create-home --shell /bin/bash student
echo "setup.sh: grader installed in /opt/workbook; labs: $(cat /opt/workbook/labs.conf)"
