// The write barrier: every store of a reference to a managed value into a
// managed value goes through it (Member, WeakMember and Ephemeron
// assignments and copies; value/'s Field stores through mem::WriteBarrier
// in handle.h). It is the one hook of generational and incremental
// collection.
//
// In every heap, debug builds check that the store stays in one Mutator's
// heap (heap_registry.h). In a heap with sticky marks (bucket_header.h) a
// store whose target is unmarked goes out of line:
//
//   - while an incremental collection is marking, the target is shaded
//     (marked and pushed for tracing): a Dijkstra insertion barrier. It
//     keeps the strong tri-color invariant (no black value refers to a
//     white one) at every store, so a step never has to trace a value
//     twice, and the stores between steps need no log for the finish to
//     replay. (Yuasa's deletion barrier would shade the old target instead,
//     which needs a load of the field before every store, and leaves the
//     values allocated during marking to be traced at the finish.) Weak
//     and ephemeron stores shade too: a holder allocated during marking may
//     never be traced, so its weak targets live through this collection
//     rather than be freed under it;
//   - otherwise, in a generational heap, the target is young, and is
//     remembered when its holder is old, so that a minor collection, which
//     traces only young values, still finds every reference into them
//     (remembered_set.h). A young holder needs nothing: the collection that
//     promotes it traces it whole.
//
// Only a marked holder needs either: an unmarked one is young, or white
// (a Dijkstra barrier shades only what a black holder is given; a gray one
// is marked too and shaded for, conservatively). The fast path, inlined,
// loads the target's bucket header and, in a heap with sticky marks, its
// mark word, then the holder's when the holder is known without a lookup:
// value/'s Fields, and a Member in the target's own chunk.
//
// An initializing store into a value under construction finds its holder
// young and records nothing; during marking, a value allocated is shaded
// after its constructor has run (Mutator::Allocate), so constructors need
// no special path.
#ifndef KAMO_MEM_INTERNAL_WRITE_BARRIER_H_
#define KAMO_MEM_INTERNAL_WRITE_BARRIER_H_

#include "mem/internal/bucket_header.h"
#include "mem/internal/heap_registry.h"

namespace kamo::mem::internal {

// Whether the slot `index()` of `bucket` is unmarked. A bucket that holds
// no mark at all (its exact count, in the header just loaded) answers
// without the index's multiply and a load of its mark bitmap: a bucket of
// young values only, where most stores land (GCBench: typed Node 0.90x
// the time, value/ 0.96x).
template <typename IndexFn>
[[gnu::always_inline]] inline bool UnmarkedSlot(const BucketHeader* bucket,
                                                IndexFn index) {
  return bucket->marked_count() == 0 || !bucket->marked(index());
}

// Whether a store of `target` (null for none) may need the slow path: an
// unmarked target in a heap with sticky marks.
[[gnu::always_inline]] inline bool StoresUnmarked(const void* target) {
  if (target == nullptr) return false;
  const BucketHeader* bucket = BucketHeader::Of(target);
  return bucket->barrier() != nullptr &&
         UnmarkedSlot(bucket, [&] { return bucket->IndexOf(target); });
}

// Whether the value at `holder` is unmarked: young between collections,
// white while marking. A store into it needs nothing in either mode (the
// collection that promotes or traces it finds its fields then).
[[gnu::always_inline]] inline bool Unmarked(const void* holder) {
  const BucketHeader* bucket = BucketHeader::Of(holder);
  return UnmarkedSlot(bucket, [&] { return bucket->IndexOf(holder); });
}

// Whether `field` is known to lie in an unmarked value without a lookup:
// it lies in `target`'s chunk, and so in the target's bucket (a bucket owns
// whole chunks), in a slot that is not marked. Stores between neighbours,
// the common case, end here.
[[gnu::always_inline]] inline bool InUnmarkedNeighbour(const void* field,
                                                       const void* target) {
  const auto f = reinterpret_cast<std::uintptr_t>(field);
  const auto t = reinterpret_cast<std::uintptr_t>(target);
  if (((f ^ t) & ~(kBucketAlignment - 1)) != 0) return false;
  const BucketHeader* bucket = BucketHeader::Of(target);
  return UnmarkedSlot(bucket, [&] { return bucket->IndexContaining(field); });
}

// The slow paths (write_barrier.cc): the holder is the value at `holder`
// (a slot's start), or the one whose slot contains `field`, if any. They
// throw std::bad_alloc (a full mark stack or remembered set that cannot
// grow) having changed nothing.
[[gnu::noinline]] void StoreUnmarkedInto(const void* holder,
                                         const void* target);
[[gnu::noinline]] void StoreUnmarkedAt(const void* field, const void* target);

// A store of `target` into the managed value at `holder` (its own
// address): value/'s Fields, which know their holder.
[[gnu::always_inline]] inline void WriteBarrierInto(const void* holder,
                                                    const void* target) {
  CheckStore(holder, target);
  if (StoresUnmarked(target) && !Unmarked(holder)) [[unlikely]] {
    StoreUnmarkedInto(holder, target);
  }
}

// A store of `target` into the reference at `field`, wherever it lies: in
// a managed value's slot (its holder is found from the ChunkTable) or
// outside the heap (a std::vector's buffer, the C++ stack), where a young
// target itself is remembered.
[[gnu::always_inline]] inline void WriteBarrierAt(const void* field,
                                                  const void* target) {
  CheckStore(field, target);
  if (StoresUnmarked(target) && !InUnmarkedNeighbour(field, target))
      [[unlikely]] {
    StoreUnmarkedAt(field, target);
  }
}

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_WRITE_BARRIER_H_
