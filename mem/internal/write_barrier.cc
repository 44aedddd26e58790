#include "mem/internal/write_barrier.h"

#include "mem/internal/chunk_table.h"
#include "mem/internal/heap_barrier.h"
#include "mem/internal/marker.h"
#include "mem/internal/remembered_set.h"

namespace kamo::mem::internal {
namespace {

// A store of the unmarked `target` into a marked value, or outside the
// heap (`holder` null): shades the target if its heap is marking;
// otherwise, in a generational heap, remembers the holder (old, as it is
// marked), or the target itself when the holder is unknown.
void StoreIntoMarked(BucketHeader* holder, std::uint32_t index,
                     const void* target) {
  BucketHeader* const bucket = BucketHeader::Of(target);
  const HeapBarrier& barrier = *bucket->barrier();
  if (barrier.marking != nullptr) {
    barrier.marking->Shade(target);
  } else if (barrier.remembered == nullptr) {
    return;
  } else if (holder != nullptr) {
    barrier.remembered->Add(holder, index);
  } else {
    barrier.remembered->Add(bucket, bucket->IndexOf(target));
  }
}

}  // namespace

void StoreUnmarkedInto(const void* holder, const void* target) {
  BucketHeader* bucket = BucketHeader::Of(holder);
  StoreIntoMarked(bucket, bucket->IndexOf(holder), target);
}

void StoreUnmarkedAt(const void* field, const void* target) {
  const void* start = ChunkTable::BucketStart(field);
  if (start == nullptr) {
    // Outside the heap: the holder is unknown, so the target is shaded or
    // kept through the next collection instead.
    StoreIntoMarked(nullptr, 0, target);
    return;
  }
  // The block holds a bucket (a live value's field lies in it), whose
  // header is the block's start.
  BucketHeader* bucket = static_cast<BucketHeader*>(const_cast<void*>(start));
  const std::uint32_t index = bucket->IndexContaining(field);
  if (bucket->marked(index)) StoreIntoMarked(bucket, index, target);
}

}  // namespace kamo::mem::internal
