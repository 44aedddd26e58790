#include "mem/internal/bucket_header.h"

#include <algorithm>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "mem/internal/block_pool.h"

namespace kamo::mem::internal {

struct BucketHeader::LockOverflow {
  absl::flat_hash_map<std::uint32_t, std::uint32_t> locks;
};

BucketHeader::BucketHeader(std::uint32_t capacity, std::uint32_t slot_size,
                           std::uint32_t slot_alignment, const TypeInfo& type,
                           const void* owner, HeapBarrier* barrier,
                           void* metadata)
    : owner_(owner),
      barrier_(barrier),
      type_(&type),
      type_tag_(type.tag),
      slot_size_(slot_size),
      vacant_(capacity),
      capacity_(capacity) {
  std::byte* const block = reinterpret_cast<std::byte*>(this);
  const std::size_t words = BitmapWords(capacity);
  slots_ = block + SlotsOffset(slot_alignment);
  free_ = static_cast<std::uint64_t*>(metadata);
  occupied_ = free_ + words;
  marks_ = occupied_ + words;
  destructor_requested_ = marks_ + words;
  remembered_ = destructor_requested_ + words;
  survivors_ = remembered_ + words;
  promoted_ = survivors_ + words;
  locks_ = reinterpret_cast<std::uint16_t*>(promoted_ + words);
  reciprocal_ = SlotReciprocal(slot_size);
  MEM_DCHECK(reinterpret_cast<std::uintptr_t>(this) % kBucketAlignment == 0,
             "buckets are aligned");
  MEM_DCHECK(static_cast<std::size_t>(slots_ - block) +
                     std::size_t{capacity - 1} * slot_size <
                 kBucketAlignment,
             "every slot starts in the bucket's first kBucketAlignment bytes");
  std::memset(occupied_, 0, 6 * words * sizeof(std::uint64_t));
  std::memset(locks_, 0, std::size_t{capacity} * sizeof(std::uint16_t));
  // Every slot is vacant; the bits past the capacity stay clear.
  std::memset(free_, 0xff, words * sizeof(std::uint64_t));
  if (capacity % 64 != 0) {
    free_[words - 1] = (std::uint64_t{1} << (capacity % 64)) - 1;
  }
}

BucketHeader::~BucketHeader() = default;

void* BucketHeader::AllocateMetadata(std::uint32_t capacity) {
  return AllocateMetadataBytes(MetadataBytes(capacity));
}

void BucketHeader::FreeMetadata(void* metadata, std::uint32_t capacity) {
  FreeMetadataBytes(metadata, MetadataBytes(capacity));
}

std::uint32_t BucketHeader::OverflowLocks(std::uint32_t index) const {
  if (lock_overflow_ == nullptr) return 0;
  const auto it = lock_overflow_->locks.find(index);
  return it == lock_overflow_->locks.end() ? 0 : it->second;
}

bool BucketHeader::AddOverflowLock(std::uint32_t index) {
  if (OverflowLocks(index) == kMaxLocks - kSaturatedLocks) return false;
  if (lock_overflow_ == nullptr) {
    lock_overflow_ = std::make_unique<LockOverflow>();
  }
  ++lock_overflow_->locks[index];
  return true;
}

bool BucketHeader::RemoveOverflowLock(std::uint32_t index) {
  if (lock_overflow_ == nullptr) return false;
  const auto it = lock_overflow_->locks.find(index);
  if (it == lock_overflow_->locks.end()) return false;
  if (--it->second == 0) lock_overflow_->locks.erase(it);
  return true;
}

bool BucketHeader::OverflowIsConsistent() const {
  if (lock_overflow_ == nullptr) return true;
  for (const auto& [index, locks] : lock_overflow_->locks) {
    if (index >= capacity_ || locks_[index] != kSaturatedLocks || locks == 0) {
      return false;
    }
  }
  return true;
}

void BucketHeader::SetLocksForTesting(std::uint32_t index,
                                      std::uint32_t locks) {
  if (locks_[index] == 0 && locks != 0) ++locked_slots_;
  if (locks_[index] != 0 && locks == 0) --locked_slots_;
  locks_[index] = static_cast<std::uint16_t>(
      std::min<std::uint32_t>(locks, kSaturatedLocks));
  if (lock_overflow_ == nullptr) {
    lock_overflow_ = std::make_unique<LockOverflow>();
  }
  lock_overflow_->locks.erase(index);
  if (locks > kSaturatedLocks) {
    lock_overflow_->locks[index] = locks - kSaturatedLocks;
  }
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
