// Runs the property tests with a fixed seed and 1000 cases per property
// unless RC_PARAMS says otherwise, so CI is deterministic. To reproduce a
// failure, or to run more cases locally:
//
//   ./bazelw test //proptest/... --test_env=RC_PARAMS="seed=7
//   max_success=100000"
#include <cstdlib>

#include "gtest/gtest.h"

int main(int argc, char** argv) {
  // RapidCheck reads RC_PARAMS once, on first use; nothing has used it yet.
  setenv("RC_PARAMS", "seed=20261125 max_success=1000", /*overwrite=*/0);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
