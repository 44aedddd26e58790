// Checks for misuse and invariants, in three levels (after mimalloc):
//
//   MEM_CHECK            always on: misuse that would corrupt the heap
//                        (unlocking a vacant slot, lock-count overflow, ...).
//   MEM_DCHECK           O(1) internal facts; on in debug and sanitizer
//                        builds (!NDEBUG or KAMO_MEM_DEBUG).
//   MEM_DCHECK_EXPENSIVE O(n) walks; only with KAMO_MEM_DEBUG, and not in
//                        the fuzzing build (KAMO_MEM_FUZZING), whose harness
//                        walks the heap itself every few collections.
//
// A failed check prints "kamo::mem: <message>" to stderr and aborts. Each
// message names the operation and the managed type.
#ifndef KAMO_MEM_CHECK_H_
#define KAMO_MEM_CHECK_H_

#include <string_view>

#include "absl/strings/str_format.h"

namespace kamo::mem::internal {

[[noreturn]] void Fail(std::string_view message);

}  // namespace kamo::mem::internal

// The message is formatted in a cold lambda of its own, so that a check
// adds a compare and a branch to the code around it and nothing else (no
// formatting code, no stack frame for it, in a hot path).
#define MEM_CHECK(condition, ...)                                  \
  do {                                                             \
    if (!(condition)) [[unlikely]] {                               \
      [&]() __attribute__((noinline, cold)) {                      \
        ::kamo::mem::internal::Fail(absl::StrFormat(__VA_ARGS__)); \
      }                                                            \
      ();                                                          \
    }                                                              \
  } while (false)

// Debug builds (!NDEBUG, or KAMO_MEM_DEBUG as the sanitizer configs set)
// also catch misuse that costs a lookup: a reference stored across two
// Mutators' heaps, a Mutator used from another thread.
#if !defined(NDEBUG) || defined(KAMO_MEM_DEBUG)
#define KAMO_MEM_DEBUG_CHECKS 1
#else
#define KAMO_MEM_DEBUG_CHECKS 0
#endif

#if KAMO_MEM_DEBUG_CHECKS
#define MEM_DCHECK(condition, reason) \
  MEM_CHECK(condition, "internal check failed: %s (%s)", #condition, reason)
#else
#define MEM_DCHECK(condition, reason) \
  do {                                \
  } while (false && (condition))
#endif

#if defined(KAMO_MEM_DEBUG) && !defined(KAMO_MEM_FUZZING)
#define MEM_DCHECK_EXPENSIVE(condition, reason) MEM_DCHECK(condition, reason)
#else
#define MEM_DCHECK_EXPENSIVE(condition, reason) \
  do {                                          \
  } while (false && (condition))
#endif

#endif  // KAMO_MEM_CHECK_H_
