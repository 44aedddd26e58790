// The write barrier: every store of a reference to a managed value into a
// managed value goes through it (Member, WeakMember and Ephemeron
// assignments and copies; value/'s Field stores through mem::WriteBarrier
// in handle.h). It is the one hook of generational collection.
//
// In every heap, debug builds check that the store stays in one Mutator's
// heap (heap_registry.h). In a generational heap (sticky marks, see
// bucket_header.h) a store of a young target is remembered when its holder
// is old, so that a minor collection, which traces only young values, still
// finds every reference into them (remembered_set.h). A young holder needs
// nothing: the collection that promotes it traces it whole. The fast path,
// inlined, is a load of the target's bucket header and, in a generational
// heap, of its mark word; only a young target goes out of line.
//
// An initializing store into a value under construction finds its holder
// young and records nothing, so constructors need no special path.
#ifndef KAMO_MEM_INTERNAL_WRITE_BARRIER_H_
#define KAMO_MEM_INTERNAL_WRITE_BARRIER_H_

#include "mem/internal/bucket_header.h"
#include "mem/internal/heap_registry.h"

namespace kamo::mem::internal {

// Whether a store of `target` (null for none) needs the generational
// barrier's slow path: a young target in a generational heap.
inline bool StoresYoung(const void* target) {
  if (target == nullptr) return false;
  const BucketHeader* bucket = BucketHeader::Of(target);
  return bucket->remembered_set() != nullptr &&
         !bucket->marked(bucket->IndexOf(target));
}

// The slow paths (write_barrier.cc): the holder is the value at `holder`
// (a slot's start), or the one whose slot contains `field`, if any.
[[gnu::noinline]] void RememberStoreInto(const void* holder,
                                         const void* target);
[[gnu::noinline]] void RememberStoreAt(const void* field, const void* target);

// A store of `target` into the managed value at `holder` (its own
// address): value/'s Fields, which know their holder.
[[gnu::always_inline]] inline void WriteBarrierInto(const void* holder,
                                                    const void* target) {
  CheckStore(holder, target);
  if (StoresYoung(target)) [[unlikely]] {
    RememberStoreInto(holder, target);
  }
}

// A store of `target` into the reference at `field`, wherever it lies: in
// a managed value's slot (its holder is found from the ChunkTable) or
// outside the heap (a std::vector's buffer, the C++ stack), where the
// target itself is remembered.
[[gnu::always_inline]] inline void WriteBarrierAt(const void* field,
                                                  const void* target) {
  CheckStore(field, target);
  if (StoresYoung(target)) [[unlikely]] {
    RememberStoreAt(field, target);
  }
}

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_WRITE_BARRIER_H_
