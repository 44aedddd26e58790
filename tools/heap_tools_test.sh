#!/usr/bin/env bash
# heapdiff and heappath on heapsnap's two snapshots: the second adds two
# strings to the vector and drops the weak pair. Byte counts depend on the
# platform's sizes, so the counts of values are checked exactly and the
# bytes by sign.
set -euo pipefail
before="$TEST_TMPDIR/before.heapsnapshot"
after="$TEST_TMPDIR/after.heapsnapshot"
tools/heapsnap "$before" "$after" >/dev/null
json=$(tools/heapdiff --json "$before" "$after")
echo "$json"
expect() {
  grep -qE "$1" <<<"$json" || { echo "FAIL: no line matches $1"; exit 1; }
}
n='[1-9][0-9]*'
# Largest change first: the strings added, then the weak pair freed.
[[ $(sed -n 2p <<<"$json") == '{"type":"(string)","added":2,'* ]] ||
  { echo "FAIL: (string) is not the first row"; exit 1; }
[[ $(sed -n 3p <<<"$json") == '{"type":"WeakPair",'* ]] ||
  { echo "FAIL: WeakPair is not the second row"; exit 1; }
expect "^\{\"type\":\"\(string\)\",\"added\":2,\"added_bytes\":$n,\"freed\":0,\"freed_bytes\":0,\"retained\":2,\"retained_bytes\":$n\},?$"
expect "^\{\"type\":\"WeakPair\",\"added\":0,\"added_bytes\":0,\"freed\":1,\"freed_bytes\":$n,\"retained\":0,\"retained_bytes\":0\},?$"
expect "^\{\"type\":\"Pair\",\"added\":0,\"added_bytes\":0,\"freed\":0,\"freed_bytes\":0,\"retained\":3,\"retained_bytes\":$n\},?$"
expect "^\{\"type\":\"Vector\",\"added\":0,\"added_bytes\":0,\"freed\":0,\"freed_bytes\":0,\"retained\":1,\"retained_bytes\":$n\},?$"
[[ $(grep -c '"type"' <<<"$json") == 4 ]] || { echo "FAIL: not 4 rows"; exit 1; }

# The table, and the errors.
tools/heapdiff "$before" "$after" | grep -qE '^WeakPair +0 +\+0 +1 +-[0-9]+ +0 +0$'
if tools/heapdiff "$before" 2>/dev/null; then echo "FAIL: one file accepted"; exit 1; fi
echo '{"not":"a snapshot"}' >"$TEST_TMPDIR/bad.json"
message=$(tools/heapdiff "$before" "$TEST_TMPDIR/bad.json" 2>&1 || true)
[[ "$message" == *"is not a heap snapshot"* ]] || { echo "FAIL: $message"; exit 1; }

# heappath: the shortest strong chain from the root, weak edges not taken.
path=$(tools/heappath "$after" --name=grown-2)
expected='synthetic "" [0]
synthetic "(Pointers: Vector)" [0]
object "Vector" [2]
string "grown-2"'
[[ "$path" == "$expected" ]] || { printf 'FAIL: heappath printed\n%s\n' "$path"; exit 1; }
path=$(tools/heappath "$before" --name=needle)
[[ $(tail -n 3 <<<"$path") == 'object "Pair" .cdr
object "Pair" .car
string "needle"' ]] || { printf 'FAIL: heappath printed\n%s\n' "$path"; exit 1; }
message=$(tools/heappath "$before" --name=absent 2>&1 || true)
[[ "$message" == *'no node named "absent"'* ]] || { echo "FAIL: $message"; exit 1; }
echo "heap_tools_test: ok"
