// A test-only hook on the lifetime of value/'s managed types, so that the
// test harness can tell which values were destroyed without asking the
// collector (testing/ledger.h). Each type reports at the end of its
// constructor and in its destructor. Only the //value:value_with_ledger
// build defines KAMO_VALUE_LEDGER; everywhere else the calls are empty
// inline functions and compile to nothing.
#ifndef KAMO_VALUE_LEDGER_HOOK_H_
#define KAMO_VALUE_LEDGER_HOOK_H_

#include "mem/handle.h"

namespace kamo::value::internal {

#if defined(KAMO_VALUE_LEDGER)
// Defined by the harness (testing/ledger.cc).
void LedgerConstructed(const char* type, const void* address);
void LedgerDestroyed(const char* type, const void* address);
#endif

inline void RecordConstructed([[maybe_unused]] const char* type,
                              [[maybe_unused]] const void* address) {
#if defined(KAMO_VALUE_LEDGER)
  LedgerConstructed(type, address);
  // Every destruction is recorded, also of types whose destructor runs
  // only on request (mem/handle.h's RequestDestructorAt).
  mem::RequestDestructorAt(address);
#endif
}

inline void RecordDestroyed([[maybe_unused]] const char* type,
                            [[maybe_unused]] const void* address) {
#if defined(KAMO_VALUE_LEDGER)
  LedgerDestroyed(type, address);
#endif
}

}  // namespace kamo::value::internal

#endif  // KAMO_VALUE_LEDGER_HOOK_H_
