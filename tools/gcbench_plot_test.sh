#!/usr/bin/env bash
# gcbench --plot draws the collectors' median runs as an SVG that names
# every variant; --trace writes one valid trace per kamo-mem variant and
# run, with one collection event per collection the table reports, and an
# incremental variant's marking steps before the collections they finish;
# bad paths are refused with a message naming them.
set -euo pipefail
gcbench=tools/gcbench
out=${TEST_TMPDIR:-/tmp}/gcbench-plot
rm -rf "$out"

table=$("$gcbench" --size=small --runs=2 --only=boehm,kamo-node,kamo-value \
  --plot="$out/plot.svg" --trace="$out/traces")
svg=$out/plot.svg
[[ -s "$svg" ]] || { echo "no plot written"; exit 1; }
grep -q "<svg" "$svg" || { echo "not an SVG"; head -c 300 "$svg"; exit 1; }
for variant in boehm kamo-node kamo-value; do
  grep -q ">$variant<" "$svg" || { echo "the plot does not name $variant"; exit 1; }
done
grep -q "Pause distribution" "$svg"
[[ ! -e "$svg.data" ]] || { echo "the plot's scratch data was left"; exit 1; }

# Traces: kamo-mem variants only, one per run.
expected="kamo-node-small-run1.json kamo-node-small-run2.json kamo-value-small-run1.json kamo-value-small-run2.json"
actual=$(cd "$out/traces" && ls | sort | tr '\n' ' ' | sed 's/ $//')
[[ "$actual" == "$expected" ]] || { echo "traces: $actual"; exit 1; }
for trace in "$out"/traces/*.json; do
  python3 - "$trace" <<'PY'
import json, sys
events = json.load(open(sys.argv[1]))["traceEvents"]
collections = [e for e in events if e.get("name") == "collection"]
phases = [e for e in events if e.get("cat") == "gc.phase"]
assert collections, "no collections in " + sys.argv[1]
assert len(phases) == 6 * len(collections), (len(phases), len(collections))
assert [c["args"]["number"] for c in collections] == list(
    range(1, len(collections) + 1)), "collections missing or out of order"
PY
done
# The table's GC count for a variant is the median over runs; each run's
# trace holds that run's collections, so the median of the traces' counts
# equals it.
for variant in kamo-node kamo-value; do
  counts=$(for r in 1 2; do grep -o '"name":"collection"' \
    "$out/traces/$variant-small-run$r.json" | wc -l; done | sort -n | tr '\n' ' ')
  median=$(awk '{print int(($1 + $2) / 2)}' <<<"$counts")  # as gcbench: truncated
  shown=$(awk -v v="$variant" '$1 == v && $2 ~ /^[0-9.]+$/ {print $5}' <<<"$table")
  [[ "$shown" == "$median" ]] ||
    { echo "$variant: table says $shown GCs, traces $counts"; exit 1; }
done

# An incremental variant's trace holds its steps: each before the
# incremental collection that finishes it.
"$gcbench" --size=small --runs=1 --only=kamo-node-incr --trace="$out/incr" >/dev/null
python3 - "$out/incr/kamo-node-incr-small-run1.json" <<'PY'
import json, sys
events = json.load(open(sys.argv[1]))["traceEvents"]
steps = [e for e in events if e.get("name") == "marking step"]
collections = {e["args"]["number"]: e for e in events if e.get("name") == "collection"}
assert steps, "no marking steps in " + sys.argv[1]
assert any(s["args"]["first"] for s in steps), "no step started a marking"
assert sum(s["args"]["traced"] for s in steps) > 0, "no step traced"
last = max(collections)
for s in steps:
    number = s["args"]["collection"]
    if number == last + 1:
        continue  # still marking when the run ended
    finish = collections[number]
    assert finish["args"]["incremental"], finish
    # (microseconds with three decimals: compared to the nanosecond)
    assert round(finish["ts"] * 1000) >= round((s["ts"] + s["dur"]) * 1000), (s, finish)
PY

check_refused() {
  local expect=$1 status=0
  shift
  "$gcbench" --size=small --runs=1 --only=kamo-node "$@" >/dev/null 2>err.txt || status=$?
  [[ $status -ne 0 ]] || { echo "$*: accepted"; exit 1; }
  grep -q -- "$expect" err.txt || { echo "$*:"; cat err.txt; exit 1; }
}
check_refused "cannot write --plot file '/nonexistent/p.svg'" --plot=/nonexistent/p.svg
touch "$out/file"
check_refused "cannot create --trace directory '$out/file/x'" --trace="$out/file/x"
echo "gcbench_plot_test: ok"
