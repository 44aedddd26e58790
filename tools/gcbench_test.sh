#!/usr/bin/env bash
# gcbench runs every variant on the small size, prints the table and valid
# JSON, and refuses bad arguments with a message naming them.
set -euo pipefail
gcbench=tools/gcbench

out=$("$gcbench" --size=small --runs=1)
for variant in boehm kamo-value kamo-node kamo-value-full kamo-node-full \
  kamo-value-incr kamo-node-incr kamo-value-both kamo-node-both new-delete \
  shared-ptr mimalloc; do
  grep -qE "^$variant +[0-9.]+ " <<<"$out" || { echo "$out"; exit 1; }
done
# The collectors report their collections; the ratio column is each
# variant's wall time over Boehm's, as printed: to the rounding of the ratio
# (0.005) and of the two times it is computed from (0.05 ms each).
awk '
  $1 == "boehm" { boehm = $2 }
  $1 ~ /^kamo-/ && $2 ~ /^[0-9.]+$/ {
    if ($5 !~ /^[1-9][0-9]*$/) { print $1 " reports no collections: " $0; bad = 1 }
    ratio = $2 / boehm; shown = substr($8, 1, length($8) - 1)
    slack = 0.006 + ratio * (0.05 / $2 + 0.05 / boehm)
    if (shown - ratio > slack || ratio - shown > slack) {
      print $1 " shows " shown "x, its wall over Boehm'"'"'s is " ratio; bad = 1
    }
  }
  END { exit bad }' <<<"$out" || { echo "$out"; exit 1; }

valid_json() { python3 -c 'import json, sys; json.load(sys.stdin)'; }
json=$("$gcbench" --size=small --runs=1 --only=kamo-node,boehm --json)
valid_json <<<"$json"
grep -q '"variant":"kamo-node"' <<<"$json"
grep -q '"size":"small","runs":1' <<<"$json"
if grep -q '"variant":"mimalloc"' <<<"$json"; then exit 1; fi
# Without Boehm there is no ratio: null, and still valid JSON.
json=$("$gcbench" --size=small --runs=1 --only=kamo-node --json)
valid_json <<<"$json"
grep -q '"wall_vs_boehm":null' <<<"$json"

"$gcbench" --help >help.txt 2>&1 || true
grep -q "usage: gcbench" help.txt
grep -q -- "--runs" help.txt

check_refused() {
  local arg=$1 expect=$2 status=0
  "$gcbench" "$arg" >/dev/null 2>err.txt || status=$?
  [[ $status -ne 0 ]] || { echo "$arg: accepted"; exit 1; }
  grep -q -- "$expect" err.txt || { echo "$arg:"; cat err.txt; exit 1; }
}
check_refused --size=huge "unknown size 'huge'"
check_refused --runs=0 "--runs must be from 1 to 100, got 0"
check_refused --runs=x "runs"
check_refused --only=nope "unknown variant 'nope'"
check_refused --frobnicate "frobnicate"
echo "gcbench_test: 5 passed, 0 failed"
