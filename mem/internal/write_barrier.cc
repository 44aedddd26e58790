#include "mem/internal/write_barrier.h"

#include "mem/internal/chunk_table.h"
#include "mem/internal/heap_barrier.h"
#include "mem/internal/marker.h"
#include "mem/internal/remembered_set.h"

namespace kamo::mem::internal {
namespace {

// The incremental half: shades `target` if its heap is marking. Returns
// whether it was.
[[gnu::always_inline]] inline bool ShadeIfMarking(const void* target) {
  Marker* marker = BucketHeader::Of(target)->barrier()->marking;
  if (marker == nullptr) return false;
  marker->Shade(target);
  return true;
}

// The generational remembered set of `target`'s heap, null if the heap is
// not generational.
RememberedSet* RememberedSetOf(const void* target) {
  return BucketHeader::Of(target)->barrier()->remembered;
}

// Remembers the value at `index` of `holder` if it is old.
[[gnu::always_inline]] inline void RememberIfOld(RememberedSet& remembered,
                                                 BucketHeader* holder,
                                                 std::uint32_t index) {
  if (holder->marked(index)) remembered.Add(holder, index);
}

}  // namespace

void StoreUnmarkedInto(const void* holder, const void* target) {
  if (ShadeIfMarking(target)) return;
  RememberedSet* remembered = RememberedSetOf(target);
  if (remembered == nullptr) return;
  BucketHeader* bucket = BucketHeader::Of(holder);
  RememberIfOld(*remembered, bucket, bucket->IndexOf(holder));
}

void StoreUnmarkedAt(const void* field, const void* target) {
  if (ShadeIfMarking(target)) return;
  RememberedSet* remembered = RememberedSetOf(target);
  if (remembered == nullptr) return;
  const void* start = ChunkTable::BucketStart(field);
  if (start == nullptr) {
    // Outside the heap: the holder is unknown, so the target is kept
    // through the next collection instead.
    BucketHeader* bucket = BucketHeader::Of(target);
    remembered->Add(bucket, bucket->IndexOf(target));
    return;
  }
  // The block holds a bucket (a live value's field lies in it), whose
  // header is the block's start.
  BucketHeader* bucket = static_cast<BucketHeader*>(const_cast<void*>(start));
  RememberIfOld(*remembered, bucket, bucket->IndexContaining(field));
}

}  // namespace kamo::mem::internal
