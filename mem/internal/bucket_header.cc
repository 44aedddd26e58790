#include "mem/internal/bucket_header.h"

#include <cstring>

#include "absl/strings/str_format.h"

namespace kamo::mem::internal {

BucketHeader::BucketHeader(std::uint32_t capacity, std::uint32_t slot_size,
                           std::uint32_t slot_alignment, const TypeInfo& type,
                           const void* owner)
    : owner_(owner),
      type_(&type),
      type_tag_(type.tag),
      slot_size_(slot_size),
      vacant_(capacity),
      capacity_(capacity) {
  std::byte* const block = reinterpret_cast<std::byte*>(this);
  const std::size_t words = BitmapWords(capacity);
  slots_ = block + SlotsOffset(slot_alignment);
  free_ = reinterpret_cast<std::uint64_t*>(
      block + MetadataOffset(slot_alignment, capacity, slot_size));
  occupied_ = free_ + words;
  marks_ = occupied_ + words;
  destructor_requested_ = marks_ + words;
  locks_ = reinterpret_cast<std::uint32_t*>(destructor_requested_ + words);
  reciprocal_ = SlotReciprocal(slot_size);
  MEM_DCHECK(reinterpret_cast<std::uintptr_t>(this) % kBucketAlignment == 0,
             "buckets are aligned");
  MEM_DCHECK(static_cast<std::size_t>(slots_ - block) +
                     std::size_t{capacity - 1} * slot_size <
                 kBucketAlignment,
             "every slot starts in the bucket's first kBucketAlignment bytes");
  std::memset(occupied_, 0, 3 * words * sizeof(std::uint64_t));
  std::memset(locks_, 0, std::size_t{capacity} * sizeof(std::uint32_t));
  // Every slot is vacant; the bits past the capacity stay clear.
  std::memset(free_, 0xff, words * sizeof(std::uint64_t));
  if (capacity % 64 != 0) {
    free_[words - 1] = (std::uint64_t{1} << (capacity % 64)) - 1;
  }
}

void BucketHeader::SetLocksForTesting(std::uint32_t index,
                                      std::uint32_t locks) {
  if (locks_[index] == 0 && locks != 0) ++locked_slots_;
  if (locks_[index] != 0 && locks == 0) --locked_slots_;
  locks_[index] = locks;
}

void BucketHeader::FailLock(std::uint32_t index, std::string_view type) const {
  const void* slot = SlotAt(index);
  MEM_CHECK(holds_live(index), "Pointer<%s>::Lock on vacant slot %p", type,
            slot);
  Fail(absl::StrFormat("Pointer<%s>::Lock: lock count overflow on slot %p",
                       type, slot));
}

void BucketHeader::FailUnlock(std::uint32_t index,
                              std::string_view type) const {
  const void* slot = SlotAt(index);
  MEM_CHECK(occupied(index), "Pointer<%s>::Unlock on vacant slot %p", type,
            slot);
  Fail(absl::StrFormat("Pointer<%s>::Unlock on unlocked slot %p", type, slot));
}

}  // namespace kamo::mem::internal
