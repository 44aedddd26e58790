// How long the long-chain tests make their chains: `fallback` (10 million
// in mem/, a million in value/) unless the environment says otherwise.
// KAMO_STRESS_CHAIN_LENGTH (set by the stress suite, where each allocation
// collects and a long chain would take quadratic time) wins over
// KAMO_CHAIN_LENGTH (set by the sanitizer configs), which --test_env
// would otherwise impose on the stress suite too.
#ifndef KAMO_MEM_TESTING_CHAIN_LENGTH_H_
#define KAMO_MEM_TESTING_CHAIN_LENGTH_H_

#include <cstddef>
#include <cstdlib>
#include <string>

namespace kamo::mem::testing {

inline std::size_t ChainLength(std::size_t fallback) {
  for (const char* name : {"KAMO_STRESS_CHAIN_LENGTH", "KAMO_CHAIN_LENGTH"}) {
    if (const char* env = std::getenv(name)) return std::stoul(env);
  }
  return fallback;
}

}  // namespace kamo::mem::testing

#endif  // KAMO_MEM_TESTING_CHAIN_LENGTH_H_
