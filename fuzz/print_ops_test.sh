#!/usr/bin/env bash
# print_ops decodes each target's inputs into readable operations and
# refuses a bad target name.
set -euo pipefail
print_ops=fuzz/print_ops
corpus=fuzz/corpus

out=$("$print_ops" heap_graph_fuzzer "$corpus/heap_graph_fuzzer/seed-blobs")
grep -q "seed-blobs: full, pacing live-heap (growth 1), stress 0, heap limit none, bucket capacity 16; 12 operations" <<<"$out"
grep -q "  2  Link h0 -> h1" <<<"$out"
grep -q " 11  Collect" <<<"$out"

out=$("$print_ops" symbol_fuzzer "$corpus/symbol_fuzzer/seed-intern")
grep -q '  0  Intern h0 = "x"' <<<"$out"

out=$("$print_ops" coercion_fuzzer "$corpus/coercion_fuzzer/seed-probes")
grep -q "bucket capacity 4, 14 operations" <<<"$out"
grep -q "Probe live cell #2 -8 bytes" <<<"$out"

if "$print_ops" no_such_fuzzer x 2>err.txt; then exit 1; fi
grep -q "usage: print_ops" err.txt
echo "print_ops_test: 4 passed, 0 failed"
