#!/usr/bin/env bash
# heapsnap's snapshot, read by an independent parser (tools/heapsnapshot/
# check.js, on the npm package v8-heapsnapshot that bazelw installs), and
# its retainer path as heapsnap prints it.
set -euo pipefail
snapshot="$TEST_TMPDIR/demo.heapsnapshot"
output=$(tools/heapsnap "$snapshot")
echo "$output"
grep -qx 'live 7' <<<"$output"
grep -qx 'needle: Pointer<Vector> => Vector.\[0\] -> Pair.cdr -> Pair.car -> String' \
  <<<"$output"
NODE_PATH="$KAMO_NODE_MODULES" node tools/heapsnapshot/check.js "$snapshot"
