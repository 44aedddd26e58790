#!/usr/bin/env bash
# For each example named in the arguments: README.md shows
# examples/NAME.cc verbatim between its markers, and the program prints the
# lines its "// Prints:" comments give.
set -euo pipefail

passed=0
failed=0
for name in "$@"; do
  block=$(awk -v begin="<!-- example:$name:begin -->" \
              -v end="<!-- example:$name:end -->" '
    $0 == begin { on = 1; next }
    $0 == end { on = 0 }
    on && !/^```/' README.md)
  if [[ "$block" != "$(cat "examples/$name.cc")" ]]; then
    echo "FAIL: README.md's $name block differs from examples/$name.cc:"
    diff <(echo "$block") "examples/$name.cc" || true
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi

  expected=$(sed -n 's|^  // Prints: ||p' "examples/$name.cc")
  actual=$("examples/$name")
  if [[ "$actual" != "$expected" ]]; then
    printf 'FAIL: %s printed\n%s\nexpected\n%s\n' "$name" "$actual" "$expected"
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
done
echo "examples_test: $passed passed, $failed failed"
((failed == 0))
