#!/usr/bin/env bash
# The README shows examples/quickstart.cc verbatim, and it prints what its
# last comment says.
set -euo pipefail

readme_block=$(awk '/<!-- quickstart:begin -->/{on=1; next}
                    /<!-- quickstart:end -->/{on=0}
                    on && !/^```/' README.md)
if [[ "$readme_block" != "$(cat examples/quickstart.cc)" ]]; then
  echo "README.md's quickstart block differs from examples/quickstart.cc:"
  diff <(echo "$readme_block") examples/quickstart.cc || true
  exit 1
fi

expected=$(sed -n 's|^  // Prints: ||p' examples/quickstart.cc)
actual=$(examples/quickstart)
if [[ "$actual" != "$expected" ]]; then
  echo "quickstart printed '$actual', expected '$expected'"
  exit 1
fi
echo "quickstart_test: 2 passed, 0 failed"
