#include "mem/internal/write_barrier.h"

#include "mem/internal/chunk_table.h"
#include "mem/internal/remembered_set.h"

namespace kamo::mem::internal {
namespace {

// Remembers the value at `index` of `holder` if it is old.
void RememberIfOld(BucketHeader* holder, std::uint32_t index,
                   const void* target) {
  if (!holder->marked(index)) return;
  BucketHeader::Of(target)->remembered_set()->Add(holder, index);
}

}  // namespace

void RememberStoreInto(const void* holder, const void* target) {
  BucketHeader* bucket = BucketHeader::Of(holder);
  RememberIfOld(bucket, bucket->IndexOf(holder), target);
}

void RememberStoreAt(const void* field, const void* target) {
  const void* start = ChunkTable::BucketStart(field);
  if (start == nullptr) {
    // Outside the heap: the holder is unknown, so the target is kept
    // through the next collection instead.
    BucketHeader* bucket = BucketHeader::Of(target);
    bucket->remembered_set()->Add(bucket, bucket->IndexOf(target));
    return;
  }
  // The block holds a bucket (a live value's field lies in it), whose
  // header is the block's start.
  BucketHeader* bucket = static_cast<BucketHeader*>(const_cast<void*>(start));
  RememberIfOld(bucket, bucket->IndexContaining(field), target);
}

}  // namespace kamo::mem::internal
