#!/usr/bin/env bash
# The demo frees exactly the ring, keeps the list, and refuses bad arguments.
set -euo pipefail
demo=tools/demo

out=$("$demo" 5000)
grep -q "Collected: 5000 values freed" <<<"$out" || { echo "$out"; exit 1; }
grep -q "holds 5000 cells summing to 12497500" <<<"$out" || { echo "$out"; exit 1; }

if "$demo" nonsense 2>err.txt; then echo "accepted a bad argument"; exit 1; fi
grep -q "NODES must be a positive integer, got 'nonsense'" err.txt
if "$demo" 1 2 2>/dev/null; then echo "accepted two arguments"; exit 1; fi
echo "demo_test: 3 passed, 0 failed"
