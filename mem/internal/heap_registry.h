// Debug builds only (KAMO_MEM_DEBUG_CHECKS): which Mutator, and which of
// its arenas, owns an address. Every bucket's address range is registered
// when its arena adds it and unregistered when the arena lets it go, in
// one process-wide map (the Mutators may live on different threads, so it
// is locked). With it a store of a reference into another Mutator's heap
// is caught where it happens:
//
//   - at the store, when the field lies in a slot (a Member inside a managed
//     value, a value/ container's element) and the target in another
//     Mutator's bucket;
//   - when tracing, for fields the store could not place (a Member inside a
//     std::vector's buffer): a traced reference must lie in the heap being
//     collected.
//
// In opt builds none of this exists and the stores cost nothing more.
#ifndef KAMO_MEM_INTERNAL_HEAP_REGISTRY_H_
#define KAMO_MEM_INTERNAL_HEAP_REGISTRY_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "mem/check.h"

namespace kamo::mem::internal {

struct HeapOwner {
  const void* mutator = nullptr;
  std::string_view type;  // TypeName<T>() of the arena
};

#if KAMO_MEM_DEBUG_CHECKS
void RegisterBucket(std::uintptr_t begin, std::uintptr_t end,
                    const void* mutator, std::string_view type);
void UnregisterBucket(std::uintptr_t begin);
// The owner of the bucket `address` lies in, if any.
std::optional<HeapOwner> OwnerOf(const void* address);
// Stops the program, naming both types, if `field` lies in a bucket of one
// Mutator and `target` in a bucket of another.
void CheckSameHeap(const void* field, const void* target);
// Stops the program if `target`, reached by tracing the heap of `mutator`
// from a value at `holder`, lies in another Mutator's bucket.
void CheckTraced(const void* mutator, const void* holder, const void* target);
#endif

// A store of a reference to the slot at `target` into `field`: checked in
// debug builds, nothing in opt builds.
inline void CheckStore([[maybe_unused]] const void* field,
                       [[maybe_unused]] const void* target) {
#if KAMO_MEM_DEBUG_CHECKS
  if (target != nullptr) CheckSameHeap(field, target);
#endif
}

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_HEAP_REGISTRY_H_
