#!/bin/bash -eu
# OSS-Fuzz build script: builds every kamo-mem fuzz target from $CC, $CXX,
# $CFLAGS, $CXXFLAGS and $LIB_FUZZING_ENGINE into $OUT, with
# <target>_seed_corpus.zip and <target>.dict beside each binary.
#
# In OSS-Fuzz, $SRC/kamo-mem is the checkout. To try it locally:
#   SRC=$PWD/.. OUT=/tmp/out CC=clang-14 CXX=clang++-14 \
#   CFLAGS="-fsanitize=address,fuzzer-no-link" \
#   CXXFLAGS="-fsanitize=address,fuzzer-no-link" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer tools/oss-fuzz/build.sh
# (bazel is not used: OSS-Fuzz images build with the compiler directly).

project=${SRC}/kamo-mem
[[ -d "$project/mem" ]] || project=$(cd "$(dirname "$0")/../.." && pwd)
cd "$project"

mkdir -p "$OUT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

absl_libs=$(pkg-config --libs absl_statusor absl_str_format absl_strings \
  absl_flat_hash_map absl_flat_hash_set absl_hash)
# The harness's value/ reports lifetimes to its ledger (value/ledger_hook.h):
# everything is built with the hook on, as //value:value_with_ledger is.
# Coverage is for kamo's code, not the standard library's or the harness's.
cxx="$CXX $CXXFLAGS -std=c++20 -I$project -O1 -g -DKAMO_VALUE_LEDGER"
cxx+=" -fsanitize-coverage-ignorelist=$project/fuzz/coverage_ignorelist.txt"

# The libraries every target shares, compiled once: every non-test source
# of mem/ and value/, and the fuzz harness.
mapfile -t library_sources < <(
  find mem value -name '*.cc' ! -name '*_test.cc' | sort
  echo testing/ledger.cc
  echo testing/heap_graph.cc
  echo fuzz/heap_graph_ops.cc
  echo fuzz/coercion_ops.cc
)
# One compiler a core; `wait -n` stops at the first failure.
objects=()
jobs=$(nproc)
for source in "${library_sources[@]}"; do
  object="$work/$(echo "$source" | tr / _).o"
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n; done
  $cxx -c "$source" -o "$object" &
  objects+=("$object")
done
while (($(jobs -rp | wc -l) > 0)); do wait -n; done

for target in heap_graph_fuzzer symbol_fuzzer coercion_fuzzer; do
  $cxx -c "fuzz/$target.cc" -o "$work/$target.o"
  $cxx "$work/$target.o" "${objects[@]}" $LIB_FUZZING_ENGINE $absl_libs \
    -o "$OUT/$target"
  (cd "fuzz/corpus/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
  if [[ -f "fuzz/$target.dict" ]]; then
    cp "fuzz/$target.dict" "$OUT/$target.dict"
  fi
done
