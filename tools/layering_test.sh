#!/bin/bash
# Fails, naming each line, if a file outside mem/ reaches into mem/internal
# (by include or by namespace). Arguments: the files to check.
set -u
if (($# == 0)); then
  echo "layering_test: no files to check" >&2
  exit 1
fi
if grep -nE '#include "mem/internal/|mem::internal' "$@"; then
  echo "layering_test: the lines above use mem/internal outside mem/;" \
    "use mem/handle.h and the other public headers" >&2
  exit 1
fi
echo "layering_test: $# files outside mem/ use only mem's public headers"
