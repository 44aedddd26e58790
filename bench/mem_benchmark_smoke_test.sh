#!/usr/bin/env bash
# The microbenchmarks run (small sizes only) and report their counters.
set -euo pipefail
out=$(bench/mem_benchmark --benchmark_min_time=0.001 \
  --benchmark_filter='Allocate|Copy|/1000(/manual_time)?$|/10000(/manual_time)?$|FromRaw/1$|Intern|Vector|MinorCollection/1000/')
grep -q "BM_AllocateNode" <<<"$out"
grep -q "BM_CollectLive/1000 .*ns_per_object=" <<<"$out"
grep -q "BM_CollectDead/10000/manual_time .*ns_per_object=" <<<"$out"
grep -q "BM_VectorPushPop" <<<"$out"
grep -q "BM_CollectClearingWeakMembers/1000/manual_time .*ns_per_object=" <<<"$out"
grep -q "BM_CollectEphemeronChain/1000 .*ns_per_object=" <<<"$out"
grep -q "BM_WeakTableCollectHalf/1000/manual_time .*bytes_per_entry=" <<<"$out"
grep -q "BM_MinorCollection/1000/iterations:1000/manual_time .*old=1000" <<<"$out"
echo "mem_benchmark_smoke_test: 8 passed, 0 failed"
