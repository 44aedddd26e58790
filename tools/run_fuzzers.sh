#!/usr/bin/env bash
# Runs every libFuzzer target (built with --config=fuzz: ASan + UBSan) for
# SECONDS each in continuous mode: the corpus grows in WORKDIR/<target>/corpus
# (seeded from fuzz/corpus/<target>), crash artifacts are kept in
# WORKDIR/<target>/artifacts, and a summary of executions and coverage is
# printed at the end. Exits non-zero if any target found anything.
#
#   tools/run_fuzzers.sh [SECONDS] [WORKDIR]      (defaults: 60, /tmp/kamo-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
workdir=${2:-/tmp/kamo-fuzz}
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "usage: tools/run_fuzzers.sh [SECONDS] [WORKDIR]" >&2
  exit 2
fi
targets=(heap_graph_fuzzer symbol_fuzzer coercion_fuzzer)

./bazelw build --config=fuzz --color=no --curses=no \
  $(printf '//fuzz:%s ' "${targets[@]}") >&2
bin=$(./bazelw info --config=fuzz bazel-bin 2>/dev/null)

status=0
summary=()
for t in "${targets[@]}"; do
  dir="$workdir/$t"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  dict=()
  [[ -f "fuzz/$t.dict" ]] && dict=(-dict="fuzz/$t.dict")
  echo "=== $t: ${seconds}s ===" >&2
  log="$dir/log.txt"
  if ! "$bin/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 \
      -timeout=10 -rss_limit_mb=4096 -max_len=4096 \
      -artifact_prefix="$dir/artifacts/" "${dict[@]}" \
      "$dir/corpus" "fuzz/corpus/$t" >"$log" 2>&1; then
    status=1
    echo "FINDING in $t: see $log and $dir/artifacts/" >&2
    tail -n 40 "$log" >&2
  fi
  if compgen -G "$dir/artifacts/*" >/dev/null; then status=1; fi
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log")
  speed=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log")
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  files=$(find "$dir/corpus" -type f | wc -l)
  summary+=("$(printf '%-18s %10s runs %8s exec/s  cov %6s  ft %6s  corpus %5s files' \
    "$t" "${runs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$files")")
done

echo
echo "Fuzzing summary (${seconds}s per target, ASan + UBSan):"
printf '  %s\n' "${summary[@]}"
exit "$status"
