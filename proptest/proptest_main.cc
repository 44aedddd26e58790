// Runs the property tests with a fixed seed and 1000 cases per property
// (300 under a sanitizer, where each case costs about 30 times as much and
// the heap is verified after every collection) unless RC_PARAMS says
// otherwise, so CI is deterministic. To reproduce a failure, or to run
// more cases locally:
//
//   ./bazelw test //proptest/... --test_env=RC_PARAMS="seed=7
//   max_success=100000"
#include <cstdlib>

#include "gtest/gtest.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(undefined_behavior_sanitizer)
#define KAMO_PROPTEST_SANITIZED 1
#endif
#endif

int main(int argc, char** argv) {
#ifdef KAMO_PROPTEST_SANITIZED
  constexpr const char* kDefaultParams = "seed=20261125 max_success=300";
#else
  constexpr const char* kDefaultParams = "seed=20261125 max_success=1000";
#endif
  // RapidCheck reads RC_PARAMS once, on first use; nothing has used it yet.
  setenv("RC_PARAMS", kDefaultParams, /*overwrite=*/0);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
