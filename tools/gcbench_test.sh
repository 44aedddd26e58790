#!/usr/bin/env bash
# gcbench runs every variant on the small size, prints the table and JSON,
# and refuses bad arguments with a usage message and exit status 2.
set -euo pipefail
gcbench=tools/gcbench

out=$("$gcbench" --size=small --runs=1)
for variant in boehm kamo-value kamo-node new-delete shared-ptr mimalloc; do
  grep -qE "^$variant +[0-9.]+ " <<<"$out" || { echo "$out"; exit 1; }
done
grep -qE "^boehm .* 1\.00x +1\.00x$" <<<"$out"

json=$("$gcbench" --size=small --runs=1 --only=kamo-node,boehm --json)
grep -q '"variant":"kamo-node"' <<<"$json"
grep -q '"size":"small","runs":1' <<<"$json"
if grep -q '"variant":"mimalloc"' <<<"$json"; then exit 1; fi

for bad in --size=huge --runs=0 --runs=x --only=nope --frobnicate; do
  status=0
  "$gcbench" "$bad" >/dev/null 2>err.txt || status=$?
  [[ $status -eq 2 ]] || { echo "$bad: exit $status"; exit 1; }
  grep -q "usage: gcbench" err.txt
done
echo "gcbench_test: 4 passed, 0 failed"
