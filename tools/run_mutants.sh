#!/usr/bin/env bash
# A mutation check of the collector, a test of the tests: each patch in
# tools/mutants/ breaks the collector in one way (a missed trace edge, a
# lock the root scan ignores, a destructor skipped, ...). For each, a
# scratch copy of the committed tree (HEAD) gets the patch and runs the
# quick suite (the
# unit tests of mem/ and value/, the fuzz corpora replayed through the
# oracle, and the properties with 200 cases each); the mutant must make it
# fail. Prints which tests caught each mutant; exits non-zero if any
# mutant survived or a patch no longer applies.
#
#   tools/run_mutants.sh [SCRATCH_DIR] [PATCH...]   (default: all patches)
#
# Not in CI: with one incremental rebuild per mutant it takes 15-30 minutes
# on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=${1:-/tmp/kamo-mutants}
shift || true
patches=("$@")
((${#patches[@]})) || patches=(tools/mutants/*.patch)

quick=(
  //mem:arena_test //mem:bucket_test //mem:collection_event_test
  //mem:external_memory_test //mem:generational_test //mem:handle_test
  //mem:lazy_sweep_test
  //mem:misuse_death_test
  //mem:mutator_coercion_test //mem:mutator_collect_test
  //mem:mutator_pacing_test //mem:mutator_stats_test //mem:pointer_test
  //mem:weak_member_test //mem:weak_test //mem:ephemeron_test
  //value:pair_test //value:vector_test //value:scalar_types_test
  //value:weak_types_test //value:hashtable_test
  //mem:mutator_collect_test_full //value:pair_test_full
  //mem:incremental_test //mem:mutator_collect_test_incremental
  //value:pair_test_incremental
  //fuzz:heap_graph_fuzzer_replay_test
  //fuzz:symbol_fuzzer_replay_test //fuzz:coercion_fuzzer_replay_test
  //fuzz:oracle_teeth_test //proptest:collector_properties_test
  //proptest:mutator_state_machine_test
)

# One scratch tree, reset before each mutant, so Bazel rebuilds only what a
# patch touches.
mkdir -p "$scratch"
sync_tree() {
  git archive --format=tar HEAD | tar -C "$scratch" -xf -
}

survived=0
results=()
for patch in "${patches[@]}"; do
  name=$(basename "$patch" .patch)
  sync_tree
  if ! patch -s -d "$scratch" -p1 <"$patch"; then
    results+=("$name: the patch no longer applies")
    survived=$((survived + 1))
    continue
  fi
  log="$scratch.$name.log"
  if (cd "$scratch" && ./bazelw test --color=no --curses=no \
        --test_env=RC_PARAMS="seed=20261125 max_success=200" \
        --test_output=summary "${quick[@]}") >"$log" 2>&1; then
    results+=("$name: SURVIVED (the quick suite passed)")
    survived=$((survived + 1))
  else
    caught=$(grep -E '^//.*(FAILED|TIMEOUT)' "$log" | awk '{print $1}' | tr '\n' ' ')
    [[ -n "$caught" ]] || caught="the build ($(grep -m1 -E 'error' "$log" || echo failed))"
    results+=("$name: caught by $caught")
  fi
  echo "${results[-1]}" >&2
done
sync_tree  # leave the scratch tree unpatched

echo "mutants:"
printf '  %s\n' "${results[@]}"
echo "run_mutants: $((${#patches[@]} - survived)) caught, $survived survived"
((survived == 0))
