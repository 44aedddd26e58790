// The collection mode for a test of what pressure and stress collections
// do when they run at once: the mode the environment (KAMO_MEM_MODE, set
// by the stress twins, see bazel/stress.bzl) or the default chooses, with
// incremental major collections made atomic: "incremental" becomes kFull
// and "generational-incremental" kGenerational. Incremental collections
// have tests of their own (mem/incremental_test.cc).
#ifndef KAMO_MEM_TESTING_ATOMIC_MODE_H_
#define KAMO_MEM_TESTING_ATOMIC_MODE_H_

#include "mem/mutator.h"

namespace kamo::mem::testing {

inline CollectionMode AtomicMode() {
  switch (Mutator(MutatorOptions{.stress_interval = 0}).mode()) {
    case CollectionMode::kIncremental:
      return CollectionMode::kFull;
    case CollectionMode::kGenerationalIncremental:
      return CollectionMode::kGenerational;
    case CollectionMode::kFull:
    case CollectionMode::kGenerational:
      break;
  }
  return Mutator(MutatorOptions{.stress_interval = 0}).mode();
}

}  // namespace kamo::mem::testing

#endif  // KAMO_MEM_TESTING_ATOMIC_MODE_H_
